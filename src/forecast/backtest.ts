// Rolling-origin backtest (Tashman 2000; Hyndman & Athanasopoulos fpp3 §5.10 "time series
// cross-validation"; Darts' `historical_forecasts`). Legend: n points, T test points, H horizon,
// o an origin = the position of the first forecast value.
//
// Origins are the positions o = n − T, n − T + stride, … with o + H ≤ n. At each origin the model
// sees y_0 … y_{o−1} only: its transforms, scaler and weights are fitted on that span (refitted at
// every origin with retrain 'every', every N-th origin with N, or once, on the data before the first
// origin, with 'never'; a model not refitted still forecasts from the true values up to its origin).
// It then forecasts H steps recursively. The last point of each forecast, y_{o+H−1}, is scored
// (Darts' last_points_only), so with stride 1 there are T − H + 1 scored points; the per-horizon
// table scores every step h = 1 … H over the same origins, and `allPoints` pools all of them.
// Metrics are on the original scale; MASE is scaled by the seasonal-naive MAE on y_0 … y_{o₁−1},
// the data before the first origin. A model that forecasts quantiles is also scored on them
// (coverage of the outer interval, mean width, mean pinball loss; per step and on the last points).
import { makeScaler, type Scaler, type ScalerKind } from '../data/scaler.js';
import { ValueError } from '../errors.js';
import { metrics, type Metrics } from './metrics.js';
import { TransformChain, type TransformSpec } from './transforms.js';
import { isMultivariate, isProbabilistic, type Forecaster } from './types.js';
import { intervalMetrics, type IntervalMetrics } from './intervals.js';
import { originalQuantiles } from './paths.js';

export type Retrain = 'every' | 'never' | number;

/** A model to backtest: a name and a factory (a fresh, unfitted model for every refit). */
export interface BacktestModel {
  name: string;
  make: () => Forecaster;
  /** This model's transforms in place of `opts.transforms` (e.g. [] for a benchmark on levels). */
  transforms?: readonly TransformSpec[];
}

export interface BacktestOptions {
  /** Test points at the end: the origins lie among them (a count, or a fraction of n). */
  test: number;
  /** Steps forecast from each origin (default 1). */
  horizon?: number;
  /** Positions between origins (default 1). */
  stride?: number;
  /** 'every' (default), 'never', or N: refit at every N-th origin. */
  retrain?: Retrain;
  /** Also pool the errors of every step 1 … H (default false: only the last points). */
  allPoints?: boolean;
  /** MASE's season m (default 1). */
  season?: number;
  /** The neural models' scaler (default 'standard'); closed-form models are fitted unscaled. */
  scaler?: ScalerKind;
  /** Target transforms, refitted with the model on the data before each origin. */
  transforms?: readonly TransformSpec[];
  /** Called after each fit: the model, the fits done and the fits it will make. */
  onFit?: (model: string, done: number, total: number) => void;
  /** Called before a model's first fit. */
  onModelStart?: (model: string) => void;
}

export interface HorizonError {
  /** Step ahead, 1 … H. */
  h: number;
  /** Points scored at this step. */
  n: number;
  metrics: Metrics;
}

export interface BacktestModelResult {
  name: string;
  /** forecasts[k][h−1]: the forecast of y_{origins[k]+h−1} made at origin k. */
  forecasts: number[][];
  /** The scored last points: predicted[k] forecasts actual[k] = y_{origins[k]+H−1}. */
  lastPoints: { positions: number[]; actual: number[]; predicted: number[] };
  /** Errors of the last points. */
  metrics: Metrics;
  /** Errors per step ahead, h = 1 … H. */
  perHorizon: HorizonError[];
  /** Errors of every step of every forecast, pooled (only with allPoints). */
  allPoints: Metrics | null;
  /** How many times the model was fitted. */
  fits: number;
  fitSeconds: number;
  /** A model that forecasts quantiles (a quantile or Gaussian head, AR with levels): its intervals, else null. */
  intervals: BacktestIntervals | null;
}

/**
 * The quantile forecasts of a backtest and their scores on the original scale. Each origin's
 * quantiles are the model's `forecastQuantiles` (a recursive network's from sampled paths beyond
 * step 1, each path inverted through the transforms), scored like the points: `metrics` on the last
 * points (step H), `perHorizon[h − 1]` on step h over every origin, `allPoints` pooled over every step.
 */
export interface BacktestIntervals {
  levels: number[];
  /** quantiles[k][j][h − 1]: the levels[j]-quantile of y_{origins[k]+h−1} made at origin k. */
  quantiles: number[][][];
  metrics: IntervalMetrics;
  perHorizon: IntervalMetrics[];
  allPoints: IntervalMetrics | null;
}

export interface BacktestResult {
  n: number;
  /** First position of the test span (n − T). */
  testStart: number;
  horizon: number;
  stride: number;
  retrain: Retrain;
  /** Forecast origins: the position of each forecast's first value. */
  origins: number[];
  /** Origin indices at which the models were (re)fitted. */
  refitAt: number[];
  models: Record<string, BacktestModelResult>;
}

/** The origins and refits of a backtest, checked; one-line errors for impossible settings. */
export function backtestPlan(n: number, opts: Pick<BacktestOptions, 'test' | 'horizon' | 'stride' | 'retrain'>): { testStart: number; origins: number[]; refitAt: number[] } {
  const H = opts.horizon ?? 1, stride = opts.stride ?? 1, retrain = opts.retrain ?? 'every';
  if (!Number.isInteger(H) || H < 1) throw new ValueError(`backtest: horizon must be a positive integer, got ${H}`);
  if (!Number.isInteger(stride) || stride < 1) throw new ValueError(`backtest: stride must be a positive integer, got ${stride}`);
  if (retrain !== 'every' && retrain !== 'never' && !(Number.isInteger(retrain) && retrain >= 1)) {
    throw new ValueError(`backtest: retrain must be 'every', 'never' or a positive integer N, got ${String(retrain)}`);
  }
  const t = opts.test;
  if (!Number.isFinite(t) || t <= 0 || (t >= 1 && !Number.isInteger(t))) throw new ValueError(`backtest: test must be a count ≥ 1 or a fraction in (0, 1), got ${t}`);
  const T = t < 1 ? Math.ceil(t * n - 1e-9) : t;
  if (T >= n) throw new ValueError(`backtest: a test span of ${T} points leaves no training data out of ${n}`);
  if (H > T) throw new ValueError(`backtest: horizon ${H} is longer than the test span of ${T} points (each forecast must end inside it)`);
  const testStart = n - T;
  const origins: number[] = [];
  for (let o = testStart; o + H <= n; o += stride) origins.push(o);
  const every = retrain === 'every' ? 1 : retrain === 'never' ? Infinity : retrain;
  const refitAt = origins.map((_, k) => k).filter((k) => k === 0 || k % every === 0);
  return { testStart, origins, refitAt };
}

/** A model with its transforms and scaler, fitted on y_0 … y_{o−1}. */
interface Fitted {
  model: Forecaster;
  chain: TransformChain;
  scaler: Scaler;
}

export function backtest(series: readonly number[], models: readonly BacktestModel[], opts: BacktestOptions): BacktestResult {
  const n = series.length;
  const H = opts.horizon ?? 1;
  const i = series.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new ValueError(`backtest: value ${i} is ${series[i]}; fill missing values first`);
  const { testStart, origins, refitAt } = backtestPlan(n, opts);
  const names = models.map((m) => m.name);
  if (new Set(names).size !== names.length) throw new ValueError(`backtest: model names must be distinct, got ${names.join(', ')}`);
  const insample = series.slice(0, origins[0]!);
  const mopts = { insample, season: opts.season ?? 1 };
  const refit = new Set(refitAt);
  const out: Record<string, BacktestModelResult> = Object.create(null);

  for (const spec of models) {
    opts.onModelStart?.(spec.name);
    let fitted: Fitted | null = null;
    let fits = 0, fitSeconds = 0;
    const forecasts: number[][] = [];
    const quantiles: number[][][] = [];
    let levels: number[] | null = null;
    origins.forEach((o, k) => {
      const history = series.slice(0, o);
      const where = `backtest (${spec.name}, origin ${k + 1} of ${origins.length} at position ${o})`;
      try {
        if (refit.has(k) || fitted === null) {
          const t0 = Date.now();
          fitted = fitAt(spec, history, opts);
          fitSeconds += (Date.now() - t0) / 1000;
          fits++; // not inside onFit?.(…): optional call arguments are skipped when there is no callback
          opts.onFit?.(spec.name, fits, refitAt.length);
        }
        forecasts.push(forecastAt(fitted, history, H));
        const f: Fitted = fitted;
        if (isProbabilistic(f.model) && f.model.levels) {
          levels = [...f.model.levels];
          quantiles.push(quantilesAt(f, history, H));
        }
      } catch (e) {
        if (e instanceof ValueError) throw new ValueError(`${where}: ${e.message}`);
        throw e;
      }
    });
    const positions = origins.map((o) => o + H - 1);
    const actual = positions.map((p) => series[p]!);
    const predicted = forecasts.map((f) => f[H - 1]!);
    const perHorizon: HorizonError[] = Array.from({ length: H }, (_, j) => ({
      h: j + 1,
      n: origins.length,
      metrics: metrics(origins.map((o) => series[o + j]!), forecasts.map((f) => f[j]!), mopts),
    }));
    const pooled = opts.allPoints
      ? metrics(origins.flatMap((o) => series.slice(o, o + H)), forecasts.flat(), mopts)
      : null;
    let intervals: BacktestIntervals | null = null;
    if (levels !== null) {
      const lv: number[] = levels;
      // step h over every origin: values[j][k] = quantiles[k][j][h − 1]
      const at = (h: number) => intervalMetrics(origins.map((o) => series[o + h - 1]!), { levels: lv, values: lv.map((_, j) => quantiles.map((q) => q[j]![h - 1]!)) });
      intervals = {
        levels: lv, quantiles, metrics: at(H), perHorizon: Array.from({ length: H }, (_, j) => at(j + 1)),
        allPoints: opts.allPoints
          ? intervalMetrics(origins.flatMap((o) => series.slice(o, o + H)), { levels: lv, values: lv.map((_, j) => quantiles.flatMap((q) => q[j]!)) })
          : null,
      };
    }
    out[spec.name] = {
      name: spec.name, forecasts, lastPoints: { positions, actual, predicted },
      metrics: metrics(actual, predicted, mopts), perHorizon, allPoints: pooled, fits, fitSeconds, intervals,
    };
  }
  return { n, testStart, horizon: H, stride: opts.stride ?? 1, retrain: opts.retrain ?? 'every', origins, refitAt, models: out };
}

/** Fits transforms, scaler and a fresh model on `history` (everything before the origin). */
function fitAt(spec: BacktestModel, history: readonly number[], opts: BacktestOptions): Fitted {
  const model = spec.make();
  const chain = new TransformChain(spec.transforms ?? opts.transforms ?? []).fit(history);
  const v = chain.transform(history);
  // closed-form models (AR, baselines) are affine-equivariant: fitted unscaled, as `train` does
  const scaler = makeScaler(isMultivariate(model) ? (opts.scaler ?? 'standard') : 'none').fit(v);
  model.fit(scaler.transform(v));
  return { model, chain, scaler };
}

/** The quantiles [j][h] of the H-step forecast after `history`, on the original scale (checked finite). */
function quantilesAt(f: Fitted, history: readonly number[], H: number): number[][] {
  const z = f.scaler.transform(f.chain.transform(history));
  const q = originalQuantiles(f.model as Parameters<typeof originalQuantiles>[0], z, H, (p) => f.chain.invertForecast(f.scaler.inverseTransform(p), history));
  for (const [j, row] of q.entries()) {
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`the ${f.model.name} quantile ${j + 1} is not finite at step ${bad + 1} (${row[bad]})`);
  }
  return q;
}

/** The H-step recursive forecast after `history`, on the original scale. */
function forecastAt(f: Fitted, history: readonly number[], H: number): number[] {
  const z = f.scaler.transform(f.chain.transform(history));
  const zf = f.model.forecast(z, H);
  const y = f.chain.invertForecast(f.scaler.inverseTransform(zf), history);
  const bad = y.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ValueError(`the ${f.model.name} forecast is not finite at step ${bad + 1} (${y[bad]})`);
  return y;
}
