// The fused LSTM sequence op: one autograd node for a whole layer-direction, with hand-derived BPTT
// as its backward (no per-time-step graph nodes). Same layout and GEMM plan as rnnSequence.
//
// Legend: T time, B batch, I input features, H hidden units, G = 4H (gates i, f, g, o, PyTorch's
// order along the rows of W_ih [G,I] and W_hh [G,H]). x [T,B,I] is time-major ([B,T,I] batchFirst).
//   forward   a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh = [a_i a_f a_g a_o]
//             i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
//             c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
//   backward  dh_t = ∂L/∂h_t + da_{t+1} W_hh
//             dc_t = ∂L/∂c_t (only at the last step: from cN) + dc_{t+1} ⊙ f_{t+1}
//                    + dh_t ⊙ o ⊙ (1 − tanh²c_t)
//             da_i = dc_t ⊙ g ⊙ i(1−i),        da_f = dc_t ⊙ c_{t−1} ⊙ f(1−f)
//             da_g = dc_t ⊙ i ⊙ (1−g²),         da_o = dh_t ⊙ tanh(c_t) ⊙ o(1−o)
//             dW_ih = Σ_t da_tᵀ x_t,  dW_hh = Σ_t da_tᵀ h_{t−1},  db = Σ_t da_t,
//             dx_t = da_t W_ih,  dh_0 = da_1 W_hh,  dc_0 = dc_1 ⊙ f_1
// The input projection (all t at once), dx and the weight gradients are single large matmuls over
// all T·B rows; only h_{t−1} W_hhᵀ (all four gates at once, B×H·H×4H) is a per-step product.
// A reverse direction walks t = T−1 … 0, and its "previous" state is that of t+1. Packed (x [N,I],
// see sequence.ts), step t updates only its first batchSizes[t] rows, forwards and backwards, and
// cN holds each sequence's cell state at its own last step.
import { alloc } from '../../tensor/dtype.js';
import { kernels } from '../../tensor/kernels.js';
import { fmtShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { needsGrad, recordMulti } from '../engine.js';
import {
  type SequenceOptions, addProjectionGrads, addRowSum, finalRows, lstmSteps, lstmStepsBackward, resident, sequenceLayout,
  stepPlan, workBuffer,
} from './sequence.js';
import { ValueError } from '../../errors.js';

export type LstmSequenceOptions = SequenceOptions;

/**
 * Runs one LSTM layer in one direction over the sequence. Returns [output, cN]: all hidden states
 * [T,B,H] ([B,T,H] batchFirst, [N,H] packed) and the final cell state [B,H]; hN is the output's
 * rows at finalRows(layout).
 */
export function lstmSequence(
  x: Tensor, h0: Tensor, c0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null,
  opts: LstmSequenceOptions,
): [Tensor, Tensor] {
  const l = sequenceLayout('lstmSequence', x, opts);
  const { T, B } = l;
  const I = x.shape[x.ndim - 1]!, H = wHh.shape[1]!, G = 4 * H;
  const isBH = (t: Tensor) => t.ndim === 2 && t.shape[0] === B && t.shape[1] === H;
  const isG = (t: Tensor | null) => t === null || (t.ndim === 1 && t.shape[0] === G);
  if (wIh.ndim !== 2 || wIh.shape[0] !== G || wIh.shape[1] !== I || wHh.shape[0] !== G
    || !isBH(h0) || !isBH(c0) || !isG(bIh) || !isG(bHh)) {
    throw new ValueError(`lstmSequence: x ${fmtShape(x.shape)}, h0 ${fmtShape(h0.shape)}, c0 ${fmtShape(c0.shape)}, weight_ih ${fmtShape(wIh.shape)} and weight_hh ${fmtShape(wHh.shape)} do not agree (expects x ${l.want}, h0 and c0 [B,H], weight_ih [4H,I], weight_hh [4H,H], biases [4H])`);
  }
  const k = kernels(), { gemm } = k;
  const dt = x.dtype;
  const inputs = [x, h0, c0, wIh, wHh, ...(bIh ? [bIh] : []), ...(bHh ? [bHh] : [])];
  // unrecorded (noGrad, generation), the work buffers are reused and nothing is kept for backward
  const recorded = needsGrad(...inputs);
  const BH = B * H, TB = l.rows;
  const out = new Tensor(alloc(dt, TB * H), l.shapeOf(H));
  const Y = out.data, X = x.data, Wi = wIh.data, W = wHh.data, H0 = h0.data, C0 = c0.data;

  // A [T·B,G]: gate pre-activations x W_ihᵀ + (b_ih + b_hh) for all steps at once; each step adds
  // its recurrent term and then overwrites the row with the activations i, f, g, o for backward.
  const A = workBuffer('lstm.A', dt, TB * G, recorded);
  if (TB > 0 && (bIh !== null || bHh !== null)) {
    for (let j = 0; j < G; j++) A[j] = (bIh ? bIh.data[j]! : 0) + (bHh ? bHh.data[j]! : 0);
    for (let r = 1; r < TB; r++) A.copyWithin(r * G, 0, G);
  } else A.fill(0);
  if (TB > 0 && I > 0) gemm(TB, G, I, X, 0, I, 1, Wi, 0, 1, I, A, 0, G, true, { b: resident(wIh) });
  // cell states c_t and tanh(c_t), same row layout as the output (every row is written); then
  // each step adds its recurrent term to A's rows and one cell kernel overwrites them with the
  // activations i, f, g, o (what backward needs)
  const C = workBuffer('lstm.C', dt, TB * H, recorded), TC = workBuffer('lstm.TC', dt, TB * H, recorded);
  const steps = stepPlan(l, H), w = resident(wHh);
  if (!k.lstmSequence?.(steps, A, W, w, H0, C0, C, TC, Y)) lstmSteps(k, steps, A, W, w, H0, C0, C, TC, Y);
  const cN = new Tensor(alloc(dt, BH), [B, H]);
  if (T === 0) cN.data.set(C0);
  else finalRows(l).forEach((r, b) => cN.data.set(C.subarray(r * H, (r + 1) * H), b * H));

  if (!recorded) return [out, cN];
  // One node with two outputs: its backward gets ∂L/∂output and ∂L/∂cN (either null when the loss
  // does not reach it) and starts dc from the latter.
  return recordMulti([out, cN], 'lstmSequence', inputs, ([gOut, gCN], acc) => {
    const gY = gOut ?? alloc(dt, TB * H);
    // reused scratch: every row is assigned by the walk and it does not outlive this backward
    const dA = workBuffer('lstm.dA', dt, TB * G, false);
    // ∂L/∂c_t from the later steps; a sequence the walk has not reached yet (packed, forwards)
    // holds its ∂L/∂cN here until its last step
    const dc = alloc(dt, BH);
    if (gCN) dc.set(gCN);
    const gh0 = acc(h0), gc0 = acc(c0);
    if (!k.lstmSequenceBackward?.(steps, A, TC, C, C0, gY, W, w, dc, dA, gh0, gc0)) {
      lstmStepsBackward(k, steps, A, TC, C, C0, gY, W, w, dc, dA, gh0, gc0);
    }
    // T = 0: cN is c0
    if (T === 0 && gc0) for (let i = 0; i < BH; i++) gc0[i] += dc[i]!;
    addProjectionGrads({ x: acc(x), wIh: acc(wIh), wHh: acc(wHh) }, dA, dA, X, Wi, I, H, G, l, Y, H0, dt, gemm);
    if (bIh || bHh) {
      // Σ_rows da_row, summed once for both biases
      const db = alloc(dt, G);
      addRowSum(db, dA, TB, G, gemm);
      for (const bias of [bIh, bHh]) {
        const gb = bias ? acc(bias) : null;
        if (gb) for (let j = 0; j < G; j++) gb[j] += db[j]!;
      }
    }
  });
}

