// sgemm throughput, GFLOP/s (2·M·N·K per product, median of several timed batches), rnnkit's
// WebAssembly kernels (relaxed-SIMD and plain-SIMD modules) beside tfjs-wasm (XNNPACK, one thread)
// in the same run. Every figure includes getting the product back into a JS Float32Array.
//   npx tsx bench/gemm.ts            [BASE=/path/to/older/checkout: also that checkout's kernels]
// Shapes: cubes, then the RNN step shapes (B=32, H=128: h·W_hhᵀ; H=512; B=1 generation [1,256]·[256,1024]).
// The RNN rows are measured twice: B as a plain row-major array (packed per call) and as W (the
// [N,K] weight, read transposed) marked resident, the way the sequence ops pass recurrent weights.
//   THREADS=n: also the relaxed kernels on n threads (worker_threads), timed by the wall clock
//   beside the same kernels on one thread by the wall clock (CPU time would add the threads up).
import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--experimental-wasm-relaxed-simd');
import { Worker } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { Kernels } from '../src/tensor/kernels.js';
import { createWasmKernels } from '../src/tensor/wasm-kernels.js';

setThreadsCount(1);

const SHAPES: [string, number, number, number][] = [
  ['64³', 64, 64, 64], ['128³', 128, 128, 128], ['256³', 256, 256, 256], ['512³', 512, 512, 512],
  ['[32×128]·[128×128]', 32, 128, 128], ['[32×512]·[512×512]', 32, 512, 512], ['[1×256]·[256×1024]', 1, 1024, 256],
];
const SAMPLES = Number(process.env.SAMPLES ?? 9);
const BATCH_MS = 25;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

// This process's CPU time, not wall time: the machine is shared (load average well above its core
// count while this was written), and CPU time is what a time-shared core actually gave us.
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const wallMs = (): number => performance.now();

/** Batch sizes so one batch takes ~BATCH_MS. */
function calibrate(fn: () => void, clock: () => number): number {
  for (let i = 0; i < 3; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = clock();
    for (let i = 0; i < reps; i++) fn();
    if (clock() - t0 > BATCH_MS / 4) break;
    reps *= 2;
  }
  return Math.max(1, Math.round(reps * 4));
}

/** GFLOP/s of each fn (one product per call), median over SAMPLES rounds that interleave them. */
function measure(flops: number, fns: (() => void)[], clock = cpuMs): number[] {
  const reps = fns.map((f) => calibrate(f, clock));
  const rates: number[][] = fns.map(() => []);
  for (let s = 0; s < SAMPLES; s++) {
    fns.forEach((fn, f) => {
      const t0 = clock();
      for (let i = 0; i < reps[f]!; i++) fn();
      rates[f]!.push((flops * reps[f]!) / ((clock() - t0) * 1e6));
    });
  }
  return rates.map(median);
}

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; a[i] = x / 2 ** 31 - 1; }
  return a;
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const impls: [string, Kernels][] = [];
  const relaxed = createWasmKernels();
  const plain = createWasmKernels({ relaxed: false });
  if (relaxed?.relaxed) impls.push(['relaxed', relaxed]);
  if (plain) impls.push(['plain', plain]);
  if (process.env.BASE) {
    const mod = await import(`${process.env.BASE}/src/tensor/wasm-kernels.ts`) as { createWasmKernels(): Kernels | null };
    const k = mod.createWasmKernels();
    if (k) impls.push(['before', k]);
  }
  const nThreads = Number(process.env.THREADS ?? 1);
  const threaded = nThreads > 1 ? createWasmKernels({ threads: { count: nThreads, spawn: (src) => { const w = new Worker(src, { eval: true }); w.unref(); return w; } } }) : null;
  for (let i = 0; threaded && i < 200 && threaded.threads() < nThreads; i++) await new Promise((r) => setTimeout(r, 10));
  const cols = [...impls.map(([n]) => n), 'tfjs-wasm', ...impls.filter(([n]) => n !== 'before').map(([n]) => `${n} Wᵀ res.`),
    ...(threaded ? ['relaxed wall', `relaxed ${threaded.threads()}t wall`] : [])];
  console.log(`sgemm GFLOP/s, median of ${SAMPLES}; ${relaxed?.relaxed ? 'relaxed SIMD available' : 'no relaxed SIMD'}; tfjs ${tf.version.tfjs} wasm ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}, 1 thread`);
  // Warm-up: V8 compiles WebAssembly with its baseline compiler first and tiers hot functions up to
  // TurboFan in the background; without this the first shape measured the baseline code.
  {
    const n = 128, A = rand(n * n, 4), C = new Float32Array(n * n);
    for (let i = 0; i < 50; i++) {
      for (const [, k] of impls) for (const m of [1, n]) k.gemm(m, n, n, A, 0, n, 1, A, 0, n, 1, C, 0, n, false, { b: { key: A, version: 0 } });
    }
  }
  console.log(['shape', ...cols, 'best/tfjs'].join('\t'));
  for (const [name, M, N, K] of SHAPES) {
    const flops = 2 * M * N * K;
    const A = rand(M * K, 1), B = rand(K * N, 2), W = rand(N * K, 3), C = new Float32Array(M * N);
    const ta = tf.tensor2d(A, [M, K]), tb = tf.tensor2d(B, [K, N]);
    const wKey = { version: 0, key: W };
    const row = measure(flops, [
      ...impls.map(([, k]) => () => k.gemm(M, N, K, A, 0, K, 1, B, 0, N, 1, C, 0, N, false)),
      () => { const c = tf.matMul(ta, tb); c.dataSync(); c.dispose(); },
      ...impls.filter(([n]) => n !== 'before').map(([, k]) => () => k.gemm(M, N, K, A, 0, K, 1, W, 0, 1, K, C, 0, N, false, { b: wKey })),
    ]);
    ta.dispose(); tb.dispose();
    if (threaded) {
      const [st, mt] = measure(flops, [
        () => relaxed!.gemm(M, N, K, A, 0, K, 1, B, 0, N, 1, C, 0, N, false),
        () => threaded.gemm(M, N, K, A, 0, K, 1, B, 0, N, 1, C, 0, N, false),
      ], wallMs);
      row.push(st!, mt!);
    }
    const tfjs = row[impls.length]!;
    // ours (either module, operands per call) over tfjs-wasm; the older checkout is not counted
    const ours = impls.flatMap(([n], i) => (n === 'before' ? [] : [row[i]!]));
    console.log([name, ...row.map((x) => x.toFixed(1)), (Math.max(...ours) / tfjs).toFixed(2)].join('\t'));
  }
}

await main();
