// The Node entry point: everything in the browser-safe core, with `io` extended by file helpers.
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { setThreadSpawner } from './tensor/kernels.js';
export * from './index.js';
export * as io from './io/files.js';
export { saveOnnx } from './onnx/node.js';

// Node 20 validates relaxed SIMD only behind this flag (Chromium has it on); the WebAssembly
// kernels compile lazily, on first use, so setting it here comes before any compile and lets
// them pick the f32x4.relaxed_madd module (src/tensor/wasm-kernels.ts feature-detects it).
setFlagsFromString('--experimental-wasm-relaxed-simd');

// Large matrix products may split over worker threads sharing one WebAssembly memory (same bits for
// any count). How many: setNumThreads(n) or RNNKIT_THREADS; the default stays 1 until the speed-up
// is measured on the CPUs this project runs on (docs/reliability.md). Workers never keep a process alive.
setThreadSpawner((source) => {
  const w = new Worker(source, { eval: true });
  w.unref();
  return w;
});
