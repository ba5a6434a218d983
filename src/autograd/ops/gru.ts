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
import type { Data } from '../../tensor/dtype.js';
import { alloc } from '../../tensor/dtype.js';
import { kernels } from '../../tensor/kernels.js';
import { fmtShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../engine.js';
import {
  type SequenceOptions, addProjectionGrads, addRowSum, fromPrevious, previousStep, recurrentProduct, resident,
  sequenceLayout, workBuffer,
} from './sequence.js';
import { ValueError } from '../../errors.js';

export type GruSequenceOptions = SequenceOptions;

/** Runs one GRU layer in one direction over the sequence; returns all hidden states [T,B,H] ([B,T,H] batchFirst, [N,H] packed). */
export function gruSequence(
  x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null,
  opts: GruSequenceOptions,
): Tensor {
  const l = sequenceLayout('gruSequence', x, opts);
  const { T, B, rs, rowOf, bt } = l;
  const I = x.shape[x.ndim - 1]!, H = wHh.shape[1]!, G = 3 * H;
  const isG = (t: Tensor | null) => t === null || (t.ndim === 1 && t.shape[0] === G);
  if (wIh.ndim !== 2 || wIh.shape[0] !== G || wIh.shape[1] !== I || wHh.shape[0] !== G
    || h0.ndim !== 2 || h0.shape[0] !== B || h0.shape[1] !== H || !isG(bIh) || !isG(bHh)) {
    throw new ValueError(`gruSequence: x ${fmtShape(x.shape)}, h0 ${fmtShape(h0.shape)}, weight_ih ${fmtShape(wIh.shape)} and weight_hh ${fmtShape(wHh.shape)} do not agree (expects x ${l.want}, h0 [B,H], weight_ih [3H,I], weight_hh [3H,H], biases [3H])`);
  }
  const { gemm, tanh: tanhRows } = kernels();
  const dt = x.dtype;
  const inputs = [x, h0, wIh, wHh, ...(bIh ? [bIh] : []), ...(bHh ? [bHh] : [])];
  // unrecorded (noGrad, generation), the work buffers are reused and nothing is kept for backward
  const recorded = needsGrad(...inputs);
  const rev = opts.reverse;
  const BH = B * H, TB = l.rows;
  const out = new Tensor(alloc(dt, TB * H), l.shapeOf(H));
  const Y = out.data, X = x.data, Wi = wIh.data, W = wHh.data, H0 = h0.data;
  // h_{t−1} of step t's rows: the neighbouring step's output for the first n, else h0's
  const prevH = (s: number, t: number): [number, number] => {
    const n = fromPrevious(l, s, t);
    return [n, n > 0 ? rowOf(previousStep(l, t)) * H : 0];
  };

  // A [T·B,G]: u = x W_ihᵀ + b_ih for all steps at once, overwritten step by step with r, z, n
  const A = workBuffer('gru.A', dt, TB * G, recorded);
  if (TB > 0 && bIh !== null) {
    A.set(bIh.data);
    for (let r = 1; r < TB; r++) A.copyWithin(r * G, 0, G);
  } else A.fill(0);
  if (TB > 0 && I > 0) gemm(TB, G, I, X, 0, I, 1, Wi, 0, 1, I, A, 0, G, true, { b: resident(wIh) });
  // v_n = W_hn h_{t−1} + b_hn, same row layout as the output (every row is written)
  const VN = workBuffer('gru.VN', dt, TB * H, recorded);
  const V = workBuffer('gru.V', dt, B * G, recorded); // one step's v, then scratch for the tanh arguments
  const hint = { b: resident(wHh) };
  for (let s = 0; s < T; s++) {
    const t = rev ? T - 1 - s : s;
    const [n, hOff] = prevH(s, t);
    const a0 = rowOf(t) * G, k0 = rowOf(t) * H, Bt = bt(t);
    if (bHh) for (let b = 0; b < Bt; b++) V.set(bHh.data, b * G);
    recurrentProduct(l, s, t, H, G, Y, H0, W, hint, V, 0, G, bHh !== null, gemm);
    // σ(v) = (1 + tanh(v/2)) / 2, so r, z and then n each take one vectorised tanh call: Math.exp
    // and Math.tanh per element cost more than the step's matrix product.
    for (let b = 0; b < Bt; b++) {
      const a = a0 + b * rs * G, v = b * G;
      for (let j = 0; j < 2 * H; j++) V[v + j] = 0.5 * (A[a + j]! + V[v + j]!);
    }
    tanhRows(Bt, 2 * H, V, 0, G, A, a0, rs * G);
    for (let b = 0; b < Bt; b++) {
      const a = a0 + b * rs * G, k = k0 + b * rs * H, v = b * G;
      for (let j = 0; j < H; j++) {
        const r = 0.5 + 0.5 * A[a + j]!;
        A[a + j] = r;
        A[a + H + j] = 0.5 + 0.5 * A[a + H + j]!;
        const vn = V[v + 2 * H + j]!;
        VN[k + j] = vn;
        V[v + j] = A[a + 2 * H + j]! + r * vn;
      }
    }
    tanhRows(Bt, H, V, 0, G, A, a0 + 2 * H, rs * G);
    for (let b = 0; b < Bt; b++) {
      const a = a0 + b * rs * G, k = k0 + b * rs * H;
      const hp = b < n ? Y : H0, p = b < n ? hOff + b * rs * H : b * H;
      for (let j = 0; j < H; j++) {
        const z = A[a + H + j]!, nj = A[a + 2 * H + j]!;
        Y[k + j] = (hp[p + j]! - nj) * z + nj;
      }
    }
  }

  if (!recorded) return out;
  return record(out, 'gruSequence', inputs, (gY, acc) => {
    const dU = alloc(dt, TB * G), dV = alloc(dt, TB * G);
    let dh = alloc(dt, BH); // the part of ∂L/∂h_t that comes from step t+1
    let next = alloc(dt, BH);
    const gh0 = acc(h0);
    for (let s = T - 1; s >= 0; s--) {
      const t = rev ? T - 1 - s : s;
      const [n, hOff] = prevH(s, t), Bt = bt(t);
      for (let b = 0; b < Bt; b++) {
        const row = rowOf(t) + b * rs, a = row * G, k = row * H;
        const hp = b < n ? Y : H0, p = b < n ? hOff + b * rs * H : b * H;
        for (let j = 0; j < H; j++) {
          const r = A[a + j]!, z = A[a + H + j]!, nj = A[a + 2 * H + j]!;
          const dhj = gY[k + j]! + dh[b * H + j]!;
          const dn = dhj * (1 - z) * (1 - nj * nj);
          const dz = dhj * (hp[p + j]! - nj) * z * (1 - z);
          const dr = dn * VN[k + j]! * r * (1 - r);
          dU[a + j] = dr; dU[a + H + j] = dz; dU[a + 2 * H + j] = dn;
          dV[a + j] = dr; dV[a + H + j] = dz; dV[a + 2 * H + j] = dn * r;
          next[b * H + j] = dhj * z;
        }
      }
      gemm(Bt, H, G, dV, rowOf(t) * G, rs * G, 1, W, 0, H, 1, next, 0, H, true, hint);
      // rows that started from h0 hand their carry to it
      if (gh0) for (let k = n * H; k < Bt * H; k++) gh0[k] += next[k]!;
      const tmp = dh; dh = next; next = tmp;
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

