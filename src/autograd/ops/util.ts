import type { Data, DType } from '../../tensor/dtype.js';
import { alloc } from '../../tensor/dtype.js';
import { broadcastStrides, numel, sameShape, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** A 0-d constant for a number operand, in the dtype of `like`. */
export function asTensor(x: Tensor | number, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const d = alloc(like.dtype, 1);
  d[0] = x;
  return new Tensor(d, []);
}

export function make(dtype: DType, shape: readonly number[]): Tensor {
  return new Tensor(alloc(dtype, numel(shape)), shape);
}

// Broadcast maps depend only on the two shapes and are read-only, so a training loop that repeats
// the same shapes every step reuses them (a small bounded cache).
const mapCache = new Map<string, Int32Array>();

/**
 * For each flat index of `out`, the flat index of the broadcast input `shape`; null when the shapes
 * are equal (identity). Used by forward (gather) and backward (scatter-add) alike.
 */
export function broadcastMap(shape: Shape, out: Shape): Int32Array | null {
  if (sameShape(shape, out)) return null;
  const n = numel(out);
  const key = `${shape.join(',')}|${out.join(',')}`;
  const hit = mapCache.get(key);
  if (hit !== undefined) return hit;
  const map = new Int32Array(n);
  if (mapCache.size >= 256) mapCache.clear();
  mapCache.set(key, map);
  if (numel(shape) === 1) return map;
  return stridedIndexMap(out, broadcastStrides(shape, out), map);
}

/**
 * For each flat (row-major) index of `shape`, the offset Σ idx[d]·strides[d] into another buffer:
 * the gather map behind broadcasting (strides 0 on broadcast dims) and permutes (permuted strides).
 */
export function stridedIndexMap(shape: Shape, strides: readonly number[], map = new Int32Array(numel(shape))): Int32Array {
  const n = map.length, nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    map[i] = src;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/** Adds `g` (laid out like the broadcast output) into `dst` (the input's gradient). */
export function accumulateBroadcast(dst: Data, g: Data, map: Int32Array | null, scale = 1): void {
  if (map === null) {
    if (scale === 1) for (let i = 0; i < g.length; i++) dst[i] += g[i]!;
    else for (let i = 0; i < g.length; i++) dst[i] += scale * g[i]!;
  } else {
    for (let i = 0; i < g.length; i++) dst[map[i]!] += scale * g[i]!;
  }
}
