// Shape ops. Storage is always contiguous: reshape shares the buffer (a view), the rest copy.
// Gathers view the tensor as [outer, D, inner] around the dim they work on.
import type { DType } from '../../tensor/dtype.js';
import { alloc, promote } from '../../tensor/dtype.js';
import { fmtShape, normDim, numel, sameShape, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record, traceHook } from '../engine.js';
import { make, stridedIndexMap } from './util.js';
import { ValueError } from '../../errors.js';

export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const n = a.data.length;
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    if (s === -1) {
      if (infer >= 0) throw new ValueError(`reshape: only one dim can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ValueError(`reshape: invalid dim ${s} in ${fmtShape(shape)}`);
    } else known *= s;
  }
  const target = [...shape];
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) throw new ValueError(`reshape: cannot reshape ${fmtShape(a.shape)} (${n} values) into ${fmtShape(shape)}`);
    target[infer] = n / known;
  } else if (known !== n) {
    throw new ValueError(`reshape: cannot reshape ${fmtShape(a.shape)} (${n} values) into ${fmtShape(shape)}`);
  }
  const out = new Tensor(a.data, target);
  return record(out, 'reshape', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]!;
  }, traceHook && { shape });
}

export function clone(a: Tensor): Tensor {
  const out = new Tensor(a.data.slice(), a.shape);
  return record(out, 'clone', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]!;
  });
}

export function toDtype(a: Tensor, dtype: DType): Tensor {
  if (a.dtype === dtype) return a;
  const out = new Tensor(alloc(dtype, a.data.length), a.shape);
  out.data.set(a.data);
  return record(out, 'to', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]!;
  }, traceHook && { dtype });
}

export function squeeze(a: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(a, a.shape.filter((s) => s !== 1));
  const d = normDim(dim, a.ndim, 'squeeze');
  if (a.shape[d] !== 1) return a;
  return reshape(a, a.shape.filter((_, i) => i !== d));
}

export function unsqueeze(a: Tensor, dim: number): Tensor {
  const d = normDim(dim, a.ndim + 1, 'unsqueeze');
  const s = [...a.shape];
  s.splice(d, 0, 1);
  return reshape(a, s);
}

export function permute(a: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== a.ndim) throw new ValueError(`permute: ${dims.length} dims given for a tensor of shape ${fmtShape(a.shape)}`);
  const p = dims.map((d) => normDim(d, a.ndim, 'permute'));
  if (new Set(p).size !== p.length) throw new ValueError(`permute: repeated dim in ${fmtShape(dims)}`);
  const shape = p.map((d) => a.shape[d]!);
  const out = make(a.dtype, shape);
  const st = stridesOf(a.shape);
  const src = p.map((d) => st[d]!);
  const n = out.data.length;
  const map = stridedIndexMap(shape, src);
  const x = a.data, o = out.data;
  for (let i = 0; i < n; i++) o[i] = x[map[i]!]!;
  return record(out, 'permute', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < n; i++) ga[map[i]!] += g[i]!;
  }, traceHook && { dims: p });
}

export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const d0 = normDim(dim0, a.ndim, 'transpose'), d1 = normDim(dim1, a.ndim, 'transpose');
  const p = a.shape.map((_, i) => i);
  p[d0] = d1;
  p[d1] = d0;
  return permute(a, p);
}

/** Copies `idx.length` slabs of [outer, ·, inner] along dim: out[o, j, i] = x[o, idx[j], i]. */
function gather(a: Tensor, d: number, idx: ArrayLike<number>, op: string): Tensor {
  const D = a.shape[d]!;
  const outer = numel(a.shape.slice(0, d)), inner = numel(a.shape.slice(d + 1));
  const J = idx.length;
  const shape = [...a.shape];
  shape[d] = J;
  const out = make(a.dtype, shape);
  const x = a.data, o = out.data;
  for (let q = 0; q < outer; q++) {
    for (let j = 0; j < J; j++) {
      const src = (q * D + idx[j]!) * inner, dst = (q * J + j) * inner;
      for (let i = 0; i < inner; i++) o[dst + i] = x[src + i]!;
    }
  }
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    for (let q = 0; q < outer; q++) {
      for (let j = 0; j < J; j++) {
        const src = (q * D + idx[j]!) * inner, dst = (q * J + j) * inner;
        for (let i = 0; i < inner; i++) ga[src + i] += g[dst + i]!;
      }
    }
  }, traceHook && { dim: d, index: idx });
}

export function select(a: Tensor, dim: number, index: number): Tensor {
  const d = normDim(dim, a.ndim, 'select');
  const D = a.shape[d]!;
  const k = index < 0 ? index + D : index;
  if (!Number.isInteger(index) || k < 0 || k >= D) {
    throw new ValueError(`select: index ${index} is out of range for dim ${dim} of size ${D} (shape ${fmtShape(a.shape)})`);
  }
  const r = gather(a, d, [k], 'select');
  return reshape(r, a.shape.filter((_, i) => i !== d));
}

export function slice(a: Tensor, dim: number, start: number, end?: number): Tensor {
  const d = normDim(dim, a.ndim, 'slice');
  const D = a.shape[d]!;
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + D : v, 0), D);
  const s = clampIdx(start), e = Math.max(s, clampIdx(end ?? D));
  const idx = new Int32Array(e - s);
  for (let i = 0; i < idx.length; i++) idx[i] = s + i;
  return gather(a, d, idx, 'slice');
}

export function indexSelect(a: Tensor, dim: number, index: ArrayLike<number>): Tensor {
  const d = normDim(dim, a.ndim, 'indexSelect');
  const D = a.shape[d]!;
  const idx = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (!Number.isInteger(v) || v < -D || v >= D) {
      throw new ValueError(`indexSelect: index ${v} is out of range for dim ${dim} of size ${D} (shape ${fmtShape(a.shape)})`);
    }
    idx[i] = v < 0 ? v + D : v;
  }
  return gather(a, d, idx, 'indexSelect');
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('cat: expects a non-empty list of tensors');
  const first = tensors[0]!;
  const d = normDim(dim, first.ndim, 'cat');
  let dtype = first.dtype;
  let total = 0;
  for (const t of tensors) {
    const same = t.ndim === first.ndim && t.shape.every((s, i) => i === d || s === first.shape[i]);
    if (!same) throw new ValueError(`cat: shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} differ outside dim ${dim}`);
    dtype = promote(dtype, t.dtype);
    total += t.shape[d]!;
  }
  const shape = [...first.shape];
  shape[d] = total;
  const out = make(dtype, shape);
  const outer = numel(first.shape.slice(0, d)), inner = numel(first.shape.slice(d + 1));
  const o = out.data;
  const offsets: number[] = [];
  let off = 0;
  for (const t of tensors) {
    offsets.push(off);
    const Dt = t.shape[d]!, x = t.data;
    for (let q = 0; q < outer; q++) {
      const src = q * Dt * inner, dst = (q * total + off) * inner;
      for (let i = 0; i < Dt * inner; i++) o[dst + i] = x[src + i]!;
    }
    off += Dt;
  }
  return record(out, 'cat', tensors, (g, acc) => {
    tensors.forEach((t, k) => {
      const gt = acc(t);
      if (!gt) return;
      const Dt = t.shape[d]!;
      for (let q = 0; q < outer; q++) {
        const src = q * Dt * inner, dst = (q * total + offsets[k]!) * inner;
        for (let i = 0; i < Dt * inner; i++) gt[src + i] += g[dst + i]!;
      }
    });
  }, traceHook && { dim: d });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack: expects a non-empty list of tensors');
  const first = tensors[0]!;
  for (const t of tensors) {
    if (!sameShape(t.shape, first.shape)) throw new ValueError(`stack: shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} differ`);
  }
  const d = normDim(dim, first.ndim + 1, 'stack');
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}
