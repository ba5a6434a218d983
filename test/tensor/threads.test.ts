// The threaded GEMM (worker_threads on a shared WebAssembly.Memory) gives the same bits as one
// thread for any thread count: columns are split on 32-column panels and every C element keeps
// its K order.
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, jsKernels } from '../../src/index.js';
import { getNumThreads, kernels, setKernels, setNumThreads, setThreadSpawner } from '../../src/tensor/kernels.js';
import { createWasmKernels, type WasmKernels } from '../../src/tensor/wasm-kernels.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const spawn = (source: string) => {
  const w = new Worker(source, { eval: true });
  w.unref();
  return w;
};

const made: WasmKernels[] = [];
afterAll(() => { for (const k of made) k.terminateThreads(); });

async function threaded(count: number, relaxed: boolean): Promise<WasmKernels> {
  const k = createWasmKernels({ relaxed, threads: { count, spawn } })!;
  made.push(k);
  for (let i = 0; i < 500 && k.threads() < count; i++) await new Promise((r) => setTimeout(r, 10));
  return k;
}

for (const relaxed of [false, true]) {
  describe(`threaded GEMM (${relaxed ? 'relaxed' : 'plain'} SIMD)`, () => {
    it('starts its workers, and 2 or 3 threads give the bits of 1 on every path', async () => {
      const one = createWasmKernels({ relaxed })!;
      const ks = [await threaded(2, relaxed), await threaded(3, relaxed)];
      expect(ks.map((k) => k.threads())).toEqual([2, 3]);
      const g = new Generator(3);
      // ≥ 2²¹ multiply-adds each (the threading threshold); N not a multiple of 32; M = 1; K across slices
      for (const [M, N, K] of [[128, 200, 130], [64, 1000, 300], [1, 2100, 1024], [300, 77, 260]] as const) {
        for (const transB of [false, true]) for (const acc of [false, true]) for (const resident of [false, true]) {
          const A = Float32Array.from({ length: M * K }, () => g.normal());
          const B = Float32Array.from({ length: K * N }, () => g.normal());
          const C0 = Float32Array.from({ length: M * N }, () => g.normal());
          const [brs, bcs] = transB ? [1, K] : [N, 1];
          const res = resident ? { b: { key: B, version: 0 } } : undefined;
          const want = C0.slice();
          one.gemm(M, N, K, A, 0, K, 1, B, 0, brs, bcs, want, 0, N, acc, res);
          for (const k of ks) {
            const C = C0.slice();
            k.gemm(M, N, K, A, 0, K, 1, B, 0, brs, bcs, C, 0, N, acc, res);
            const differs = C.findIndex((v, i) => !Object.is(v, want[i]));
            expect(differs, `${k.threads()} threads ${M}x${N}x${K} tB=${transB} acc=${acc} resident=${resident}`).toBe(-1);
          }
          if (resident) continue; // the same product as the line before
          // and the product itself is right
          const ref = C0.slice();
          jsKernels.gemm(M, N, K, A, 0, K, 1, B, 0, brs, bcs, ref, 0, N, acc);
          let worst = 0;
          for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(want[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
          expect(worst).toBeLessThan(K * 2 ** -22);
        }
      }
    });
  });
}

describe('setNumThreads', () => {
  it('rebuilds the global kernels with that many threads once a spawner is registered; setKernels choices stay', async () => {
    expect(getNumThreads()).toBe(Number(process.env.RNNKIT_THREADS ?? 1));
    expect(() => setNumThreads(0)).toThrow(/whole number ≥ 1, got 0/);
    setNumThreads(2);
    expect((kernels() as WasmKernels).threads()).toBe(1); // no spawner yet
    setThreadSpawner(spawn);
    const k = kernels() as WasmKernels;
    for (let i = 0; i < 500 && k.threads() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(k.threads()).toBe(2);
    const prev = setKernels(jsKernels);
    setNumThreads(3);
    expect(kernels()).toBe(jsKernels);
    setKernels(prev);
    setNumThreads(1);
    setThreadSpawner(null);
    expect((kernels() as WasmKernels).threads()).toBe(1);
  });
});
