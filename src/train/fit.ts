// The training loop: epochs of shuffled mini-batches, an optimizer step per batch, the train loss
// (mean per element over the epoch) and, when given, the validation loss after every epoch.
//
// Never a false result: the initial weights are snapshotted and measured first (epoch 0), and the
// best weights seen are kept, epoch 0 included. Training stops as diverged on a NaN/Inf batch loss,
// gradient, weight or monitored loss, or when an epoch's monitored loss (validation if given, else
// training) exceeds divergenceFactor × max(initial monitored loss, divergenceFloor); it then
// restores the best weights, and the result says which epoch's weights the model holds.
// Legend: N samples, B batch.
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader, TensorDataset } from '../data/loader.js';
import { crossEntropy, l1Loss, mseLoss } from '../nn/functional.js';
import type { Module, StateDict } from '../nn/module.js';
import { Adam, AdamW } from '../optim/adam.js';
import { hasNonFinite } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { CosineAnnealingLR } from '../optim/scheduler.js';
import { SGD } from '../optim/sgd.js';
import { Generator } from '../tensor/random.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { NonFiniteError, TrainingError, trainStep } from './step.js';

export { NonFiniteError, TrainingError };

export interface Trainable extends Module {
  /** `lengths` ([B], real steps per sample) is passed when the data has lengths. */
  forward(x: Tensor, lengths?: Tensor): Tensor;
}

export interface XY {
  x: Tensor;
  y: Tensor;
  /** Real steps per sample [N] (variable-length sequences), handed to the model's forward with each batch. */
  lengths?: Tensor | null;
  /** Maps the model output to y's shape for this set (default: FitOptions.outputToTarget). */
  outputToTarget?: (out: Tensor) => Tensor;
}

/**
 * A set that is read, not held (issue 14: a file larger than memory): every pass asks for its
 * mini-batches [x, y] afresh. Training passes may draw from `gen` (the run's seeded generator,
 * e.g. for a shuffle buffer); evaluation passes must keep one order.
 */
export interface StreamXY {
  batches(gen: Generator): Iterable<Tensor[]>;
  /** Batches per pass (progress reports). */
  length: number;
  outputToTarget?: (out: Tensor) => Tensor;
}

function isStream(d: XY | StreamXY): d is StreamXY {
  return typeof (d as StreamXY).batches === 'function';
}

export type OptimizerName = 'adam' | 'adamw' | 'sgd';
export type LossName = 'mse' | 'l1' | 'cross-entropy';

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
  /**
   * The training objective. mse/l1 per element (reduction 'sum' reproduces the tutorial);
   * cross-entropy: the output's last dim holds the class logits and y the class indices. An
   * Objective is a loss of one's own (the forecasters' pinball and Gaussian NLL).
   */
  loss?: LossName | Objective;
  /** Cross-entropy: a weight per class (PyTorch's `weight`; the mean divides by the summed weights). */
  classWeights?: readonly number[];
  /** Cross-entropy: targets with this value (padding steps) are ignored (default −100, as PyTorch). */
  ignoreIndex?: number;
  reduction?: 'mean' | 'sum';
  clipGradNorm?: number;
  seed?: number;
  /** Stop when the monitored loss (validation if given, else training) has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /**
   * Training has diverged when an epoch's monitored loss exceeds divergenceFactor × max(L₀,
   * divergenceFloor), L₀ being the initial weights' monitored loss (default 100; Infinity turns
   * this rule off). A NaN/Inf batch loss, gradient, weight or monitored loss always counts.
   */
  divergenceFactor?: number;
  /**
   * The smallest reference loss for the divergence rule, per element (default 1e-6): an initial
   * loss of 0 (or nearly) would otherwise make any later loss a "divergence".
   */
  divergenceFloor?: number;
  callbacks?: {
    onProgress?: (e: ProgressEvent) => void;
    onEpochEnd?: (e: EpochEvent) => void;
  };
  /** Maps a batch's model output to the shape of its targets (default: identity). */
  outputToTarget?: (out: Tensor) => Tensor;
  /** The learning rate per epoch: constant (default) or cosine annealing from lr to 0 over the epochs (PyTorch's CosineAnnealingLR, tMax = epochs). */
  lrSchedule?: 'constant' | 'cosine';
  /** Data augmentation: a new input batch from each training batch (never applied to evaluation), drawing from the run's generator. */
  augment?: (x: Tensor, gen: Generator) => Tensor;
}

export interface FitResult {
  history: { train: number[]; val: number[] | null };
  /** The initial weights' mean loss per element (epoch 0), measured in eval mode before training. */
  initialLoss: { train: number; val: number | null };
  /** The epoch with the lowest monitored loss (validation if given, else training); 0 = the initial weights. */
  bestEpoch: number;
  /**
   * The epoch whose weights the model holds at the end; 0 = the initial weights, bit for bit.
   * A completed run without early stopping keeps its last epoch; early stopping and divergence
   * restore `bestEpoch`.
   */
  keptEpoch: number;
  stopReason: 'completed' | 'early-stopping' | 'diverged';
  diverged: boolean;
  /** The epoch (1-based) in which training diverged, else null. */
  divergedAtEpoch: number | null;
  /** What happened when training stopped early or diverged, and which weights were kept; null for a completed run. */
  message: string | null;
}

export const DEFAULT_DIVERGENCE_FACTOR = 100;
export const DEFAULT_DIVERGENCE_FLOOR = 1e-6;

/**
 * Trains `model` in place. The initial weights are epoch 0 of the best-weights record: early
 * stopping and divergence (see FitOptions.divergenceFactor) restore the weights of the epoch with
 * the lowest monitored loss, which may be the initial weights.
 */
export function fit(model: Trainable, data: { train: XY | StreamXY; val?: XY | StreamXY | null }, opts: FitOptions): FitResult {
  const epochs = opts.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new TrainingError(`fit: epochs must be a positive integer, got ${epochs}`);
  const factor = opts.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
  if (!(factor > 1)) throw new TrainingError(`fit: divergenceFactor must be a number > 1 (Infinity turns the loss rule off), got ${factor}`);
  const floor = opts.divergenceFloor ?? DEFAULT_DIVERGENCE_FLOOR;
  if (!(floor >= 0) || !Number.isFinite(floor)) throw new TrainingError(`fit: divergenceFloor must be a finite number ≥ 0, got ${floor}`);
  const batchSize = opts.batchSize ?? 32;
  const gen = new Generator(opts.seed ?? 0);
  const train = data.train;
  const trainLengths = isStream(train) ? null : train.lengths ?? null;
  const loader: { length: number; [Symbol.iterator](): Iterator<Tensor[]> } = isStream(train)
    ? { length: train.length, [Symbol.iterator]: () => train.batches(gen)[Symbol.iterator]() }
    : new DataLoader(new TensorDataset(...[train.x, train.y, ...(trainLengths ? [trainLengths] : [])]), { batchSize, shuffle: opts.shuffle ?? true, generator: gen });
  if (loader.length === 0) throw new TrainingError('fit: the training set is empty');
  const opt = makeOptimizer(model, opts);
  if (opts.lrSchedule !== undefined && opts.lrSchedule !== 'constant' && opts.lrSchedule !== 'cosine') {
    throw new TrainingError(`fit: lrSchedule must be 'constant' or 'cosine', got ${String(opts.lrSchedule)}`);
  }
  // PyTorch's CosineAnnealingLR(tMax = epochs), stepped after every epoch: epoch e trains at lr·(1 + cos(π(e−1)/epochs))/2
  const schedule = opts.lrSchedule === 'cosine' ? new CosineAnnealingLR(opt, { tMax: epochs }) : null;
  const params = model.parameters();
  const lossName = opts.loss ?? 'mse';
  const reduction = opts.reduction ?? 'mean';
  const objective = typeof lossName === 'string' ? lossOf(lossName, opts) : lossName;
  const toTarget = opts.outputToTarget ?? ((o: Tensor) => o);
  const val = data.val ?? null;
  const monitoredSet = val ? 'validation' : 'training';

  // epoch 0: the initial weights are a candidate like any epoch's, so "kept the initial weights" is exact
  const measure = (set: XY | StreamXY) => (isStream(set) ? evaluateStream(model, set, objective, gen, set.outputToTarget ?? toTarget) : evaluate(model, set, objective, set.outputToTarget ?? toTarget));
  const initialLoss = {
    train: measure(train),
    val: val ? measure(val) : null,
  };
  const initial = initialLoss.val ?? initialLoss.train;
  const reference = Math.max(initial, floor);
  const history: FitResult['history'] = { train: [], val: val ? [] : null };
  let best = Number.isFinite(initial) ? initial : Infinity;
  let bestEpoch = 0;
  let bestState = cloneState(model.stateDict());
  let sinceBest = 0;
  const t0 = now();
  let steps = 0;
  const totalSteps = epochs * loader.length;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let sum = 0, count = 0, batch = 0;
    for (const [xb, yb, lb] of loader) {
      batch++;
      const xin = opts.augment ? opts.augment(xb!, gen) : xb!;
      const { loss: v, failure } = trainStep(opt, params, () => objective.loss(toTarget(model.forward(xin, lb)), yb!, reduction), opts);
      if (failure !== null) return diverge(epoch, `epoch ${epoch}, batch ${batch}: ${failure}`);
      const n = objective.count(yb!);
      sum += reduction === 'sum' ? v : v * n;
      count += n;
      steps++;
      if (opts.callbacks?.onProgress) {
        const elapsed = (now() - t0) / 1000;
        const rate = steps / Math.max(elapsed, 1e-9);
        opts.callbacks.onProgress({ epoch, epochs, batch, batches: loader.length, loss: sum / count, itPerSec: rate, etaSec: (totalSteps - steps) / rate });
      }
    }
    const trainLoss = sum / count;
    history.train.push(trainLoss);
    const valLoss = val ? measure(val) : null;
    if (history.val && valLoss !== null) history.val.push(valLoss);
    opts.callbacks?.onEpochEnd?.({ epoch, epochs, train: trainLoss, val: valLoss });
    schedule?.step();
    // the last optimizer step of an epoch can overflow the weights without any loss seeing it
    if (hasNonFinite(model.parameters(), { values: true })) return diverge(epoch, `epoch ${epoch}: the weights became NaN/Inf`);
    const monitored = valLoss ?? trainLoss;
    if (!Number.isFinite(monitored)) return diverge(epoch, `epoch ${epoch}: the ${monitoredSet} loss became ${monitored}`);
    if (monitored > factor * reference) {
      const ref = initial >= floor ? `the initial ${fmt(initial)}` : `the floor ${fmt(floor)} (the initial loss ${fmt(initial)} is below it)`;
      return diverge(epoch, `epoch ${epoch}: the ${monitoredSet} loss ${fmt(monitored)} exceeded ${factor} × ${ref}`);
    }
    if (monitored < best - (opts.earlyStopping?.minDelta ?? 0)) {
      best = monitored;
      bestEpoch = epoch;
      sinceBest = 0;
      bestState = cloneState(model.stateDict());
    } else if (opts.earlyStopping && ++sinceBest >= opts.earlyStopping.patience) {
      model.loadStateDict(bestState);
      const message = `early stopping at epoch ${epoch}: no improvement in the ${monitoredSet} loss for ${opts.earlyStopping.patience} epochs; ${keptPhrase('kept')}`;
      return { history, initialLoss, bestEpoch, keptEpoch: bestEpoch, stopReason: 'early-stopping', diverged: false, divergedAtEpoch: null, message };
    }
  }
  if (opts.earlyStopping) model.loadStateDict(bestState); // early stopping's promise: the best weights
  const keptEpoch = opts.earlyStopping ? bestEpoch : epochs;
  return { history, initialLoss, bestEpoch, keptEpoch, stopReason: 'completed', diverged: false, divergedAtEpoch: null, message: null };

  function keptPhrase(verb: 'kept' | 'restored'): string {
    return bestEpoch === 0 ? `${verb} the initial weights (no epoch improved on them)` : `${verb} the weights of epoch ${bestEpoch}`;
  }

  function diverge(epoch: number, what: string): FitResult {
    model.loadStateDict(bestState);
    return {
      history, initialLoss, bestEpoch, keptEpoch: bestEpoch, stopReason: 'diverged', diverged: true, divergedAtEpoch: epoch,
      message: `training diverged at ${what}; ${keptPhrase('restored')}`,
    };
  }
}

/** 3 significant digits; exponent form outside [1e-3, 1e5). */
export function fmtLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const s = Number(x.toPrecision(3));
  return s !== 0 && (Math.abs(s) >= 1e5 || Math.abs(s) < 1e-3) ? s.toExponential() : String(s);
}
const fmt = fmtLoss;

/** A training objective: the batch loss, and how many elements (or counted targets) it averages over. */
export interface Objective {
  loss(output: Tensor, y: Tensor, reduction: 'mean' | 'sum'): Tensor;
  count(y: Tensor): number;
}

/** The objective named `name`, with the cross-entropy options of `opts`. */
export function lossOf(name: LossName, opts: Pick<FitOptions, 'classWeights' | 'ignoreIndex'> = {}): Objective {
  switch (name) {
    case 'mse': return { loss: (p, y, r) => mseLoss(p, y, r), count: (y) => y.numel() };
    case 'l1': return { loss: (p, y, r) => l1Loss(p, y, r), count: (y) => y.numel() };
    case 'cross-entropy': {
      const ignoreIndex = opts.ignoreIndex ?? -100;
      const weight = opts.classWeights ? tensor(Array.from(opts.classWeights)) : undefined;
      return {
        // [N,C] or [N,T,C] logits against [N] or [N,T] indices: flattened, so each target is one row
        loss: (p, y, r) => crossEntropy(p.reshape([-1, p.shape[p.ndim - 1]!]), y.reshape([-1]), { weight, ignoreIndex, reduction: r }),
        count: (y) => {
          let n = 0;
          for (const c of y.data) if (c !== ignoreIndex) n++;
          return n;
        },
      };
    }
    default: throw new TrainingError(`fit: unknown loss '${String(name)}' (mse, l1, cross-entropy)`);
  }
}

/** Mean loss per element over a dataset, without recording gradients, in eval mode. */
export function evaluate(model: Trainable, data: XY, loss: LossName | Objective = 'mse', toTarget: (o: Tensor) => Tensor = (o) => o): number {
  const objective = typeof loss === 'string' ? lossOf(loss) : loss;
  const wasTraining = model.training;
  model.eval();
  const v = noGrad(() => objective.loss(toTarget(model.forward(data.x, data.lengths ?? undefined)), data.y, 'mean').item());
  model.train(wasTraining);
  return v;
}

/**
 * Mean loss per element over a streamed set (the sum of the batches' summed losses over the
 * elements counted): the same quantity as `evaluate`, summed batch by batch.
 */
export function evaluateStream(model: Trainable, data: StreamXY, loss: LossName | Objective = 'mse', gen: Generator = new Generator(0), toTarget: (o: Tensor) => Tensor = (o) => o): number {
  const objective = typeof loss === 'string' ? lossOf(loss) : loss;
  const wasTraining = model.training;
  model.eval();
  let sum = 0, count = 0;
  noGrad(() => {
    for (const [xb, yb] of data.batches(gen)) {
      sum += objective.loss(toTarget(model.forward(xb!)), yb!, 'sum').item();
      count += objective.count(yb!);
    }
  });
  model.train(wasTraining);
  return count === 0 ? NaN : sum / count;
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

/** A copy of every tensor of a state dict, cut from the graph (a snapshot that later steps cannot touch). */
export function cloneState(sd: StateDict): StateDict {
  const out: StateDict = Object.create(null) as StateDict; // names are keys: '__proto__' too
  for (const [k, v] of Object.entries(sd)) out[k] = v.clone().detach();
  return out;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
