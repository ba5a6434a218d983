// Training modes for a network whose recurrence runs from the previous output to the next hidden
// state (the tutorial's §3.2.1-3.2.2; Goodfellow et al. §10.2.1):
//   h_t = f(U x_t + W_o y_{t−1} + b),   o_t = V h_t + c
// The fed-back y_{t−1} is either the ground truth (teacher forcing), the model's own o_{t−1} (free
// running, and always at inference), or a per-step coin flip between the two (scheduled sampling,
// Bengio et al. 2015).
// Legend: T time, B batch, I input features, O output features (the fed-back vector).
import { cat, stack } from '../autograd/ops/shape.js';
import { mseLoss } from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { TrainingError, trainStepOrThrow } from './step.js';

/**
 * A model driven by its previous output. `step` maps x_t [..., I] (null when I = 0) and the fed-back
 * y_{t−1} [..., O] to o_t [..., O] for any leading dims: with no hidden-to-hidden path, steps whose
 * feedback is known do not depend on each other.
 */
export interface OutputFeedback {
  readonly inputSize: number;
  readonly outputSize: number;
  step(x: Tensor | null, prevY: Tensor): Tensor;
}

/** A batch of sequences: inputs x [T,B,I] (null when I = 0), targets y [T,B,O], y0 [B,O] = y_{−1}. */
export interface FeedbackSequence {
  x?: Tensor | null;
  y: Tensor;
  y0: Tensor;
}

/** trainFeedback's errors are TrainingErrors (one class for every training loop); the old name stays. */
export const ModeError = TrainingError;

/**
 * Teacher forcing: step t is fed the truth y_{t−1}. Every feedback is known in advance, so all T
 * steps run as ONE batched pass over [T,B,…] (no loop over t), the parallelism the tutorial notes.
 */
export function teacherForcing(model: OutputFeedback, seq: FeedbackSequence): Tensor {
  const T = checkSequence(model, seq, 'teacherForcing');
  const prev = cat([seq.y0.unsqueeze(0), seq.y.slice(0, 0, T - 1)], 0); // y_{t−1} for t = 0..T−1
  return model.step(seq.x ?? null, prev);
}

/**
 * Free running: step t is fed the model's own o_{t−1} (y0 at t = 0), so the outputs form one chain
 * and backprop runs through all of it (BPTT through the fed-back outputs). This is also inference.
 */
export function freeRunning(model: OutputFeedback, seq: { x?: Tensor | null; y0: Tensor; steps?: number }): Tensor {
  const T = seq.x ? seq.x.shape[0]! : seq.steps;
  if (T === undefined || !Number.isInteger(T) || T < 1) throw new ModeError(`freeRunning: steps must be an integer ≥ 1 (or give x [T,B,I]), got ${T}`);
  if (seq.x && seq.steps !== undefined && seq.steps !== T) throw new ModeError(`freeRunning: steps ${seq.steps} disagrees with x's ${T} time steps`);
  const outs: Tensor[] = [];
  let prev = seq.y0;
  for (let t = 0; t < T; t++) {
    const o = model.step(seq.x ? seq.x.select(0, t) : null, prev);
    outs.push(o);
    prev = o;
  }
  return stack(outs, 0);
}

export interface ScheduledSamplingOptions {
  /**
   * Probability that a step is fed the model's own previous output instead of the truth: 1 − ε_i
   * in Bengio et al.'s notation, where ε_i is the teacher-forcing probability a schedule gives.
   */
  samplingProb: number;
  /** The coin flips: one per sequence per step t ≥ 1, drawn whatever samplingProb is. */
  generator: Generator;
}

/**
 * Scheduled sampling (Bengio et al. 2015): at each step t ≥ 1 each sequence flips its own coin and
 * is fed its own o_{t−1} with probability samplingProb, else the truth y_{t−1}. Gradients flow
 * through the fed-back outputs, so samplingProb 1 is free running and 0 is teacher forcing.
 */
export function scheduledSampling(model: OutputFeedback, seq: FeedbackSequence, opts: ScheduledSamplingOptions): Tensor {
  const T = checkSequence(model, seq, 'scheduledSampling');
  const p = opts.samplingProb;
  if (!(p >= 0 && p <= 1)) throw new ModeError(`scheduledSampling: samplingProb must be in [0, 1], got ${p}`);
  const B = seq.y0.shape[0]!;
  const outs: Tensor[] = [];
  let prev = seq.y0;
  for (let t = 0; t < T; t++) {
    const o = model.step(seq.x ? seq.x.select(0, t) : null, prev);
    outs.push(o);
    if (t + 1 === T) break;
    const own = new Tensor(o.dtype === 'float64' ? new Float64Array(B) : new Float32Array(B), [B, 1]);
    for (let b = 0; b < B; b++) own.data[b] = opts.generator.random() < p ? 1 : 0;
    prev = o.mul(own).add(seq.y.select(0, t).mul(own.neg().add(1))); // own ? o_t : y_t, row by row
  }
  return stack(outs, 0);
}

// ---- Schedules of ε_i, the probability of feeding the truth at training iteration i ----------
// (Bengio et al. 2015 §2.4; i counts mini-batches from 0.)

export type Schedule = (i: number) => number;

/** ε_i = max(ε, k − c·i): linear decay from k to the floor ε. */
export function linearDecay(opts: { k?: number; c: number; floor?: number }): Schedule {
  const k = opts.k ?? 1, c = opts.c, floor = opts.floor ?? 0;
  if (!(k >= 0 && k <= 1)) throw new ModeError(`linearDecay: k must be in [0, 1], got ${k}`);
  if (!(c >= 0)) throw new ModeError(`linearDecay: c must be ≥ 0, got ${c}`);
  if (!(floor >= 0 && floor < 1)) throw new ModeError(`linearDecay: floor must be in [0, 1), got ${floor}`);
  return (i) => Math.max(floor, k - c * i);
}

/** ε_i = k^i with k < 1: exponential decay. */
export function exponentialDecay(opts: { k: number }): Schedule {
  const k = opts.k;
  if (!(k > 0 && k < 1)) throw new ModeError(`exponentialDecay: k must be in (0, 1), got ${k}`);
  return (i) => Math.pow(k, i);
}

/** ε_i = k / (k + exp(i/k)) with k ≥ 1: inverse sigmoid decay. */
export function inverseSigmoidDecay(opts: { k: number }): Schedule {
  const k = opts.k;
  if (!(k >= 1)) throw new ModeError(`inverseSigmoidDecay: k must be ≥ 1, got ${k}`);
  return (i) => k / (k + Math.exp(i / k));
}

// ---- A training loop over windows, in one of the modes ------------------------------------------

export type TrainingMode = 'teacher-forcing' | 'free-running' | 'scheduled-sampling';
export const TRAINING_MODES: readonly TrainingMode[] = ['teacher-forcing', 'free-running', 'scheduled-sampling'];

export interface FeedbackTrainOptions {
  mode: TrainingMode;
  epochs: number;
  batchSize?: number;
  lr?: number;
  /** Shuffles the windows and draws the scheduled-sampling coins (default 0). */
  seed?: number;
  /** Scheduled sampling: ε_i, the teacher-forcing probability at iteration i (required). */
  schedule?: Schedule;
  clipGradNorm?: number;
}

export interface FeedbackTrainResult {
  /** Mean squared error per element of each epoch's batches, as trained (in the chosen mode). */
  loss: number[];
  /** Scheduled sampling: the sampling probability 1 − ε_i at the last iteration of each epoch. */
  samplingProb: number[];
  iterations: number;
}

/**
 * Trains on N windows (x [T,N,I] or null, y [T,N,O], y0 [N,O]) with Adam and a per-element MSE,
 * shuffled mini-batches, one optimizer step each, the outputs produced by the chosen mode.
 */
export function trainFeedback(model: Module & OutputFeedback, data: FeedbackSequence, opts: FeedbackTrainOptions): FeedbackTrainResult {
  const { mode, epochs } = opts;
  if (!TRAINING_MODES.includes(mode)) throw new ModeError(`trainFeedback: mode must be one of ${TRAINING_MODES.join(', ')}; got '${String(mode)}'`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new ModeError(`trainFeedback: epochs must be an integer ≥ 1, got ${epochs}`);
  if (mode === 'scheduled-sampling' && !opts.schedule) throw new ModeError('trainFeedback: scheduled sampling needs a schedule (linearDecay, exponentialDecay, inverseSigmoidDecay)');
  checkSequence(model, data, 'trainFeedback');
  const N = data.y.shape[1]!;
  const batchSize = opts.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ModeError(`trainFeedback: batchSize must be an integer ≥ 1, got ${batchSize}`);
  const gen = new Generator(opts.seed ?? 0);
  const params = model.parameters();
  const opt = new Adam(params, { lr: opts.lr ?? 1e-2 });
  const result: FeedbackTrainResult = { loss: [], samplingProb: [], iterations: 0 };
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = gen.permutation(N);
    let sum = 0, count = 0, p = 0;
    for (let s = 0; s < N; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const batch = { x: data.x ? data.x.index(1, idx) : null, y: data.y.index(1, idx), y0: data.y0.index(0, idx) };
      let out: Tensor;
      if (mode === 'teacher-forcing') out = teacherForcing(model, batch);
      else if (mode === 'free-running') out = freeRunning(model, { x: batch.x, y0: batch.y0, steps: batch.y.shape[0] });
      else {
        p = 1 - opts.schedule!(result.iterations);
        out = scheduledSampling(model, batch, { samplingProb: p, generator: gen });
      }
      const loss = trainStepOrThrow(opt, params, () => mseLoss(out, batch.y), `trainFeedback: epoch ${epoch + 1}, iteration ${result.iterations + 1}`, opts);
      result.iterations++;
      sum += loss * idx.length;
      count += idx.length;
    }
    result.loss.push(sum / count);
    if (mode === 'scheduled-sampling') result.samplingProb.push(p);
  }
  return result;
}

function checkSequence(model: OutputFeedback, seq: FeedbackSequence, op: string): number {
  const { y, y0 } = seq;
  const O = model.outputSize;
  if (y.ndim !== 3 || y.shape[2] !== O) throw new ModeError(`${op}: y has shape ${fmtShape(y.shape)} but expects [T,B,${O}]`);
  const [T, B] = y.shape as [number, number, number];
  if (T < 1) throw new ModeError(`${op}: the sequence is empty (T = 0)`);
  if (y0.ndim !== 2 || y0.shape[0] !== B || y0.shape[1] !== O) throw new ModeError(`${op}: y0 has shape ${fmtShape(y0.shape)} but expects [${B},${O}] (y_{−1} of each sequence)`);
  const x = seq.x ?? null;
  if (model.inputSize === 0 ? x !== null : x === null || x.ndim !== 3 || x.shape[0] !== T || x.shape[1] !== B || x.shape[2] !== model.inputSize) {
    const want = model.inputSize === 0 ? 'null (inputSize 0)' : `[${T},${B},${model.inputSize}]`;
    throw new ModeError(`${op}: x has shape ${x ? fmtShape(x.shape) : 'null'} but expects ${want}`);
  }
  return T;
}
