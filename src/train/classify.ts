// Training and evaluating a SequenceClassifier on SequenceData: `fit` with the cross-entropy
// objective (the same step core, best-weights record, divergence rule and early stopping as every
// loop), plus accuracy per epoch, class weights, a stratified validation split and the metrics.
// Legend: N samples, T steps, C classes.
import { noGrad } from '../autograd/grad-mode.js';
import { cat } from '../autograd/ops/shape.js';
import type { SequenceClassifier } from '../models/classifier.js';
import type { SequenceData } from '../data/sequences.js';
import { splitSequenceData } from '../data/sequences.js';
import { tensor } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { classificationReport, type ClassificationReport } from './classification-metrics.js';
import { fit, type EpochEvent, type FitOptions, type FitResult, type ProgressEvent, type XY } from './fit.js';
import { TrainingError } from './step.js';

export const IGNORE_INDEX = -100;

export interface ClassifierTrainOptions {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Shuffling seed (the weights come from the generator in use when the model was built: `manualSeed`). */
  seed?: number;
  optimizer?: FitOptions['optimizer'];
  weightDecay?: number;
  /** Learning rate per epoch: constant (default) or cosine annealing to 0 (PyTorch's CosineAnnealingLR, tMax = epochs). */
  lrSchedule?: FitOptions['lrSchedule'];
  clipGradNorm?: number;
  /** A weight per class for the loss, or 'balanced' (N / (C · count_c), as scikit-learn's). */
  classWeights?: readonly number[] | 'balanced';
  /**
   * Augmentation for images read row by row (x [N,H,W·C]): every training batch is translated by
   * a random whole number of pixels in [−shift, shift] on each axis, zero-filled (never at evaluation).
   */
  augment?: { shift: number; channels?: number };
  /** Stop when the validation loss has not improved for `patience` epochs; the best weights are kept. */
  earlyStopping?: FitOptions['earlyStopping'];
  onProgress?: (e: ProgressEvent) => void;
  onEpoch?: (e: EpochEvent & { trainAccuracy: number; valAccuracy: number | null }) => void;
}

export interface ClassifierTrainResult extends Omit<FitResult, 'history'> {
  history: { train: number[]; val: number[] | null; trainAccuracy: number[]; valAccuracy: number[] | null };
  classWeights: number[] | null;
}

/** Trains `model` in place on `data.train`, monitoring `data.val` (early stopping, best weights) when given. */
export function trainClassifier(
  model: SequenceClassifier,
  data: { train: SequenceData; val?: SequenceData | null },
  opts: ClassifierTrainOptions = {},
): ClassifierTrainResult {
  const C = model.arch.numClasses;
  checkData(model, data.train, 'training');
  if (data.val) checkData(model, data.val, 'validation');
  const classWeights = opts.classWeights === 'balanced' ? balancedWeights(data.train.y, C) : opts.classWeights ? [...opts.classWeights] : null;
  if (classWeights && (classWeights.length !== C || classWeights.some((w) => !(w >= 0) || !Number.isFinite(w)))) {
    throw new TrainingError(`trainClassifier: classWeights must be ${C} finite numbers ≥ 0 (one per class), got [${classWeights.join(', ')}]`);
  }
  const history: ClassifierTrainResult['history'] = { train: [], val: data.val ? [] : null, trainAccuracy: [], valAccuracy: data.val ? [] : null };
  const result = fit(model, { train: toXY(model, data.train), val: data.val ? toXY(model, data.val) : null }, {
    epochs: opts.epochs ?? 30,
    lr: opts.lr ?? 3e-3,
    batchSize: opts.batchSize ?? 32,
    seed: opts.seed ?? 0,
    optimizer: opts.optimizer ?? 'adam',
    weightDecay: opts.weightDecay,
    clipGradNorm: opts.clipGradNorm,
    lrSchedule: opts.lrSchedule,
    earlyStopping: opts.earlyStopping,
    loss: 'cross-entropy',
    classWeights: classWeights ?? undefined,
    ignoreIndex: IGNORE_INDEX,
    augment: opts.augment && opts.augment.shift > 0 ? (x, gen) => shiftImages(x, opts.augment!.shift, opts.augment!.channels ?? 1, gen) : undefined,
    callbacks: {
      onProgress: opts.onProgress,
      onEpochEnd: (e) => {
        const trainAccuracy = accuracy(model, data.train);
        const valAccuracy = data.val ? accuracy(model, data.val) : null;
        history.trainAccuracy.push(trainAccuracy);
        if (valAccuracy !== null) history.valAccuracy!.push(valAccuracy);
        opts.onEpoch?.({ ...e, trainAccuracy, valAccuracy });
      },
    },
  });
  history.train = result.history.train;
  history.val = result.history.val;
  return { ...result, history, classWeights };
}

/** Class ids predicted for every sample ([N], or [N·T] per step), in eval mode, without gradients. */
export function predictClasses(model: SequenceClassifier, data: SequenceData, batchSize = 256): Int32Array {
  return Int32Array.from(predictLogits(model, data, batchSize).argmax(-1).data); // first maximum, as PyTorch
}

/** Softmax probabilities [N,C] ([N,T,C] per step). */
export function predictProba(model: SequenceClassifier, data: SequenceData, batchSize = 256): Tensor {
  return noGrad(() => predictLogits(model, data, batchSize).softmax(-1));
}

/** Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix of `model` on `data`. */
export function evaluateClassifier(model: SequenceClassifier, data: SequenceData): ClassificationReport {
  checkData(model, data, 'evaluation');
  const pred = predictClasses(model, data);
  return classificationReport(targets(model, data), pred, model.arch.numClasses, { classes: data.classes.length === model.arch.numClasses ? data.classes : undefined, ignoreIndex: IGNORE_INDEX });
}

/**
 * A validation split held out of `data`, stratified: about `fraction` of each class (at least one
 * sample of any class with two or more), chosen by `seed`; both parts keep the original order.
 */
export function stratifiedSplit(data: SequenceData, fraction: number, seed = 0): { train: SequenceData; val: SequenceData } {
  if (!(fraction > 0 && fraction < 1)) throw new TrainingError(`stratifiedSplit: fraction must be in (0, 1), got ${fraction}`);
  const gen = new Generator(seed);
  const byClass = new Map<number, number[]>();
  data.y.forEach((c, i) => { const l = byClass.get(c); if (l) l.push(i); else byClass.set(c, [i]); });
  const held = new Set<number>();
  for (const idx of byClass.values()) {
    const k = idx.length < 2 ? 0 : Math.max(1, Math.round(idx.length * fraction));
    for (const j of gen.permutation(idx.length).slice(0, k)) held.add(idx[j]!);
  }
  const trainIdx: number[] = [], valIdx: number[] = [];
  for (let i = 0; i < data.y.length; i++) (held.has(i) ? valIdx : trainIdx).push(i);
  if (valIdx.length === 0 || trainIdx.length === 0) {
    throw new TrainingError(`stratifiedSplit: ${data.y.length} samples leave an empty ${valIdx.length === 0 ? 'validation' : 'training'} part with fraction ${fraction}`);
  }
  return { train: splitSequenceData(data, trainIdx), val: splitSequenceData(data, valIdx) };
}

/**
 * Each image of x [B,H,W·C] (rows as steps) moved by (dy, dx), both drawn uniformly from
 * [−k, k]: out(t, w) = x(t − dy, w − dx), zero where that falls outside the image.
 */
export function shiftImages(x: Tensor, k: number, channels: number, gen: Generator): Tensor {
  if (!Number.isInteger(k) || k < 0) throw new TrainingError(`augment: shift must be an integer ≥ 0, got ${k}`);
  const [B, H, F] = x.shape as [number, number, number];
  if (x.ndim !== 3 || F % channels !== 0) throw new TrainingError(`augment: shift needs images read as rows, x [B,H,W·${channels}]; got [${x.shape.join(',')}]`);
  const W = F / channels;
  const src = x.contiguous().data;
  const out = new Float32Array(B * H * F);
  for (let b = 0; b < B; b++) {
    const dy = gen.int(2 * k + 1) - k, dx = gen.int(2 * k + 1) - k;
    for (let t = 0; t < H; t++) {
      const ts = t - dy;
      if (ts < 0 || ts >= H) continue;
      for (let w = 0; w < W; w++) {
        const ws = w - dx;
        if (ws < 0 || ws >= W) continue;
        for (let c = 0; c < channels; c++) out[(b * H + t) * F + w * channels + c] = src[(b * H + ts) * F + ws * channels + c]!;
      }
    }
  }
  return tensor(out).reshape([B, H, F]);
}

/** scikit-learn's 'balanced' weights: N / (C · count_c); a class with no samples gets 0. */
export function balancedWeights(y: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]!]! += 1;
  return counts.map((n) => (n === 0 ? 0 : y.length / (numClasses * n)));
}

function predictLogits(model: SequenceClassifier, data: SequenceData, batchSize: number): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const N = data.x.shape[0]!;
      const parts: Tensor[] = [];
      for (let s = 0; s < N; s += batchSize) {
        const e = Math.min(N, s + batchSize);
        parts.push(model.forward(modelInput(model, data.x.slice(0, s, e)), data.lengths ? data.lengths.subarray(s, e) : null));
      }
      return parts.length === 1 ? parts[0]! : cat(parts, 0);
    });
  } finally {
    model.train(wasTraining);
  }
}

function accuracy(model: SequenceClassifier, data: SequenceData): number {
  const pred = predictClasses(model, data);
  const y = targets(model, data);
  let right = 0, n = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === IGNORE_INDEX) continue;
    n++;
    if (pred[i] === y[i]) right++;
  }
  return n === 0 ? 0 : right / n;
}

/** The targets the loss sees: y [N], or per step [N·T] with padding steps set to IGNORE_INDEX. */
function targets(model: SequenceClassifier, data: SequenceData): Int32Array {
  if (!model.arch.perStep) return data.y;
  const N = data.x.shape[0]!, T = data.x.shape[1]!;
  if (data.y.length !== N * T) return data.y; // checkData words this
  const y = data.y.slice();
  if (data.lengths) for (let n = 0; n < N; n++) y.fill(IGNORE_INDEX, n * T + data.lengths[n]!, (n + 1) * T);
  return y;
}

function toXY(model: SequenceClassifier, d: SequenceData): XY {
  const N = d.x.shape[0]!;
  const y = targets(model, d);
  return {
    x: modelInput(model, d.x),
    y: tensor(Float32Array.from(y)).reshape(model.arch.perStep ? [N, d.x.shape[1]!] : [N]),
    lengths: d.lengths ? tensor(Float32Array.from(d.lengths)) : null,
  };
}

/**
 * Token ids reach SequenceData as [N,T,1] (the data layer keeps F = 1, as `sequenceDataFromArrays`
 * and `textSequences` give them); an embedding model reads [N,T].
 */
function modelInput(model: SequenceClassifier, x: Tensor): Tensor {
  return model.arch.embedding && x.ndim === 3 && x.shape[2] === 1 ? x.reshape([x.shape[0]!, x.shape[1]!]) : x;
}

function checkData(model: SequenceClassifier, d: SequenceData, what: string): void {
  const a = model.arch;
  const N = d.x.shape[0]!, T = d.x.shape[1]!;
  if (N === 0) throw new TrainingError(`trainClassifier: the ${what} set (${d.source}) is empty`);
  if (a.embedding && !(d.x.ndim === 2 || (d.x.ndim === 3 && d.x.shape[2] === 1))) {
    throw new TrainingError(`trainClassifier: the ${what} set (${d.source}) has x [${d.x.shape.join(',')}] but the model's embedding reads token ids [N,T] or [N,T,1]`);
  }
  const F = a.embedding ? null : a.inputSize;
  if (F !== null && (d.x.ndim !== 3 || d.x.shape[2] !== F)) {
    throw new TrainingError(`trainClassifier: the ${what} set (${d.source}) has x [${d.x.shape.join(',')}] but the model reads ${F} features per step`);
  }
  const want = a.perStep ? N * T : N;
  if (d.y.length !== want) throw new TrainingError(`trainClassifier: the ${what} set (${d.source}) has ${d.y.length} labels; the model needs ${a.perStep ? `one per step (${N}×${T})` : `one per sample (${N})`}`);
  for (let i = 0; i < d.y.length; i++) {
    const c = d.y[i]!;
    if (c !== IGNORE_INDEX && (c < 0 || c >= a.numClasses)) {
      throw new TrainingError(`trainClassifier: the ${what} set (${d.source}) has label ${c} at sample ${a.perStep ? Math.floor(i / T) : i}; the model has ${a.numClasses} classes (0..${a.numClasses - 1})`);
    }
  }
}
