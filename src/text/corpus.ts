// Shared corpus preparation for word2vec and GloVe: a frequency-ordered vocabulary and the corpus
// as one Int32Array of word ids with sentence boundaries (out-of-vocabulary words are dropped, as
// in the C word2vec and GloVe tools).
import { compareCodePoints } from './vocab.js';
import { ValueError } from '../errors.js';

export interface EncodedCorpus {
  words: string[]; // [V], count desc then code point
  counts: Float64Array; // [V]
  ids: Int32Array; // [W] in-vocabulary tokens of all sentences, concatenated
  starts: Int32Array; // [S + 1] sentence s is ids[starts[s] .. starts[s+1])
}

export function encodeCorpus(sentences: readonly (readonly string[])[], minCount: number, maxVocab: number | undefined, where: string): EncodedCorpus {
  if (!Number.isInteger(minCount) || minCount < 1) throw new ValueError(`${where}: minCount must be an integer ≥ 1, got ${minCount}`);
  const count = new Map<string, number>();
  for (const s of sentences) for (const t of s) count.set(t, (count.get(t) ?? 0) + 1);
  let kept = [...count].filter((e) => e[1] >= minCount).sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
  if (maxVocab !== undefined) kept = kept.slice(0, maxVocab);
  if (kept.length < 2) {
    throw new ValueError(`${where}: only ${kept.length} distinct word(s) occur at least minCount=${minCount} times; need at least 2 (lower minCount or give more text)`);
  }
  const index = new Map<string, number>();
  kept.forEach((e, i) => index.set(e[0], i));
  const ids: number[] = [];
  const starts: number[] = [0];
  for (const s of sentences) {
    for (const t of s) {
      const id = index.get(t);
      if (id !== undefined) ids.push(id);
    }
    if (ids.length > starts[starts.length - 1]) starts.push(ids.length);
  }
  return {
    words: kept.map((e) => e[0]),
    counts: Float64Array.from(kept, (e) => e[1]),
    ids: Int32Array.from(ids),
    starts: Int32Array.from(starts),
  };
}

export interface TrainProgress {
  /** 0-based epoch (iteration). */
  epoch: number;
  /** Overall fraction done, 0..1. */
  progress: number;
  /** Current learning rate. */
  lr: number;
  /** word2vec: words processed per second so far (words read, including subsampled ones, as the C tool counts). */
  wordsPerSecond?: number;
  /** GloVe: mean weighted squared error of the finished iteration. */
  loss?: number;
}
