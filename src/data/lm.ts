// Mini-batches for language models: d2l's two ways of cutting one long token stream into
// (input, target) pairs of length T, where the target is the input shifted by one token.
// Legend: N corpus length (tokens), B batch size, T sequence length (numSteps).
//
// Random partitioning (d2l `seq_data_iter_random`):
//   1. drop a random offset o ∈ [0, T−1] from the front;
//   2. cut the rest into n = ⌊(N − o − 1) / T⌋ subsequences starting at o, o+T, o+2T, …
//      (the −1 leaves room for the last target);
//   3. shuffle the n start positions; batch i takes starts[iB .. iB+B−1], for ⌊n / B⌋ batches
//      (the last n mod B subsequences are dropped).
//   Two adjacent batches are not adjacent in the text, so each batch starts from a fresh state.
//
// Sequential partitioning (d2l `seq_data_iter_sequential`):
//   1. drop a random offset o ∈ [0, T] from the front;
//   2. keep M = ⌊(N − o − 1) / B⌋ · B tokens and lay them out as B rows of M/B consecutive tokens
//      (row b starts at o + b·M/B);
//   3. batch i is columns [iT, iT+T) of every row, for ⌊M / (B·T)⌋ batches.
//   Row b of batch i+1 continues row b of batch i, so the hidden state can be carried over
//   (detached) from one batch to the next.
import { Generator } from '../tensor/random.js';
import { ValueError } from '../errors.js';

export type LmIterator = 'sequential' | 'random';

/** One mini-batch of token ids, row-major [B,T]; y is x shifted one token to the right. */
export interface LmBatch {
  x: Int32Array; // [B,T]
  y: Int32Array; // [B,T]
  batchSize: number;
  seqLen: number;
  /** Corpus position of x[b,0] for each row b. */
  starts: number[];
}

export interface LmIteratorOptions {
  /** Source of the random offset and of the shuffle (default: a Generator seeded with 0). */
  generator?: Generator;
  /** Use this offset instead of drawing one (random: 0 ≤ offset < T; sequential: 0 ≤ offset ≤ T). */
  offset?: number;
}

function checkArgs(op: string, corpus: ArrayLike<number>, batchSize: number, seqLen: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`${op}: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new ValueError(`${op}: seqLen must be a positive integer, got ${seqLen}`);
  if (corpus.length === 0) throw new ValueError(`${op}: the corpus is empty`);
}

function pickOffset(op: string, opts: LmIteratorOptions, max: number): number {
  if (opts.offset === undefined) return (opts.generator ?? new Generator(0)).int(max + 1);
  if (!Number.isInteger(opts.offset) || opts.offset < 0 || opts.offset > max) {
    throw new ValueError(`${op}: offset must be an integer in [0, ${max}], got ${opts.offset}`);
  }
  return opts.offset;
}

function batchOf(corpus: ArrayLike<number>, starts: number[], T: number): LmBatch {
  const B = starts.length;
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const s = starts[b]!;
    for (let t = 0; t < T; t++) {
      x[b * T + t] = corpus[s + t]!;
      y[b * T + t] = corpus[s + t + 1]!;
    }
  }
  return { x, y, batchSize: B, seqLen: T, starts };
}

/** d2l's random partitioning (see the file header). The offset is drawn before the shuffle. */
export function* seqDataIterRandom(corpus: ArrayLike<number>, batchSize: number, seqLen: number, opts: LmIteratorOptions = {}): IterableIterator<LmBatch> {
  checkArgs('seqDataIterRandom', corpus, batchSize, seqLen);
  const T = seqLen;
  const gen = opts.generator ?? new Generator(0);
  const o = pickOffset('seqDataIterRandom', { ...opts, generator: gen }, T - 1);
  const n = Math.max(0, Math.floor((corpus.length - o - 1) / T));
  const perm = gen.permutation(n);
  const starts = perm.map((k) => o + k * T);
  const batches = Math.floor(n / batchSize);
  for (let i = 0; i < batches; i++) yield batchOf(corpus, starts.slice(i * batchSize, (i + 1) * batchSize), T);
}

/** d2l's sequential partitioning (see the file header): row b of consecutive batches is contiguous text. */
export function* seqDataIterSequential(corpus: ArrayLike<number>, batchSize: number, seqLen: number, opts: LmIteratorOptions = {}): IterableIterator<LmBatch> {
  checkArgs('seqDataIterSequential', corpus, batchSize, seqLen);
  const B = batchSize, T = seqLen;
  const o = pickOffset('seqDataIterSequential', opts, T);
  const rowLen = Math.max(0, Math.floor((corpus.length - o - 1) / B));
  const batches = Math.floor(rowLen / T);
  for (let i = 0; i < batches; i++) {
    yield batchOf(corpus, Array.from({ length: B }, (_, b) => o + b * rowLen + i * T), T);
  }
}

/** The iterator of that kind. */
export function lmBatches(kind: LmIterator, corpus: ArrayLike<number>, batchSize: number, seqLen: number, opts: LmIteratorOptions = {}): IterableIterator<LmBatch> {
  switch (kind) {
    case 'sequential': return seqDataIterSequential(corpus, batchSize, seqLen, opts);
    case 'random': return seqDataIterRandom(corpus, batchSize, seqLen, opts);
    default: throw new ValueError(`lmBatches: iterator must be 'sequential' or 'random', got '${String(kind)}'`);
  }
}

/**
 * The shortest corpus that yields at least one batch whatever offset is drawn:
 * random (B+1)·T (offset T−1, then B subsequences of T plus one target), sequential (B+1)·T + 1.
 */
export function minCorpusLength(kind: LmIterator, batchSize: number, seqLen: number): number {
  return kind === 'random' ? (batchSize + 1) * seqLen : (batchSize + 1) * seqLen + 1;
}
