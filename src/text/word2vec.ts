// word2vec (Mikolov et al. 2013): skip-gram and CBOW with negative sampling, following the
// reference C implementation (word2vec.c): subsampling of frequent words with
//   keep(w) = (sqrt(f(w) / (sample·T)) + 1) · (sample·T) / f(w),
// a random window shrink b ~ U{0..window−1}, a sigmoid lookup table over [−6, 6], a linear
// learning-rate decay α = α₀ (1 − wordsSeen / (epochs·T + 1)) floored at α₀·1e−4, input vectors
// initialised U(−0.5, 0.5)/D and output vectors at zero. Negatives are drawn from unigram^0.75 with
// Walker's alias method (exact, and 2 × V entries instead of a 10⁸-entry table).
// V vocabulary, D dim, T training words per epoch.
import { encodeCorpus, type TrainProgress } from './corpus.js';
import { Rng } from './rng.js';
import { WordVectors } from './vectors.js';
import { checkMemory } from '../memory.js';
import { ValueError } from '../errors.js';

export interface Word2VecOptions {
  method?: 'skipgram' | 'cbow';
  /** D. Default 100. */
  dim?: number;
  /** Maximum distance between centre and context word. Default 5. */
  window?: number;
  /** Negative samples per positive. Default 5. */
  negative?: number;
  /** Subsampling threshold; 0 disables. Default 1e-3. */
  sample?: number;
  /** Drop words rarer than this. Default 5. */
  minCount?: number;
  /** Keep at most this many words (the most frequent). */
  maxVocab?: number;
  /** Passes over the corpus. Default 5. */
  epochs?: number;
  /** Starting learning rate α₀. Default 0.025 (skip-gram), 0.05 (CBOW). */
  lr?: number;
  /** Seed of the PRNG (initialisation, window shrink, subsampling, negatives). Default 1. */
  seed?: number;
  /** Called about every 10,000 words and at the end. */
  onProgress?: (p: TrainProgress) => void;
}

export interface Word2VecResult {
  vectors: WordVectors;
  /** Training words per epoch (in-vocabulary tokens). */
  trainWords: number;
  seconds: number;
  /** Words read per second (C word2vec's "words/thread/sec" with one thread). */
  wordsPerSecond: number;
}

const EXP_TABLE_SIZE = 1000;
const MAX_EXP = 6;
const MAX_SENTENCE = 1000; // C word2vec's MAX_SENTENCE_LENGTH: longer sentences are cut

function sigmoidTable(): Float32Array {
  const t = new Float32Array(EXP_TABLE_SIZE);
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    t[i] = e / (e + 1);
  }
  return t;
}

/** Walker alias tables for sampling word w with probability ∝ counts[w]^power. */
function aliasTable(counts: Float64Array, power: number): { prob: Float32Array; alias: Int32Array } {
  const V = counts.length;
  const p = new Float64Array(V);
  let z = 0;
  for (let i = 0; i < V; i++) z += (p[i] = Math.pow(counts[i], power));
  const prob = new Float32Array(V);
  const alias = new Int32Array(V);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < V; i++) {
    p[i] = (p[i] * V) / z;
    (p[i] < 1 ? small : large).push(i);
  }
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large[large.length - 1];
    prob[s] = p[s];
    alias[s] = l;
    p[l] -= 1 - p[s];
    if (p[l] < 1) small.push(large.pop()!);
  }
  for (const i of large) { prob[i] = 1; alias[i] = i; }
  for (const i of small) { prob[i] = 1; alias[i] = i; }
  return { prob, alias };
}

/** Train word vectors on tokenized sentences. Deterministic for a given seed. */
export function trainWord2Vec(sentences: readonly (readonly string[])[], options: Word2VecOptions = {}): Word2VecResult {
  const method = options.method ?? 'skipgram';
  if (method !== 'skipgram' && method !== 'cbow') throw new ValueError(`trainWord2Vec: unknown method '${String(method)}' (expected skipgram or cbow)`);
  const D = options.dim ?? 100;
  const window = options.window ?? 5;
  const negative = options.negative ?? 5;
  const sample = options.sample ?? 1e-3;
  const epochs = options.epochs ?? 5;
  const alpha0 = options.lr ?? (method === 'cbow' ? 0.05 : 0.025);
  for (const [name, v, min] of [['dim', D, 1], ['window', window, 1], ['negative', negative, 1], ['epochs', epochs, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new ValueError(`trainWord2Vec: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if (!(sample >= 0)) throw new ValueError(`trainWord2Vec: sample must be ≥ 0, got ${sample}`);
  if (!(alpha0 > 0)) throw new ValueError(`trainWord2Vec: lr must be > 0, got ${alpha0}`);

  const corpus = encodeCorpus(sentences, options.minCount ?? 5, options.maxVocab, 'trainWord2Vec');
  const V = corpus.words.length;
  const T = corpus.ids.length;
  const rng = new Rng(options.seed ?? 1);

  checkMemory(`trainWord2Vec: dim ${D} for ${V} words (two matrices)`, 2 * V * D * 4);
  const syn0 = new Float32Array(V * D);
  for (let i = 0; i < syn0.length; i++) syn0[i] = (rng.next() - 0.5) / D;
  const syn1 = new Float32Array(V * D);
  const expTable = sigmoidTable();
  const { prob, alias } = aliasTable(corpus.counts, 0.75);
  const keep = new Float32Array(V);
  for (let w = 0; w < V; w++) {
    const f = corpus.counts[w];
    keep[w] = sample > 0 ? Math.min(1, (Math.sqrt(f / (sample * T)) + 1) * (sample * T) / f) : 1;
  }

  const state: Sgns = {
    syn0, syn1, expTable, prob, alias, keep, D, V, window, negative,
    sen: new Int32Array(MAX_SENTENCE), neu1: new Float32Array(D), neu1e: new Float32Array(D),
  };
  const t0 = performance.now();
  let wordsSeen = 0;
  let lastReport = 0;
  let alpha = alpha0;
  const total = epochs * T + 1;
  const step = method === 'skipgram' ? skipgramSentence : cbowSentence;
  let s32 = rng.state;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let s = 0; s + 1 < corpus.starts.length; s++) {
      for (let from = corpus.starts[s], end = corpus.starts[s + 1]; from < end; from += MAX_SENTENCE) {
        const to = Math.min(end, from + MAX_SENTENCE);
        // The C code updates α every 10,000 words from the words read so far.
        if (wordsSeen - lastReport > 10000) {
          lastReport = wordsSeen;
          alpha = Math.max(alpha0 * (1 - wordsSeen / total), alpha0 * 1e-4);
          if (options.onProgress) {
            const secs = (performance.now() - t0) / 1000;
            options.onProgress({ epoch, progress: wordsSeen / total, lr: alpha, wordsPerSecond: secs > 0 ? wordsSeen / secs : 0 });
          }
        }
        s32 = step(state, corpus.ids, from, to, alpha, s32);
        wordsSeen += to - from;
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const wordsPerSecond = seconds > 0 ? wordsSeen / seconds : 0;
  options.onProgress?.({ epoch: epochs - 1, progress: 1, lr: alpha, wordsPerSecond });
  return { vectors: new WordVectors(corpus.words, D, syn0), trainWords: T, seconds, wordsPerSecond };
}

interface Sgns {
  syn0: Float32Array; // [V, D] input (word) vectors
  syn1: Float32Array; // [V, D] output (context) vectors for negative sampling
  expTable: Float32Array;
  prob: Float32Array; // alias method, [V]
  alias: Int32Array; // [V]
  keep: Float32Array; // [V] subsampling keep probability
  D: number;
  V: number;
  window: number;
  negative: number;
  sen: Int32Array; // scratch: the subsampled sentence
  neu1: Float32Array; // [D] scratch
  neu1e: Float32Array; // [D] scratch
}

// The PRNG is inlined (xorshift32 on a local) in the hot loops; each function takes and returns
// the state so the stream stays one sequence.

/** Subsample ids[from..to) into st.sen; returns [length, rngState] packed as length * 2^32 + state. */
function subsample(st: Sgns, ids: Int32Array, from: number, to: number, s: number): number {
  const keep = st.keep;
  const sen = st.sen;
  let n = 0;
  for (let i = from; i < to; i++) {
    const w = ids[i];
    const k = keep[w];
    if (k < 1) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      if (k < (s >>> 0) / 4294967296) continue;
    }
    sen[n++] = w;
  }
  return n * 4294967296 + (s >>> 0);
}

function skipgramSentence(st: Sgns, ids: Int32Array, from: number, to: number, alpha: number, s: number): number {
  const packed = subsample(st, ids, from, to, s);
  const len = Math.floor(packed / 4294967296);
  s = packed % 4294967296 | 0;
  const { syn0, syn1, expTable, prob, alias, D, V, window, negative, sen, neu1e } = st;
  const tableScale = EXP_TABLE_SIZE / MAX_EXP / 2;
  for (let pos = 0; pos < len; pos++) {
    const word = sen[pos];
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const b = (s >>> 0) % window;
    for (let a = b; a < window * 2 + 1 - b; a++) {
      if (a === window) continue;
      const c = pos - window + a;
      if (c < 0 || c >= len) continue;
      const l1 = sen[c] * D;
      for (let d = 0; d < D; d++) neu1e[d] = 0;
      for (let k = 0; k <= negative; k++) {
        let target: number;
        let label: number;
        if (k === 0) {
          target = word;
          label = 1;
        } else {
          s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
          const i = Math.floor(((s >>> 0) / 4294967296) * V);
          s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
          target = (s >>> 0) / 4294967296 < prob[i] ? i : alias[i];
          if (target === word) continue;
          label = 0;
        }
        const l2 = target * D;
        let f = 0;
        for (let d = 0; d < D; d++) f += syn0[l1 + d] * syn1[l2 + d];
        let g: number;
        if (f > MAX_EXP) g = (label - 1) * alpha;
        else if (f < -MAX_EXP) g = label * alpha;
        else g = (label - expTable[((f + MAX_EXP) * tableScale) | 0]) * alpha;
        for (let d = 0; d < D; d++) {
          neu1e[d] += g * syn1[l2 + d];
          syn1[l2 + d] += g * syn0[l1 + d];
        }
      }
      for (let d = 0; d < D; d++) syn0[l1 + d] += neu1e[d];
    }
  }
  return s;
}

function cbowSentence(st: Sgns, ids: Int32Array, from: number, to: number, alpha: number, s: number): number {
  const packed = subsample(st, ids, from, to, s);
  const len = Math.floor(packed / 4294967296);
  s = packed % 4294967296 | 0;
  const { syn0, syn1, expTable, prob, alias, D, V, window, negative, sen, neu1, neu1e } = st;
  const tableScale = EXP_TABLE_SIZE / MAX_EXP / 2;
  for (let pos = 0; pos < len; pos++) {
    const word = sen[pos];
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const b = (s >>> 0) % window;
    for (let d = 0; d < D; d++) { neu1[d] = 0; neu1e[d] = 0; }
    let cw = 0;
    for (let a = b; a < window * 2 + 1 - b; a++) {
      if (a === window) continue;
      const c = pos - window + a;
      if (c < 0 || c >= len) continue;
      const l = sen[c] * D;
      for (let d = 0; d < D; d++) neu1[d] += syn0[l + d];
      cw++;
    }
    if (cw === 0) continue;
    const inv = 1 / cw; // cbow_mean = 1, as the C tool's default
    for (let d = 0; d < D; d++) neu1[d] *= inv;
    for (let k = 0; k <= negative; k++) {
      let target: number;
      let label: number;
      if (k === 0) {
        target = word;
        label = 1;
      } else {
        s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
        const i = Math.floor(((s >>> 0) / 4294967296) * V);
        s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
        target = (s >>> 0) / 4294967296 < prob[i] ? i : alias[i];
        if (target === word) continue;
        label = 0;
      }
      const l2 = target * D;
      let f = 0;
      for (let d = 0; d < D; d++) f += neu1[d] * syn1[l2 + d];
      let g: number;
      if (f > MAX_EXP) g = (label - 1) * alpha;
      else if (f < -MAX_EXP) g = label * alpha;
      else g = (label - expTable[((f + MAX_EXP) * tableScale) | 0]) * alpha;
      for (let d = 0; d < D; d++) {
        neu1e[d] += g * syn1[l2 + d];
        syn1[l2 + d] += g * neu1[d];
      }
    }
    for (let a = b; a < window * 2 + 1 - b; a++) {
      if (a === window) continue;
      const c = pos - window + a;
      if (c < 0 || c >= len) continue;
      const l = sen[c] * D;
      for (let d = 0; d < D; d++) syn0[l + d] += neu1e[d];
    }
  }
  return s;
}
