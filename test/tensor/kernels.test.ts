// Every kernel implementation (plain JS, the plain-SIMD and the relaxed-SIMD WebAssembly modules)
// against a float64 triple loop, over every transpose/stride/accumulate combination the ops use,
// with shapes that hit the blocked paths and their tails.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Generator, jsKernels, type Kernels } from '../../src/index.js';
import { createWasmKernels } from '../../src/tensor/wasm-kernels.js';

// What the Node entry (src/node.ts) does; the tests import the browser-safe core.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** R ← (acc ? R : 0) + A·B in float64; S ← the matching Σ|a·b| + |c| (the error scale). */
function reference(M: number, N: number, K: number, A: Float32Array, aOff: number, ars: number, acs: number, B: Float32Array, bOff: number, brs: number, bcs: number, C: Float64Array, S: Float64Array, cOff: number, crs: number, acc: boolean) {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0, t = 0;
    for (let k = 0; k < K; k++) {
      const p = A[aOff + i * ars + k * acs]! * B[bOff + k * brs + j * bcs]!;
      s += p; t += Math.abs(p);
    }
    const c = acc ? C[cOff + i * crs + j]! : 0;
    C[cOff + i * crs + j] = c + s;
    S[cOff + i * crs + j] = t + Math.abs(c);
  }
}

const plain = createWasmKernels({ relaxed: false });
const relaxed = createWasmKernels();
const impls: [string, Kernels][] = [
  ['js', jsKernels],
  ...(plain ? [['wasm', plain] as [string, Kernels]] : []),
  ...(relaxed?.relaxed ? [['wasm relaxed', relaxed] as [string, Kernels]] : []),
];

describe('gemm kernels', () => {
  it('WebAssembly SIMD, and relaxed SIMD behind the flag, are available on Node 20', () => {
    expect(plain).not.toBeNull();
    expect(plain!.relaxed).toBe(false);
    expect(relaxed!.relaxed).toBe(true);
  });

  for (const [name, k] of impls) {
    it(`${name}: within (K+2)·2⁻²⁴·Σ|a·b| of a float64 reference on strided, transposed and accumulating products`, () => {
      // (K+2)·ε·Σ|a·b| bounds float32 summation in any order, fused or not (γ_K of Higham §3.1);
      // the shapes cross the micro-tile (4×8), K-slice (256) and panel (72 rows, 512 columns)
      // edges, and M = 1…8 takes the in-place-B path.
      const g = new Generator(5);
      for (const [M, N, K] of [[1, 1, 1], [5, 9, 3], [33, 17, 64], [64, 40, 31], [7, 128, 129], [130, 8, 70], [1, 37, 300], [77, 520, 260]] as const) {
        for (const transA of [false, true]) for (const transB of [false, true]) for (const acc of [false, true]) {
          const pad = 3, crs = N + 2;
          const A = Float32Array.from({ length: M * K + pad }, () => g.normal());
          const B = Float32Array.from({ length: K * N + pad }, () => g.normal());
          const C0 = Float32Array.from({ length: M * crs + pad }, () => g.normal());
          const [ars, acs] = transA ? [1, M] : [K, 1];
          const [brs, bcs] = transB ? [1, K] : [N, 1];
          const C = C0.slice();
          k.gemm(M, N, K, A, pad, ars, acs, B, pad, brs, bcs, C, pad, crs, acc);
          const R = Float64Array.from(C0), S = new Float64Array(R.length);
          reference(M, N, K, A, pad, ars, acs, B, pad, brs, bcs, R, S, pad, crs, acc);
          let bad = -1;
          for (let i = 0; i < R.length && bad < 0; i++) {
            if (!(Math.abs(C[i]! - R[i]!) <= (K + 2) * 2 ** -24 * S[i]!)) bad = i;
          }
          expect(bad, `${name} ${M}x${N}x${K} tA=${transA} tB=${transB} acc=${acc}: at ${bad} ${C[bad]} vs ${R[bad]}`).toBe(-1);
          // the padding in front of C and the gaps between its rows are never touched
          for (let i = 0; i < pad; i++) expect(C[i]).toBe(C0[i]);
          for (let r = 0; r < M; r++) expect(C[pad + r * crs + N]).toBe(C0[pad + r * crs + N]);
        }
      }
    });
  }

  it('K = 0 gives zeros (or leaves C as it was when accumulating)', () => {
    for (const [, k] of impls) {
      const C = new Float32Array(40 * 600).fill(3);
      k.gemm(40, 600, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 600, 1, C, 0, 600, true);
      expect(C.every((v) => v === 3)).toBe(true);
      k.gemm(40, 600, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 600, 1, C, 0, 600, false);
      expect(C.every((v) => v === 0)).toBe(true);
    }
  });

  it('float64 operands go to the JS kernel: the same bits as jsKernels', () => {
    const g = new Generator(2);
    const A = Float64Array.from({ length: 40 * 50 }, () => g.normal()), B = Float64Array.from({ length: 50 * 60 }, () => g.normal());
    const want = new Float64Array(40 * 60);
    jsKernels.gemm(40, 60, 50, A, 0, 50, 1, B, 0, 60, 1, want, 0, 60, false);
    for (const [, k] of impls) {
      const C = new Float64Array(40 * 60);
      k.gemm(40, 60, 50, A, 0, 50, 1, B, 0, 60, 1, C, 0, 60, false);
      expect(C).toEqual(want);
    }
  });
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
