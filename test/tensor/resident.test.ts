// Resident operands of the WebAssembly GEMM: a constant weight is packed once and reused while its
// key, version and layout match; anything else repacks, and the cache stays within its byte cap.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Generator, jsKernels } from '../../src/index.js';
import { createWasmKernels, type WasmKernels } from '../../src/tensor/wasm-kernels.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const g = new Generator(11);
const randn = (n: number) => Float32Array.from({ length: n }, () => g.normal());

/** C = A·B with the JS kernel (float64 sums), for comparison. */
function product(M: number, N: number, K: number, A: Float32Array, aOff: number, ars: number, acs: number, B: Float32Array, bOff: number, brs: number, bcs: number): Float32Array {
  const C = new Float32Array(M * N);
  jsKernels.gemm(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, 0, N, false);
  return C;
}

function expectClose(got: Float32Array, want: Float32Array, K: number): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(worst).toBeLessThan(K * 2 ** -22);
}

for (const relaxed of [false, true]) {
  describe(`resident GEMM operands (${relaxed ? 'relaxed' : 'plain'} SIMD)`, () => {
    const make = (residentBytes?: number): WasmKernels => createWasmKernels({ relaxed, residentBytes })!;

    it('reuses the packed copy while the version holds, and repacks when it changes', () => {
      const k = make();
      const B = 32, H = 128, G = 4 * H;
      const h = randn(B * H), W = randn(G * H); // W_hh [G,H], read transposed as B [H,G]
      const C = new Float32Array(B * G);
      const w = { key: W, version: 0 };
      k.gemm(B, G, H, h, 0, H, 1, W, 0, 1, H, C, 0, G, false, { b: w });
      expectClose(C, product(B, G, H, h, 0, H, 1, W, 0, 1, H), H);
      expect(k.residentStats()).toMatchObject({ entries: 1, packs: 1, hits: 0 });
      const before = C.slice();

      // an in-place update without a version bump is not seen: the copy is resident
      W[0] += 1;
      k.gemm(B, G, H, h, 0, H, 1, W, 0, 1, H, C, 0, G, false, { b: w });
      expect(C).toEqual(before);
      expect(k.residentStats()).toMatchObject({ packs: 1, hits: 1 });

      // the bump (what optimizer steps, loadStateDict and in-place ops do to _version) repacks
      w.version++;
      k.gemm(B, G, H, h, 0, H, 1, W, 0, 1, H, C, 0, G, false, { b: w });
      expect(C).not.toEqual(before);
      expectClose(C, product(B, G, H, h, 0, H, 1, W, 0, 1, H), H);
      expect(k.residentStats()).toMatchObject({ entries: 1, packs: 2, hits: 1 });
    });

    it('keys the copy by layout too: the same array transposed, offset or reshaped is a different operand', () => {
      const k = make();
      const n = 192, M = 20; // M·N·K ≥ 2¹⁴ for every layout at M = 1 too: smaller products stay in JS
      const W = randn(n * n + 40), x = randn(M * n);
      const w = { key: W, version: 3 };
      const layouts: [number, number, number, number, number][] = [
        // [K, N, offset, row stride, column stride] of B inside W
        [n, n, 0, n, 1], [n, n, 0, 1, n], [n, n, 17, n, 1], [n / 2, n, 0, n, 1], [n, n / 2, 0, n / 2, 1], [n, 96, 40, 1, n],
      ];
      // M = 1 (one generated token) reads the packed strips four at a time: same cached copies
      for (const rows of [M, 1, M]) {
        for (const [K, N, off, rs, cs] of layouts) {
          const C = new Float32Array(rows * N);
          k.gemm(rows, N, K, x, 0, K, 1, W, off, rs, cs, C, 0, N, false, { b: w });
          expectClose(C, product(rows, N, K, x, 0, K, 1, W, off, rs, cs), K);
        }
      }
      expect(k.residentStats()).toMatchObject({ entries: layouts.length, packs: layouts.length, hits: 2 * layouts.length });
    });

    it('caches a resident left operand (A) as well, beside B of the same key', () => {
      const k = make();
      const M = 48, K = 64, N = 40;
      const W = randn(M * K), x = randn(K * N);
      const C = new Float32Array(M * N);
      for (let i = 0; i < 3; i++) {
        k.gemm(M, N, K, W, 0, K, 1, x, 0, N, 1, C, 0, N, false, { a: { key: W, version: 0 } });
        expectClose(C, product(M, N, K, W, 0, K, 1, x, 0, N, 1), K);
      }
      // W as both operands (Wᵀ·W): one packed copy per role
      const C2 = new Float32Array(K * K);
      k.gemm(K, K, M, W, 0, 1, K, W, 0, K, 1, C2, 0, K, false, { a: { key: W, version: 0 }, b: { key: W, version: 0 } });
      expectClose(C2, product(K, K, M, W, 0, 1, K, W, 0, K, 1), M);
      expect(k.residentStats()).toMatchObject({ entries: 3, packs: 3, hits: 2 });
    });

    it('evicts the least recently used copies to stay under its byte cap, and stays correct after', () => {
      const K = 64, N = 64, M = 8, bytes = 4 * K * N;
      const k = make(3 * bytes); // room for three packed 64×64 weights
      const Ws = Array.from({ length: 5 }, () => randn(K * N));
      const keys = Ws.map((W) => ({ key: W, version: 0 }));
      const x = randn(M * K);
      const run = (i: number): void => {
        const C = new Float32Array(M * N);
        k.gemm(M, N, K, x, 0, K, 1, Ws[i]!, 0, N, 1, C, 0, N, false, { b: keys[i]! });
        expectClose(C, product(M, N, K, x, 0, K, 1, Ws[i]!, 0, N, 1), K);
      };
      for (let i = 0; i < 5; i++) run(i);
      let s = k.residentStats();
      expect(s.entries).toBe(3);
      expect(s.bytes).toBeLessThanOrEqual(3 * bytes);
      expect(s.evictions).toBe(2);
      run(4); // the most recent: still there
      expect(k.residentStats().hits).toBe(1);
      run(0); // evicted: packed again, evicting 2 (least recently used), not 4
      run(4);
      s = k.residentStats();
      expect(s).toMatchObject({ entries: 3, hits: 2, packs: 6, evictions: 3 });
      // a weight bigger than the cap is used without being cached
      const big = randn(4 * K * N);
      const C = new Float32Array(M * 4 * N);
      k.gemm(M, 4 * N, K, x, 0, K, 1, big, 0, 4 * N, 1, C, 0, 4 * N, false, { b: { key: big, version: 0 } });
      expectClose(C, product(M, 4 * N, K, x, 0, K, 1, big, 0, 4 * N, 1), K);
      expect(k.residentStats().entries).toBe(3);
    });

    it('resident copies survive memory growth (offsets, not views, are kept)', () => {
      const k = make();
      const K = 128, N = 256, M = 16;
      const W = randn(K * N), x = randn(M * K), w = { key: W, version: 0 };
      const C = new Float32Array(M * N);
      k.gemm(M, N, K, x, 0, K, 1, W, 0, N, 1, C, 0, N, false, { b: w });
      // a large product grows the arena (and so the memory) past its first size
      const n = 700, A = randn(n * n), B = randn(n * n), C2 = new Float32Array(n * n);
      k.gemm(n, n, n, A, 0, n, 1, B, 0, n, 1, C2, 0, n, false);
      // resident weights of several keys interleaved with more growth
      for (let i = 0; i < 4; i++) {
        const V = randn(K * N);
        k.gemm(M, N, K, x, 0, K, 1, V, 0, N, 1, C, 0, N, false, { b: { key: V, version: 0 } });
      }
      k.gemm(M, N, K, x, 0, K, 1, W, 0, N, 1, C, 0, N, false, { b: w });
      expectClose(C, product(M, N, K, x, 0, K, 1, W, 0, N, 1), K);
      expect(k.residentStats().hits).toBe(1);
    });

    it('jsKernels ignores resident hints', () => {
      const W = randn(64 * 64), x = randn(4 * 64), C = new Float32Array(4 * 64);
      jsKernels.gemm(4, 64, 64, x, 0, 64, 1, W, 0, 64, 1, C, 0, 64, false, { b: { key: W, version: 0 } });
      W[0] += 1;
      const D = new Float32Array(4 * 64);
      jsKernels.gemm(4, 64, 64, x, 0, 64, 1, W, 0, 64, 1, D, 0, 64, false, { b: { key: W, version: 0 } });
      expect(D).not.toEqual(C);
    });
  });
}
