// The training loop: epochs of shuffled mini-batches, an optimizer step per batch, the train loss
// (mean per element over the epoch) and, when given, the validation loss after every epoch.
// Legend: N samples, B batch.
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader, TensorDataset } from '../data/loader.js';
import { l1Loss, mseLoss } from '../nn/functional.js';
import type { Module, StateDict } from '../nn/module.js';
import { Adam, AdamW } from '../optim/adam.js';
import { clipGradNorm_, hasNonFinite } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { UserError } from '../errors.js';

export interface Trainable extends Module {
  forward(x: Tensor): Tensor;
}

export interface XY {
  x: Tensor;
  y: Tensor;
  /** Maps the model output to y's shape for this set (default: FitOptions.outputToTarget). */
  outputToTarget?: (out: Tensor) => Tensor;
}

export type OptimizerName = 'adam' | 'adamw' | 'sgd';
export type LossName = 'mse' | 'l1';

export interface ProgressEvent {
  epoch: number; // 1-based
  epochs: number;
  batch: number; // 1-based within the epoch
  batches: number;
  /** Running mean loss per element in this epoch so far. */
  loss: number;
  /** Optimizer steps per second so far. */
  itPerSec: number;
  /** Seconds left at the current rate. */
  etaSec: number;
}

export interface EpochEvent {
  epoch: number;
  epochs: number;
  train: number;
  val: number | null;
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  /** Shuffle the training samples every epoch (default true), from `seed`. */
  shuffle?: boolean;
  optimizer?: OptimizerName;
  lr?: number;
  weightDecay?: number;
  /** The training objective. mse/l1 per element; reduction 'sum' reproduces the tutorial. */
  loss?: LossName;
  reduction?: 'mean' | 'sum';
  clipGradNorm?: number;
  seed?: number;
  /** Stop when the validation loss has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  callbacks?: {
    onProgress?: (e: ProgressEvent) => void;
    onEpochEnd?: (e: EpochEvent) => void;
  };
  /** Maps a batch's model output to the shape of its targets (default: identity). */
  outputToTarget?: (out: Tensor) => Tensor;
}

export interface FitResult {
  history: { train: number[]; val: number[] | null };
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  stopReason: 'completed' | 'early-stopping' | 'non-finite-loss';
  /** Human-readable note when training stopped before the last epoch. */
  message: string | null;
}

export class TrainingError extends UserError {}

/** Trains `model` in place; on early stopping or a NaN/Inf loss it restores the best weights. */
export function fit(model: Trainable, data: { train: XY; val?: XY | null }, opts: FitOptions): FitResult {
  const epochs = opts.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new TrainingError(`fit: epochs must be a positive integer, got ${epochs}`);
  const batchSize = opts.batchSize ?? 32;
  const gen = new Generator(opts.seed ?? 0);
  const loader = new DataLoader(new TensorDataset(data.train.x, data.train.y), { batchSize, shuffle: opts.shuffle ?? true, generator: gen });
  if (loader.length === 0) throw new TrainingError('fit: the training set is empty');
  const opt = makeOptimizer(model, opts);
  const lossName = opts.loss ?? 'mse';
  const reduction = opts.reduction ?? 'mean';
  const lossFn = (p: Tensor, y: Tensor, r: 'mean' | 'sum') => (lossName === 'l1' ? l1Loss(p, y, r) : mseLoss(p, y, r));
  const toTarget = opts.outputToTarget ?? ((o: Tensor) => o);
  const val = data.val ?? null;

  const history: FitResult['history'] = { train: [], val: val ? [] : null };
  let best = Infinity;
  let bestEpoch = 0;
  let bestState: StateDict | null = null;
  let sinceBest = 0;
  const t0 = now();
  let steps = 0;
  const totalSteps = epochs * loader.length;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let sum = 0, count = 0, batch = 0;
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = lossFn(toTarget(model.forward(xb!)), yb!, reduction);
      const v = loss.item();
      if (!Number.isFinite(v)) return stop(epoch, 'non-finite-loss', `training stopped at epoch ${epoch}: the loss became ${v}; kept the weights of epoch ${bestEpoch || 'none (initial)'}`);
      loss.backward();
      if (hasNonFinite(model.parameters())) {
        return stop(epoch, 'non-finite-loss', `training stopped at epoch ${epoch}: a gradient became NaN/Inf; kept the weights of epoch ${bestEpoch || 'none (initial)'}`);
      }
      if (opts.clipGradNorm !== undefined) clipGradNorm_(model.parameters(), opts.clipGradNorm);
      opt.step();
      const n = yb!.numel();
      sum += reduction === 'sum' ? v : v * n;
      count += n;
      steps++;
      batch++;
      if (opts.callbacks?.onProgress) {
        const elapsed = (now() - t0) / 1000;
        const rate = steps / Math.max(elapsed, 1e-9);
        opts.callbacks.onProgress({ epoch, epochs, batch, batches: loader.length, loss: sum / count, itPerSec: rate, etaSec: (totalSteps - steps) / rate });
      }
    }
    const trainLoss = sum / count;
    history.train.push(trainLoss);
    const valLoss = val ? evaluate(model, val, lossName, val.outputToTarget ?? toTarget) : null;
    if (history.val && valLoss !== null) history.val.push(valLoss);
    opts.callbacks?.onEpochEnd?.({ epoch, epochs, train: trainLoss, val: valLoss });
    const monitored = valLoss ?? trainLoss;
    if (!Number.isFinite(monitored)) return stop(epoch, 'non-finite-loss', `training stopped at epoch ${epoch}: the ${valLoss !== null ? 'validation' : 'training'} loss became ${monitored}; kept the weights of epoch ${bestEpoch || 'none (initial)'}`);
    if (monitored < best - (opts.earlyStopping?.minDelta ?? 0)) {
      best = monitored;
      bestEpoch = epoch;
      sinceBest = 0;
      bestState = cloneState(model.stateDict());
    } else if (opts.earlyStopping && ++sinceBest >= opts.earlyStopping.patience) {
      return stop(epoch, 'early-stopping', `early stopping at epoch ${epoch}: no validation improvement for ${opts.earlyStopping.patience} epochs; kept the weights of epoch ${bestEpoch}`);
    }
  }
  // with a validation set, the model ends on its best-validation weights
  if (bestState && opts.earlyStopping) model.loadStateDict(bestState);
  return { history, bestEpoch: opts.earlyStopping ? bestEpoch : epochs, stopReason: 'completed', message: null };

  function stop(epoch: number, reason: FitResult['stopReason'], message: string): FitResult {
    if (bestState) model.loadStateDict(bestState);
    void epoch;
    return { history, bestEpoch, stopReason: reason, message };
  }
}

/** Mean loss per element over a dataset, without recording gradients, in eval mode. */
export function evaluate(model: Trainable, data: XY, loss: LossName = 'mse', toTarget: (o: Tensor) => Tensor = (o) => o): number {
  const wasTraining = model.training;
  model.eval();
  const v = noGrad(() => {
    const p = toTarget(model.forward(data.x));
    return (loss === 'l1' ? l1Loss(p, data.y) : mseLoss(p, data.y)).item();
  });
  model.train(wasTraining);
  return v;
}

function makeOptimizer(model: Module, opts: FitOptions): Optimizer<object> {
  const params = model.parameters();
  const lr = opts.lr ?? 1e-3;
  const weightDecay = opts.weightDecay ?? 0;
  switch (opts.optimizer ?? 'adam') {
    case 'adam': return new Adam(params, { lr, weightDecay });
    case 'adamw': return new AdamW(params, { lr, weightDecay: opts.weightDecay ?? 1e-2 });
    case 'sgd': return new SGD(params, { lr, weightDecay });
    default: throw new TrainingError(`fit: unknown optimizer '${String(opts.optimizer)}' (adam, adamw, sgd)`);
  }
}

function cloneState(sd: StateDict): StateDict {
  const out: StateDict = {};
  for (const [k, v] of Object.entries(sd)) out[k] = v.clone().detach();
  return out;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
