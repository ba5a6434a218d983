// Labelled sequences for classification: the one in-memory form that every source (safetensors,
// .npz, PNG folders, bundled sets) becomes and the classifier consumes. Browser-safe.
//
// Legend: N samples, T time steps (the longest sequence), F features per step.
import { checkMemory } from '../memory.js';
import { Tensor } from '../tensor/tensor.js';
import { DataError } from './csv.js';

export interface SequenceData {
  x: Tensor;                    // float32 [N,T,F], zero-padded after each sequence's length
  y: Int32Array;                // class index per sample, length N (0..classes.length-1)
  lengths: Int32Array | null;   // real steps per sample, each in 1..T; null = all T
  classes: string[];            // class names, index = class id ("0","1",… when the source has none)
  source: string;               // file/folder it came from, for messages
}

/** An array as the readers give it (an NpyArray, a decoded safetensors tensor). */
export interface LabelledArray {
  dtype: string;                // 'float32', 'int64', 'uint8', 'bool', 'str', …
  shape: readonly number[];
  data: ArrayLike<number> | readonly string[];
}

export interface SequenceDataOptions {
  /** Class names, index = class id; replaces a `classes` string array stored in the file. */
  classes?: readonly string[];
}

/** More distinct class ids than this is surely a mistake (a regression target read as labels). */
export const MAX_CLASSES = 100_000;

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function numeric(a: LabelledArray, name: string, source: string): ArrayLike<number> {
  if (a.dtype === 'str' || (a.data.length > 0 && typeof a.data[0] === 'string')) {
    throw new DataError(`${source}: '${name}' holds strings, but it must be numeric`);
  }
  return a.data as ArrayLike<number>;
}

/** Integer values of a rank-1 array, each checked: `what(i, v)` words the error for a bad one. */
function integers(a: LabelledArray, name: string, source: string): Int32Array {
  const data = numeric(a, name, source);
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v)) throw new DataError(`${source}: ${name}[${i}] = ${v} is not an integer`);
    if (Math.abs(v) > 2 ** 31 - 1) throw new DataError(`${source}: ${name}[${i}] = ${v} is too large`);
    out[i] = v;
  }
  return out;
}

/**
 * Builds SequenceData from named arrays (a .npz, a safetensors file): `x` float [N,T,F] (or [N,T],
 * taken as F = 1; integer x is converted too), `y` integer labels [N] (int64/int32/uint8/…, or
 * float holding integers), optional `lengths` [N] in 1..T, optional `classes` (a string array, or
 * `opts.classes`). x becomes a float32 copy with the steps after each length set to zero.
 * Every problem is a one-line DataError naming `source`.
 */
export function sequenceDataFromArrays(
  arrays: Record<string, LabelledArray>,
  source: string,
  opts: SequenceDataOptions = {},
): SequenceData {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(arrays, k);
  const names = Object.keys(arrays).map((k) => `'${k}'`).join(', ') || 'none';
  for (const k of ['x', 'y']) {
    if (!has(k)) throw new DataError(`${source}: no array named '${k}' (found: ${names}); expected x [N,T,F] float and y [N] integer labels`);
  }
  const xa = arrays.x!, ya = arrays.y!;
  if (xa.dtype === 'bool') throw new DataError(`${source}: x is bool, but it must be float [N,T,F]`);
  const xs = xa.shape;
  if (xs.length !== 2 && xs.length !== 3) throw new DataError(`${source}: x has shape ${fmtShape(xs)} but must be [N,T,F] (or [N,T] for one feature)`);
  const [N, T] = xs as [number, number];
  const F = xs.length === 3 ? xs[2]! : 1;
  if (N < 1) throw new DataError(`${source}: x holds no samples (shape ${fmtShape(xs)})`);
  if (T < 1 || F < 1) throw new DataError(`${source}: x has shape ${fmtShape(xs)}; every sample needs at least one step of at least one feature`);
  if (ya.shape.length !== 1) throw new DataError(`${source}: y has shape ${fmtShape(ya.shape)} but must be [N] (one class index per sample)`);
  if (ya.shape[0] !== N) throw new DataError(`${source}: x has N = ${N} samples but y has ${ya.shape[0]}`);
  const y = new Int32Array(N);
  const yd = numeric(ya, 'y', source);
  for (let i = 0; i < N; i++) {
    const v = yd[i]!;
    if (!Number.isInteger(v)) throw new DataError(`${source}: y[${i}] = ${v} is not an integer class label`);
    if (v < 0) throw new DataError(`${source}: y[${i}] = ${v} is a negative class label`);
    if (v >= MAX_CLASSES) throw new DataError(`${source}: y[${i}] = ${v} is not a plausible class label (at most ${MAX_CLASSES} classes)`);
    y[i] = v;
  }

  let lengths: Int32Array | null = null;
  if (has('lengths')) {
    const la = arrays.lengths!;
    if (la.shape.length !== 1) throw new DataError(`${source}: lengths has shape ${fmtShape(la.shape)} but must be [N]`);
    if (la.shape[0] !== N) throw new DataError(`${source}: x has N = ${N} samples but lengths has ${la.shape[0]}`);
    lengths = integers(la, 'lengths', source);
    for (let i = 0; i < N; i++) {
      const L = lengths[i]!;
      if (L > T) throw new DataError(`${source}: lengths[${i}] = ${L} is longer than T = ${T}, the steps x has`);
      if (L < 1) throw new DataError(`${source}: lengths[${i}] = ${L} is below 1 (every sequence needs a step)`);
    }
  }

  let classes: string[];
  const stored = has('classes') ? arrays.classes! : undefined;
  if (opts.classes !== undefined) {
    classes = [...opts.classes];
  } else if (stored !== undefined) {
    if (stored.dtype !== 'str' || stored.shape.length !== 1) throw new DataError(`${source}: 'classes' must be a 1-D string array (class names), got ${stored.dtype} ${fmtShape(stored.shape)}`);
    classes = [...(stored.data as readonly string[])];
  } else {
    let max = 0;
    for (let i = 0; i < N; i++) max = Math.max(max, y[i]!);
    classes = Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  const seen = new Set<string>();
  for (const c of classes) {
    if (seen.has(c)) throw new DataError(`${source}: class name ${JSON.stringify(c)} appears twice`);
    seen.add(c);
  }
  for (let i = 0; i < N; i++) {
    if (y[i]! >= classes.length) throw new DataError(`${source}: y[${i}] = ${y[i]} but there are only ${classes.length} class names`);
  }

  checkMemory(`${source}: x of shape [${N},${T},${F}]`, N * T * F * 4);
  const xd = numeric(xa, 'x', source);
  if (xd.length !== N * T * F) throw new DataError(`${source}: x has ${xd.length} values, which do not fill shape ${fmtShape(xs)}`);
  const x = new Float32Array(N * T * F);
  for (let n = 0; n < N; n++) {
    const base = n * T * F;
    const end = base + (lengths ? lengths[n]! : T) * F; // padding stays zero
    for (let i = base; i < end; i++) x[i] = xd[i]!;
  }
  return { x: new Tensor(x, [N, T, F]), y, lengths, classes, source };
}

/** The samples at `indices` (in that order), same T, F and classes. */
export function splitSequenceData(d: SequenceData, indices: ArrayLike<number>): SequenceData {
  const [N, T, F] = d.x.shape as [number, number, number];
  const M = indices.length;
  const step = T * F;
  const x = new Float32Array(M * step);
  const y = new Int32Array(M);
  const lengths = d.lengths ? new Int32Array(M) : null;
  for (let j = 0; j < M; j++) {
    const i = indices[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= N) throw new DataError(`splitSequenceData: index ${i} is outside 0..${N - 1} (${d.source})`);
    x.set((d.x.data as Float32Array).subarray(i * step, (i + 1) * step), j * step);
    y[j] = d.y[i]!;
    if (lengths) lengths[j] = d.lengths![i]!;
  }
  return { x: new Tensor(x, [M, T, F]), y, lengths, classes: [...d.classes], source: d.source };
}

/**
 * Checks that `test` can be scored by a model trained on `train`: the same features per step, and
 * every class that occurs in test also occurs in train (by name, so folders whose class sets differ
 * still line up). Returns `test` with its labels renumbered into train's class ids and train's class
 * list (the same object when nothing changes).
 */
export function checkSameClasses(train: SequenceData, test: SequenceData): SequenceData {
  const Ftr = train.x.shape[2], Fte = test.x.shape[2];
  if (Ftr !== Fte) throw new DataError(`${test.source} has ${Fte} features per step but training data (${train.source}) has ${Ftr}`);
  const inTrain = new Set<number>(train.y);
  const idOf = new Map(train.classes.map((c, i) => [c, i]));
  const map = test.classes.map((c) => idOf.get(c) ?? -1);
  let same = test.classes.length === train.classes.length;
  for (let i = 0; i < test.y.length; i++) {
    const k = test.y[i]!;
    const id = map[k]!;
    if (id < 0 || !inTrain.has(id)) throw new DataError(`class ${test.classes[k]} in ${test.source} is absent from training`);
    if (id !== k) same = false;
  }
  if (same && test.classes.every((c, i) => c === train.classes[i])) return test;
  const y = new Int32Array(test.y.length);
  for (let i = 0; i < y.length; i++) y[i] = map[test.y[i]!]!;
  return { ...test, y, classes: [...train.classes] };
}
