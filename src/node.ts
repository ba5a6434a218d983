// The Node entry point: everything in the browser-safe core, with `io` extended by file helpers.
import { setFlagsFromString } from 'node:v8';
export * from './index.js';
export * as io from './io/files.js';

// Node 20 validates relaxed SIMD only behind this flag (Chromium has it on); the WebAssembly
// kernels compile lazily, on first use, so setting it here comes before any compile and lets
// them pick the f32x4.relaxed_madd module (src/tensor/wasm-kernels.ts feature-detects it).
setFlagsFromString('--experimental-wasm-relaxed-simd');
