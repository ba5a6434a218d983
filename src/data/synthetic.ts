// Synthetic long-term dependency tasks, each from a seeded generator. Legend: N samples, T time.
//
// Adding problem (Hochreiter & Schmidhuber 1997, §5 exp. 4; as in Le et al. 2015 §4.1): channel 0
// holds U[0,1) values, channel 1 marks two positions, one uniformly in the first half
// [0, ⌊T/2⌋) and one in the second half [⌊T/2⌋, T); the target is the sum of the two marked
// values. Predicting the constant 1 (the sum's mean) gives MSE = Var(a + b) = 2 · 1/12 = 1/6
// ≈ 0.167, the baseline a model must beat by remembering across ≥ T/2 steps on average.
//
// Copy task (Arjovsky, Shah & Bengio 2016, §4.1): symbols 1…S (S = 8), blank 0, delimiter S+1.
// Input: `length` (10) random symbols, T − 1 blanks, the delimiter, `length` blanks — T + 2·length
// steps. Target: blank for the first T + length steps, then the `length` symbols. The memoryless
// strategy (blank for T + length steps, then a uniform guess among the S symbols) has mean
// cross-entropy per step length·ln(S) / (T + 2·length) = 10·ln 8 / (T + 20).
import type { DType } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

/** MSE of always predicting 1 on the adding problem: Var(a + b) with a, b ~ U[0,1]. */
export const ADDING_BASELINE_MSE = 1 / 6;

export interface SyntheticOptions {
  generator?: Generator;
  dtype?: DType;
  /** Layout of x: [N,T,·] (default true; samples first, as TensorDataset slices them) or [T,N,·]. */
  batchFirst?: boolean;
}

export interface AddingProblem {
  /** [N,T,2] ([T,N,2] with batchFirst false): channel 0 the values, channel 1 the markers. */
  x: Tensor;
  /** [N,1]: the sum of the two marked values. */
  y: Tensor;
  /** [N·2]: the two marked positions of each sample (first-half one first). */
  positions: Int32Array;
}

function checkCount(op: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`${op}: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** `n` adding-problem sequences of length `seqLen` (≥ 2). */
export function addingProblem(n: number, seqLen: number, opts: SyntheticOptions = {}): AddingProblem {
  checkCount('addingProblem', 'n', n, 1);
  checkCount('addingProblem', 'seqLen', seqLen, 2);
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'float32';
  const bf = opts.batchFirst ?? true;
  const T = seqLen, half = Math.floor(T / 2);
  const x = alloc(dtype, n * T * 2), y = alloc(dtype, n);
  const positions = new Int32Array(n * 2);
  const at = (i: number, t: number) => (bf ? i * T + t : t * n + i) * 2;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) x[at(i, t)] = g.random();
    const p = g.int(half), q = half + g.int(T - half);
    positions[2 * i] = p;
    positions[2 * i + 1] = q;
    x[at(i, p) + 1] = 1;
    x[at(i, q) + 1] = 1;
    y[i] = x[at(i, p)]! + x[at(i, q)]!; // the sum of the stored (rounded) values
  }
  return { x: new Tensor(x, bf ? [n, T, 2] : [T, n, 2]), y: new Tensor(y, [n, 1]), positions };
}

export interface CopyTaskOptions extends SyntheticOptions {
  /** Symbols to copy (default 10). */
  length?: number;
  /** Alphabet size S (default 8): symbols are 1…S, blank 0, delimiter S + 1. */
  symbols?: number;
}

export interface CopyTask {
  /** One-hot inputs [N,L,S+2] ([L,N,S+2] with batchFirst false), L = delay + 2·length. */
  x: Tensor;
  /** Input tokens [N,L] (same layout as x without the last dim). */
  inputs: Tensor;
  /** Target tokens [N,L]: class indices for cross-entropy over S + 2 classes. */
  y: Tensor;
  /** Steps per sequence, delay + 2·length. */
  seqLen: number;
  blank: number;
  delimiter: number;
}

/** `n` copy-task sequences with `delay` = T (≥ 1): the symbols are recalled T + length steps after the first was shown. */
export function copyTask(n: number, delay: number, opts: CopyTaskOptions = {}): CopyTask {
  checkCount('copyTask', 'n', n, 1);
  checkCount('copyTask', 'delay', delay, 1);
  const K = opts.length ?? 10, S = opts.symbols ?? 8;
  checkCount('copyTask', 'length', K, 1);
  checkCount('copyTask', 'symbols', S, 1);
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'float32';
  const bf = opts.batchFirst ?? true;
  const L = delay + 2 * K, C = S + 2, blank = 0, delimiter = S + 1;
  const inputs = alloc(dtype, n * L), y = alloc(dtype, n * L), x = alloc(dtype, n * L * C);
  const at = (i: number, t: number) => (bf ? i * L + t : t * n + i);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const s = 1 + g.int(S);
      inputs[at(i, k)] = s;
      y[at(i, delay + K + k)] = s;
    }
    inputs[at(i, delay + K - 1)] = delimiter; // after the K symbols and T − 1 blanks
    for (let t = 0; t < L; t++) x[at(i, t) * C + inputs[at(i, t)]!] = 1;
  }
  const shape = bf ? [n, L] : [L, n];
  return { x: new Tensor(x, [...shape, C]), inputs: new Tensor(inputs, shape), y: new Tensor(y, shape), seqLen: L, blank, delimiter };
}

/** Mean cross-entropy per step (nats) of the memoryless strategy: length·ln(S) / (T + 2·length). */
export function copyTaskBaseline(delay: number, opts: { length?: number; symbols?: number } = {}): number {
  const K = opts.length ?? 10, S = opts.symbols ?? 8;
  return (K * Math.log(S)) / (delay + 2 * K);
}
