// Elementwise ops with NumPy broadcasting. Each op's forward loop and its backward closure sit
// together; backward always accumulates into the inputs' gradients.
import { promote } from '../../tensor/dtype.js';
import { kernels } from '../../tensor/kernels.js';
import { broadcastShapes } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record, traceHook } from '../engine.js';
import { accumulateBroadcast, asTensor, broadcastMap, make } from './util.js';

type BinOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

function binary(op: BinOp, a: Tensor, bIn: Tensor | number): Tensor {
  const b = asTensor(bIn, a);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = make(promote(a.dtype, b.dtype), shape);
  const n = out.data.length;
  const ma = broadcastMap(a.shape, shape);
  const mb = broadcastMap(b.shape, shape);
  const x = a.data, y = b.data, o = out.data;
  const ia = (i: number) => (ma === null ? i : ma[i]!);
  const ib = (i: number) => (mb === null ? i : mb[i]!);
  if (ma === null && mb === null) {
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) o[i] = x[i]! + y[i]!; break;
      case 'sub': for (let i = 0; i < n; i++) o[i] = x[i]! - y[i]!; break;
      case 'mul': for (let i = 0; i < n; i++) o[i] = x[i]! * y[i]!; break;
      case 'div': for (let i = 0; i < n; i++) o[i] = x[i]! / y[i]!; break;
      case 'pow': for (let i = 0; i < n; i++) o[i] = Math.pow(x[i]!, y[i]!); break;
    }
  } else {
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) o[i] = x[ia(i)]! + y[ib(i)]!; break;
      case 'sub': for (let i = 0; i < n; i++) o[i] = x[ia(i)]! - y[ib(i)]!; break;
      case 'mul': for (let i = 0; i < n; i++) o[i] = x[ia(i)]! * y[ib(i)]!; break;
      case 'div': for (let i = 0; i < n; i++) o[i] = x[ia(i)]! / y[ib(i)]!; break;
      case 'pow': for (let i = 0; i < n; i++) o[i] = Math.pow(x[ia(i)]!, y[ib(i)]!); break;
    }
  }
  return record(out, op, [a, b], (g, acc) => {
    const ga = acc(a);
    const gb = acc(b);
    switch (op) {
      case 'add':
        if (ga) accumulateBroadcast(ga, g, ma);
        if (gb) accumulateBroadcast(gb, g, mb);
        break;
      case 'sub':
        if (ga) accumulateBroadcast(ga, g, ma);
        if (gb) accumulateBroadcast(gb, g, mb, -1);
        break;
      case 'mul':
        if (ga) for (let i = 0; i < n; i++) ga[ia(i)] += g[i]! * y[ib(i)]!;
        if (gb) for (let i = 0; i < n; i++) gb[ib(i)] += g[i]! * x[ia(i)]!;
        break;
      case 'div':
        if (ga) for (let i = 0; i < n; i++) ga[ia(i)] += g[i]! / y[ib(i)]!;
        if (gb) for (let i = 0; i < n; i++) { const yi = y[ib(i)]!; gb[ib(i)] -= (g[i]! * x[ia(i)]!) / (yi * yi); }
        break;
      case 'pow':
        // d(x^y)/dx = y·x^(y−1); d(x^y)/dy = x^y·ln x (PyTorch masks it to 0 where x = 0 and y ≥ 0)
        if (ga) for (let i = 0; i < n; i++) { const e = y[ib(i)]!; ga[ia(i)] += e === 0 ? 0 : g[i]! * e * Math.pow(x[ia(i)]!, e - 1); }
        if (gb) for (let i = 0; i < n; i++) { const xi = x[ia(i)]!; if (xi !== 0 || y[ib(i)]! < 0) gb[ib(i)] += g[i]! * o[i]! * Math.log(xi); }
        break;
    }
  });
}

export const add = (a: Tensor, b: Tensor | number): Tensor => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor | number): Tensor => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor | number): Tensor => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor | number): Tensor => binary('div', a, b);
export const pow = (a: Tensor, b: Tensor | number): Tensor => binary('pow', a, b);

export function neg(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = -x[i]!;
  return record(out, 'neg', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] -= g[i]!;
  });
}

export function exp(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]!);
  return record(out, 'exp', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! * o[i]!;
  });
}

export function log(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]!);
  return record(out, 'log', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! / x[i]!;
  });
}

export function tanh(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  kernels().tanh(1, x.length, x, 0, x.length, o, 0, x.length);
  // from the saved output: d tanh = 1 − y²
  return record(out, 'tanh', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! * (1 - o[i]! * o[i]!);
  });
}

export function sigmoid(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = 1 / (1 + Math.exp(-x[i]!));
  return record(out, 'sigmoid', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! * o[i]! * (1 - o[i]!);
  });
}

export function relu(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = x[i]! > 0 ? x[i]! : 0;
  return record(out, 'relu', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) if (x[i]! > 0) ga[i] += g[i]!;
  });
}

export function abs(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]!);
  return record(out, 'abs', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! * Math.sign(x[i]!);
  });
}

export function sqrt(a: Tensor): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]!);
  return record(out, 'sqrt', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! / (2 * o[i]!);
  });
}

export function clamp(a: Tensor, min: number | null, max: number | null): Tensor {
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = Math.min(Math.max(x[i]!, lo), hi);
  return record(out, 'clamp', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) if (x[i]! >= lo && x[i]! <= hi) ga[i] += g[i]!;
  }, traceHook && { min: lo, max: hi });
}
