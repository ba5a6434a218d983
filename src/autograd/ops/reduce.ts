// Sum and mean over dims, with keepdim. The reduced output is the input's shape with those dims
// set to 1, so the broadcast map that serves elementwise ops also maps input → output index.
import { normDim } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record, traceHook } from '../engine.js';
import { broadcastMap, make } from './util.js';
import { ValueError } from '../../errors.js';

type Dims = number | readonly number[] | undefined;

/** Which dims of `a` a reduction over `dims` removes (all when undefined); a repeated dim is an error. */
export function reduceDims(a: Tensor, dims: Dims, op: string): boolean[] {
  const reduced = new Array<boolean>(a.ndim).fill(dims === undefined);
  if (dims !== undefined) {
    for (const d of typeof dims === 'number' ? [dims] : dims) {
      const k = normDim(d, a.ndim, op);
      if (reduced[k]) throw new ValueError(`${op}: dim ${d} appears more than once`);
      reduced[k] = true;
    }
  }
  return reduced;
}

function reduceSum(a: Tensor, dims: Dims, keepdim: boolean, op: 'sum' | 'mean'): Tensor {
  const reduced = reduceDims(a, dims, op);
  const keepShape = a.shape.map((s, i) => (reduced[i] ? 1 : s));
  const outShape = keepdim ? keepShape : a.shape.filter((_, i) => !reduced[i]);
  const out = make(a.dtype, outShape);
  const count = a.data.length / (out.data.length || 1);
  const scale = op === 'mean' ? 1 / count : 1;
  const x = a.data, o = out.data;
  const map = broadcastMap(keepShape, a.shape);
  if (out.data.length === 1 && x.length > 0) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]!;
    o[0] = s * scale;
  } else if (map === null) {
    for (let i = 0; i < x.length; i++) o[i] = x[i]! * scale;
  } else {
    // accumulate in doubles before rounding to the output's dtype
    const s = new Float64Array(o.length);
    for (let i = 0; i < x.length; i++) s[map[i]!] += x[i]!;
    for (let i = 0; i < o.length; i++) o[i] = s[i]! * scale;
  }
  if (op === 'mean' && x.length === 0) o.fill(NaN);
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    if (g.length === 1) {
      const v = g[0]! * scale;
      for (let i = 0; i < ga.length; i++) ga[i] += v;
    } else if (map === null) {
      for (let i = 0; i < ga.length; i++) ga[i] += g[i]! * scale;
    } else {
      for (let i = 0; i < ga.length; i++) ga[i] += g[map[i]!]! * scale;
    }
  }, traceHook && { reduced, keepdim });
}

export function sum(a: Tensor, dims?: Dims, keepdim = false): Tensor {
  return reduceSum(a, dims, keepdim, 'sum');
}

export function mean(a: Tensor, dims?: Dims, keepdim = false): Tensor {
  return reduceSum(a, dims, keepdim, 'mean');
}
