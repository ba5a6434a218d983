import { checkMemory } from '../memory.js';

export type DType = 'float32' | 'float64';
export type Data = Float32Array | Float64Array;

/**
 * Anything with a shape and flat row-major values: a Tensor, a parsed safetensors entry, a plain
 * object. `dtype`, when absent, is read off the array (Float64Array: float64, else float32).
 */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  readonly dtype?: DType;
}

// Small typed arrays are carved out of shared 64 KiB slabs: V8 allocates every array over 64 bytes
// off-heap (~0.3-0.5 µs each, plus GC tracking), which dominated tutorial-sized training steps.
// A slab is only ever bump-allocated, never reused, so every view starts zeroed; it is freed by
// the GC once no view into it is alive.
const SLAB_BYTES = 1 << 16;
const SMALL_BYTES = 1 << 11;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOff = 0;

function carve(bytes: number): [ArrayBuffer, number] {
  if (slabOff + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOff = 0;
  }
  const off = slabOff;
  slabOff += (bytes + 15) & ~15; // 16-byte aligned for Float64Array (and SIMD)
  return [slab, off];
}

/** A zeroed array of n values; a size over the memory cap is a MemoryLimitError, not a crash. */
export function alloc(dtype: DType, n: number): Data {
  if (n > 1 << 24) checkMemory(`a tensor of ${n} ${dtype} values`, n * (dtype === 'float64' ? 8 : 4));
  if (dtype === 'float64') {
    if (n * 8 > SMALL_BYTES || n === 0) return new Float64Array(n);
    const [b, off] = carve(n * 8);
    return new Float64Array(b, off, n);
  }
  if (n * 4 > SMALL_BYTES || n === 0) return new Float32Array(n);
  const [b, off] = carve(n * 4);
  return new Float32Array(b, off, n);
}

export function dtypeOf(data: Data): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** PyTorch's promotion among floating types: float64 wins. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}
