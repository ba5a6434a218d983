import type { Data, DType } from './dtype.js';
import { alloc } from './dtype.js';
import { type Generator, defaultGenerator } from './random.js';
import { fmtShape, numel } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';
import { ValueError } from '../errors.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface FromDataOptions extends TensorOptions {
  /** Shape for flat data (a typed array or a flat number array). */
  shape?: readonly number[];
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/**
 * Creates a tensor from a number, nested arrays or a typed array. Typed arrays are copied; the
 * dtype defaults to float32 (float64 for a Float64Array).
 */
export function tensor(data: NestedArray | ArrayLike<number>, opts: FromDataOptions = {}): Tensor {
  const inferred = data instanceof Float64Array ? 'float64' : 'float32';
  const dtype = opts.dtype ?? inferred;
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof data === 'number') {
    flat = [data];
    shape = [];
  } else if (ArrayBuffer.isView(data) || (Array.isArray(data) && !data.some(Array.isArray))) {
    flat = data as ArrayLike<number>;
    shape = [flat.length];
  } else {
    shape = [];
    for (let d: unknown = data; Array.isArray(d); d = d[0]) shape.push(d.length);
    const out: number[] = [];
    const walk = (x: NestedArray, dim: number, path: string) => {
      if (dim === shape.length) {
        if (typeof x !== 'number') throw new ValueError(`tensor: nested data is ragged at ${path}`);
        out.push(x);
        return;
      }
      if (!Array.isArray(x) || x.length !== shape[dim]) {
        throw new ValueError(`tensor: nested data is ragged at ${path} (expected ${shape[dim]} entries as in ${fmtShape(shape)})`);
      }
      x.forEach((y, i) => walk(y, dim + 1, `${path}[${i}]`));
    };
    walk(data as NestedArray, 0, 'data');
    flat = out;
  }
  if (opts.shape !== undefined) {
    if (numel(opts.shape) !== flat.length) {
      throw new ValueError(`tensor: ${flat.length} values do not fill shape ${fmtShape(opts.shape)}`);
    }
    shape = [...opts.shape];
  }
  const buf = alloc(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') throw new ValueError(`tensor: value at flat index ${i} is ${typeof v}, expected a number`);
    buf[i] = v;
  }
  return new Tensor(buf, shape, opts.requiresGrad ?? false);
}

/** Wraps a typed array without copying. */
export function fromData(data: Data, shape: readonly number[], requiresGrad = false): Tensor {
  return new Tensor(data, [...shape], requiresGrad);
}

function checkShape(shape: readonly number[], op: string): void {
  for (const s of shape) if (!Number.isInteger(s) || s < 0) throw new ValueError(`${op}: invalid shape ${fmtShape(shape)}`);
}

export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  checkShape(shape, 'full');
  const d = alloc(opts.dtype ?? 'float32', numel(shape));
  if (value !== 0) d.fill(value);
  return new Tensor(d, [...shape], opts.requiresGrad ?? false);
}

export const zeros = (shape: readonly number[], opts: TensorOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: readonly number[], opts: TensorOptions = {}): Tensor => full(shape, 1, opts);
export const zerosLike = (t: Tensor, opts: TensorOptions = {}): Tensor => full(t.shape, 0, { dtype: t.dtype, ...opts });
export const onesLike = (t: Tensor, opts: TensorOptions = {}): Tensor => full(t.shape, 1, { dtype: t.dtype, ...opts });
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}): Tensor => full(t.shape, value, { dtype: t.dtype, ...opts });

/** Values start, start+step, … below end, like `torch.arange`. */
export function arange(end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end: number, step?: number, opts?: TensorOptions): Tensor;
export function arange(start: number, endOrOpts?: number | TensorOptions, step: number | TensorOptions = 1, opts: TensorOptions = {}): Tensor {
  // arange(end, { dtype }) as torch.arange(end, dtype=…); the options may follow whatever numbers are given
  let end: number;
  if (typeof endOrOpts === 'object' && endOrOpts !== null) {
    [end, start, opts] = [start, 0, endOrOpts];
  } else if (endOrOpts === undefined) {
    [end, start] = [start, 0];
  } else end = endOrOpts;
  if (typeof step === 'object') [opts, step] = [step, 1];
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`arange: ${name} must be a finite number, got ${String(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const d = alloc(opts.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n], opts.requiresGrad ?? false);
}

/** Uniform on [0, 1), from the seeded generator. */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape(shape, 'rand');
  const g = opts.generator ?? defaultGenerator;
  const d = alloc(opts.dtype ?? 'float32', numel(shape));
  for (let i = 0; i < d.length; i++) d[i] = g.random();
  return new Tensor(d, [...shape], opts.requiresGrad ?? false);
}

/** Standard normal, from the seeded generator. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape(shape, 'randn');
  const g = opts.generator ?? defaultGenerator;
  const d = alloc(opts.dtype ?? 'float32', numel(shape));
  for (let i = 0; i < d.length; i++) d[i] = g.normal();
  return new Tensor(d, [...shape], opts.requiresGrad ?? false);
}

/** Uniform on [0, 1) in t's shape and dtype. */
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, { dtype: t.dtype, ...opts });
/** Standard normal in t's shape and dtype. */
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, { dtype: t.dtype, ...opts });

/** Uniform on [low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: RandomOptions = {}): Tensor {
  const t = rand(shape, opts);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * d[i]!;
  return t;
}
