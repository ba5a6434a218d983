// The numeric kernels behind one small interface, so a WebAssembly SIMD build can replace them
// without touching nn or autograd. Everything works on flat typed arrays with explicit offsets and
// strides: transposes are handled by index, never by copying.
import type { Data } from './dtype.js';
import { jsKernels } from './js-kernels.js';
import { createWasmKernels } from './wasm-kernels.js';

export { jsKernels, createWasmKernels };

export interface Kernels {
  /**
   * C(i,j) = C[cOff + i*crs + j] ← (accumulate ? C(i,j) : 0) + Σ_k A(i,k)·B(k,j), where
   * A(i,k) = A[aOff + i*ars + k*acs] and B(k,j) = B[bOff + k*brs + j*bcs].
   */
  gemm(
    M: number, N: number, K: number,
    A: Data, aOff: number, ars: number, acs: number,
    B: Data, bOff: number, brs: number, bcs: number,
    C: Data, cOff: number, crs: number, accumulate: boolean,
  ): void;
  /**
   * Y(i,j) = tanh(X(i,j)) for a rows×cols block, X(i,j) = X[xOff + i*xrs + j] and
   * Y(i,j) = Y[yOff + i*yrs + j] (X and Y may be the same array).
   */
  tanh(rows: number, cols: number, X: Data, xOff: number, xrs: number, Y: Data, yOff: number, yrs: number): void;
}

let active: Kernels | null = null;

/**
 * The kernels in use: WebAssembly SIMD where the runtime supports it (Node ≥ 16, current
 * browsers), else plain JS. RNNKIT_KERNELS=js in the environment (Node) forces plain JS.
 */
export function kernels(): Kernels {
  if (active === null) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    active = (env?.RNNKIT_KERNELS === 'js' ? null : createWasmKernels()) ?? jsKernels;
  }
  return active;
}

/** Swaps the kernel implementation; returns the previous one. */
export function setKernels(k: Kernels): Kernels {
  const prev = kernels();
  active = k;
  return prev;
}
