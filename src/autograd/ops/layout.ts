// expand and repeat (copies through a gather map: out[i] = x[map[i]], backward ga[map[i]] += g[i]),
// and flatten, chunk, split composed from reshape and slice. Storage is always contiguous, so
// expand copies where PyTorch returns a stride-0 view; values and gradients are the same.
import { fmtShape, normDim, numel, stridesOf } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';
import { reshape, slice } from './shape.js';
import { broadcastMap, make, stridedIndexMap } from './util.js';
import { ValueError } from '../../errors.js';

function gatherMap(a: Tensor, shape: readonly number[], map: Int32Array | null, op: string): Tensor {
  const out = make(a.dtype, shape);
  const x = a.data, o = out.data;
  if (map === null) o.set(x);
  else for (let i = 0; i < o.length; i++) o[i] = x[map[i]!]!;
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    if (map === null) for (let i = 0; i < g.length; i++) ga[i] += g[i]!;
    else for (let i = 0; i < g.length; i++) ga[map[i]!] += g[i]!;
  });
}

/** Broadcasts size-1 dims to `sizes` (new dims are prepended; −1 keeps a dim). */
export function expand(a: Tensor, sizes: readonly number[]): Tensor {
  const lead = sizes.length - a.ndim;
  if (lead < 0) throw new ValueError(`expand: ${sizes.length} sizes ${fmtShape(sizes)} given for a tensor of shape ${fmtShape(a.shape)}`);
  const shape = sizes.map((s, i) => {
    const cur = i < lead ? null : a.shape[i - lead]!;
    if (s === -1 && cur !== null) return cur;
    if (!Number.isInteger(s) || s < 0 || (cur !== null && cur !== 1 && cur !== s)) {
      throw new ValueError(`expand: cannot expand shape ${fmtShape(a.shape)} to ${fmtShape(sizes)}`);
    }
    return s;
  });
  return gatherMap(a, shape, broadcastMap(a.shape, shape), 'expand');
}

/** Tiles the tensor reps[k] times along each dim (leading 1s are added to match reps). */
export function repeat(a: Tensor, reps: readonly number[]): Tensor {
  if (reps.length < a.ndim) throw new ValueError(`repeat: ${reps.length} repeats ${fmtShape(reps)} given for a tensor of shape ${fmtShape(a.shape)}`);
  for (const r of reps) if (!Number.isInteger(r) || r < 0) throw new ValueError(`repeat: invalid repeats ${fmtShape(reps)}`);
  const padded = [...new Array<number>(reps.length - a.ndim).fill(1), ...a.shape];
  const st = stridesOf(padded);
  // out index (r·s_k + j) in each dim is the row-major index over interleaved dims [r_0, s_0, r_1, s_1, …]
  const inter: number[] = [], interStrides: number[] = [];
  reps.forEach((r, k) => { inter.push(r, padded[k]!); interStrides.push(0, st[k]!); });
  const shape = reps.map((r, k) => r * padded[k]!);
  return gatherMap(a, shape, stridedIndexMap(inter, interStrides, new Int32Array(numel(shape))), 'repeat');
}

/** Merges dims startDim..endDim into one. */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.ndim === 0) return reshape(a, [1]);
  const s = normDim(startDim, a.ndim, 'flatten'), e = normDim(endDim, a.ndim, 'flatten');
  if (s > e) throw new ValueError(`flatten: startDim ${startDim} comes after endDim ${endDim} (shape ${fmtShape(a.shape)})`);
  return reshape(a, [...a.shape.slice(0, s), numel(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)]);
}

/** Pieces of `sizeOrSizes` along `dim` (the last may be smaller), or exactly the listed sizes. */
export function split(a: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim(dim, a.ndim, 'split');
  const D = a.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSizes === 'number') {
    const n = sizeOrSizes;
    if (!Number.isInteger(n) || n < 0 || (n === 0 && D > 0)) throw new ValueError(`split: size ${n} must be a positive integer`);
    sizes = [];
    for (let at = 0; at < D; at += n) sizes.push(Math.min(n, D - at));
    if (D === 0) sizes.push(0);
  } else {
    sizes = [...sizeOrSizes];
    const total = sizes.reduce((x, y) => x + y, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== D) {
      throw new ValueError(`split: sizes ${fmtShape(sizes)} do not sum to ${D}, the size of dim ${dim} (shape ${fmtShape(a.shape)})`);
    }
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(slice(a, d, at, at + s));
    at += s;
  }
  return out;
}

/** At most n pieces of ⌈D/n⌉ along `dim`, as PyTorch's chunk (fewer when D is small). */
export function chunk(a: Tensor, n: number, dim = 0): Tensor[] {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`chunk: number of chunks ${n} must be a positive integer`);
  const d = normDim(dim, a.ndim, 'chunk');
  const D = a.shape[d]!;
  if (D === 0) return Array.from({ length: n }, () => slice(a, d, 0, 0));
  return split(a, Math.ceil(D / n), d);
}
