// sin, cos, sign, cumsum and the statistics reductions var/std, norm and logsumexp.
// Reductions view the output with the reduced dims kept as 1 (keepShape): the broadcast map
// keepShape → input shape gives, for each input element, the output element it reduces into.
// Sums accumulate in doubles before rounding to the output's dtype.
import { normDim, numel } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';
import { broadcastMap, make } from './util.js';
import { reduceDims } from './reduce.js';
import { ValueError } from '../../errors.js';

export type Dims = number | readonly number[] | undefined;

function unary(op: string, a: Tensor, f: (v: number) => number, df: (v: number) => number): Tensor {
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let i = 0; i < x.length; i++) o[i] = f(x[i]!);
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < g.length; i++) ga[i] += g[i]! * df(x[i]!);
  });
}

export const sin = (a: Tensor): Tensor => unary('sin', a, Math.sin, Math.cos);
export const cos = (a: Tensor): Tensor => unary('cos', a, Math.cos, (v) => -Math.sin(v));
/** −1, 0 or 1 (NaN stays NaN); its gradient is zero, as in PyTorch. */
export const sign = (a: Tensor): Tensor => unary('sign', a, Math.sign, () => 0);

/** Running sum along `dim`; backward is the reversed running sum of the gradient. */
export function cumsum(a: Tensor, dim: number): Tensor {
  const d = normDim(dim, Math.max(a.ndim, 1), 'cumsum');
  const D = a.ndim === 0 ? 1 : a.shape[d]!;
  const outer = numel(a.shape.slice(0, d)), inner = numel(a.shape.slice(d + 1));
  const out = make(a.dtype, a.shape);
  const x = a.data, o = out.data;
  for (let q = 0; q < outer; q++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0, p = q * D * inner + i; k < D; k++, p += inner) o[p] = s += x[p]!;
    }
  }
  return record(out, 'cumsum', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let q = 0; q < outer; q++) {
      for (let i = 0; i < inner; i++) {
        let s = 0;
        for (let k = D - 1, p = (q * D + k) * inner + i; k >= 0; k--, p -= inner) ga[p] += s += g[p]!;
      }
    }
  });
}

interface Plan {
  outShape: number[];
  /** input flat index → output flat index; null when they coincide */
  map: Int32Array | null;
  outN: number;
  /** input elements per output element */
  count: number;
}

function plan(a: Tensor, dims: Dims, keepdim: boolean, op: string): Plan {
  const reduced = reduceDims(a, dims, op);
  const keepShape = a.shape.map((s, i) => (reduced[i] ? 1 : s));
  const outN = numel(keepShape);
  return {
    outShape: keepdim ? keepShape : a.shape.filter((_, i) => !reduced[i]),
    map: broadcastMap(keepShape, a.shape),
    outN,
    count: outN === 0 ? 0 : a.data.length / outN,
  };
}

/**
 * var = Σ(x − mean)² / (N − correction) (correction 1 = PyTorch 1.13's unbiased default);
 * std = √var. Gradients: ∂var/∂x = 2(x − mean)/(N − c), ∂std/∂x = (x − mean)/((N − c)·std),
 * taken as 0 where std = 0 (as PyTorch's std_backward masks it).
 */
function moments(a: Tensor, dims: Dims, keepdim: boolean, correction: number, std: boolean): Tensor {
  const op = std ? 'std' : 'var';
  const { outShape, map, outN, count } = plan(a, dims, keepdim, op);
  const x = a.data;
  const at = (i: number) => (map === null ? i : map[i]!);
  const mean = new Float64Array(outN), ss = new Float64Array(outN);
  for (let i = 0; i < x.length; i++) mean[at(i)] += x[i]!;
  for (let j = 0; j < outN; j++) mean[j] /= count;
  for (let i = 0; i < x.length; i++) { const e = x[i]! - mean[at(i)]!; ss[at(i)] += e * e; }
  const denom = Math.max(0, count - correction);
  const out = make(a.dtype, outShape);
  const o = out.data;
  for (let j = 0; j < outN; j++) o[j] = std ? Math.sqrt(ss[j]! / denom) : ss[j]! / denom;
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < x.length; i++) {
      const j = at(i), e = x[i]! - mean[j]!;
      if (!std) ga[i] += (g[j]! * 2 * e) / denom;
      else if (o[j] !== 0) ga[i] += (g[j]! * e) / (denom * o[j]!);
    }
  });
}

export const variance = (a: Tensor, dims?: Dims, keepdim = false, correction = 1): Tensor => moments(a, dims, keepdim, correction, false);
export const std = (a: Tensor, dims?: Dims, keepdim = false, correction = 1): Tensor => moments(a, dims, keepdim, correction, true);

/**
 * The vector p-norm over `dims` (all by default): (Σ|x|ᵖ)^(1/p); p = Infinity is max|x| and p = 0
 * counts non-zeros. Gradient sign(x)·|x|^(p−1)/‖x‖^(p−1), and 0 where the norm is 0 (PyTorch's
 * subgradient); for p = Infinity it is shared evenly among the entries attaining the max.
 */
export function norm(a: Tensor, p = 2, dims?: Dims, keepdim = false): Tensor {
  if (!(p >= 0)) throw new ValueError(`norm: p must be >= 0 or Infinity, got ${p}`);
  const { outShape, map, outN } = plan(a, dims, keepdim, 'norm');
  const x = a.data;
  const at = (i: number) => (map === null ? i : map[i]!);
  const s = new Float64Array(outN);
  if (p === Infinity) for (let i = 0; i < x.length; i++) s[at(i)] = Math.max(s[at(i)]!, Math.abs(x[i]!));
  else if (p === 0) for (let i = 0; i < x.length; i++) s[at(i)] += x[i] !== 0 ? 1 : 0;
  else if (p === 2) for (let i = 0; i < x.length; i++) s[at(i)] += x[i]! * x[i]!;
  else for (let i = 0; i < x.length; i++) s[at(i)] += Math.pow(Math.abs(x[i]!), p);
  const out = make(a.dtype, outShape);
  const o = out.data;
  for (let j = 0; j < outN; j++) o[j] = p === Infinity || p === 0 ? s[j]! : p === 2 ? Math.sqrt(s[j]!) : Math.pow(s[j]!, 1 / p);
  if (p === 0) return out;
  return record(out, 'norm', [a], (g, acc) => {
    const ga = acc(a)!;
    if (p === Infinity) {
      const ties = new Float64Array(outN);
      for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) === o[at(i)]) ties[at(i)]++;
      for (let i = 0; i < x.length; i++) {
        const j = at(i);
        if (Math.abs(x[i]!) === o[j]) ga[i] += (Math.sign(x[i]!) * g[j]!) / ties[j]!;
      }
      return;
    }
    for (let i = 0; i < x.length; i++) {
      const j = at(i), n = o[j]!;
      if (n === 0) continue;
      const v = x[i]!;
      ga[i] += p === 2 ? (g[j]! * v) / n : p === 1 ? g[j]! * Math.sign(v) : (g[j]! * Math.sign(v) * Math.pow(Math.abs(v), p - 1)) / Math.pow(n, p - 1);
    }
  });
}

/**
 * log Σ exp(x) over `dims`, shifted by the max for stability (a ±Infinity max is not subtracted,
 * as in PyTorch, so all −Infinity gives −Infinity). Gradient exp(x − out).
 */
export function logsumexp(a: Tensor, dims: number | readonly number[], keepdim = false): Tensor {
  const { outShape, map, outN } = plan(a, dims, keepdim, 'logsumexp');
  const x = a.data;
  const at = (i: number) => (map === null ? i : map[i]!);
  const m = new Float64Array(outN).fill(-Infinity), s = new Float64Array(outN);
  for (let i = 0; i < x.length; i++) m[at(i)] = Math.max(m[at(i)]!, x[i]!);
  for (let j = 0; j < outN; j++) if (Math.abs(m[j]!) === Infinity) m[j] = 0;
  for (let i = 0; i < x.length; i++) s[at(i)] += Math.exp(x[i]! - m[at(i)]!);
  const out = make(a.dtype, outShape);
  const o = out.data;
  for (let j = 0; j < outN; j++) o[j] = Math.log(s[j]!) + m[j]!;
  return record(out, 'logsumexp', [a], (g, acc) => {
    const ga = acc(a)!;
    for (let i = 0; i < x.length; i++) ga[i] += g[at(i)]! * Math.exp(x[i]! - o[at(i)]!);
  });
}
