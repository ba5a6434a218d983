// Text generation from a language model: warm up on a prefix, then sample one token at a time
// with greedy, temperature and top-k sampling (d2l's `predict_ch8`).
// Legend: V vocabulary.
import { noGrad } from '../autograd/grad-mode.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import type { LanguageModel } from '../train/lm.js';
import { NonFiniteError } from '../train/fit.js';
import { ValueError } from '../errors.js';

export interface SampleOptions {
  /** Softmax temperature: p ∝ exp(logit / temperature). 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Sample only among the k most likely tokens (ties broken by lower id); default: all. */
  topK?: number;
}

function checkSample(o: SampleOptions): { temperature: number; topK: number } {
  const temperature = o.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new ValueError(`sample: temperature must be a finite number ≥ 0, got ${temperature}`);
  const topK = o.topK ?? Infinity;
  if (topK !== Infinity && (!Number.isInteger(topK) || topK < 1)) throw new ValueError(`sample: topK must be a positive integer, got ${topK}`);
  return { temperature, topK };
}

/** Index of the largest value (the lowest index among equal maxima). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * Draws the next token id from one row of logits: restrict to the top k, divide by the
 * temperature, softmax (max-subtracted), then one uniform draw u and the first id whose
 * cumulative probability exceeds u. Temperature 0 is argmax and draws nothing.
 */
export function sampleNext(logits: ArrayLike<number>, opts: SampleOptions = {}, generator: Generator = defaultGenerator): number {
  const { temperature, topK } = checkSample(opts);
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i]!)) throw new NonFiniteError(`sample: the model's logit for token ${i} is ${logits[i]}; its weights cannot generate text`);
  }
  if (temperature === 0 || topK === 1) return argmax(logits);
  if (topK >= logits.length) return sampleAll(logits, temperature, generator);
  let ids = Array.from({ length: logits.length }, (_, i) => i);
  if (topK < logits.length) ids = ids.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, topK);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, logits[i]!);
  const w = ids.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = w.reduce((a, b) => a + b, 0);
  const u = generator.random() * total;
  let acc = 0;
  for (let k = 0; k < ids.length; k++) {
    acc += w[k]!;
    if (u < acc) return ids[k]!;
  }
  return ids[ids.length - 1]!; // u within rounding of the total
}

/**
 * sampleNext over the whole vocabulary without allocating (one draw per generated token): the same
 * sums in the same order as the top-k path, so the same draw picks the same id.
 */
function sampleAll(logits: ArrayLike<number>, temperature: number, generator: Generator): number {
  const V = logits.length;
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[i]!);
  let total = 0;
  for (let i = 0; i < V; i++) total += Math.exp((logits[i]! - max) / temperature);
  const u = generator.random() * total;
  let acc = 0;
  for (let i = 0; i < V; i++) {
    acc += Math.exp((logits[i]! - max) / temperature);
    if (u < acc) return i;
  }
  return V - 1; // u within rounding of the total
}

export interface GenerateOptions extends SampleOptions {
  /** Number of tokens to generate after the prefix. */
  length: number;
  /** Source of the sampling draws (default: a Generator seeded with `seed`, default 0). */
  generator?: Generator;
  seed?: number;
}

/**
 * Warm up on the prefix (every prefix token but the last, in one pass), then feed the last token
 * and sample, feed the sample and sample again, `length` times (d2l's `predict_ch8`, free-running).
 * Returns the generated ids only.
 */
export function generateIds(model: LanguageModel, prefix: readonly number[], opts: GenerateOptions): number[] {
  if (prefix.length === 0) throw new ValueError('generate: the prefix is empty; give at least one token');
  if (!Number.isInteger(opts.length) || opts.length < 0) throw new ValueError(`generate: length must be an integer ≥ 0, got ${opts.length}`);
  const sample = checkSample(opts);
  const gen = opts.generator ?? new Generator(opts.seed ?? 0);
  const V = model.vocabSize;
  const wasTraining = model.training;
  model.eval();
  const out: number[] = [];
  try {
    noGrad(() => {
      let state = model.beginState(1);
      const n = prefix.length;
      if (n > 1) state = model.forward(prefix.slice(0, n - 1), [1, n - 1], state)[1];
      let last = prefix[n - 1]!;
      for (let i = 0; i < opts.length; i++) {
        const [logits, next] = model.forward([last], [1, 1], state);
        state = next;
        last = sampleNext(logits.data.subarray(0, V), sample, gen);
        out.push(last);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}
