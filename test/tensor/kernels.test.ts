// Both kernel implementations against a float64 triple loop, over every transpose/stride/
// accumulate combination the ops use, with shapes that hit the blocked paths and their tails.
import { describe, expect, it } from 'vitest';
import { Generator, createWasmKernels, jsKernels, type Kernels } from '../../src/index.js';

function reference(M: number, N: number, K: number, A: Float32Array, aOff: number, ars: number, acs: number, B: Float32Array, bOff: number, brs: number, bcs: number, C: Float64Array, cOff: number, crs: number, acc: boolean) {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += A[aOff + i * ars + k * acs]! * B[bOff + k * brs + j * bcs]!;
    C[cOff + i * crs + j] = (acc ? C[cOff + i * crs + j]! : 0) + s;
  }
}

const wasm = createWasmKernels();
const impls: [string, Kernels][] = [['js', jsKernels], ...(wasm ? [['wasm', wasm] as [string, Kernels]] : [])];

describe('gemm kernels', () => {
  it('WebAssembly SIMD is available on Node 20', () => expect(wasm).not.toBeNull());

  for (const [name, k] of impls) {
    it(`${name}: matches a float64 reference on strided, transposed and accumulating products`, () => {
      const g = new Generator(5);
      for (const [M, N, K] of [[1, 1, 1], [5, 9, 3], [33, 17, 64], [64, 40, 31], [7, 128, 129], [130, 8, 70]] as const) {
        for (const transA of [false, true]) for (const transB of [false, true]) for (const acc of [false, true]) {
          const pad = 3, crs = N + 2;
          const A = Float32Array.from({ length: M * K + pad }, () => g.normal());
          const B = Float32Array.from({ length: K * N + pad }, () => g.normal());
          const C0 = Float32Array.from({ length: M * crs + pad }, () => g.normal());
          const [ars, acs] = transA ? [1, M] : [K, 1];
          const [brs, bcs] = transB ? [1, K] : [N, 1];
          const C = C0.slice();
          k.gemm(M, N, K, A, pad, ars, acs, B, pad, brs, bcs, C, pad, crs, acc);
          const R = Float64Array.from(C0);
          reference(M, N, K, A, pad, ars, acs, B, pad, brs, bcs, R, pad, crs, acc);
          for (let i = 0; i < R.length; i++) {
            // float32 accumulation: error grows like √K·ε·Σ|a·b|
            expect(Math.abs(C[i]! - R[i]!), `${name} ${M}x${N}x${K} tA=${transA} tB=${transB} acc=${acc} at ${i}`).toBeLessThan(2e-5 * Math.sqrt(K) * 4 + 1e-5 * Math.abs(R[i]!));
          }
          // the padding in front of C is never touched
          expect(Array.from(C.subarray(0, pad))).toEqual(Array.from(C0.subarray(0, pad)));
        }
      }
    });
  }
});

describe('tanh kernels', () => {
  for (const [name, k] of impls) {
    it(`${name}: within 5 float32 ulps of Math.tanh over [-20, 20], on strided rows, in place too`, () => {
      const rows = 37, cols = 129, xrs = 131, yrs = 140;
      const X = new Float32Array(rows * xrs), Y = new Float32Array(rows * yrs).fill(7);
      for (let i = 0; i < X.length; i++) X[i] = 40 * (i / X.length) - 20 + (i % 3 === 0 ? 0.0001 * i : 0);
      X[5] = 0; X[6] = 1e-5; X[7] = -3e-4;
      k.tanh(rows, cols, X, 0, xrs, Y, 0, yrs);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
        const t = Math.tanh(X[i * xrs + j]!);
        expect(Math.abs(Y[i * yrs + j]! - t), `x=${X[i * xrs + j]}`).toBeLessThanOrEqual(5 * 2 ** -24 * Math.max(Math.abs(t), 2 ** -10));
      }
      expect(Y[cols]).toBe(7); // outside the block: untouched
      const Z = X.slice();
      k.tanh(rows, cols, Z, 0, xrs, Z, 0, xrs);
      for (let j = 0; j < cols; j++) expect(Z[j]).toBe(Y[j]);
    });
  }
});
