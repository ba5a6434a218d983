// Forecast intervals as quantiles: the levels' checks, the standard normal quantile (for the
// Gaussian heads and AR's analytic interval), and how an interval is scored on held-out data.
// Legend: Q levels q_1 < … < q_Q in (0, 1), n points; values[j][t] is the q_j-quantile at point t.
//   coverage = fraction of t with values[0][t] ≤ a_t ≤ values[Q−1][t]   (the outer interval;
//              nominal level q_Q − q_1, e.g. 0.8 for 0.1 … 0.9)
//   width    = mean over t of values[Q−1][t] − values[0][t]
//   pinball  = mean over j and t of ρ_{q_j}(a_t − values[j][t]),  ρ_q(e) = max(q·e, (q−1)·e)
import { ValueError } from '../errors.js';

export interface IntervalMetrics {
  /** Fraction of points inside the outer interval [q_1, q_Q]. */
  coverage: number;
  /** Mean width of the outer interval. */
  width: number;
  /** Mean pinball loss over the levels and points. */
  pinball: number;
}

/** Quantile forecasts: values[j][t] is the levels[j]-quantile at point t (levels increasing). */
export interface Quantiles {
  levels: number[];
  values: number[][];
}

/** The default levels of a Gaussian head or AR when none are given: the 80% interval and the median. */
export const DEFAULT_LEVELS: readonly number[] = [0.1, 0.5, 0.9];

/** One-line error unless `levels` is a non-empty, strictly increasing list in (0, 1). */
export function checkQuantiles(levels: readonly number[], op = 'quantiles'): void {
  if (!Array.isArray(levels) || levels.length === 0) throw new ValueError(`${op}: give at least one quantile level in (0, 1), e.g. 0.1,0.5,0.9`);
  for (const [i, q] of levels.entries()) {
    if (typeof q !== 'number' || !(q > 0 && q < 1)) throw new ValueError(`${op}: quantile levels must lie in (0, 1), got ${String(q)}`);
    if (i > 0 && q === levels[i - 1]) throw new ValueError(`${op}: quantile levels must be distinct, got ${q} twice`);
    if (i > 0 && q < levels[i - 1]!) throw new ValueError(`${op}: quantile levels must be sorted increasing, got ${levels[i - 1]} before ${q}`);
  }
}

/** A level's key in JSON and column headers: 0.1 → "q0.1". */
export function levelKey(q: number): string {
  return `q${q}`;
}

/**
 * Φ⁻¹(p), the standard normal quantile: Acklam's rational approximation (relative error
 * < 1.2e-9) refined by one Halley step on erfc, which leaves it at double precision.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new ValueError(`normalQuantile: p must lie in (0, 1), got ${p}`);
  // the upper half by symmetry: 1 − p is exact there, and Φ(x) − p would cancel near 1
  if (p > 0.5) return -normalQuantile(1 - p);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5, r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * erfc(x) to ~1e-13 relative: the Maclaurin series of erf for |x| < 2, Lentz's continued fraction
 * beyond (the usual 1.2e-7 Chebyshev fit would cap the Halley step's accuracy).
 */
function erfc(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = ax, s = ax;
    for (let n = 1; n < 60; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      s += add;
      if (Math.abs(add) < 1e-17 * Math.abs(s)) break;
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * s;
  } else {
    // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
    let f = ax, C = ax, D = 0;
    for (let n = 1; n < 200; n++) {
      const an = n / 2;
      D = ax + an * D;
      D = 1 / D;
      C = ax + an / C;
      const delta = C * D;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  }
  return x >= 0 ? r : 2 - r;
}

/**
 * Sorts each point's quantiles into increasing order (monotone rearrangement, Chernozhukov,
 * Fernández-Val & Galichon 2010): separately trained pinball outputs may cross, and the sorted set
 * is never further from the true quantiles.
 */
export function rearrange(values: readonly (readonly number[])[]): number[][] {
  const Q = values.length, n = Q === 0 ? 0 : values[0]!.length;
  const out = values.map(() => new Array<number>(n));
  const col = new Array<number>(Q);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < Q; j++) col[j] = values[j]![t]!;
    col.sort((x, y) => x - y);
    for (let j = 0; j < Q; j++) out[j]![t] = col[j]!;
  }
  return out;
}

/** Coverage of the outer interval, its mean width and the mean pinball loss against `actual`. */
export function intervalMetrics(actual: ArrayLike<number>, q: Quantiles): IntervalMetrics {
  checkQuantiles(q.levels, 'intervalMetrics');
  const n = actual.length, Q = q.levels.length;
  if (n === 0) throw new ValueError('intervalMetrics: no values');
  if (q.values.length !== Q || q.values.some((v) => v.length !== n)) {
    throw new ValueError(`intervalMetrics: expects ${Q} rows of ${n} quantile values (one row per level)`);
  }
  const lo = q.values[0]!, hi = q.values[Q - 1]!;
  let inside = 0, width = 0, pin = 0;
  for (let t = 0; t < n; t++) {
    const a = actual[t]!;
    if (a >= lo[t]! && a <= hi[t]!) inside++;
    width += hi[t]! - lo[t]!;
    for (let j = 0; j < Q; j++) {
      const e = a - q.values[j]![t]!, lv = q.levels[j]!;
      pin += Math.max(lv * e, (lv - 1) * e);
    }
  }
  return { coverage: inside / n, width: width / n, pinball: pin / (n * Q) };
}
