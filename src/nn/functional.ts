// Functional forms, as torch.nn.functional: losses, dropout, activations, linear and embedding
// (the modules of the same names call these). MSE, L1 and Gaussian NLL are composed from primitives; NLL has its
// own backward (one scatter instead of a one-hot product), and cross entropy is log-softmax
// followed by it, as in PyTorch.
// Legend: N batch (any leading dims), I in_features, O out_features, V vocabulary, E embedding dim.
import { record, traceHook } from '../autograd/engine.js';
import * as E from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { mean, sum } from '../autograd/ops/reduce.js';
import { reshape } from '../autograd/ops/shape.js';
import { logSoftmax } from '../autograd/ops/softmax.js';
import { alloc } from '../tensor/dtype.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { fmtShape, numel, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

export type Reduction = 'none' | 'mean' | 'sum';

function reduce(t: Tensor, reduction: Reduction, op: string): Tensor {
  switch (reduction) {
    case 'none': return t;
    case 'mean': return mean(t);
    case 'sum': return sum(t);
    default: throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  }
}

function checkSameShape(input: Tensor, target: Tensor, op: string): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new ValueError(`${op}: input has shape ${fmtShape(input.shape)} but target has shape ${fmtShape(target.shape)}; they must match`);
  }
}

/** Mean squared error, (input − target)². */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSameShape(input, target, 'mseLoss');
  const d = E.sub(input, target);
  return reduce(E.mul(d, d), reduction, 'mseLoss');
}

/** Mean absolute error, |input − target|. */
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSameShape(input, target, 'l1Loss');
  return reduce(E.abs(E.sub(input, target)), reduction, 'l1Loss');
}

export interface GaussianNllOptions {
  /** Add the constant ½·log(2π) (default false, as PyTorch). */
  full?: boolean;
  /** The variance is clamped below at eps (default 1e-6). */
  eps?: number;
  reduction?: Reduction;
}

/**
 * Gaussian negative log-likelihood, torch.nn.functional.gaussian_nll_loss:
 *   ½·(log max(var, eps) + (input − target)² / max(var, eps))  [+ ½·log 2π when full].
 * `variance` has input's shape (heteroscedastic). PyTorch clamps under no_grad, so the gradient
 * reaches `variance` as if unclamped (straight through): var + (clamp(var) − var), the bracket a
 * constant, does the same here.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: GaussianNllOptions = {}): Tensor {
  checkSameShape(input, target, 'gaussianNllLoss');
  if (!sameShape(input.shape, variance.shape)) {
    throw new ValueError(`gaussianNllLoss: input has shape ${fmtShape(input.shape)} but variance has shape ${fmtShape(variance.shape)}; they must match`);
  }
  const eps = opts.eps ?? 1e-6;
  if (!(eps > 0)) throw new ValueError(`gaussianNllLoss: eps must be positive, got ${eps}`);
  const v0 = variance.detach();
  for (const x of v0.data) if (x < 0) throw new ValueError('gaussianNllLoss: variance has negative entries');
  const v = E.add(variance, E.sub(E.clamp(v0, eps, null), v0));
  const d = E.sub(input, target);
  let loss = E.mul(E.add(E.log(v), E.div(E.mul(d, d), v)), 0.5);
  if (opts.full) loss = E.add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, opts.reduction ?? 'mean', 'gaussianNllLoss');
}

export interface NllOptions {
  reduction?: Reduction;
  /** Targets equal to this are skipped and do not count in the mean (default −100). */
  ignoreIndex?: number;
  /** Per-class weights [C]. */
  weight?: Tensor | null;
}

/**
 * Negative log-likelihood of class indices. `input` holds log-probabilities [N,C], [N,C,d…] or
 * [C]; `target` holds class indices [N], [N,d…] or [] (a Tensor or any array of integers).
 */
export function nllLoss(input: Tensor, target: Tensor | ArrayLike<number>, opts: NllOptions = {}, op = 'nllLoss'): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const ignore = opts.ignoreIndex ?? -100;
  const tShape = target instanceof Tensor ? target.shape : [target.length];
  const tData: ArrayLike<number> = target instanceof Tensor ? target.data : target;
  const unbatched = input.ndim === 1;
  const C = unbatched ? input.shape[0]! : input.shape[1]!;
  const N = unbatched ? 1 : input.shape[0]!;
  const inner = unbatched ? 1 : numel(input.shape.slice(2));
  const expected = unbatched ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  // a plain array of indices is taken as flat; a Tensor target must have the exact shape
  if (input.ndim === 0 || numel(tShape) !== N * inner || (target instanceof Tensor && !sameShape(tShape, expected))) {
    throw new ValueError(`${op}: input has shape ${fmtShape(input.shape)} so target must have shape ${fmtShape(expected)}, got ${fmtShape(tShape)}`);
  }
  const w = opts.weight ?? null;
  if (w && (w.ndim !== 1 || w.shape[0] !== C)) throw new ValueError(`${op}: weight has shape ${fmtShape(w.shape)}, expected [${C}]`);
  const M = N * inner;
  const cls = new Int32Array(M);
  const wt = new Float64Array(M);
  let wsum = 0;
  for (let m = 0; m < M; m++) {
    const c = tData[m]!;
    if (c === ignore) { cls[m] = -1; continue; }
    if (!Number.isInteger(c) || c < 0 || c >= C) {
      throw new ValueError(`${op}: target ${c} at position ${m} is out of range for ${C} classes`);
    }
    cls[m] = c;
    wt[m] = w ? w.data[c]! : 1;
    wsum += wt[m]!;
  }
  const x = input.data;
  const at = (m: number) => ((m / inner) | 0) * C * inner + cls[m]! * inner + (m % inner);
  const per = alloc(input.dtype, M);
  for (let m = 0; m < M; m++) if (cls[m]! >= 0) per[m] = -wt[m]! * x[at(m)]!;
  let out: Tensor;
  let scaleOf: (m: number, g: ArrayLike<number>) => number;
  if (reduction === 'none') {
    out = new Tensor(per, unbatched ? [] : expected);
    scaleOf = (m, g) => g[m]!;
  } else if (reduction === 'sum' || reduction === 'mean') {
    let s = 0;
    for (let m = 0; m < M; m++) s += per[m]!;
    const o = alloc(input.dtype, 1);
    const div = reduction === 'mean' ? wsum : 1;
    o[0] = s / div;
    out = new Tensor(o, []);
    scaleOf = (_m, g) => g[0]! / div;
  } else {
    throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  }
  return record(out, op, [input], (g, acc) => {
    const gx = acc(input)!;
    for (let m = 0; m < M; m++) if (cls[m]! >= 0) gx[at(m)] -= wt[m]! * scaleOf(m, g);
  });
}

export interface CrossEntropyOptions extends NllOptions {}

/** Cross entropy of unnormalised logits [N,C], [N,C,d…] or [C] against class indices. */
export function crossEntropy(input: Tensor, target: Tensor | ArrayLike<number>, opts: CrossEntropyOptions = {}): Tensor {
  if (input.ndim === 0) throw new ValueError(`crossEntropy: input must have at least 1 dim, got ${fmtShape(input.shape)}`);
  return nllLoss(logSoftmax(input, input.ndim === 1 ? 0 : 1), target, opts, 'crossEntropy');
}

/** Inverted dropout: in training, zero each value with probability p and scale the rest by 1/(1−p). */
export function dropout(x: Tensor, p: number, training: boolean, generator: Generator = defaultGenerator): Tensor {
  if (!training || p === 0) return x;
  if (p === 1) return E.mul(x, 0);
  const mask = alloc(x.dtype, x.data.length);
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = generator.random() < p ? 0 : keep;
  return E.mul(x, new Tensor(mask, x.shape));
}

export { relu, tanh, sigmoid } from '../autograd/ops/elementwise.js';
export { softmax, logSoftmax } from '../autograd/ops/softmax.js';

/** y = x Wᵀ + b for x [...N,I], weight [O,I], bias [O] (optional) → [...N,O]. */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null, op = 'linear'): Tensor {
  if (weight.ndim !== 2) throw new ValueError(`${op}: weight has shape ${fmtShape(weight.shape)} but expects [O,I]`);
  const [O, I] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== I) {
    throw new ValueError(`${op}: input has shape ${fmtShape(input.shape)} but expects [..., ${I}]`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new ValueError(`${op}: bias has shape ${fmtShape(bias.shape)} but expects [${O}]`);
  const x2 = input.ndim === 2 ? input : reshape(input, [-1, I]);
  let y = matmul(x2, weight, { transB: true });
  if (bias) y = E.add(y, bias);
  return input.ndim === 2 ? y : reshape(y, [...input.shape.slice(0, -1), O]);
}

export interface EmbeddingFnOptions {
  /** Row that never receives a gradient; negative counts from the end. */
  paddingIdx?: number | null;
  /** Shape of a flat list of indices (default [n]); a Tensor's own shape is used otherwise. */
  shape?: readonly number[];
}

/**
 * Rows of `weight` [V,E] picked by `indices` (a Tensor, whose shape is kept, or a flat list) →
 * [...shape, E]. The gather and its backward (a scatter-add: repeated indices accumulate) are one
 * op; the padding row never receives a gradient, as in PyTorch.
 */
export function embedding(indices: Tensor | ArrayLike<number>, weight: Tensor, opts: EmbeddingFnOptions = {}, op = 'embedding'): Tensor {
  if (weight.ndim !== 2) throw new ValueError(`${op}: weight has shape ${fmtShape(weight.shape)} but expects [V,E]`);
  const [V, Ed] = weight.shape as [number, number];
  const p = opts.paddingIdx ?? null;
  if (p !== null && (!Number.isInteger(p) || p < -V || p >= V)) throw new ValueError(`${op}: paddingIdx ${p} must be within [${-V}, ${V})`);
  const pad = p !== null && p < 0 ? p + V : p;
  const idx = indices instanceof Tensor ? indices.data : indices;
  const lead = opts.shape ?? (indices instanceof Tensor ? indices.shape : [idx.length]);
  const n = numel(lead);
  if (n !== idx.length) throw new ValueError(`${op}: ${idx.length} indices do not fill shape ${fmtShape(lead)}`);
  const rows = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = idx[k]!;
    if (!Number.isInteger(v) || v < 0 || v >= V) {
      throw new ValueError(`${op}: index ${v} (at position ${k}) is out of range for ${V} embeddings`);
    }
    rows[k] = v;
  }
  const W = weight.data;
  const out = new Tensor(alloc(weight.dtype, n * Ed), [...lead, Ed]);
  const o = out.data;
  for (let k = 0; k < n; k++) o.set(W.subarray(rows[k]! * Ed, (rows[k]! + 1) * Ed), k * Ed);
  return record(out, 'embedding', [weight], (g, acc) => {
    const gw = acc(weight)!;
    for (let k = 0; k < n; k++) {
      const r = rows[k]!;
      if (r === pad) continue;
      for (let j = 0; j < Ed; j++) gw[r * Ed + j] += g[k * Ed + j]!;
    }
  }, traceHook && { indices: indices instanceof Tensor ? indices : null, rows, shape: lead });
}
