// Training and evaluating a language model on one long stream of token ids, as d2l's
// `train_ch8`: per batch, forward, mean cross entropy over the B·T next-token predictions,
// backward, clip the joint gradient norm, one optimizer step. Perplexity = exp(mean CE per token).
//
// Never a false result: the initial weights are snapshotted and their perplexity measured (epoch
// 0), and the weights of the best epoch seen are kept, epoch 0 included. Training stops as diverged
// on a NaN/Inf loss, gradient or weight, or when an epoch's monitored perplexity (validation if
// given, else training) exceeds divergenceFactor × the initial one, and then restores the best
// weights. Perplexity is ≥ 1, so the initial one is a safe reference (no floor needed); the rule
// is compared in log space, so it holds even where exp(CE) overflows.
// Legend: B batch, T sequence length, V vocabulary, L layers, H hidden.
import { noGrad } from '../autograd/grad-mode.js';
import { lmBatches, minCorpusLength, type LmIterator } from '../data/lm.js';
import { crossEntropy } from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { hasNonFinite } from '../optim/clip.js';
import { trainStep } from './step.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { cloneState, DEFAULT_DIVERGENCE_FACTOR, fmtLoss, type ProgressEvent, TrainingError } from './fit.js';
import { ValueError } from '../errors.js';

/** The recurrent state: h [L,B,H] for RNN and GRU, plus the cell state c [L,B,H] for LSTM. */
export interface LmState {
  h: Tensor;
  c?: Tensor;
}

/** What the loop needs from a model: ids [B,T] in, next-token logits [B,T,V] and the new state out. */
export interface LanguageModel extends Module {
  readonly vocabSize: number;
  forward(ids: ArrayLike<number>, shape: readonly [number, number], state?: LmState): [Tensor, LmState];
  beginState(batchSize: number): LmState;
}

/** Cuts the state from the graph: the next batch backpropagates into its own steps only. */
export function detachLmState(s: LmState): LmState {
  return s.c === undefined ? { h: s.h.detach() } : { h: s.h.detach(), c: s.c.detach() };
}

export interface LmTrainOptions {
  epochs: number;
  batchSize: number;
  seqLen: number;
  lr: number;
  /** 'sgd' (default, d2l's lr 1) or 'adam'. */
  optimizer?: 'sgd' | 'adam';
  /** Clip the joint gradient norm to this (default 1, as d2l); 0 turns clipping off. */
  clip?: number;
  /** 'sequential' (default: state carried across batches, detached) or 'random' (fresh state per batch). */
  iterator?: LmIterator;
  /** Draws the partition offsets and shuffles (default: seeded with 0). */
  generator?: Generator;
  /** Held-out token ids; their perplexity is measured after every epoch. */
  val?: ArrayLike<number>;
  /**
   * Training has diverged when an epoch's monitored perplexity (validation if given, else
   * training) exceeds divergenceFactor × the initial weights' (default 100; Infinity turns this
   * rule off). A NaN/Inf loss, gradient or weight always counts.
   */
  divergenceFactor?: number;
  onProgress?: (e: ProgressEvent) => void;
  onEpoch?: (e: LmEpoch) => void;
}

export interface LmEpoch {
  epoch: number; // 1-based
  epochs: number;
  /** exp(mean CE) over this epoch's training predictions, each measured before its update. */
  perplexity: number;
  valPerplexity: number | null;
  /** Predictions (B·T per batch) seen this epoch. */
  tokens: number;
  seconds: number;
  tokensPerSec: number;
}

export interface LmTrainResult {
  /** The completed epochs (an epoch that diverged part-way is not in it). */
  history: LmEpoch[];
  seconds: number;
  /** The initial weights' perplexity (epoch 0), measured in eval mode before training; val null without a val set. */
  initialPerplexity: { train: number; val: number | null };
  /** The epoch with the lowest monitored perplexity (validation if given, else training); 0 = the initial weights. */
  bestEpoch: number;
  /** The epoch whose weights the model holds: the last one when training completes, `bestEpoch` after divergence. */
  keptEpoch: number;
  stopReason: 'completed' | 'diverged';
  diverged: boolean;
  /** The epoch (1-based) in which training diverged, else null. */
  divergedAtEpoch: number | null;
  /** What happened and which weights were kept when training diverged; null when it completed. */
  message: string | null;
}

/** Trains `model` in place on the token stream `ids`. */
export function trainLm(model: LanguageModel, ids: ArrayLike<number>, opts: LmTrainOptions): LmTrainResult {
  const { epochs, batchSize: B, seqLen: T } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new TrainingError(`trainLm: epochs must be a positive integer, got ${epochs}`);
  const kind = opts.iterator ?? 'sequential';
  const need = minCorpusLength(kind, B, T);
  if (ids.length < need) {
    throw new TrainingError(`trainLm: the corpus has ${ids.length} tokens; seqLen ${T} with batchSize ${B} needs at least ${need} (${kind} partitioning)`);
  }
  const clip = opts.clip ?? 1;
  if (!(clip >= 0)) throw new TrainingError(`trainLm: clip must be ≥ 0, got ${clip}`);
  const factor = opts.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
  if (!(factor > 1)) throw new TrainingError(`trainLm: divergenceFactor must be a number > 1 (Infinity turns the perplexity rule off), got ${factor}`);
  const gen = opts.generator ?? new Generator(0);
  const params = model.parameters();
  const opt: Optimizer<object> = (opts.optimizer ?? 'sgd') === 'adam' ? new Adam(params, { lr: opts.lr }) : new SGD(params, { lr: opts.lr });
  const V = model.vocabSize;
  const history: LmEpoch[] = [];
  const monitoredSet = opts.val ? 'validation' : 'training';

  // epoch 0: mean CE (log perplexity) of the initial weights, the reference of the divergence rule
  const evalOpts = { batchSize: B, seqLen: T };
  const initialCe = { train: meanCrossEntropy(model, ids, evalOpts), val: opts.val ? meanCrossEntropy(model, opts.val, evalOpts) : null };
  const initialPerplexity = { train: Math.exp(initialCe.train), val: initialCe.val === null ? null : Math.exp(initialCe.val) };
  const initial = initialCe.val ?? initialCe.train;
  let best = Number.isFinite(initial) ? initial : Infinity;
  let bestEpoch = 0;
  let bestState = cloneState(model.stateDict());

  const t0 = now();
  const perEpoch = Math.floor(ids.length / (B * T)); // an upper bound, for the progress estimate
  let steps = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const e0 = now();
    let ceSum = 0, count = 0, batch = 0;
    let state: LmState | null = null;
    for (const { x, y } of lmBatches(kind, ids, B, T, { generator: gen })) {
      batch++;
      // sequential: carry the state of the previous batch (its rows continue these), cut from its graph
      state = state === null || kind === 'random' ? model.beginState(B) : detachLmState(state);
      let next: LmState | null = null;
      const { loss: l, failure } = trainStep(opt, params, () => {
        const [logits, s] = model.forward(x, [B, T], state!);
        next = s;
        return crossEntropy(logits.reshape([B * T, V]), y);
      }, { clipGradNorm: clip > 0 ? clip : undefined });
      if (failure !== null) return diverge(epoch, `epoch ${epoch}, batch ${batch}: ${failure}`);
      state = next;
      ceSum += l * B * T;
      count += B * T;
      steps++;
      if (opts.onProgress) {
        const rate = steps / Math.max((now() - t0) / 1000, 1e-9);
        const batches = Math.max(batch, perEpoch);
        opts.onProgress({ epoch, epochs, batch, batches, loss: ceSum / count, itPerSec: rate, etaSec: ((epochs - epoch) * batches + batches - batch) / rate });
      }
    }
    const seconds = (now() - e0) / 1000;
    const valCe = opts.val ? meanCrossEntropy(model, opts.val, evalOpts) : null;
    const trainCe = ceSum / count;
    const rec: LmEpoch = { epoch, epochs, perplexity: Math.exp(trainCe), valPerplexity: valCe === null ? null : Math.exp(valCe), tokens: count, seconds, tokensPerSec: count / Math.max(seconds, 1e-9) };
    history.push(rec);
    opts.onEpoch?.(rec);
    // the last optimizer step of an epoch can overflow the weights without any loss seeing it
    if (hasNonFinite(params, { values: true })) return diverge(epoch, `epoch ${epoch}: the weights became NaN/Inf`);
    const monitored = valCe ?? trainCe;
    if (!Number.isFinite(monitored)) return diverge(epoch, `epoch ${epoch}: the ${monitoredSet} loss became ${monitored}`);
    // ppl > factor × ppl₀ ⇔ CE > ln(factor) + CE₀, which stays finite where exp(CE) overflows
    if (monitored > Math.log(factor) + initial) {
      return diverge(epoch, `epoch ${epoch}: the ${monitoredSet} perplexity ${fmtPerplexity(monitored)} exceeded ${factor} × the initial ${fmtPerplexity(initial)}`);
    }
    if (monitored < best) {
      best = monitored;
      bestEpoch = epoch;
      bestState = cloneState(model.stateDict());
    }
  }
  return { history, seconds: (now() - t0) / 1000, initialPerplexity, bestEpoch, keptEpoch: epochs, stopReason: 'completed', diverged: false, divergedAtEpoch: null, message: null };

  function diverge(epoch: number, what: string): LmTrainResult {
    model.loadStateDict(bestState);
    const kept = bestEpoch === 0 ? 'restored the initial weights (no epoch improved on them)' : `restored the weights of epoch ${bestEpoch}`;
    return {
      history, seconds: (now() - t0) / 1000, initialPerplexity, bestEpoch, keptEpoch: bestEpoch, stopReason: 'diverged', diverged: true, divergedAtEpoch: epoch,
      message: `training diverged at ${what}; ${kept}`,
    };
  }
}

/** exp(ce) to 3 significant digits, or e^ce where it overflows a double. */
function fmtPerplexity(ce: number): string {
  const p = Math.exp(ce);
  return Number.isFinite(p) ? fmtLoss(p) : `e^${fmtLoss(ce)}`;
}

export interface EvaluateLmOptions {
  /** Number of contiguous rows the stream is split into (default 1; capped so each row has ≥ 1 target). */
  batchSize?: number;
  /** Window length of one forward pass; the state is carried across windows (default 35). */
  seqLen?: number;
}

/**
 * exp(mean CE) of predicting ids[1..N−1] from the tokens before them, in eval mode without
 * gradients. The stream is split into R = min(batchSize, N−1) rows of ⌊(N−1)/R⌋ predictions each
 * (the last (N−1) mod R targets are left out), and each row is read in windows of seqLen with its
 * state carried over, so every prediction sees the whole row before it.
 */
export function evaluatePerplexity(model: LanguageModel, ids: ArrayLike<number>, opts: EvaluateLmOptions = {}): number {
  return Math.exp(meanCrossEntropy(model, ids, opts));
}

/** The mean CE per prediction behind evaluatePerplexity (its log), finite where exp would overflow. */
function meanCrossEntropy(model: LanguageModel, ids: ArrayLike<number>, opts: EvaluateLmOptions): number {
  if (ids.length < 2) throw new ValueError(`evaluatePerplexity: needs at least 2 tokens, got ${ids.length}`);
  const T = opts.seqLen ?? 35;
  const R = Math.min(opts.batchSize ?? 1, ids.length - 1);
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(R) || R < 1) throw new ValueError(`evaluatePerplexity: seqLen and batchSize must be positive integers, got ${T} and ${opts.batchSize}`);
  const rowLen = Math.floor((ids.length - 1) / R);
  const V = model.vocabSize;
  const wasTraining = model.training;
  model.eval();
  let ceSum = 0, count = 0;
  noGrad(() => {
    let state = model.beginState(R);
    for (let s = 0; s < rowLen; s += T) {
      const w = Math.min(T, rowLen - s);
      const x = new Int32Array(R * w), y = new Int32Array(R * w);
      for (let r = 0; r < R; r++) {
        for (let t = 0; t < w; t++) {
          x[r * w + t] = ids[r * rowLen + s + t]!;
          y[r * w + t] = ids[r * rowLen + s + t + 1]!;
        }
      }
      const [logits, next] = model.forward(x, [R, w], state);
      ceSum += crossEntropy(logits.reshape([R * w, V]), y, { reduction: 'sum' }).item();
      count += R * w;
      state = next;
    }
  });
  model.train(wasTraining);
  return ceSum / count;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
