// Comparisons, where and maskedFill, with NumPy broadcasting.
// rnnkit has only float dtypes, so a comparison returns a float tensor of exact 0/1 where PyTorch
// returns bool: it works directly as a mask (`x.mul(m)`, `where(m, a, b)`, `x.maskedFill(m, v)`),
// where any non-zero value counts as true. Comparisons have no gradient (as in PyTorch).
import { promote } from '../../tensor/dtype.js';
import { broadcastShapes, fmtShape, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record, traceHook, traceOnly } from '../engine.js';
import { asTensor, broadcastMap, make } from './util.js';
import { ValueError } from '../../errors.js';

type Cmp = (u: number, v: number) => boolean;

function compare(op: string, test: Cmp, a: Tensor, bIn: Tensor | number): Tensor {
  // a number operand is rounded to a's dtype first, as PyTorch compares `x == 0.1` in float32
  const b = asTensor(bIn, a);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = make(promote(a.dtype, b.dtype), shape);
  const ma = broadcastMap(a.shape, shape), mb = broadcastMap(b.shape, shape);
  const x = a.data, y = b.data, o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = test(x[ma === null ? i : ma[i]!]!, y[mb === null ? i : mb[i]!]!) ? 1 : 0;
  if (traceHook !== null) traceOnly(op, [a, b], [out]);
  return out;
}

export const eq = (a: Tensor, b: Tensor | number): Tensor => compare('eq', (u, v) => u === v, a, b);
export const ne = (a: Tensor, b: Tensor | number): Tensor => compare('ne', (u, v) => u !== v, a, b);
export const lt = (a: Tensor, b: Tensor | number): Tensor => compare('lt', (u, v) => u < v, a, b);
export const le = (a: Tensor, b: Tensor | number): Tensor => compare('le', (u, v) => u <= v, a, b);
export const gt = (a: Tensor, b: Tensor | number): Tensor => compare('gt', (u, v) => u > v, a, b);
export const ge = (a: Tensor, b: Tensor | number): Tensor => compare('ge', (u, v) => u >= v, a, b);

/** `cond ? a : b` elementwise (cond non-zero = true), broadcasting all three; differentiable in a and b. */
export function where(cond: Tensor, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const like = aIn instanceof Tensor ? aIn : bIn instanceof Tensor ? bIn : cond;
  const a = asTensor(aIn, like), b = asTensor(bIn, like);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
  const out = make(promote(a.dtype, b.dtype), shape);
  const mc = broadcastMap(cond.shape, shape), ma = broadcastMap(a.shape, shape), mb = broadcastMap(b.shape, shape);
  const c = cond.data, x = a.data, y = b.data, o = out.data;
  const ic = (i: number) => (mc === null ? i : mc[i]!);
  const ia = (i: number) => (ma === null ? i : ma[i]!);
  const ib = (i: number) => (mb === null ? i : mb[i]!);
  for (let i = 0; i < o.length; i++) o[i] = c[ic(i)] !== 0 ? x[ia(i)]! : y[ib(i)]!;
  return record(out, 'where', [a, b], (g, acc) => {
    const ga = acc(a), gb = acc(b);
    for (let i = 0; i < g.length; i++) {
      if (c[ic(i)] !== 0) { if (ga) ga[ia(i)] += g[i]!; } else if (gb) gb[ib(i)] += g[i]!;
    }
  }, traceHook && { cond });
}

/** A copy of `a` with `value` where `mask` (broadcast to a's shape) is non-zero. */
export function maskedFill(a: Tensor, mask: Tensor, value: number): Tensor {
  if (!sameShape(broadcastShapes(a.shape, mask.shape, 'maskedFill'), a.shape)) {
    throw new ValueError(`maskedFill: mask of shape ${fmtShape(mask.shape)} does not broadcast to the tensor's shape ${fmtShape(a.shape)}`);
  }
  const mm = broadcastMap(mask.shape, a.shape);
  const m = mask.data, x = a.data;
  const out = make(a.dtype, a.shape);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = m[mm === null ? i : mm[i]!] !== 0 ? value : x[i]!;
  return record(out, 'maskedFill', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) if (m[mm === null ? i : mm[i]!] === 0) ga[i] += g[i]!;
  }, traceHook && { mask, value });
}
