// The one training step under every loop (fit, trainLm, truncatedBptt, trainPartitioned,
// trainFeedback, trainClassifier): zero the gradients, compute the loss, refuse a non-finite loss,
// backpropagate, refuse a non-finite gradient, clip, step. A refused step leaves the weights
// exactly as they were, so the caller can restore or report without guessing what happened.
import { clipGradNorm_, hasNonFinite } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import { UserError } from '../errors.js';

/** A training loop's bad option or data (one line, exit 2 from the CLI). */
export class TrainingError extends UserError {}

/** A loss, gradient, weight or model output became NaN/Inf: never returned silently. */
export class NonFiniteError extends UserError {}

export interface StepOptions {
  /** Rescale the gradients to this total L2 norm when larger (none when undefined). */
  clipGradNorm?: number;
}

export interface StepResult {
  /** The loss before the step (the value backpropagated). */
  loss: number;
  /** Why the step was refused (the weights are untouched), else null. */
  failure: string | null;
}

/** One optimizer step on `lossOf()`; refuses (and leaves the weights as they were) a NaN/Inf loss or gradient. */
export function trainStep(optimizer: Optimizer<object>, params: readonly Tensor[], lossOf: () => Tensor, opts: StepOptions = {}): StepResult {
  optimizer.zeroGrad();
  const loss = lossOf();
  const v = loss.item();
  if (!Number.isFinite(v)) return { loss: v, failure: `the training loss became ${v}` };
  loss.backward();
  if (hasNonFinite(params)) return { loss: v, failure: 'a gradient became NaN/Inf' };
  if (opts.clipGradNorm !== undefined) clipGradNorm_(params, opts.clipGradNorm);
  optimizer.step();
  return { loss: v, failure: null };
}

/** trainStep for loops without a best-weights record: a refused step throws NonFiniteError naming where. */
export function trainStepOrThrow(optimizer: Optimizer<object>, params: readonly Tensor[], lossOf: () => Tensor, where: string, opts: StepOptions = {}): number {
  const r = trainStep(optimizer, params, lossOf, opts);
  if (r.failure !== null) throw new NonFiniteError(`${where}: ${r.failure}; the step was not taken (the weights are those before it)`);
  return r.loss;
}

/** The parameters an optimizer updates, each once. */
export function optimizerParams(optimizer: Optimizer<object>): Tensor[] {
  return [...new Set(optimizer.paramGroups.flatMap((g) => g.params))];
}
