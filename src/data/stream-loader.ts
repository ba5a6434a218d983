// Windows and mini-batches over a series that arrives one value at a time (a file read row by
// row): the streamed counterparts of windows.ts and loader.ts. Legend: L seqLen, B batch size.
//
// Evaluation keeps the exact order (window i is x_i … x_{i+L−1} → x_{i+L}, as windowsNto1).
// Training shuffles through a buffer, as tf.data's `shuffle(bufferSize)`: the buffer is filled with
// the first `bufferSize` windows, then each arriving window swaps with a uniformly drawn slot whose
// window is emitted. The draws come from a seeded Generator, so a seed repeats the order; a buffer
// as large as the data is a uniform permutation, a buffer of 1 keeps the order.
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator as RandomGenerator } from '../tensor/random.js';
import { ValueError } from '../errors.js';

/** One N→1 window: L inputs and the value after them. */
export interface StreamWindow {
  x: Float32Array;
  y: number;
}

/** The N→1 windows of a streamed series, in order (the windows `windowsNto1` builds), holding L + 1 values. */
export function* streamWindowsNto1(values: Iterable<number>, seqLen: number): Generator<StreamWindow> {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new ValueError(`windows: seqLen must be a positive integer, got ${seqLen}`);
  const ring = new Float64Array(seqLen);
  let n = 0;
  for (const v of values) {
    if (n >= seqLen) {
      const x = new Float32Array(seqLen);
      for (let j = 0; j < seqLen; j++) x[j] = ring[(n - seqLen + j) % seqLen]!;
      yield { x, y: v };
    }
    ring[n % seqLen] = v;
    n++;
  }
}

/** Items of `source` in a buffered random order (see the header); bufferSize ≥ 1. */
export function* shuffleBuffer<T>(source: Iterable<T>, bufferSize: number, generator: RandomGenerator = defaultGenerator): Generator<T> {
  if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new ValueError(`shuffleBuffer: bufferSize must be a positive integer, got ${bufferSize}`);
  const buf: T[] = [];
  for (const item of source) {
    if (buf.length < bufferSize) {
      buf.push(item);
      continue;
    }
    const k = generator.int(bufferSize);
    const out = buf[k]!;
    buf[k] = item;
    yield out;
  }
  // drain: a Fisher–Yates pass over what is left
  for (let i = buf.length - 1; i >= 0; i--) {
    const k = generator.int(i + 1);
    const out = buf[k]!;
    buf[k] = buf[i]!;
    yield out;
  }
}

export interface StreamLoaderOptions {
  batchSize?: number;
  /** Windows held for shuffling (training); absent: the exact order (evaluation). */
  shuffleBuffer?: number;
  dropLast?: boolean;
  generator?: RandomGenerator;
}

/**
 * Mini-batches [x [B,L], y [B,1]] of the windows of a series that `open()` streams afresh on every
 * pass (e.g. a file read again): memory is one batch plus the shuffle buffer.
 */
export class StreamDataLoader implements Iterable<[Tensor, Tensor]> {
  readonly batchSize: number;

  constructor(readonly open: () => Iterable<number>, readonly seqLen: number, readonly opts: StreamLoaderOptions = {}) {
    const b = opts.batchSize ?? 1;
    if (!Number.isInteger(b) || b < 1) throw new ValueError(`StreamDataLoader: batchSize must be a positive integer, got ${b}`);
    this.batchSize = b;
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const L = this.seqLen, B = this.batchSize;
    const windows = streamWindowsNto1(this.open(), L);
    const order = this.opts.shuffleBuffer ? shuffleBuffer(windows, this.opts.shuffleBuffer, this.opts.generator) : windows;
    let batch: StreamWindow[] = [];
    const emit = (): [Tensor, Tensor] => {
      const x = new Float32Array(batch.length * L), y = new Float32Array(batch.length);
      batch.forEach((w, i) => {
        x.set(w.x, i * L);
        y[i] = w.y;
      });
      const out: [Tensor, Tensor] = [new Tensor(x, [batch.length, L]), new Tensor(y, [batch.length, 1])];
      batch = [];
      return out;
    };
    for (const w of order) {
      batch.push(w);
      if (batch.length === B) yield emit();
    }
    if (batch.length > 0 && !this.opts.dropLast) yield emit();
  }
}
