// The WebAssembly SIMD implementation of the Kernels interface (float32 GEMM from
// tools/wasm/gemm.c). Operands are packed into the module's memory (strided reads and transposes
// happen here, in the copy), multiplied there, and the result copied back. Small products and
// float64 data stay on the JS kernel, where the copies would cost more than they save.
import type { Data } from './dtype.js';
import { jsKernels } from './js-kernels.js';
import type { Kernels } from './kernels.js';
import { GEMM_WASM_BASE64 } from './wasm-gemm.js';

const BASE = 1 << 17; // past the module's 64 KiB stack
const PAGE = 1 << 16;
/** Below this many multiply-adds (or with fewer than 8 output columns) the JS kernel is faster. */
const MIN_WORK = 1 << 14;
/** Below this many values an elementwise kernel stays in JS. */
const MIN_ELEMENTWISE = 64;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Instantiates the SIMD kernels, or returns null where WebAssembly SIMD is unavailable. */
export function createWasmKernels(): Kernels | null {
  let memory: WebAssembly.Memory;
  let run: (M: number, N: number, K: number, a: number, b: number, c: number, acc: number) => void;
  let runTanh: (x: number, y: number, n: number) => void;
  try {
    memory = new WebAssembly.Memory({ initial: 4 });
    const mod = new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64));
    const inst = new WebAssembly.Instance(mod, { env: { memory } });
    run = inst.exports.gemm as typeof run;
    runTanh = inst.exports.tanh as typeof runTanh;
  } catch {
    return null;
  }
  let f32 = new Float32Array(memory.buffer);

  function reserve(floats: number): void {
    const need = BASE + floats * 4;
    if (need > memory.buffer.byteLength) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
    }
    if (f32.buffer !== memory.buffer) f32 = new Float32Array(memory.buffer);
  }

  // dst[p + r*cols + c] = src[off + r*rs + c*cs]
  function pack(src: Float32Array, off: number, rs: number, cs: number, rows: number, cols: number, p: number): void {
    if (cs === 1 && rs === cols) {
      f32.set(src.subarray(off, off + rows * cols), p);
    } else if (cs === 1) {
      for (let r = 0; r < rows; r++) f32.set(src.subarray(off + r * rs, off + r * rs + cols), p + r * cols);
    } else {
      for (let r = 0; r < rows; r++) {
        const s = off + r * rs, d = p + r * cols;
        for (let c = 0; c < cols; c++) f32[d + c] = src[s + c * cs]!;
      }
    }
  }

  function gemm(
    M: number, N: number, K: number,
    A: Data, aOff: number, ars: number, acs: number,
    B: Data, bOff: number, brs: number, bcs: number,
    C: Data, cOff: number, crs: number, accumulate: boolean,
  ): void {
    if (!(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) || M * N * K < MIN_WORK || N < 8) {
      jsKernels.gemm(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, crs, accumulate);
      return;
    }
    reserve(M * K + K * N + M * N + 12);
    const pa = BASE / 4;
    const pb = pa + ((M * K + 3) & ~3);
    const pc = pb + ((K * N + 3) & ~3);
    pack(A, aOff, ars, acs, M, K, pa);
    pack(B, bOff, brs, bcs, K, N, pb);
    if (accumulate) pack(C, cOff, crs, 1, M, N, pc);
    run(M, N, K, pa * 4, pb * 4, pc * 4, accumulate ? 1 : 0);
    if (crs === N) C.set(f32.subarray(pc, pc + M * N), cOff);
    else for (let r = 0; r < M; r++) C.set(f32.subarray(pc + r * N, pc + (r + 1) * N), cOff + r * crs);
  }

  function tanh(rows: number, cols: number, X: Data, xOff: number, xrs: number, Y: Data, yOff: number, yrs: number): void {
    const n = rows * cols;
    if (!(X instanceof Float32Array && Y instanceof Float32Array) || n < MIN_ELEMENTWISE) {
      jsKernels.tanh(rows, cols, X, xOff, xrs, Y, yOff, yrs);
      return;
    }
    reserve(2 * n + 8);
    const px = BASE / 4, py = px + ((n + 3) & ~3);
    pack(X, xOff, xrs, 1, rows, cols, px);
    runTanh(px * 4, py * 4, n);
    if (yrs === cols) Y.set(f32.subarray(py, py + n), yOff);
    else for (let r = 0; r < rows; r++) Y.set(f32.subarray(py + r * cols, py + (r + 1) * cols), yOff + r * yrs);
  }

  return { gemm, tanh };
}
