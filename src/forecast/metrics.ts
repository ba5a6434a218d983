// Point-forecast errors on the original scale (invert the scaler first).
// rmse = √(mean (a − p)²), mae = mean |a − p|, mape = 100 · mean |a − p| / |a| in percent.

import { ValueError } from '../errors.js';
export interface Metrics {
  rmse: number;
  mae: number;
  /** Percent; over the points where actual ≠ 0 (NaN when every actual is 0). */
  mape: number;
}

/** Root mean squared error. */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check('rmse', actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - predicted[i]!) ** 2;
  return Math.sqrt(s / actual.length);
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check('mae', actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - predicted[i]!);
  return s / actual.length;
}

/**
 * Mean absolute percentage error, in percent (5 means 5 %). A point whose actual value is 0 has
 * no percentage error, so it is left out of the mean (the other points still count); with every
 * actual 0 the result is NaN.
 */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check('mape', actual, predicted);
  let s = 0, n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (a === 0) continue;
    s += Math.abs((a - predicted[i]!) / a);
    n++;
  }
  return n === 0 ? NaN : (100 * s) / n;
}

/** { rmse, mae, mape } of one forecast. */
export function metrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  check('metrics', actual, predicted);
  return { rmse: rmse(actual, predicted), mae: mae(actual, predicted), mape: mape(actual, predicted) };
}

function check(op: string, actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) throw new ValueError(`${op}: actual has ${count(actual.length)} but predicted has ${count(predicted.length)}`);
  if (actual.length === 0) throw new ValueError(`${op}: no values (actual and predicted are empty)`);
}

function count(n: number): string {
  return `${n} value${n === 1 ? '' : 's'}`;
}
