// The plan the fused RNN, LSTM and GRU sequence ops share: the row layout of a sequence, the
// recurrent product of a step, and the gradients of the projections.
//
// Rows are the [rows, ·] matrix view of a sequence: step t's rows start at rowOf(t) and lie rs
// rows apart. Three layouts: time-major [T,B,·] (rowOf(t) = t·B, rs = 1), batch-first [B,T,·]
// (rowOf(t) = t, rs = T) and packed [N,·] as PyTorch's PackedSequence lays it out (sequences
// sorted by decreasing length; step t holds the first batchSizes[t] of them, contiguously, so
// rowOf(t) = Σ_{u<t} batchSizes[u], rs = 1). At step t only the first bt(t) rows are active; a
// sequence thus stops at its own length, and a reverse direction, which walks t = T−1 … 0, starts
// each sequence at its own end: rows that were not active at t+1 read their previous state from
// h0. Padded layouts are the case bt(t) = B.
import type { Data, DType } from '../../tensor/dtype.js';
import { alloc, dtypeOf } from '../../tensor/dtype.js';
import type { Kernels, Resident, StepPlan } from '../../tensor/kernels.js';
import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../errors.js';

/**
 * A constant weight as a resident GEMM operand: its values array names it (a parameter whose array
 * is replaced counts as a new operand) and its version says whether the kernels' packed copy is
 * still current, so an optimizer step, loadStateDict or copy_ makes them pack it again.
 */
export function resident(w: Tensor): Resident {
  return { key: w.data, version: w._version };
}

// Work buffers of forwards that record nothing (noGrad, inference, generation): a recorded forward
// hands its buffers to backward, but one that is not recorded drops them on return, so they are
// kept and reused and a generated token allocates only its outputs. Buffers above MAX_SCRATCH
// values are allocated each call: at that size the arithmetic dwarfs the allocation, and a long
// evaluation must not pin its buffers for the life of the process.
const MAX_SCRATCH = 1 << 20;
const scratchPool = new Map<string, Data>();

/**
 * A work buffer of n values: freshly allocated (zeros) when the forward is recorded or large, else
 * a reused one with stale contents that the caller must overwrite. `name` separates buffers that
 * are live at the same time.
 */
export function workBuffer(name: string, dtype: DType, n: number, recorded: boolean): Data {
  // (backward passes also take their internal scratch from here with recorded = false: a backward
  // runs to completion before the next one starts, and the scratch does not outlive it)
  if (recorded || n > MAX_SCRATCH) return alloc(dtype, n);
  const key = `${name}:${dtype}`;
  let buf = scratchPool.get(key);
  if (buf === undefined || buf.length < n) {
    buf = alloc(dtype, Math.max(n, buf ? Math.min(2 * buf.length, MAX_SCRATCH) : 0));
    scratchPool.set(key, buf);
  }
  return buf.length === n ? buf : buf.subarray(0, n);
}

export interface SequenceOptions {
  reverse: boolean;
  /** x is [B,T,I] and the output [B,T,H] (no transposes needed); otherwise time-major. */
  batchFirst?: boolean;
  /**
   * x is packed [N,I] (N = Σ batchSizes) and so is the output: PyTorch's PackedSequence layout,
   * batchSizes non-increasing. batchFirst does not apply.
   */
  batchSizes?: readonly number[] | null;
}

export interface RowLayout {
  T: number;
  /** Sequences (rows of h0): B, or batchSizes[0] packed. */
  B: number;
  /** All rows: T·B, or Σ batchSizes packed. */
  rows: number;
  /** Rows between one sequence's consecutive entries at a step (T batch-first, else 1). */
  rs: number;
  rowOf: (t: number) => number;
  /** Active rows at step t: the first bt(t) sequences. */
  bt: (t: number) => number;
  reverse: boolean;
  /** x's expected layout, for error messages. */
  want: string;
  /** The shape of a sequence of F features in this layout (the op's output for F = H). */
  shapeOf: (F: number) => number[];
}

/** The layout of x ([T,B,I], [B,T,I] batchFirst, or packed [N,I]); throws when x does not fit it. */
export function sequenceLayout(op: string, x: Tensor, opts: SequenceOptions): RowLayout {
  const bs = opts.batchSizes ?? null;
  const reverse = opts.reverse;
  if (bs === null) {
    const bf = opts.batchFirst ?? false;
    const want = bf ? '[B,T,I]' : '[T,B,I]';
    if (x.ndim !== 3) throw new ValueError(`${op}: x has shape ${fmtShape(x.shape)} but expects ${want}`);
    const T = x.shape[bf ? 1 : 0]!, B = x.shape[bf ? 0 : 1]!;
    return {
      T, B, rows: T * B, rs: bf ? T : 1, rowOf: bf ? (t) => t : (t) => t * B, bt: () => B, reverse, want,
      shapeOf: (F) => (bf ? [B, T, F] : [T, B, F]),
    };
  }
  const T = bs.length;
  const off = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) {
    const n = bs[t]!;
    if (!Number.isInteger(n) || n < 1 || (t > 0 && n > bs[t - 1]!)) {
      throw new ValueError(`${op}: batchSizes must be non-increasing positive integers, got [${bs.join(',')}]`);
    }
    off[t + 1] = off[t]! + n;
  }
  const rows = off[T]!;
  if (x.ndim !== 2 || x.shape[0] !== rows) {
    throw new ValueError(`${op}: packed x has shape ${fmtShape(x.shape)} but batchSizes [${bs.join(',')}] expect [${rows},I]`);
  }
  return {
    T, B: T > 0 ? bs[0]! : 0, rows, rs: 1, rowOf: (t) => off[t]!, bt: (t) => bs[t]!, reverse, want: '[N,I] (packed)',
    shapeOf: (F) => [rows, F],
  };
}

/**
 * How many of step t's active rows (processing step s) read their previous state from the
 * neighbouring step's output; the rest, up to bt(t), read it from h0. Forwards every active row
 * at t was active at t−1; in reverse only the first bt(t+1) were active at t+1.
 */
export function fromPrevious(l: RowLayout, s: number, t: number): number {
  if (s === 0) return 0;
  return l.reverse ? l.bt(t + 1) : l.bt(t);
}

/** The step whose output is step t's previous state. */
export function previousStep(l: RowLayout, t: number): number {
  return l.reverse ? t + 1 : t - 1;
}

/**
 * Each sequence's final row (the last step it processed): forwards its own last step, in reverse
 * step 0. hN (and cN) are these rows of the output (of the cell states).
 */
export function finalRows(l: RowLayout): Int32Array {
  const { T, B, rs, rowOf, bt, reverse } = l;
  const rows = new Int32Array(B);
  if (T === 0) return rows;
  if (reverse) for (let b = 0; b < B; b++) rows[b] = rowOf(0) + b * rs;
  else for (let t = 0; t < T; t++) for (let b = t + 1 < T ? bt(t + 1) : 0; b < bt(t); b++) rows[b] = rowOf(t) + b * rs;
  return rows;
}

/**
 * C rows of step t (C[cOff + b·cStride], b < bt(t)) ← (accumulate ? C : 0) + h_prev(b) W_hhᵀ for the
 * step's previous states: the neighbouring step's rows of `seq`, then h0's rows. W_hh is [N,H]; the
 * kernel reads its transpose by index (strides 1, H) and may keep it packed (`hint`), so no step
 * and no call transposes or copies the weight here.
 */
export function recurrentProduct(
  l: RowLayout, s: number, t: number, H: number, N: number, seq: Data, init: Data, W: Data,
  hint: { b: Resident }, C: Data, cOff: number, cStride: number, accumulate: boolean, gemm: Kernels['gemm'],
): void {
  const n = fromPrevious(l, s, t), Bt = l.bt(t);
  if (n > 0) gemm(n, N, H, seq, l.rowOf(previousStep(l, t)) * H, l.rs * H, 1, W, 0, 1, H, C, cOff, cStride, accumulate, hint);
  if (Bt > n) gemm(Bt - n, N, H, init, n * H, H, 1, W, 0, 1, H, C, cOff + n * cStride, cStride, accumulate, hint);
}

/**
 * h_prev for every row, in the output's row order: h0 for a sequence's first step processed, else
 * the neighbouring step's output. One [rows,H] matrix, so the recurrent weight gradient is a single
 * product over all rows. The matrix is reused scratch (workBuffer): use it before the next call.
 */
export function previousStates(l: RowLayout, H: number, Y: Data, H0: Data, dtype: DType): Data {
  const { T, rs, rowOf, reverse } = l;
  const HP = workBuffer('seq.HP', dtype, l.rows * H, false); // every row is assigned below
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const n = fromPrevious(l, s, t), Bt = l.bt(t), off = s === 0 ? 0 : rowOf(previousStep(l, t)) * H;
    for (let b = 0; b < Bt; b++) {
      const src = b < n ? off + b * rs * H : b * H;
      HP.set((b < n ? Y : H0).subarray(src, src + H), (rowOf(t) + b * rs) * H);
    }
  }
  return HP;
}

/**
 * gW [G,N] += Σ_rows D_rowᵀ M_row for M [rows,N] and D [rows,G], computed as (Mᵀ·D)ᵀ so the kernel
 * reads D, the big operand, row-major; the [N,G] product is added back transposed.
 */
export function addGradT(gW: Data, M: Data, N: number, D: Data, rows: number, G: number, gemm: Kernels['gemm']): void {
  if (rows === 0) return;
  const tmp = alloc(dtypeOf(gW), N * G);
  gemm(N, G, rows, M, 0, 1, N, D, 0, G, 1, tmp, 0, G, false);
  for (let i = 0; i < G; i++) for (let j = 0; j < N; j++) gW[i * N + j] += tmp[j * G + i]!;
}

/** g [G] += Σ_rows D_row for D [rows,G] (from column `col` of rows `stride` apart), as the product 1ᵀ·D. */
export function addRowSum(g: Data, D: Data, rows: number, G: number, gemm: Kernels['gemm'], col = 0, stride = G): void {
  if (rows === 0) return;
  gemm(1, G, rows, alloc(dtypeOf(g), rows).fill(1), 0, rows, 1, D, col, stride, 1, g, 0, G, true);
}

/**
 * The gradients every gated sequence op shares, from the pre-activation gradients of all rows:
 * dx += dIn·W_ih, dW_ih += Σ_rows dInᵀ x, dW_hh += Σ_rows dRecᵀ h_prev (one product each over
 * all rows). dIn and dRec are the same array for LSTM; GRU separates them (b_hn sits inside r).
 */
export function addProjectionGrads(
  g: { x: Data | null; wIh: Data | null; wHh: Data | null },
  dIn: Data, dRec: Data, X: Data, Wi: Data, I: number, H: number, G: number,
  l: RowLayout, Y: Data, H0: Data, dtype: DType, gemm: Kernels['gemm'],
): void {
  const R = l.rows;
  if (R === 0) return;
  if (g.x && I > 0) gemm(R, I, G, dIn, 0, G, 1, Wi, 0, I, 1, g.x, 0, I, true);
  if (g.wIh && I > 0) addGradT(g.wIh, X, I, dIn, R, G, gemm);
  if (g.wHh) addGradT(g.wHh, previousStates(l, H, Y, H0, dtype), H, dRec, R, G, gemm);
}

/** The layout's steps in processing order (see StepPlan) for H hidden units. */
export function stepPlan(l: RowLayout, H: number): StepPlan {
  const { T, B, rs, rowOf, bt, reverse } = l;
  const plan = new Int32Array(4 * T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    plan[4 * s] = rowOf(t);
    plan[4 * s + 1] = bt(t);
    plan[4 * s + 2] = fromPrevious(l, s, t);
    plan[4 * s + 3] = s === 0 ? 0 : rowOf(previousStep(l, t));
  }
  return { T, B, H, rs, plan };
}

// The ops' own whole-sequence loops, over any kernels' gemm and cell kernels: one recurrent
// product and one cell call per step (two of each when some rows start from h0). Kernels with a
// loop of their own (Kernels.lstmSequence …) run the same calls with the buffers kept resident.

/** LSTM forward walk (see Kernels.lstmSequence). */
export function lstmSteps(
  k: Kernels, p: StepPlan, A: Data, W: Data, w: Resident, H0: Data, C0: Data, C: Data, TC: Data, Y: Data,
): void {
  const { T, H, rs, plan } = p, G = 4 * H, hint = { b: w };
  for (let s = 0; s < T; s++) {
    const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
    if (n > 0) {
      k.gemm(n, G, H, Y, pr * H, rs * H, 1, W, 0, 1, H, A, r0 * G, rs * G, true, hint);
      k.lstmCell(n, H, A, r0 * G, rs * G, C, pr * H, rs * H, C, r0 * H, rs * H, TC, r0 * H, rs * H, Y, r0 * H, rs * H);
    }
    if (Bt > n) {
      k.gemm(Bt - n, G, H, H0, n * H, H, 1, W, 0, 1, H, A, r1 * G, rs * G, true, hint);
      k.lstmCell(Bt - n, H, A, r1 * G, rs * G, C0, n * H, H, C, r1 * H, rs * H, TC, r1 * H, rs * H, Y, r1 * H, rs * H);
    }
  }
}

/** LSTM backward walk (see Kernels.lstmSequenceBackward). */
export function lstmStepsBackward(
  k: Kernels, p: StepPlan, A: Data, TC: Data, C: Data, C0: Data, GY: Data, W: Data, w: Resident,
  DC: Data, DA: Data, GH0: Data | null, GC0: Data | null,
): void {
  const { T, B, H, rs, plan } = p, G = 4 * H, hint = { b: w };
  const dt = dtypeOf(DA);
  let dh = alloc(dt, B * H); // da_{t+1} W_hh, the recurrent part of ∂L/∂h_t
  let next = alloc(dt, B * H);
  for (let s = T - 1; s >= 0; s--) {
    const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
    if (n > 0) {
      k.lstmCellBackward(n, H, A, r0 * G, rs * G, TC, r0 * H, rs * H, C, pr * H, rs * H, GY, r0 * H, rs * H,
        dh, 0, H, DC, 0, H, DA, r0 * G, rs * G);
    }
    if (Bt > n) {
      k.lstmCellBackward(Bt - n, H, A, r1 * G, rs * G, TC, r1 * H, rs * H, C0, n * H, H, GY, r1 * H, rs * H,
        dh, n * H, H, DC, n * H, H, DA, r1 * G, rs * G);
    }
    k.gemm(Bt, H, G, DA, r0 * G, rs * G, 1, W, 0, H, 1, next, 0, H, false, hint);
    // rows that started from (h0, c0) hand their carries to them
    for (let i = n * H; i < Bt * H; i++) {
      if (GH0) GH0[i] += next[i]!;
      if (GC0) GC0[i] += DC[i]!;
    }
    const tmp = dh; dh = next; next = tmp;
  }
}

/** GRU forward walk (see Kernels.gruSequence). */
export function gruSteps(
  k: Kernels, p: StepPlan, A: Data, W: Data, w: Resident, BHH: Data | null, H0: Data, VN: Data, Y: Data,
): void {
  const { T, B, H, rs, plan } = p, G = 3 * H, hint = { b: w };
  const V = alloc(dtypeOf(A), B * G); // one step's v = h_{t−1} W_hhᵀ + b_hh
  for (let s = 0; s < T; s++) {
    const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
    if (BHH) for (let b = 0; b < Bt; b++) V.set(BHH, b * G);
    if (n > 0) {
      k.gemm(n, G, H, Y, pr * H, rs * H, 1, W, 0, 1, H, V, 0, G, BHH !== null, hint);
      k.gruCell(n, H, A, r0 * G, rs * G, V, 0, G, Y, pr * H, rs * H, VN, r0 * H, rs * H, Y, r0 * H, rs * H);
    }
    if (Bt > n) {
      k.gemm(Bt - n, G, H, H0, n * H, H, 1, W, 0, 1, H, V, n * G, G, BHH !== null, hint);
      k.gruCell(Bt - n, H, A, r1 * G, rs * G, V, n * G, G, H0, n * H, H, VN, r1 * H, rs * H, Y, r1 * H, rs * H);
    }
  }
}

/** GRU backward walk (see Kernels.gruSequenceBackward). */
export function gruStepsBackward(
  k: Kernels, p: StepPlan, A: Data, Y: Data, H0: Data, VN: Data, GY: Data, W: Data, w: Resident,
  DU: Data, DV: Data, GH0: Data | null,
): void {
  const { T, B, H, rs, plan } = p, G = 3 * H, hint = { b: w };
  const dt = dtypeOf(DU);
  let dh = alloc(dt, B * H); // the part of ∂L/∂h_t that comes from step t+1
  let next = alloc(dt, B * H);
  for (let s = T - 1; s >= 0; s--) {
    const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
    if (n > 0) {
      k.gruCellBackward(n, H, A, r0 * G, rs * G, Y, pr * H, rs * H, VN, r0 * H, rs * H, GY, r0 * H, rs * H,
        dh, 0, H, DU, r0 * G, rs * G, DV, r0 * G, rs * G, next, 0, H);
    }
    if (Bt > n) {
      k.gruCellBackward(Bt - n, H, A, r1 * G, rs * G, H0, n * H, H, VN, r1 * H, rs * H, GY, r1 * H, rs * H,
        dh, n * H, H, DU, r1 * G, rs * G, DV, r1 * G, rs * G, next, n * H, H);
    }
    k.gemm(Bt, H, G, DV, r0 * G, rs * G, 1, W, 0, H, 1, next, 0, H, true, hint);
    // rows that started from h0 hand their carry to it
    if (GH0) for (let i = n * H; i < Bt * H; i++) GH0[i] += next[i]!;
    const tmp = dh; dh = next; next = tmp;
  }
}
