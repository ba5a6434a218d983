// Functional forms of the losses and dropout. MSE and L1 are composed from primitives; NLL has its
// own backward (one scatter instead of a one-hot product), and cross entropy is
// log-softmax followed by it, as in PyTorch.
import { record } from '../autograd/engine.js';
import * as E from '../autograd/ops/elementwise.js';
import { mean, sum } from '../autograd/ops/reduce.js';
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
