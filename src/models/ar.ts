// AR(p): y_t = c + φ_1 y_{t−1} + … + φ_p y_{t−p} + ε_t, fitted by ordinary least squares on the
// training span (the conditional MLE, as statsmodels' AutoReg(y, lags=p, trend='c')), in float64.
// Legend: n training values, m = n − p equations, k = p + 1 unknowns [c, φ_1 … φ_p].
//
// Analytic Gaussian interval (statsmodels AutoRegResults.get_prediction): σ̂² = SSR / m, the
// residual variance without a degrees-of-freedom correction (statsmodels' sigma2). A one-step
// prediction from true lags has variance σ̂²; the h-th step of a recursive forecast has
//   σ̂² · Σ_{j=0}^{h−1} ψ_j²,   ψ_0 = 1, ψ_j = Σ_{i=1}^{min(j,p)} φ_i ψ_{j−i}
// (the MA(∞) weights of the AR polynomial). The q-quantile is mean + Φ⁻¹(q)·σ; parameter
// uncertainty is ignored, as in statsmodels.
import type { EpochRecord, ProbabilisticForecaster } from '../forecast/types.js';
import { checkQuantiles, normalQuantile } from '../forecast/intervals.js';
import { showValue, ValueError } from '../errors.js';
import { NonFiniteError } from '../train/fit.js';

export interface AROptions {
  /** Number of lags. */
  p: number;
  /** Quantile levels of the analytic interval (default none: point forecasts only). */
  levels?: readonly number[] | null;
}

export class ARForecaster implements ProbabilisticForecaster {
  readonly name = 'ar';
  readonly p: number;
  /** c, after fit. */
  intercept = NaN;
  /** [φ_1 … φ_p] (φ_1 multiplies the most recent value), after fit. */
  coef: number[] = [];
  /** σ̂² = SSR / (n − p), the residual variance, after fit. */
  sigma2 = NaN;
  readonly levels: readonly number[] | null;

  constructor(opts: AROptions) {
    if (!Number.isInteger(opts.p) || opts.p < 1) throw new ValueError(`AR: option p must be a positive integer, got ${showValue(opts.p)}`);
    this.p = opts.p;
    if (opts.levels) checkQuantiles(opts.levels, 'AR: levels');
    this.levels = opts.levels ? [...opts.levels] : null;
  }

  /** Least squares over the whole training span; `val` is not used (no epochs, nothing to stop early). */
  fit(train: readonly number[], _val?: readonly number[]): EpochRecord[] {
    const p = this.p, n = train.length, k = p + 1, m = n - p;
    if (m < k) throw new ValueError(`AR.fit: p = ${p} needs at least ${2 * p + 1} training values (${k} parameters), got ${n}`);
    checkFinite('AR.fit', train);
    // Row t of X is [1, y_{t−1}, …, y_{t−p}] for t = p … n−1; the right-hand side is y_t.
    const X = new Float64Array(m * k), y = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const t = r + p;
      X[r * k] = 1;
      for (let i = 1; i <= p; i++) X[r * k + i] = train[t - i]!;
      y[r] = train[t]!;
    }
    const beta = leastSquaresQR(X, y, m, k, p);
    this.intercept = beta[0]!;
    this.coef = Array.from(beta.subarray(1));
    let ssr = 0;
    for (let t = p; t < n; t++) ssr += (train[t]! - this.step(train, t)) ** 2;
    this.sigma2 = ssr / m;
    return [];
  }

  /**
   * The same least-squares fit from values that arrive one at a time (a file read row by row):
   * the lag rows are rotated into a k×k triangular factor as they come (`ARLeastSquares`), so the
   * memory is O(p²) whatever the length. Same coefficients as `fit` to rounding (both are QR);
   * σ̂² is the rotated residual sum of squares over m.
   */
  fitStream(values: Iterable<number>): EpochRecord[] {
    const ls = new ARLeastSquares(this.p);
    for (const v of values) ls.push(v);
    const r = ls.solve();
    this.intercept = r.intercept;
    this.coef = r.coef;
    this.sigma2 = r.sigma2;
    return [];
  }

  /** The quantiles of the one-step predictions: ŷ_t + Φ⁻¹(q)·σ̂ (result[j][t − start]). */
  predictOneStepQuantiles(series: readonly number[], start: number): number[][] {
    const mean = this.predictOneStep(series, start);
    const s = Math.sqrt(this.checkSigma('predictOneStepQuantiles'));
    return this.levelsOf('predictOneStepQuantiles').map((q) => mean.map((v) => v + normalQuantile(q) * s));
  }

  /** The quantiles of the recursive forecast: step h has variance σ̂² Σ_{j<h} ψ_j². */
  forecastQuantiles(history: readonly number[], steps: number): number[][] {
    const mean = this.forecast(history, steps);
    const s2 = this.checkSigma('forecastQuantiles');
    let c = 0;
    const sd = this.psiWeights(steps).map((w) => Math.sqrt(s2 * (c += w * w)));
    return this.levelsOf('forecastQuantiles').map((q) => mean.map((v, h) => v + normalQuantile(q) * sd[h]!));
  }

  /** ψ_0 … ψ_{k−1}, the MA(∞) weights of the fitted AR polynomial. */
  psiWeights(k: number): number[] {
    const psi: number[] = [];
    for (let j = 0; j < k; j++) {
      let v = j === 0 ? 1 : 0;
      for (let i = 1; i <= Math.min(j, this.p); i++) v += this.coef[i - 1]! * psi[j - i]!;
      psi.push(v);
    }
    return psi;
  }

  private levelsOf(op: string): readonly number[] {
    if (this.levels === null) throw new ValueError(`AR.${op}: no quantile levels; construct it with { levels: [0.1, 0.5, 0.9] }`);
    return this.levels;
  }

  private checkSigma(op: string): number {
    this.checkFitted(op);
    if (Number.isNaN(this.sigma2)) throw new ValueError(`AR.${op}: the residual variance is unknown (a model saved before rnnkit kept it); refit it`);
    return this.sigma2;
  }

  /** ŷ_t = c + Σ φ_i series[t−i] for t = start … length−1, from the true lags (dynamic=False). */
  predictOneStep(series: readonly number[], start: number): number[] {
    this.checkFitted('predictOneStep');
    if (!Number.isInteger(start) || start < this.p || start > series.length) {
      throw new ValueError(`AR.predictOneStep: start must be an integer in [p = ${this.p}, ${series.length}] (the first p values have no lags), got ${start}`);
    }
    const out: number[] = [];
    for (let t = start; t < series.length; t++) out.push(this.step(series, t));
    return out;
  }

  /** Recursive forecast: each prediction becomes a lag of the next. */
  forecast(history: readonly number[], steps: number): number[] {
    this.checkFitted('forecast');
    if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`AR.forecast: steps must be a non-negative integer, got ${steps}`);
    if (history.length < this.p) throw new ValueError(`AR.forecast: needs at least p = ${this.p} history values, got ${history.length}`);
    const buf = history.slice(-this.p);
    const out: number[] = [];
    for (let s = 0; s < steps; s++) {
      const yhat = this.step(buf, buf.length);
      if (!Number.isFinite(yhat)) throw new NonFiniteError(`ar.forecast: the model predicted ${yhat} at forecast step ${s + 1}; its coefficients (largest |φ| ${Math.max(...this.coef.map(Math.abs)).toPrecision(3)}) make the recursion overflow`);
      out.push(yhat);
      buf.push(yhat);
    }
    return out;
  }

  toJSON(): { name: 'ar'; p: number; intercept: number; coef: number[]; sigma2?: number; levels?: number[] } {
    this.checkFitted('toJSON');
    return {
      name: 'ar', p: this.p, intercept: this.intercept, coef: [...this.coef],
      ...(Number.isNaN(this.sigma2) ? {} : { sigma2: this.sigma2 }), ...(this.levels ? { levels: [...this.levels] } : {}),
    };
  }

  static fromJSON(json: unknown): ARForecaster {
    const o = json as { name?: unknown; p?: unknown; intercept?: unknown; coef?: unknown; sigma2?: unknown; levels?: unknown } | null;
    if (o === null || typeof o !== 'object' || o.name !== 'ar') throw new ValueError(`AR.fromJSON: not an AR model (name ${JSON.stringify(o?.name)})`);
    if (o.levels !== undefined && (!Array.isArray(o.levels) || o.levels.length > 99 || !o.levels.every((q) => typeof q === 'number'))) throw new ValueError('AR.fromJSON: levels must be a list of quantile levels in (0, 1)');
    const model = new ARForecaster({ p: o.p as number, levels: o.levels as number[] | undefined });
    // absent in models saved before intervals: they forecast points only
    if (o.sigma2 !== undefined) {
      if (typeof o.sigma2 !== 'number' || !(o.sigma2 >= 0) || !Number.isFinite(o.sigma2)) throw new ValueError('AR.fromJSON: sigma2 must be a finite number ≥ 0');
      model.sigma2 = o.sigma2;
    }
    const coef = o.coef;
    if (typeof o.intercept !== 'number' || !Number.isFinite(o.intercept)) throw new ValueError('AR.fromJSON: intercept must be a finite number');
    if (!Array.isArray(coef) || coef.length !== model.p || !coef.every((c) => typeof c === 'number' && Number.isFinite(c))) {
      throw new ValueError(`AR.fromJSON: coef must be ${model.p} finite numbers (p = ${model.p})`);
    }
    model.intercept = o.intercept;
    model.coef = [...(coef as number[])];
    return model;
  }

  private step(series: readonly number[], t: number): number {
    let s = this.intercept;
    for (let i = 1; i <= this.p; i++) s += this.coef[i - 1]! * series[t - i]!;
    return s;
  }

  private checkFitted(op: string): void {
    if (Number.isNaN(this.intercept)) throw new ValueError(`AR.${op}: not fitted; call fit(train) first`);
  }
}

/**
 * AR(p) least squares by incremental QR (Givens rotations): each value y_t (t ≥ p) adds the row
 * [1, y_{t−1} … y_{t−p}] | y_t to an upper-triangular R [k,k] and Q^T y [k]; what is left of y_t
 * after the rotations is its part of the residual, so SSR accumulates alongside. Float64, O(k²)
 * per value and O(k²) memory: the lag matrix is never built.
 */
export class ARLeastSquares {
  readonly k: number;
  /** Values pushed so far. */
  n = 0;
  private readonly R: Float64Array;
  private readonly z: Float64Array;
  private readonly colSq: Float64Array;
  private readonly lags: Float64Array;
  private readonly row: Float64Array;
  private ssr = 0;

  constructor(readonly p: number) {
    if (!Number.isInteger(p) || p < 1) throw new ValueError(`AR: option p must be a positive integer, got ${showValue(p)}`);
    this.k = p + 1;
    this.R = new Float64Array(this.k * this.k);
    this.z = new Float64Array(this.k);
    this.colSq = new Float64Array(this.k);
    this.lags = new Float64Array(p);
    this.row = new Float64Array(this.k);
  }

  push(v: number): void {
    if (!Number.isFinite(v)) throw new ValueError(`AR.fit: value ${this.n} is ${v}; fill missing values first`);
    const p = this.p, k = this.k, lags = this.lags;
    if (this.n >= p) {
      // lags[(n − i) mod p] is y_{n−i}
      const x = this.row;
      x[0] = 1;
      for (let i = 1; i <= p; i++) x[i] = lags[(this.n - i) % p]!;
      for (let j = 0; j < k; j++) this.colSq[j]! += x[j]! * x[j]!;
      let y = v;
      const R = this.R, z = this.z;
      for (let j = 0; j < k; j++) {
        const xj = x[j]!;
        if (xj === 0) continue;
        const rjj = R[j * k + j]!;
        const r = Math.hypot(rjj, xj);
        const c = rjj / r, s = xj / r;
        R[j * k + j] = r;
        for (let col = j + 1; col < k; col++) {
          const t = R[j * k + col]!;
          R[j * k + col] = c * t + s * x[col]!;
          x[col] = c * x[col]! - s * t;
        }
        const t = z[j]!;
        z[j] = c * t + s * y;
        y = c * y - s * t;
      }
      this.ssr += y * y;
    }
    lags[this.n % p] = v;
    this.n++;
  }

  /** Rβ = Q^T y by back substitution; σ̂² = SSR / m. */
  solve(): { intercept: number; coef: number[]; sigma2: number } {
    const p = this.p, k = this.k, n = this.n, m = n - p;
    if (m < k) throw new ValueError(`AR.fit: p = ${p} needs at least ${2 * p + 1} training values (${k} parameters), got ${n}`);
    let scale = 0;
    for (let j = 0; j < k; j++) scale = Math.max(scale, Math.sqrt(this.colSq[j]!));
    const beta = new Float64Array(k);
    for (let j = k - 1; j >= 0; j--) {
      const d = this.R[j * k + j]!;
      if (Math.abs(d) <= 1e-12 * scale) {
        throw new ValueError(`AR.fit: the lag matrix is rank-deficient (column ${j} of [1, y_{t−1} … y_{t−${p}}] depends on the others; is the training series constant or too short for p = ${p}?)`);
      }
      let s = this.z[j]!;
      for (let c = j + 1; c < k; c++) s -= this.R[j * k + c]! * beta[c]!;
      beta[j] = s / d;
    }
    return { intercept: beta[0]!, coef: Array.from(beta.subarray(1)), sigma2: this.ssr / m };
  }
}

/**
 * argmin ‖Xβ − y‖ for X [m,k] (row-major, m ≥ k) by Householder QR: Q^T is applied to X and y
 * together, then Rβ = (Q^T y)[0:k] by back substitution. QR rather than the normal equations
 * (X^T X)β = X^T y, whose condition number is the square of X's — lags of a slowly moving series
 * are nearly collinear. X and y are overwritten.
 */
function leastSquaresQR(X: Float64Array, y: Float64Array, m: number, k: number, p: number): Float64Array {
  let scale = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += X[i * k + j]! ** 2;
    scale = Math.max(scale, Math.sqrt(s));
  }
  for (let j = 0; j < k; j++) {
    // Householder vector v for column j below the diagonal: H = I − 2vv^T/(v^T v) maps it to ∓‖x‖e_1.
    let norm = 0;
    for (let i = j; i < m; i++) norm += X[i * k + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm <= 1e-12 * scale) {
      throw new ValueError(`AR.fit: the lag matrix is rank-deficient (column ${j} of [1, y_{t−1} … y_{t−${p}}] depends on the others; is the training series constant or too short for p = ${p}?)`);
    }
    const x0 = X[j * k + j]!;
    const alpha = x0 > 0 ? -norm : norm; // the sign that avoids cancellation in v_0 = x_0 − α
    const v = new Float64Array(m - j);
    v[0] = x0 - alpha;
    for (let i = j + 1; i < m; i++) v[i - j] = X[i * k + j]!;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
    for (let c = j; c < k; c++) {
      let d = 0;
      for (let i = j; i < m; i++) d += v[i - j]! * X[i * k + c]!;
      const f = (2 * d) / vv;
      for (let i = j; i < m; i++) X[i * k + c]! -= f * v[i - j]!;
    }
    let d = 0;
    for (let i = j; i < m; i++) d += v[i - j]! * y[i]!;
    const f = (2 * d) / vv;
    for (let i = j; i < m; i++) y[i]! -= f * v[i - j]!;
  }
  const beta = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    let s = y[j]!;
    for (let c = j + 1; c < k; c++) s -= X[j * k + c]! * beta[c]!;
    beta[j] = s / X[j * k + j]!;
  }
  return beta;
}

function checkFinite(op: string, values: readonly number[]): void {
  const i = values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new ValueError(`${op}: value ${i} is ${values[i]}; fill missing values first`);
}
