// The fused GRU sequence op: one autograd node for a whole layer-direction, with hand-derived BPTT
// as its backward (no per-time-step graph nodes). Same layout and GEMM plan as rnnSequence.
//
// Legend: T time, B batch, I input features, H hidden units, G = 3H (gates r, z, n, PyTorch's order
// along the rows of W_ih [G,I] and W_hh [G,H]). x [T,B,I] is time-major ([B,T,I] batchFirst).
//   forward   u_t = x_t W_ihᵀ + b_ih = [u_r u_z u_n],   v_t = h_{t−1} W_hhᵀ + b_hh = [v_r v_z v_n]
//             r = σ(u_r + v_r),  z = σ(u_z + v_z),  n = tanh(u_n + r ⊙ v_n)
//             h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}     (computed as (h_{t−1} − n) ⊙ z + n, as ATen does)
//   backward  dh_t = ∂L/∂h_t + dh_{t+1} ⊙ z_{t+1} + dv_{t+1} W_hh
//             dn' = dh_t ⊙ (1 − z) ⊙ (1 − n²)            (n' = u_n + r ⊙ v_n)
//             dz' = dh_t ⊙ (h_{t−1} − n) ⊙ z(1 − z),   dr' = dn' ⊙ v_n ⊙ r(1 − r)
//             du = [dr' dz' dn'],   dv = [dr' dz' dn' ⊙ r]
//             dW_ih = Σ_t du_tᵀ x_t,  db_ih = Σ_t du_t,  dx_t = du_t W_ih,
//             dW_hh = Σ_t dv_tᵀ h_{t−1},  db_hh = Σ_t dv_t
// v_n = W_hn h + b_hn is kept from the forward: r's gradient needs it (b_hn sits inside r ⊙ (·),
// which is why the two biases are not merged as they are for the RNN and the LSTM).
// The input projection (all t at once), dx and the weight gradients are single large matmuls over
// all T·B rows; only h_{t−1} W_hhᵀ (all three gates at once, B×H·H×3H) is a per-step product.
// A reverse direction walks t = T−1 … 0, and its "previous" state is h_{t+1}. Packed (x [N,I],
// see sequence.ts), step t updates only its first batchSizes[t] rows, forwards and backwards.
import { alloc } from '../../tensor/dtype.js';
import { kernels } from '../../tensor/kernels.js';
import { fmtShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../engine.js';
import {
  type SequenceOptions, addProjectionGrads, addRowSum, gruSteps, gruStepsBackward, resident, sequenceLayout, stepPlan,
  workBuffer,
} from './sequence.js';
import { ValueError } from '../../errors.js';

export type GruSequenceOptions = SequenceOptions;

/** Runs one GRU layer in one direction over the sequence; returns all hidden states [T,B,H] ([B,T,H] batchFirst, [N,H] packed). */
export function gruSequence(
  x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null,
  opts: GruSequenceOptions,
): Tensor {
  const l = sequenceLayout('gruSequence', x, opts);
  const { B } = l;
  const I = x.shape[x.ndim - 1]!, H = wHh.shape[1]!, G = 3 * H;
  const isG = (t: Tensor | null) => t === null || (t.ndim === 1 && t.shape[0] === G);
  if (wIh.ndim !== 2 || wIh.shape[0] !== G || wIh.shape[1] !== I || wHh.shape[0] !== G
    || h0.ndim !== 2 || h0.shape[0] !== B || h0.shape[1] !== H || !isG(bIh) || !isG(bHh)) {
    throw new ValueError(`gruSequence: x ${fmtShape(x.shape)}, h0 ${fmtShape(h0.shape)}, weight_ih ${fmtShape(wIh.shape)} and weight_hh ${fmtShape(wHh.shape)} do not agree (expects x ${l.want}, h0 [B,H], weight_ih [3H,I], weight_hh [3H,H], biases [3H])`);
  }
  const k = kernels(), { gemm } = k;
  const dt = x.dtype;
  const inputs = [x, h0, wIh, wHh, ...(bIh ? [bIh] : []), ...(bHh ? [bHh] : [])];
  // unrecorded (noGrad, generation), the work buffers are reused and nothing is kept for backward
  const recorded = needsGrad(...inputs);
  const TB = l.rows;
  const out = new Tensor(alloc(dt, TB * H), l.shapeOf(H));
  const Y = out.data, X = x.data, Wi = wIh.data, W = wHh.data, H0 = h0.data;

  // A [T·B,G]: u = x W_ihᵀ + b_ih for all steps at once, overwritten step by step with r, z, n
  const A = workBuffer('gru.A', dt, TB * G, recorded);
  if (TB > 0 && bIh !== null) {
    A.set(bIh.data);
    for (let r = 1; r < TB; r++) A.copyWithin(r * G, 0, G);
  } else A.fill(0);
  if (TB > 0 && I > 0) gemm(TB, G, I, X, 0, I, 1, Wi, 0, 1, I, A, 0, G, true, { b: resident(wIh) });
  // v_n = W_hn h_{t−1} + b_hn, same row layout as the output (every row is written); each step
  // computes v = h_{t−1} W_hhᵀ + b_hh (one product) and one cell kernel overwrites A's rows with r, z, n
  const VN = workBuffer('gru.VN', dt, TB * H, recorded);
  const steps = stepPlan(l, H), w = resident(wHh), bhh = bHh ? bHh.data : null;
  if (!k.gruSequence?.(steps, A, W, w, bhh, H0, VN, Y)) gruSteps(k, steps, A, W, w, bhh, H0, VN, Y);

  if (!recorded) return out;
  return record(out, 'gruSequence', inputs, (gY, acc) => {
    // reused scratch: every row is assigned by the walk and neither outlives this backward
    const dU = workBuffer('gru.dU', dt, TB * G, false), dV = workBuffer('gru.dV', dt, TB * G, false);
    const gh0 = acc(h0);
    if (!k.gruSequenceBackward?.(steps, A, Y, H0, VN, gY, W, w, dU, dV, gh0)) {
      gruStepsBackward(k, steps, A, Y, H0, VN, gY, W, w, dU, dV, gh0);
    }
    addProjectionGrads({ x: acc(x), wIh: acc(wIh), wHh: acc(wHh) }, dU, dV, X, Wi, I, H, G, l, Y, H0, dt, gemm);
    const gbi = bIh ? acc(bIh) : null, gbh = bHh ? acc(bHh) : null;
    if (gbi || gbh) {
      // Σ_rows du and Σ_rows dv as products 1ᵀ·du, 1ᵀ·dv: they share the r and z columns and
      // differ in n's, so only n's columns of dv are summed
      const du = alloc(dt, G), dvn = alloc(dt, H);
      addRowSum(du, dU, TB, G, gemm);
      addRowSum(dvn, dV, TB, H, gemm, 2 * H, G);
      if (gbi) for (let j = 0; j < G; j++) gbi[j] += du[j]!;
      if (gbh) for (let j = 0; j < G; j++) gbh[j] += j < 2 * H ? du[j]! : dvn[j - 2 * H]!;
    }
  });
}

