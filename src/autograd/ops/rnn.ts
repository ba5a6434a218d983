// The fused Elman RNN sequence op: one autograd node for a whole layer-direction, with the
// hand-derived BPTT of the tutorial's §4 as its backward (no per-time-step graph nodes).
//
// Legend: T time, B batch, I input features, H hidden units. x [T,B,I] is time-major ([B,T,I]
// batchFirst, or packed [N,I] as PyTorch's PackedSequence: see sequence.ts).
//   forward   z_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh,   h_t = f(z_t)
//   backward  dh_t = ∂L/∂h_t (from the output) + dz_{t+1} W_hh,  dz_t = dh_t ⊙ f′(z_t)
//             dW_ih = Σ_t dz_tᵀ x_t,  dW_hh = Σ_t dz_tᵀ h_{t−1},  db = Σ_t dz_t,
//             dx_t = dz_t W_ih,  dh_0 = dz_1 W_hh
// The input projection (all t at once) and the weight gradients are single large matmuls over
// all rows; only the recurrence h_{t−1} → h_t is a per-step (B×H·H×H) product.
// A reverse direction walks t = T−1 … 0, and its "previous" state is h_{t+1}. Packed, step t
// updates only its first batchSizes[t] rows, forwards and backwards.
import { alloc } from '../../tensor/dtype.js';
import { kernels } from '../../tensor/kernels.js';
import { fmtShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../engine.js';
import {
  type SequenceOptions, addGradT, addRowSum, fromPrevious, previousStates, recurrentProduct, resident,
  sequenceLayout, workBuffer,
} from './sequence.js';
import { ValueError } from '../../errors.js';

/** Below this many dZ values (the JS GEMM's range) the bias gradients are summed directly. */
const SMALL_ROW_SUM = 1 << 14;

export type Nonlinearity = 'tanh' | 'relu';

export interface RnnSequenceOptions extends SequenceOptions {
  nonlinearity: Nonlinearity;
}

/** Runs one RNN layer in one direction over the sequence; returns all hidden states [T,B,H] ([B,T,H] batchFirst, [N,H] packed). */
export function rnnSequence(
  x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null,
  opts: RnnSequenceOptions,
): Tensor {
  const l = sequenceLayout('rnnSequence', x, opts);
  const { T, B, rs, rowOf, bt } = l;
  const I = x.shape[x.ndim - 1]!, H = wHh.shape[0]!;
  if (wIh.shape[1] !== I || wIh.shape[0] !== H || h0.ndim !== 2 || h0.shape[0] !== B || h0.shape[1] !== H) {
    throw new ValueError(`rnnSequence: x ${fmtShape(x.shape)}, h0 ${fmtShape(h0.shape)} and weight_ih ${fmtShape(wIh.shape)} do not agree (expects x ${l.want}, h0 [B,H], weight_ih [H,I])`);
  }
  const { gemm, tanh: tanhRows } = kernels();
  const inputs = [x, h0, wIh, wHh, ...(bIh ? [bIh] : []), ...(bHh ? [bHh] : [])];
  // unrecorded (noGrad, generation), the work buffer is reused and nothing is kept for backward
  const recorded = needsGrad(...inputs);
  const relu = opts.nonlinearity === 'relu';
  const rev = opts.reverse;
  const bf = opts.batchFirst ?? false;
  const BH = B * H, R = l.rows;
  const packed = (opts.batchSizes ?? null) !== null;
  const out = new Tensor(alloc(x.dtype, R * H), l.shapeOf(H));
  const Y = out.data, W = wHh.data, X = x.data, Wi = wIh.data, H0 = h0.data;

  // z = x W_ihᵀ + (b_ih + b_hh), all steps at once
  // (backward reads only the outputs Y, never Z: Z is scratch even when the op is recorded)
  const Z = workBuffer('rnn.Z', x.dtype, R * H, false);
  if (R > 0 && (bIh !== null || bHh !== null)) {
    for (let j = 0; j < H; j++) Z[j] = (bIh ? bIh.data[j]! : 0) + (bHh ? bHh.data[j]! : 0);
    for (let k = H; k < R * H; k++) Z[k] = Z[k - H]!; // (a loop: copyWithin per row cost more at small H)
  } else Z.fill(0);
  if (R > 0 && I > 0) gemm(R, H, I, X, 0, I, 1, Wi, 0, 1, I, Z, 0, H, true, { b: resident(wIh) });
  const hint = { b: resident(wHh) };
  for (let s = 0; s < T; s++) {
    const t = rev ? T - 1 - s : s;
    const zt = rowOf(t) * H, Bt = bt(t);
    recurrentProduct(l, s, t, H, H, Y, H0, W, hint, Z, zt, rs * H, true, gemm);
    if (relu) {
      for (let b = 0; b < Bt; b++) {
        const k0 = zt + b * rs * H;
        for (let k = k0; k < k0 + H; k++) { const v = Z[k]!; Y[k] = v > 0 ? v : 0; }
      }
    } else tanhRows(Bt, H, Z, zt, rs * H, Y, zt, rs * H);
  }

  if (!recorded) return out;
  return record(out, 'rnnSequence', inputs, (G, acc) => {
    // backward scratch (workBuffer: a backward runs to completion before the next one starts).
    // Every row of dZ is assigned below; carry and next are the two halves of one buffer, zeroed:
    // rows a step has not reached yet (packed, forwards) keep a zero carry
    const dZ = workBuffer('rnn.dZ', x.dtype, R * H, false);
    const CN = workBuffer('rnn.carry', x.dtype, 2 * BH, false).fill(0);
    let carry = 0, next = BH;
    const gh0 = acc(h0);
    for (let s = T - 1; s >= 0; s--) {
      const t = rev ? T - 1 - s : s;
      const zt = rowOf(t) * H, Bt = bt(t);
      // dz_t = (∂L/∂h_t + carry) ⊙ f′, f′ from the saved output
      for (let b = 0; b < Bt; b++) {
        const k0 = zt + b * rs * H, c0 = carry + b * H;
        if (relu) for (let j = 0; j < H; j++) dZ[k0 + j] = Y[k0 + j]! > 0 ? G[k0 + j]! + CN[c0 + j]! : 0;
        else for (let j = 0; j < H; j++) { const y = Y[k0 + j]!; dZ[k0 + j] = (G[k0 + j]! + CN[c0 + j]!) * (1 - y * y); }
      }
      // carry into the previous step: dz_t W_hh; rows that started from h0 hand it to h0 (at the
      // first step processed every row did, so without an h0 gradient the product is not needed)
      if (s === 0 && !gh0) break;
      gemm(Bt, H, H, dZ, zt, rs * H, 1, W, 0, H, 1, CN, next, H, false, hint);
      if (gh0) for (let k = fromPrevious(l, s, t) * H; k < Bt * H; k++) gh0[k] += CN[next + k]!;
      const tmp = carry; carry = next; next = tmp;
    }
    const gx = acc(x);
    if (gx && I > 0 && R > 0) gemm(R, I, H, dZ, 0, H, 1, Wi, 0, I, 1, gx, 0, I, true);
    const gWi = acc(wIh);
    if (gWi && I > 0 && R > 0) gemm(H, I, R, dZ, 0, 1, H, X, 0, I, 1, gWi, 0, I, true);
    const gW = acc(wHh);
    if (gW && T > 0) {
      if (packed) addGradT(gW, previousStates(l, H, Y, H0, x.dtype), H, dZ, R, H, gemm);
      else {
        // Σ_t dz_tᵀ h_prev(t). Time-major: the steps whose previous state is an output form one
        // contiguous block of rows; batch-first: one such block per sequence.
        if (T > 1) {
          const [dzRow, yRow] = rev ? [0, 1] : [1, 0];
          if (!bf) gemm(H, H, (T - 1) * B, dZ, dzRow * BH, 1, H, Y, yRow * BH, H, 1, gW, 0, H, true);
          else for (let b = 0; b < B; b++) gemm(H, H, T - 1, dZ, (b * T + dzRow) * H, 1, H, Y, (b * T + yRow) * H, H, 1, gW, 0, H, true);
        }
        gemm(H, H, B, dZ, rowOf(rev ? T - 1 : 0) * H, 1, rs * H, H0, 0, H, 1, gW, 0, H, true);
      }
    }
    // db = Σ_rows dZ (the same sum for both biases). Small (below the size the WebAssembly GEMM
    // takes), the column sums in row order, in doubles, added once: what addRowSum's 1ᵀ·dZ product
    // computes there, without its ones vector and two calls
    const gbI = bIh ? acc(bIh) : null, gbH = bHh ? acc(bHh) : null;
    if (R * H >= SMALL_ROW_SUM) {
      if (gbI) addRowSum(gbI, dZ, R, H, gemm);
      if (gbH) addRowSum(gbH, dZ, R, H, gemm);
    } else if (gbI || gbH) {
      for (let j = 0; j < H; j++) {
        let c = 0;
        for (let k = j; k < R * H; k += H) c += dZ[k]!;
        if (gbI) gbI[j] += c;
        if (gbH) gbH[j] += c;
      }
    }
  });
}
