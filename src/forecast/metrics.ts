// Point-forecast errors on the original scale (invert the scaler first), as Hyndman & Koehler,
// "Another look at measures of forecast accuracy" (IJF 2006), define them; e_t = a_t − p_t:
//   rmse  = √(mean e_t²)                mae = mean |e_t|
//   mape  = 100 · mean |e_t / a_t|      in percent; points with a_t = 0 are SKIPPED (counted by
//           `zeroActuals`, and the CLI warns): sktime instead divides by max(|a_t|, ε) and reports
//           ~1e17 %, statsmodels has no MAPE; a skip with a warning keeps the number readable.
//   smape = 100 · mean 2|e_t| / (|a_t| + |p_t|)   in percent, in [0, 200]; the absolute values in the
//           denominator (M3/M4, sktime symmetric=True) rather than H&K's a_t + p_t, which can be
//           negative; a point with a_t = p_t = 0 is a perfect forecast and adds 0.
//   mase  = mean |e_t| / Q,  Q = 1/(n−m) Σ_{i=m+1..n} |y_i − y_{i−m}|   over the IN-SAMPLE (training)
//           series y_1 … y_n: the mean absolute error of the seasonal-naive one-step forecast with
//           season m (m = 1: the naive forecast). Below 1 beats that benchmark in-sample. NaN when
//           Q = 0 (a constant in-sample series) or when no in-sample series is given.

import { ValueError } from '../errors.js';
export interface Metrics {
  rmse: number;
  mae: number;
  /** Percent; over the points where actual ≠ 0 (NaN when every actual is 0). */
  mape: number;
  /** Percent, in [0, 200]. */
  smape: number;
  /** Scaled by the in-sample seasonal-naive MAE; NaN without an in-sample series. */
  mase: number;
}

export interface MetricsOptions {
  /** The in-sample (training) series that scales MASE. */
  insample?: ArrayLike<number>;
  /** Season length m of MASE's seasonal-naive scale (default 1: the naive forecast). */
  season?: number;
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

/** Symmetric MAPE in percent: 100 · mean 2|a − p| / (|a| + |p|); a 0/0 term (a = p = 0) is 0. */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check('smape', actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, p = predicted[i]!, d = Math.abs(a) + Math.abs(p);
    if (d !== 0) s += (2 * Math.abs(a - p)) / d;
  }
  return (100 * s) / actual.length;
}

/** Q: the in-sample MAE of the seasonal-naive one-step forecast, mean |y_i − y_{i−m}| over i = m … n−1. */
export function maseScale(insample: ArrayLike<number>, season = 1): number {
  if (!Number.isInteger(season) || season < 1) throw new ValueError(`mase: the season m must be a positive integer, got ${season}`);
  if (insample.length <= season) throw new ValueError(`mase: the in-sample series has ${count(insample.length)}; season ${season} needs more than ${season}`);
  let s = 0;
  for (let i = season; i < insample.length; i++) s += Math.abs(insample[i]! - insample[i - season]!);
  return s / (insample.length - season);
}

/** Mean absolute scaled error: mae / maseScale(insample, season); NaN when the scale is 0. */
export function mase(actual: ArrayLike<number>, predicted: ArrayLike<number>, insample: ArrayLike<number>, season = 1): number {
  check('mase', actual, predicted);
  const q = maseScale(insample, season);
  return q === 0 ? NaN : mae(actual, predicted) / q;
}

/** How many actual values are 0 (MAPE skips them). */
export function zeroActuals(actual: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === 0) n++;
  return n;
}

/** { rmse, mae, mape, smape, mase } of one forecast; MASE needs `opts.insample`. */
export function metrics(actual: ArrayLike<number>, predicted: ArrayLike<number>, opts: MetricsOptions = {}): Metrics {
  check('metrics', actual, predicted);
  return {
    rmse: rmse(actual, predicted), mae: mae(actual, predicted), mape: mape(actual, predicted), smape: smape(actual, predicted),
    mase: opts.insample ? mase(actual, predicted, opts.insample, opts.season ?? 1) : NaN,
  };
}

function check(op: string, actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) throw new ValueError(`${op}: actual has ${count(actual.length)} but predicted has ${count(predicted.length)}`);
  if (actual.length === 0) throw new ValueError(`${op}: no values (actual and predicted are empty)`);
}

function count(n: number): string {
  return `${n} value${n === 1 ? '' : 's'}`;
}
