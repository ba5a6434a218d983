// Helpers shared by the fused LSTM and GRU sequence ops (the Elman op's weight gradient avoids the
// copy below with one product per contiguous block). Rows are the [T·B, ·] matrix view of a
// sequence in either layout: step t's B rows start at rowOf(t) and lie rs rows apart.
import type { Data, DType } from '../../tensor/dtype.js';
import { alloc, dtypeOf } from '../../tensor/dtype.js';
import type { Kernels } from '../../tensor/kernels.js';

export interface RowLayout {
  T: number;
  B: number;
  /** Rows between one sequence's consecutive entries at a step (T batch-first, else 1). */
  rs: number;
  rowOf: (t: number) => number;
  reverse: boolean;
}

/**
 * h_prev for every row, in the output's row order: h0 for the first step processed, else the
 * neighbouring step's output (t−1 forwards, t+1 in reverse). One [T·B,H] matrix, so the recurrent
 * weight gradient is a single product over all rows.
 */
export function previousStates(l: RowLayout, H: number, Y: Data, H0: Data, dtype: DType): Data {
  const { T, B, rs, rowOf, reverse } = l;
  const HP = alloc(dtype, T * B * H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const [src, off, stride] = s === 0 ? [H0, 0, H] : [Y, rowOf(reverse ? t + 1 : t - 1) * H, rs * H];
    for (let b = 0; b < B; b++) HP.set(src.subarray(off + b * stride, off + b * stride + H), (rowOf(t) + b * rs) * H);
  }
  return HP;
}

/**
 * gW [G,N] += Σ_rows D_rowᵀ M_row for M [rows,N] and D [rows,G], computed as (Mᵀ·D)ᵀ so the kernel
 * reads D, the big operand, row-major; the [N,G] product is added back transposed.
 */
export function addGradT(gW: Data, M: Data, N: number, D: Data, rows: number, G: number, gemm: Kernels['gemm']): void {
  const tmp = alloc(dtypeOf(gW), N * G);
  gemm(N, G, rows, M, 0, 1, N, D, 0, G, 1, tmp, 0, G, false);
  for (let i = 0; i < G; i++) for (let j = 0; j < N; j++) gW[i * N + j] += tmp[j * G + i]!;
}

/**
 * The gradients every gated sequence op shares, from the pre-activation gradients of all rows:
 * dx += dIn·W_ih, dW_ih += Σ_rows dInᵀ x, dW_hh += Σ_rows dRecᵀ h_prev (one product each over
 * all T·B rows). dIn and dRec are the same array for LSTM; GRU separates them (b_hn sits inside r).
 */
export function addProjectionGrads(
  g: { x: Data | null; wIh: Data | null; wHh: Data | null },
  dIn: Data, dRec: Data, X: Data, Wi: Data, I: number, H: number, G: number,
  l: RowLayout, Y: Data, H0: Data, dtype: DType, gemm: Kernels['gemm'],
): void {
  const TB = l.T * l.B;
  if (g.x && I > 0) gemm(TB, I, G, dIn, 0, G, 1, Wi, 0, I, 1, g.x, 0, I, true);
  if (g.wIh && I > 0) addGradT(g.wIh, X, I, dIn, TB, G, gemm);
  if (g.wHh) addGradT(g.wHh, previousStates(l, H, Y, H0, dtype), H, dRec, TB, G, gemm);
}
