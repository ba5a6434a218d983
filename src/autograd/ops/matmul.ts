// Batched matmul with NumPy batch broadcasting. Transposed operands are read by index (strides),
// never copied: `matmul(a, b, { transB: true })` is a·bᵀ on b's own storage, which is what Linear
// and the fused RNN use. Legend: A is [..., M, K] (or [..., K, M] when transA), B is [..., K, N]
// (or [..., N, K] when transB), C is [..., M, N].
import { promote } from '../../tensor/dtype.js';
import { kernels } from '../../tensor/kernels.js';
import { broadcastShapes, fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record, traceHook } from '../engine.js';
import { broadcastMap, make } from './util.js';
import { reshape } from './shape.js';
import { ValueError } from '../../errors.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ValueError(`matmul: both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  // 1-D operands as in torch.matmul: a vector on the left is a row, on the right a column.
  if (a.ndim === 1) return squeezeAt(matmul(reshape(a, [1, a.shape[0]!]), b, { transB }), -2);
  if (b.ndim === 1) return squeezeAt(matmul(a, reshape(b, [b.shape[0]!, 1]), { transA }), -1);

  const ar = a.shape[a.ndim - 2]!, ac = a.shape[a.ndim - 1]!;
  const br = b.shape[b.ndim - 2]!, bc = b.shape[b.ndim - 1]!;
  const M = transA ? ac : ar, K = transA ? ar : ac;
  const Kb = transB ? bc : br, N = transB ? br : bc;
  if (K !== Kb) {
    const what = `${transA ? 'aᵀ' : 'a'}·${transB ? 'bᵀ' : 'b'}`;
    throw new ValueError(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${what}: inner dims ${K} and ${Kb} differ)`);
  }
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const out = make(promote(a.dtype, b.dtype), [...batch, M, N]);
  const nb = out.data.length / (M * N || 1);
  const mapA = broadcastMap(batchA, batch), mapB = broadcastMap(batchB, batch);
  const offA = (p: number) => (mapA === null ? p : mapA[p]!) * M * K;
  const offB = (p: number) => (mapB === null ? p : mapB[p]!) * K * N;
  const ars = transA ? 1 : K, acs = transA ? M : 1;
  const brs = transB ? 1 : N, bcs = transB ? K : 1;
  const gemm = kernels().gemm;
  const A = a.data, B = b.data, C = out.data;
  if (M * N > 0) for (let p = 0; p < nb; p++) gemm(M, N, K, A, offA(p), ars, acs, B, offB(p), brs, bcs, C, p * M * N, N, false);

  return record(out, 'matmul', [a, b], (g, acc) => {
    const ga = acc(a);
    const gb = acc(b);
    for (let p = 0; p < nb; p++) {
      const og = p * M * N, oa = offA(p), ob = offB(p);
      if (ga) {
        // dA = G·op(B)ᵀ, stored transposed when transA
        if (!transA) gemm(M, K, N, g, og, N, 1, B, ob, bcs, brs, ga, oa, K, true);
        else gemm(K, M, N, B, ob, brs, bcs, g, og, 1, N, ga, oa, M, true);
      }
      if (gb) {
        // dB = op(A)ᵀ·G, stored transposed when transB
        if (!transB) gemm(K, N, M, A, oa, acs, ars, g, og, N, 1, gb, ob, N, true);
        else gemm(N, K, M, g, og, 1, N, A, oa, ars, acs, gb, ob, K, true);
      }
    }
  }, traceHook && { transA, transB });
}

function squeezeAt(t: Tensor, dim: number): Tensor {
  const d = dim < 0 ? dim + t.ndim : dim;
  return reshape(t, t.shape.filter((_, i) => i !== d));
}
