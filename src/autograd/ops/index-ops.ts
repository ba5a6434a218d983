// Ops that pick or place elements by index: argmax/argmin, max/min, topk, sort/argsort, gather,
// scatter/scatterAdd. Index tensors (inputs and outputs) are float tensors holding exact integers,
// since rnnkit has no integer dtype; index outputs never require grad. Values route their gradient
// back to the index they came from. Ops along one dim view the tensor as [outer, D, inner].
// NaN counts as larger than every number (PyTorch's order for max, argmax, sort and topk).
import { fmtShape, normDim, numel, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record, traceHook, traceOnly } from '../engine.js';
import { asTensor, make, stridedIndexMap } from './util.js';
import { ValueError } from '../../errors.js';

/** Ascending order with NaN last; 0 for equal values, so a stable sort keeps their order. */
function ascending(u: number, v: number): number {
  if (u !== u) return v !== v ? 0 : 1;
  if (v !== v) return -1;
  return u < v ? -1 : u > v ? 1 : 0;
}

interface Lanes { d: number; D: number; outer: number; inner: number }

function lanes(a: Tensor, dim: number, op: string): Lanes {
  const d = normDim(dim, a.ndim, op);
  return { d, D: a.shape[d]!, outer: numel(a.shape.slice(0, d)), inner: numel(a.shape.slice(d + 1)) };
}

/** Position k in 0..n-1 of the first largest (or smallest) of x[base + k·step]; NaN wins. */
function pick(x: ArrayLike<number>, base: number, n: number, step: number, largest: boolean): number {
  let best = 0, bv = x[base]!;
  if (bv !== bv) return 0;
  for (let k = 1; k < n; k++) {
    const v = x[base + k * step]!;
    if (v !== v) return k;
    if (largest ? v > bv : v < bv) { bv = v; best = k; }
  }
  return best;
}

function argExtreme(a: Tensor, dim: number | undefined, keepdim: boolean, largest: boolean): Tensor {
  const op = largest ? 'argmax' : 'argmin';
  if (a.data.length === 0) throw new ValueError(`${op}: expected a non-empty tensor, got shape ${fmtShape(a.shape)}`);
  if (dim === undefined) {
    const out = make(a.dtype, keepdim ? a.shape.map(() => 1) : []);
    out.data[0] = pick(a.data, 0, a.data.length, 1, largest);
    if (traceHook !== null) traceOnly(op, [a], [out], { keepdim });
    return out;
  }
  const { d, D, outer, inner } = lanes(a, dim, op);
  const out = make(a.dtype, keepdim ? a.shape.map((s, i) => (i === d ? 1 : s)) : a.shape.filter((_, i) => i !== d));
  for (let q = 0; q < outer; q++) for (let i = 0; i < inner; i++) out.data[q * inner + i] = pick(a.data, q * D * inner + i, D, inner, largest);
  if (traceHook !== null) traceOnly(op, [a], [out], { dim: d, keepdim });
  return out;
}

/** Flat index of the first max (no dim), or the indices along `dim`, as a float tensor. */
export const argmax = (a: Tensor, dim?: number, keepdim = false): Tensor => argExtreme(a, dim, keepdim, true);
export const argmin = (a: Tensor, dim?: number, keepdim = false): Tensor => argExtreme(a, dim, keepdim, false);

/** Max (min) over `dim` → [values, indices]; the gradient goes to the first index chosen. */
function extremeDim(a: Tensor, dim: number, keepdim: boolean, largest: boolean): [Tensor, Tensor] {
  const op = largest ? 'max' : 'min';
  const { d, D, outer, inner } = lanes(a, dim, op);
  if (D === 0) throw new ValueError(`${op}: dim ${dim} has size 0 (shape ${fmtShape(a.shape)})`);
  const shape = keepdim ? a.shape.map((s, i) => (i === d ? 1 : s)) : a.shape.filter((_, i) => i !== d);
  const values = make(a.dtype, shape), indices = make(a.dtype, shape);
  const src = new Int32Array(values.data.length);
  const x = a.data;
  for (let q = 0; q < outer; q++) {
    for (let i = 0; i < inner; i++) {
      const j = q * inner + i, base = q * D * inner + i, k = pick(x, base, D, inner, largest);
      src[j] = base + k * inner;
      values.data[j] = x[src[j]!]!;
      indices.data[j] = k;
    }
  }
  record(values, op, [a], (g, acc) => {
    const ga = acc(a)!;
    for (let j = 0; j < g.length; j++) ga[src[j]!] += g[j]!;
  }, traceHook && { dim: d, keepdim });
  return [values, indices];
}

/** Max (min) of all elements, a 0-d tensor; the gradient is shared evenly among ties (PyTorch 1.13). */
function extremeAll(a: Tensor, largest: boolean): Tensor {
  const op = largest ? 'max' : 'min';
  if (a.data.length === 0) throw new ValueError(`${op}: expected a non-empty tensor, got shape ${fmtShape(a.shape)}`);
  const x = a.data;
  const out = make(a.dtype, []);
  const m = x[pick(x, 0, x.length, 1, largest)]!;
  out.data[0] = m;
  const hit = (v: number) => (m !== m ? v !== v : v === m);
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    let ties = 0;
    for (let i = 0; i < x.length; i++) if (hit(x[i]!)) ties++;
    for (let i = 0; i < x.length; i++) if (hit(x[i]!)) ga[i] += g[0]! / ties;
  });
}

export function max(a: Tensor): Tensor;
export function max(a: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(a: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return dim === undefined ? extremeAll(a, true) : extremeDim(a, dim, keepdim, true);
}
export function min(a: Tensor): Tensor;
export function min(a: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function min(a: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return dim === undefined ? extremeAll(a, false) : extremeDim(a, dim, keepdim, false);
}

/** The first `k` entries of each lane in a stable order → [values, indices], values differentiable. */
function orderedLanes(a: Tensor, dim: number, k: number | null, descending: boolean, op: string): [Tensor, Tensor] {
  if (a.ndim === 0) return orderedLanes(a.reshape([1]), 0, k, descending, op).map((t) => t.reshape([])) as [Tensor, Tensor];
  const { d, D, outer, inner } = lanes(a, dim, op);
  const K = k ?? D;
  if (!Number.isInteger(K) || K < 0 || K > D) {
    throw new ValueError(`${op}: k ${K} is out of range for dim ${dim} of size ${D} (shape ${fmtShape(a.shape)})`);
  }
  const shape = a.shape.map((s, i) => (i === d ? K : s));
  const values = make(a.dtype, shape), indices = make(a.dtype, shape);
  const src = new Int32Array(values.data.length);
  const x = a.data;
  const ord = new Array<number>(D);
  for (let q = 0; q < outer; q++) {
    for (let i = 0; i < inner; i++) {
      const base = q * D * inner + i;
      for (let r = 0; r < D; r++) ord[r] = r;
      // Array.prototype.sort is stable: equal values keep their original order in both directions
      ord.sort(descending ? (u, v) => ascending(x[base + v * inner]!, x[base + u * inner]!) : (u, v) => ascending(x[base + u * inner]!, x[base + v * inner]!));
      for (let r = 0; r < K; r++) {
        const j = (q * K + r) * inner + i;
        src[j] = base + ord[r]! * inner;
        values.data[j] = x[src[j]!]!;
        indices.data[j] = ord[r]!;
      }
    }
  }
  record(values, op, [a], (g, acc) => {
    const ga = acc(a)!;
    for (let j = 0; j < g.length; j++) ga[src[j]!] += g[j]!;
  });
  return [values, indices];
}

/** Stable sort along `dim` → [values, indices]. */
export const sort = (a: Tensor, dim = -1, descending = false): [Tensor, Tensor] => orderedLanes(a, dim, null, descending, 'sort');
export const argsort = (a: Tensor, dim = -1, descending = false): Tensor => orderedLanes(a, dim, null, descending, 'argsort')[1];

/**
 * The k largest (smallest) along `dim` → [values, indices], largest first (smallest first). The
 * result is always sorted, which is one valid answer for PyTorch's `sorted=false` too.
 */
export function topk(a: Tensor, k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
  void sorted;
  return orderedLanes(a, dim, k, largest, 'topk');
}

/**
 * For each element of `index`, the flat offset into `target` it addresses along `d`:
 * coordinates of the element everywhere but `d`, and index[p] along `d`.
 */
function indexOffsets(target: Tensor, d: number, index: Tensor, op: string, dimArg: number): Int32Array {
  if (index.ndim !== target.ndim) {
    throw new ValueError(`${op}: index of shape ${fmtShape(index.shape)} must have as many dims as the tensor of shape ${fmtShape(target.shape)}`);
  }
  for (let k = 0; k < target.ndim; k++) {
    if (k !== d && index.shape[k]! > target.shape[k]!) {
      throw new ValueError(`${op}: index of shape ${fmtShape(index.shape)} is larger than the tensor of shape ${fmtShape(target.shape)} outside dim ${dimArg}`);
    }
  }
  const st = stridesOf(target.shape);
  const D = target.shape[d]!, sd = st[d]!;
  st[d] = 0;
  const off = stridedIndexMap(index.shape, st);
  const idx = index.data;
  for (let p = 0; p < off.length; p++) {
    const v = idx[p]!;
    if (!Number.isInteger(v) || v < 0 || v >= D) {
      throw new ValueError(`${op}: index ${v} is out of range for dim ${dimArg} of size ${D} (shape ${fmtShape(target.shape)})`);
    }
    off[p] += v * sd;
  }
  return off;
}

/** out[i][j][k] = a[i][index[i][j][k]][k] for dim 1 (and likewise for any dim); out has index's shape. */
export function gather(a: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim(dim, a.ndim, 'gather');
  const off = indexOffsets(a, d, index, 'gather', dim);
  const out = make(a.dtype, index.shape);
  const x = a.data, o = out.data;
  for (let p = 0; p < off.length; p++) o[p] = x[off[p]!]!;
  return record(out, 'gather', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let p = 0; p < off.length; p++) ga[off[p]!] += g[p]!;
  });
}

function scatterImpl(a: Tensor, dim: number, index: Tensor, srcIn: Tensor | number, add: boolean): Tensor {
  const op = add ? 'scatterAdd' : 'scatter';
  const d = normDim(dim, a.ndim, op);
  const off = indexOffsets(a, d, index, op, dim);
  const src = asTensor(srcIn, a);
  let from: Int32Array;
  if (srcIn instanceof Tensor) {
    if (src.ndim !== a.ndim || index.shape.some((s, k) => s > src.shape[k]!)) {
      throw new ValueError(`${op}: index of shape ${fmtShape(index.shape)} does not fit in src of shape ${fmtShape(src.shape)}`);
    }
    from = stridedIndexMap(index.shape, stridesOf(src.shape));
  } else {
    from = new Int32Array(off.length);
  }
  const out = make(a.dtype, a.shape);
  const o = out.data, s = src.data;
  o.set(a.data);
  // with repeated indices, scatter keeps the last write (PyTorch leaves the choice unspecified)
  if (add) for (let p = 0; p < off.length; p++) o[off[p]!] += s[from[p]!]!;
  else for (let p = 0; p < off.length; p++) o[off[p]!] = s[from[p]!]!;
  return record(out, op, [a, src], (g, acc) => {
    const ga = acc(a), gs = acc(src);
    if (ga) {
      if (add) for (let i = 0; i < g.length; i++) ga[i] += g[i]!;
      else {
        // overwritten entries of `a` get no gradient
        const hit = new Uint8Array(g.length);
        for (let p = 0; p < off.length; p++) hit[off[p]!] = 1;
        for (let i = 0; i < g.length; i++) if (hit[i] === 0) ga[i] += g[i]!;
      }
    }
    if (gs) for (let p = 0; p < off.length; p++) gs[from[p]!] += g[off[p]!]!;
  });
}

/** A copy of `a` with out[…index[p]…] = src[p] along `dim` (src a tensor or a number). */
export const scatter = (a: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor => scatterImpl(a, dim, index, src, false);
/** A copy of `a` with out[…index[p]…] += src[p] along `dim`; repeated indices add up. */
export const scatterAdd = (a: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => scatterImpl(a, dim, index, src, true);
