// TensorDataset and DataLoader, as PyTorch's: a dataset of tensors sharing their first dimension
// (N samples), and an iterable of mini-batches gathered along that dimension. Legend: N samples,
// B batch size.
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

/** A dataset a DataLoader can batch: `length` samples, gathered by index. */
export interface BatchDataset {
  readonly length: number;
  /** The samples `indices`, in that order, stacked along a new first dim: one tensor per field. */
  batch(indices: readonly number[]): Tensor[];
}

/** Samples i of several tensors with the same first dimension (features, targets, …). */
export class TensorDataset implements BatchDataset {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: needs at least one tensor');
    tensors.forEach((t, k) => {
      if (t.ndim === 0) throw new ValueError(`TensorDataset: tensor ${k} is a scalar (shape []); each needs a first (sample) dimension`);
    });
    const n = tensors[0]!.shape[0]!;
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new ValueError(`TensorDataset: tensor ${bad} has shape ${fmtShape(tensors[bad]!.shape)} but tensor 0 has ${n} samples (shape ${fmtShape(tensors[0]!.shape)}); all need the same first dimension`);
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Sample i: each tensor's i-th slice along dim 0 (that dim removed), like `dataset[i]` in PyTorch. */
  get(i: number): Tensor[] {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new ValueError(`TensorDataset.get: index ${i} is out of range for ${this.length} samples`);
    return this.tensors.map((t) => t.select(0, i));
  }

  batch(indices: readonly number[]): Tensor[] {
    return this.tensors.map((t) => t.index(0, indices));
  }
}

export interface DataLoaderOptions {
  /** Samples per batch; default 1. */
  batchSize?: number;
  /** Reshuffle at the start of every pass (every `for … of`); default false (in order). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize; default false. */
  dropLast?: boolean;
  /** Source of the shuffles; default the global generator (`manualSeed`). */
  generator?: Generator;
}

/**
 * Mini-batches of a dataset: each iteration yields one array of tensors per batch ([B,…] each).
 * With `shuffle`, every pass draws a fresh permutation from the generator, so a seeded generator
 * gives the same sequence of epochs on every run, and different orders from epoch to epoch.
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;

  constructor(readonly dataset: BatchDataset, opts: DataLoaderOptions = {}) {
    const batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    this.batchSize = batchSize;
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? defaultGenerator;
  }

  /** Batches per pass. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of one pass, cut into batches (draws a permutation when shuffling). */
  batchIndices(): number[][] {
    const n = this.dataset.length;
    const order = this.shuffle ? this.generator.permutation(n) : Array.from({ length: n }, (_, i) => i);
    const out: number[][] = [];
    for (let s = 0; s < n; s += this.batchSize) {
      const idx = order.slice(s, s + this.batchSize);
      if (this.dropLast && idx.length < this.batchSize) break;
      out.push(idx);
    }
    return out;
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    for (const idx of this.batchIndices()) yield this.dataset.batch(idx);
  }
}
