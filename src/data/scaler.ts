// Scalers for a univariate series. Fit on the TRAINING span only (the caller's job: pass
// `fit` only training values), then transform every span with the training statistics, so the
// test span never influences the model. A scaler uses exactly the values `fit` is given.

import { ValueError } from '../errors.js';
export type ScalerKind = 'standard' | 'minmax' | 'none';

export type ScalerJSON =
  | { kind: 'standard'; mean: number; std: number }
  | { kind: 'minmax'; min: number; max: number }
  | { kind: 'none' };

export interface Scaler {
  readonly kind: ScalerKind;
  /** Learns the statistics from `values` (and from nothing else); returns this. */
  fit(values: ArrayLike<number>): this;
  transform(values: ArrayLike<number>): number[];
  inverseTransform(values: ArrayLike<number>): number[];
  toJSON(): ScalerJSON;
}

/**
 * z = (x − mean) / std, with the population std (ddof 0), as scikit-learn's StandardScaler. A
 * constant training span (std 0) scales by 1, as scikit-learn does, instead of dividing by zero.
 */
export class StandardScaler implements Scaler {
  readonly kind = 'standard' as const;
  mean = NaN;
  /** Population standard deviation of the fitted values (ddof 0). */
  std = NaN;

  fit(values: ArrayLike<number>): this {
    checkFitValues('StandardScaler', values);
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[i]!;
    const mean = s / values.length;
    let ss = 0;
    for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
    this.mean = mean;
    this.std = Math.sqrt(ss / values.length);
    return this;
  }

  transform(values: ArrayLike<number>): number[] {
    this.checkFitted('transform');
    const scale = this.std === 0 ? 1 : this.std;
    return Array.from(values, (x) => (x - this.mean) / scale);
  }

  inverseTransform(values: ArrayLike<number>): number[] {
    this.checkFitted('inverseTransform');
    const scale = this.std === 0 ? 1 : this.std;
    return Array.from(values, (z) => z * scale + this.mean);
  }

  toJSON(): ScalerJSON {
    this.checkFitted('toJSON');
    return { kind: 'standard', mean: this.mean, std: this.std };
  }

  private checkFitted(op: string): void {
    if (Number.isNaN(this.mean)) throw new ValueError(`StandardScaler.${op}: not fitted; call fit(trainValues) first`);
  }
}

/** x' = (x − min) / (max − min) into [0, 1] over the fitted values; a constant span (max = min) scales by 1. */
export class MinMaxScaler implements Scaler {
  readonly kind = 'minmax' as const;
  min = NaN;
  max = NaN;

  fit(values: ArrayLike<number>): this {
    checkFitValues('MinMaxScaler', values);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
    this.min = lo;
    this.max = hi;
    return this;
  }

  transform(values: ArrayLike<number>): number[] {
    this.checkFitted('transform');
    const range = this.max - this.min || 1;
    return Array.from(values, (x) => (x - this.min) / range);
  }

  inverseTransform(values: ArrayLike<number>): number[] {
    this.checkFitted('inverseTransform');
    const range = this.max - this.min || 1;
    return Array.from(values, (z) => z * range + this.min);
  }

  toJSON(): ScalerJSON {
    this.checkFitted('toJSON');
    return { kind: 'minmax', min: this.min, max: this.max };
  }

  private checkFitted(op: string): void {
    if (Number.isNaN(this.min)) throw new ValueError(`MinMaxScaler.${op}: not fitted; call fit(trainValues) first`);
  }
}

/** No scaling (`'none'`): values pass through unchanged (as copies). */
export class IdentityScaler implements Scaler {
  readonly kind = 'none' as const;

  fit(values: ArrayLike<number>): this {
    checkFitValues('IdentityScaler', values);
    return this;
  }

  transform(values: ArrayLike<number>): number[] {
    return Array.from(values);
  }

  inverseTransform(values: ArrayLike<number>): number[] {
    return Array.from(values);
  }

  toJSON(): ScalerJSON {
    return { kind: 'none' };
  }
}

/** An unfitted scaler of the given kind. */
export function makeScaler(kind: ScalerKind): Scaler {
  switch (kind) {
    case 'standard': return new StandardScaler();
    case 'minmax': return new MinMaxScaler();
    case 'none': return new IdentityScaler();
    default: throw new ValueError(`makeScaler: unknown scaler "${String(kind)}"; expected standard, minmax or none`);
  }
}

/** The fitted scaler that `toJSON()` described (validated: a model directory may be hand-edited). */
export function scalerFromJSON(json: unknown): Scaler {
  const o = json as Record<string, unknown> | null;
  const kind = o !== null && typeof o === 'object' ? o.kind : undefined;
  const num = (key: string): number => {
    const v = o![key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`scalerFromJSON: ${String(kind)} scaler needs a finite number "${key}", got ${JSON.stringify(v)}`);
    return v;
  };
  switch (kind) {
    case 'standard': {
      const s = new StandardScaler();
      s.mean = num('mean');
      s.std = num('std');
      if (s.std < 0) throw new ValueError(`scalerFromJSON: standard scaler has a negative std ${s.std}`);
      return s;
    }
    case 'minmax': {
      const s = new MinMaxScaler();
      s.min = num('min');
      s.max = num('max');
      if (s.max < s.min) throw new ValueError(`scalerFromJSON: minmax scaler has max ${s.max} < min ${s.min}`);
      return s;
    }
    case 'none':
      return new IdentityScaler();
    default:
      throw new ValueError(`scalerFromJSON: unknown scaler kind ${JSON.stringify(kind)}; expected standard, minmax or none`);
  }
}

function checkFitValues(name: string, values: ArrayLike<number>): void {
  if (values.length === 0) throw new ValueError(`${name}.fit: no values to fit (an empty training span?)`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new ValueError(`${name}.fit: value ${i} is ${values[i]}; fill missing values first`);
  }
}
