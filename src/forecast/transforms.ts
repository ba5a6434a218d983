// Target transforms that make a series easier to forecast, fitted on the training span only and
// inverted exactly on the way out (Box & Jenkins; Hyndman & Athanasopoulos, fpp3 §9.1):
//   log                  v_t = ln y_t                      (y_t > 0)
//   detrend linear       v_t = y_t − (a + b·t)             (a, b: least squares on the training span)
//   seasonalDifference m v_t = y_t − y_{t−m}               (drops the first m points)
//   difference d         v_t = Δ^d y_t = Σ_k (−1)^k C(d,k) y_{t−k}   (drops the first d points)
// A chain applies its stages in the order given; `canonicalOrder` is the order the CLI declares
// (log, detrend, seasonal difference, difference: variance first, then level, then seasonality,
// then trend, as in fpp3). Each stage reads the previous stage's output, indexed from 0 at the
// series' first point, so a stage's time index t is the same at fit, transform and inversion.
//
// Inversion needs the past: the prediction of y_t from a predicted v̂_t needs y_{t−1}, …, y_{t−d}
// (differences) or y_{t−m} (seasonal). One-step inversion takes them from the true series;
// recursive (free-running) inversion extends each stage's history with its own inverted forecasts.
// Legend: n points, L points lost at the front by the chain (Σ d + Σ m).
import { ValueError } from '../errors.js';

export type TransformSpec =
  | { kind: 'log' }
  | { kind: 'detrend'; method: 'linear' }
  | { kind: 'seasonalDifference'; m: number }
  | { kind: 'difference'; d: number };

/** The fitted state a chain saves: its specs plus what each stage learned (detrend's a, b). */
export type TransformJSON =
  | { kind: 'log' }
  | { kind: 'detrend'; method: 'linear'; intercept: number; slope: number }
  | { kind: 'seasonalDifference'; m: number }
  | { kind: 'difference'; d: number };

export const TRANSFORM_KINDS = ['log', 'detrend', 'seasonalDifference', 'difference'] as const;

/** The order the CLI chains transforms in, whatever the order of its flags. */
export function canonicalOrder(specs: readonly TransformSpec[]): TransformSpec[] {
  return [...specs].sort((a, b) => TRANSFORM_KINDS.indexOf(a.kind) - TRANSFORM_KINDS.indexOf(b.kind));
}

export const difference = (d = 1): TransformSpec => ({ kind: 'difference', d });
export const seasonalDifference = (m: number): TransformSpec => ({ kind: 'seasonalDifference', m });
export const log = (): TransformSpec => ({ kind: 'log' });
export const detrend = (method: 'linear' = 'linear'): TransformSpec => ({ kind: 'detrend', method });

/** One stage: u (its input) → v (its output, `lost` points shorter at the front). */
interface Stage {
  readonly lost: number;
  fit(u: readonly number[]): void;
  forward(u: readonly number[]): number[];
  /** û_t for t = start … start+len−1 from v̂ (one value per t), lags from the true input u. */
  invertOneStep(vhat: readonly number[], u: readonly number[], start: number): number[];
  /** û for the positions after `history` (u's values up to now), each inverted value a lag of the next. */
  invertRecursive(vhat: readonly number[], history: readonly number[]): number[];
  toJSON(): TransformJSON;
}

class LogStage implements Stage {
  readonly lost = 0;
  fit(u: readonly number[]): void {
    this.forward(u);
  }
  forward(u: readonly number[]): number[] {
    return u.map((y, t) => {
      if (!(y > 0)) throw new ValueError(`log transform: value ${y} at row ${t} is not positive; log needs every value > 0 (use --detrend or --difference alone, or shift the series)`);
      return Math.log(y);
    });
  }
  invertOneStep(vhat: readonly number[]): number[] {
    return vhat.map(Math.exp);
  }
  invertRecursive(vhat: readonly number[]): number[] {
    return vhat.map(Math.exp);
  }
  toJSON(): TransformJSON {
    return { kind: 'log' };
  }
}

class DetrendStage implements Stage {
  readonly lost = 0;
  intercept = NaN;
  slope = NaN;
  fit(u: readonly number[]): void {
    const n = u.length;
    if (n < 2) throw new ValueError(`detrend linear: needs at least 2 training points to fit a line, got ${n}`);
    // least squares on centred t: b = Σ(t − t̄)(u − ū) / Σ(t − t̄)², a = ū − b t̄
    const tbar = (n - 1) / 2;
    let ubar = 0;
    for (const x of u) ubar += x;
    ubar /= n;
    let sxy = 0, sxx = 0;
    for (let t = 0; t < n; t++) {
      sxy += (t - tbar) * (u[t]! - ubar);
      sxx += (t - tbar) ** 2;
    }
    this.slope = sxy / sxx;
    this.intercept = ubar - this.slope * tbar;
  }
  private trend(t: number): number {
    if (Number.isNaN(this.slope)) throw new ValueError('detrend: not fitted; fit the transform chain on the training span first');
    return this.intercept + this.slope * t;
  }
  forward(u: readonly number[]): number[] {
    return u.map((y, t) => y - this.trend(t));
  }
  invertOneStep(vhat: readonly number[], _u: readonly number[], start: number): number[] {
    return vhat.map((v, i) => v + this.trend(start + i));
  }
  invertRecursive(vhat: readonly number[], history: readonly number[]): number[] {
    return this.invertOneStep(vhat, history, history.length);
  }
  toJSON(): TransformJSON {
    this.trend(0);
    return { kind: 'detrend', method: 'linear', intercept: this.intercept, slope: this.slope };
  }
}

/** v_t = u_t − Σ_{k=1..K} c_k u_{t−k}: c = [1] at lag m (seasonal), or the binomial weights of Δ^d. */
class LagStage implements Stage {
  readonly lost: number;
  /** c_k for k = 1 … lost: u_t = v_t + Σ c_k u_{t−k}. */
  private readonly c: number[];
  constructor(private readonly spec: TransformJSON & ({ kind: 'difference' } | { kind: 'seasonalDifference' })) {
    if (spec.kind === 'difference') {
      // Δ^d u_t = Σ_{k=0..d} (−1)^k C(d,k) u_{t−k}, so u_t = Δ^d u_t − Σ_{k≥1} (−1)^k C(d,k) u_{t−k}
      this.c = [];
      let binom = 1;
      for (let k = 1; k <= spec.d; k++) {
        binom = (binom * (spec.d - k + 1)) / k;
        this.c.push(-((-1) ** k) * binom);
      }
    } else {
      this.c = Array.from({ length: spec.m }, (_, k) => (k === spec.m - 1 ? 1 : 0));
    }
    this.lost = this.c.length;
  }
  fit(u: readonly number[]): void {
    this.check(u.length, 'fit');
  }
  forward(u: readonly number[]): number[] {
    // repeated first differences, not the binomial sum: the same float64 arithmetic as numpy.diff(n=d)
    if (this.spec.kind === 'difference') {
      let x = [...u];
      for (let r = 0; r < this.spec.d; r++) x = x.slice(1).map((y, i) => y - x[i]!);
      return x;
    }
    const m = this.spec.m;
    return u.slice(m).map((y, i) => y - u[i]!);
  }
  private lagSum(u: readonly number[], t: number): number {
    let s = 0;
    for (let k = 1; k <= this.lost; k++) if (this.c[k - 1] !== 0) s += this.c[k - 1]! * u[t - k]!;
    return s;
  }
  invertOneStep(vhat: readonly number[], u: readonly number[], start: number): number[] {
    if (start < this.lost) throw new ValueError(`${this.name()}: predictions from position ${start} need ${this.lost} earlier values`);
    return vhat.map((v, i) => v + this.lagSum(u, start + i));
  }
  invertRecursive(vhat: readonly number[], history: readonly number[]): number[] {
    this.check(history.length, 'inverting a forecast');
    const u = [...history];
    for (const v of vhat) u.push(v + this.lagSum(u, u.length));
    return u.slice(history.length);
  }
  private name(): string {
    return this.spec.kind === 'difference' ? `difference ${this.spec.d}` : `seasonal difference ${this.spec.m}`;
  }
  private check(n: number, what: string): void {
    if (n <= this.lost) throw new ValueError(`${this.name()}: ${what} needs more than ${this.lost} values, got ${n}`);
  }
  toJSON(): TransformJSON {
    return { ...this.spec };
  }
}

function stageOf(s: TransformJSON | TransformSpec): Stage {
  switch (s.kind) {
    case 'log': return new LogStage();
    case 'detrend': {
      if (s.method !== 'linear') throw new ValueError(`detrend: method must be 'linear', got ${JSON.stringify(s.method)}`);
      const st = new DetrendStage();
      if ('slope' in s) {
        st.intercept = s.intercept;
        st.slope = s.slope;
      }
      return st;
    }
    case 'difference':
      if (!Number.isInteger(s.d) || s.d < 1) throw new ValueError(`difference: d must be a positive integer, got ${s.d}`);
      return new LagStage({ kind: 'difference', d: s.d });
    case 'seasonalDifference':
      if (!Number.isInteger(s.m) || s.m < 1) throw new ValueError(`seasonal difference: m must be a positive integer, got ${s.m}`);
      return new LagStage({ kind: 'seasonalDifference', m: s.m });
    default:
      throw new ValueError(`transform: unknown kind ${JSON.stringify((s as { kind?: unknown }).kind)}; expected one of ${TRANSFORM_KINDS.join(', ')}`);
  }
}

/**
 * A chain of transforms. `fit(train)` on the training span, then `transform(y)` any series that
 * starts at the same first point (the training span, or the training span and what follows it);
 * the output is `lost` points shorter at the front: v[i] belongs to y[i + lost].
 */
export class TransformChain {
  private readonly stages: Stage[];
  private fitted: boolean;

  constructor(specs: readonly (TransformSpec | TransformJSON)[] = []) {
    this.stages = specs.map(stageOf);
    // a chain read back from JSON carries its fitted state
    this.fitted = specs.every((s) => s.kind !== 'detrend' || 'slope' in s);
  }

  /** The points dropped at the front: Σ d + Σ m. */
  get lost(): number {
    return this.stages.reduce((a, s) => a + s.lost, 0);
  }

  get length(): number {
    return this.stages.length;
  }

  /** Learns each stage's state from the training span (each stage from the previous one's output). */
  fit(train: readonly number[]): this {
    if (train.length <= this.lost) {
      throw new ValueError(`transforms: ${this.describe()} drop ${this.lost} points, leaving none of the ${train.length} training points`);
    }
    let u = [...train];
    for (const s of this.stages) {
      s.fit(u);
      u = s.forward(u);
    }
    this.fitted = true;
    return this;
  }

  /** The transformed series, `lost` points shorter. */
  transform(y: readonly number[]): number[] {
    return this.inputs(y).at(-1)!;
  }

  /** [y, stage 1's output, …, the last stage's output]. */
  private inputs(y: readonly number[]): number[][] {
    this.checkFitted();
    const out: number[][] = [[...y]];
    for (const s of this.stages) out.push(s.forward(out.at(-1)!));
    return out;
  }

  /**
   * One-step inversion: ŷ_t for t = start … start+len−1 from v̂_{t−lost}, each from the true
   * values y_0 … y_{t−1} (only those are read).
   */
  invertOneStep(vhat: readonly number[], y: readonly number[], start: number): number[] {
    if (vhat.length === 0) return [];
    // the true series is needed up to start+len−2; transform that prefix only (no peeking at y_t)
    const us = this.inputs(y.slice(0, start + vhat.length - 1));
    let v = [...vhat];
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const lostBefore = this.stages.slice(0, i).reduce((a, s) => a + s.lost, 0);
      v = this.stages[i]!.invertOneStep(v, us[i]!, start - lostBefore);
    }
    return v;
  }

  /** Recursive inversion of a free-running forecast v̂ of the steps after `history` (the true y up to now). */
  invertForecast(vhat: readonly number[], history: readonly number[]): number[] {
    if (vhat.length === 0) return [];
    if (history.length <= this.lost) throw new ValueError(`transforms: inverting a forecast needs more than ${this.lost} observed values, got ${history.length}`);
    const us = this.inputs(history);
    let v = [...vhat];
    for (let i = this.stages.length - 1; i >= 0; i--) v = this.stages[i]!.invertRecursive(v, us[i]!);
    return v;
  }

  toJSON(): TransformJSON[] {
    this.checkFitted();
    return this.stages.map((s) => s.toJSON());
  }

  /** "log, difference 1", or "no transforms". */
  describe(): string {
    if (this.stages.length === 0) return 'no transforms';
    return this.stages.map((s) => {
      const j = s.toJSON();
      return j.kind === 'difference' ? `difference ${j.d}` : j.kind === 'seasonalDifference' ? `seasonal difference ${j.m}` : j.kind === 'detrend' ? 'detrend linear' : 'log';
    }).join(', ');
  }

  private checkFitted(): void {
    if (!this.fitted) throw new ValueError('transforms: not fitted; call fit(trainingSpan) first');
  }
}

/**
 * Validates one transform entry of a saved config (kind and fields, nothing else); returns a
 * one-line description of what is wrong, or null.
 */
export function transformEntryError(e: unknown): string | null {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return 'each transform must be an object with a "kind"';
  const o = e as Record<string, unknown>;
  const keys = (allowed: string[]) => Object.keys(o).find((k) => !allowed.includes(k));
  const posInt = (k: string) => typeof o[k] === 'number' && Number.isInteger(o[k]) && (o[k] as number) >= 1 && (o[k] as number) <= 100_000;
  switch (o.kind) {
    case 'log':
      return keys(['kind']) ? `log has an unknown field "${keys(['kind'])}"` : null;
    case 'difference':
      if (!posInt('d')) return `difference needs "d", an integer in [1, 100000], got ${JSON.stringify(o.d)}`;
      return keys(['kind', 'd']) ? `difference has an unknown field "${keys(['kind', 'd'])}"` : null;
    case 'seasonalDifference':
      if (!posInt('m')) return `seasonalDifference needs "m", an integer in [1, 100000], got ${JSON.stringify(o.m)}`;
      return keys(['kind', 'm']) ? `seasonalDifference has an unknown field "${keys(['kind', 'm'])}"` : null;
    case 'detrend':
      if (o.method !== 'linear') return `detrend needs "method": "linear", got ${JSON.stringify(o.method)}`;
      for (const k of ['intercept', 'slope']) if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) return `detrend needs a finite number "${k}", got ${JSON.stringify(o[k])}`;
      return keys(['kind', 'method', 'intercept', 'slope']) ? `detrend has an unknown field "${keys(['kind', 'method', 'intercept', 'slope'])}"` : null;
    default:
      return `unknown transform kind ${JSON.stringify(o.kind)} (expected one of ${TRANSFORM_KINDS.join(', ')})`;
  }
}
