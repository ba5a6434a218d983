// Many series, one model: a global forecaster trained on the windows of every series at once, each
// series on its own scale, with known-future covariates. Browser-safe.
//
// Legend: S series (ids), n_s points of series s, L seqLen, F known-future covariate columns.
//
// Scaling. Each series s gets its own target scaler, and its own scaler per user future column,
// fitted on that series' training span only (the points before its validation and test spans):
// a series of thousands and one of tenths train the same weights on comparable numbers, and no
// series' validation or test values shape any scaling. Calendar features lie in [−1, 1] already
// and are not scaled (./calendar.ts).
//
// Windows. Every window lies inside one series (never across a boundary between ids): for a
// target at position t of series s (L ≤ t < n_s on its training span), step j = 0 … L − 1 of the
// window reads [z_{t−L+j}, f_{t−L+j+1}[0 … F−1]]: the scaled target at that step and the
// future covariates of the step being predicted from it. So the last step reads f_t, the
// covariates of the target's own time step: known-future covariates are inputs for the step they
// describe. The MLP reads the L steps flattened (time-major) and predicts z_t; a recurrent net
// (RNN, LSTM, GRU) trains N→N, step j predicting z_{t−L+j+1}, and predicts from its last step.
// The windows of all series are pooled and shuffled into the mini-batches.
//
// Forecasts are recursive: the prediction of z_t is fed back as the target at t, and the future
// covariates at t + 1 … must be given (a forecast past the end needs their future values).
//
// Evaluation (runGlobalExperiment): every series holds out its last `test` points (and `val`
// before them); one-step predictions over each test span are inverted with that series' scaler
// and scored per series (metrics.ts) and pooled over all test points of all series:
//   RMSE = √(Σ_s Σ_t e²_{s,t} / N),  MAE = Σ_s Σ_t |e_{s,t}| / N,
//   MASE = Σ_s Σ_t |e_{s,t}| / Q_s / N   (each error scaled by its own series' in-sample
//          seasonal-naive MAE Q_s, Hyndman & Koehler 2006; the mean of the per-series MASEs
//          weighted by their test points),
// N the number of test points over all series. Comparison models (persistence, AR, …) run per
// series on that series alone (runExperiment) and are pooled the same way.
import { makeScaler, type Scaler, type ScalerKind } from '../data/scaler.js';
import { timeSplit, type SplitSpans } from '../data/split.js';
import { nextDates } from '../data/dates.js';
import { ValueError } from '../errors.js';
import { Linear, ReLU, Sequential } from '../nn/layers.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { fit, NonFiniteError, type FitOptions, type FitResult, type Trainable } from '../train/fit.js';
import { type NeuralOptions, RecurrentNet, TUTORIAL_DEFAULTS } from '../models/neural.js';
import { calendarFeatures, calendarNames, checkCalendar, type CalendarFeature } from './calendar.js';
import { runExperiment } from './experiment.js';
import { backtest, backtestPlan, type Retrain } from './backtest.js';
import { maseScale, metrics, type Metrics } from './metrics.js';
import type { EpochRecord, Forecaster } from './types.js';

export const GLOBAL_CELLS = ['mlp', 'rnn', 'lstm', 'gru'] as const;
export type GlobalCell = (typeof GLOBAL_CELLS)[number];

/** The single-series networks' options that a global model takes too (same meanings and defaults). */
type SharedNeuralOptions = Pick<NeuralOptions, 'seqLen' | 'hidden' | 'layers' | 'dropout' | 'epochs' | 'lr' | 'batchSize' | 'seed' | 'reduction' | 'optimizer' | 'callbacks'>;

export interface GlobalOptions extends SharedNeuralOptions {
  /** F, the known-future covariate columns read at every step (default 0). */
  futureSize?: number;
}

/** One series on the model's axis: the scaled target and its F future covariate columns (at least as long). */
export interface ScaledSeries {
  z: readonly number[];
  /** f[c][t]: covariate c at time t; t may run past the end of z (future values). */
  f: readonly (readonly number[])[];
}

/** A window: the series it lies in and the position of its (last) target. */
export interface GlobalWindow {
  series: number;
  end: number;
}

/** The windows of series of these lengths: targets at L … n_s − 1 of each series, series by series. */
export function globalWindows(lengths: readonly number[], seqLen: number): GlobalWindow[] {
  const out: GlobalWindow[] = [];
  lengths.forEach((n, s) => { for (let t = seqLen; t < n; t++) out.push({ series: s, end: t }); });
  return out;
}

export class GlobalForecaster {
  readonly opts: Required<Omit<GlobalOptions, 'optimizer' | 'callbacks' | 'dropout'>> & GlobalOptions;
  readonly model: Trainable;
  lastFit: FitResult | null = null;

  constructor(readonly name: GlobalCell, opts: GlobalOptions = {}) {
    if (!(GLOBAL_CELLS as readonly string[]).includes(name)) throw new ValueError(`GlobalForecaster: model must be one of ${GLOBAL_CELLS.join(', ')}, got '${name}'`);
    this.opts = { ...TUTORIAL_DEFAULTS, futureSize: 0, ...opts };
    for (const k of ['seqLen', 'hidden', 'layers', 'epochs', 'batchSize'] as const) {
      const v = this.opts[k];
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${k} must be a positive integer, got ${v}`);
    }
    const F = this.opts.futureSize;
    if (!Number.isInteger(F) || F < 0) throw new ValueError(`futureSize must be an integer ≥ 0, got ${F}`);
    const g = new Generator(this.opts.seed), L = this.opts.seqLen, h = this.opts.hidden;
    this.model = name === 'mlp'
      ? new Sequential(new Linear(L * (1 + F), h, { generator: g }), new ReLU(), new Linear(h, 1, { generator: g }))
      : new RecurrentNet(name, 1 + F, h, this.opts.layers, g, this.opts.dropout ?? 0, 1);
  }

  /** The inputs of the windows: MLP [W, L·(1+F)], recurrent [W, L, 1+F] (see the header). */
  inputs(series: readonly ScaledSeries[], windows: readonly GlobalWindow[]): Tensor {
    const L = this.opts.seqLen, F = this.opts.futureSize, D = 1 + F;
    const x = new Float32Array(windows.length * L * D);
    windows.forEach(({ series: s, end: t }, r) => {
      const { z, f } = series[s]!;
      for (let j = 0; j < L; j++) {
        const base = (r * L + j) * D;
        x[base] = z[t - L + j]!;
        for (let c = 0; c < F; c++) x[base + 1 + c] = f[c]![t - L + j + 1]!;
      }
    });
    return new Tensor(x, this.name === 'mlp' ? [windows.length, L * D] : [windows.length, L, D]);
  }

  private lastStep(o: Tensor): Tensor {
    return this.name === 'mlp' ? o : o.select(1, o.shape[1]! - 1); // [W,1]
  }

  /** Fits on the training spans of every series (`val`: the same series extended by their validation spans, scored at the validation positions only). */
  fit(train: readonly ScaledSeries[], val?: { series: readonly ScaledSeries[]; from: readonly number[] }): EpochRecord[] {
    const L = this.opts.seqLen;
    this.checkSeries(train, 'fit');
    const windows = globalWindows(train.map((s) => s.z.length), L);
    if (windows.length === 0) throw new ValueError(`${this.name}: no training windows: every series needs more than seqLen ${L} training points`);
    const x = this.inputs(train, windows);
    let set: { x: Tensor; y: Tensor; outputToTarget?: (o: Tensor) => Tensor };
    if (this.name === 'mlp') set = { x, y: new Tensor(Float32Array.from(windows, (w) => train[w.series]!.z[w.end]!), [windows.length, 1]) };
    else {
      const y = new Float32Array(windows.length * L);
      windows.forEach((w, r) => { for (let j = 0; j < L; j++) y[r * L + j] = train[w.series]!.z[w.end - L + j + 1]!; });
      set = { x, y: new Tensor(y, [windows.length, L]), outputToTarget: (o) => o.squeeze(-1) };
    }
    let valSet: typeof set | null = null;
    if (val) {
      this.checkSeries(val.series, 'fit (validation)');
      const vw = val.series.flatMap((s, i) => Array.from({ length: s.z.length - val.from[i]! }, (_, k) => ({ series: i, end: val.from[i]! + k })));
      if (vw.length > 0) valSet = { x: this.inputs(val.series, vw), y: new Tensor(Float32Array.from(vw, (w) => val.series[w.series]!.z[w.end]!), [vw.length, 1]), outputToTarget: (o) => this.lastStep(o) };
    }
    const o = this.opts;
    this.lastFit = fit(this.model, { train: set, val: valSet }, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, seed: o.seed, optimizer: o.optimizer, reduction: o.reduction, loss: 'mse', callbacks: o.callbacks, outputToTarget: set.outputToTarget,
    });
    const h = this.lastFit.history;
    return h.train.map((t, i) => ({ epoch: i + 1, train: t, val: h.val ? h.val[i]! : null }));
  }

  /** One-step predictions of z at positions start … z.length − 1 of one series (each from the true values before it). */
  predictOneStep(s: ScaledSeries, start: number): number[] {
    const L = this.opts.seqLen;
    if (start < L) throw new ValueError(`${this.name}: one-step predictions need ${L} values of history; start ${start} is too early`);
    this.checkSeries([s], 'predictOneStep');
    const windows = Array.from({ length: s.z.length - start }, (_, k) => ({ series: 0, end: start + k }));
    return windows.length === 0 ? [] : this.run([s], windows, (r) => `for position ${start + r}`);
  }

  /** A recursive forecast of `steps` values after s.z; s.f must reach z.length + steps − 1 (the future covariates). */
  forecast(s: ScaledSeries, steps: number): number[] {
    const L = this.opts.seqLen, n = s.z.length;
    if (n < L) throw new ValueError(`${this.name}: forecasting needs at least seqLen ${L} values of history, got ${n}`);
    s.f.forEach((c, i) => {
      if (c.length < n + steps) throw new ValueError(`${this.name}: future covariate ${i + 1} has values up to position ${c.length}, but a ${steps}-step forecast needs ${n + steps} (its values at the forecast dates)`);
    });
    const z = [...s.z], out: number[] = [];
    for (let k = 0; k < steps; k++) {
      const v = this.run([{ z, f: s.f }], [{ series: 0, end: z.length }], () => `at forecast step ${k + 1}`)[0]!;
      out.push(v);
      z.push(v);
    }
    return out;
  }

  toJSON(): Record<string, unknown> {
    const { callbacks: _c, ...opts } = this.opts;
    return { name: this.name, global: true, options: opts };
  }

  private run(series: readonly ScaledSeries[], windows: readonly GlobalWindow[], where: (r: number) => string): number[] {
    const bad = [...this.model.namedParameters()].filter(([, w]) => w.hasNonFinite()).map(([k]) => k);
    if (bad.length > 0) throw new NonFiniteError(`${this.name}: the model's weights hold NaN/Inf values (${bad.join(', ')})`);
    this.model.eval();
    const x = this.inputs(series, windows);
    const p = Array.from(noGrad(() => this.lastStep(this.model.forward(x)).data));
    const i = p.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new NonFiniteError(`${this.name}: the model predicted ${p[i]} ${where(i)}: ${x.hasNonFinite() ? 'its input window holds NaN/Inf values' : 'its weights overflow on this input'}`);
    return p;
  }

  private checkSeries(series: readonly ScaledSeries[], op: string): void {
    const F = this.opts.futureSize;
    series.forEach((s, i) => {
      if (s.f.length !== F) throw new ValueError(`${this.name}.${op}: series ${i + 1} has ${s.f.length} future covariate columns, the model reads ${F}`);
      s.f.forEach((c, j) => { if (c.length < s.z.length) throw new ValueError(`${this.name}.${op}: series ${i + 1}: future covariate ${j + 1} has ${c.length} values, fewer than the target's ${s.z.length}`); });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The experiment

/** One series of a panel, on its original scale. */
export interface PanelSeries {
  id: string;
  values: readonly number[];
  /** Dates of `values` (needed for calendar features, and for labelling). */
  dates?: readonly string[];
  /** Known-future covariates by name: as long as `values`, plus any future rows (the values at the forecast dates). */
  future?: Readonly<Record<string, readonly number[]>>;
  /** The dates of the future rows, for their calendar features (default: continued from `dates` by nextDates). */
  futureDates?: readonly string[];
}

export interface GlobalExperimentOptions {
  test: number;
  val?: number;
  scaler?: ScalerKind;
  /** MASE's season m (default 1). */
  season?: number;
  /** Calendar features generated from the dates (default none). */
  calendar?: readonly CalendarFeature[];
  /** User columns of `PanelSeries.future` the model reads, in this order (default none). */
  futureColumns?: readonly string[];
  /** Forecast this many steps past each series' end (default 0); needs their future covariates. */
  forecastSteps?: number;
  /** Per-series comparison models (fitted on each series alone), by name. */
  baselines?: readonly { name: string; make: () => Forecaster }[];
}

/** A series' fitted scalers: the target's and one per user future column (in futureColumns order). */
export interface SeriesScalers {
  target: Scaler;
  future: Scaler[];
}

export interface SeriesResult {
  id: string;
  metrics: Metrics;
  /** One-step predictions over the test span, original scale. */
  predictions: number[];
  /** The forecast past the end (forecastSteps values), original scale. */
  forecast: number[];
}

export interface PooledMetrics {
  rmse: number;
  mae: number;
  mase: number;
  /** Test points over all series. */
  n: number;
}

export interface GlobalModelResult {
  name: string;
  perSeries: SeriesResult[];
  pooled: PooledMetrics;
}

export interface GlobalExperimentResult {
  ids: string[];
  splits: SplitSpans[];
  scalers: SeriesScalers[];
  /** The columns the global model reads per step: the target, then the user future columns, then the calendar features. */
  inputs: string[];
  history: EpochRecord[];
  /** The global model first, then the baselines. */
  models: Record<string, GlobalModelResult>;
}

/** The pooled RMSE, MAE and MASE of per-series errors (see the header); `scales[s]` is Q_s. */
export function pooledMetrics(actual: readonly (readonly number[])[], predicted: readonly (readonly number[])[], scales: readonly number[]): PooledMetrics {
  let n = 0, se = 0, ae = 0, sc = 0;
  actual.forEach((a, s) => a.forEach((v, t) => {
    const e = v - predicted[s]![t]!;
    n++;
    se += e * e;
    ae += Math.abs(e);
    sc += Math.abs(e) / scales[s]!;
  }));
  if (n === 0) throw new ValueError('pooledMetrics: no test points');
  return { rmse: Math.sqrt(se / n), mae: ae / n, mase: sc / n, n };
}

/** The raw future covariate columns of a series (user columns, then calendar features), each at least `length` long. */
export function panelFuture(p: PanelSeries, columns: readonly string[], calendar: readonly CalendarFeature[], length: number): number[][] {
  const user = columns.map((name) => {
    const c = p.future?.[name];
    if (!c || !Object.prototype.hasOwnProperty.call(p.future, name)) throw new ValueError(`series '${p.id}': no future column '${name}'`);
    if (c.length < length) throw new ValueError(`series '${p.id}': future column '${name}' has ${c.length} values, but ${length} are needed (${length - p.values.length > 0 ? `its values at the ${length - p.values.length} forecast dates too` : 'one per observation'})`);
    const bad = c.findIndex((v, i) => i < length && !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`series '${p.id}': future column '${name}' value ${bad + 1} is ${c[bad]}`);
    return c.slice(0, length);
  });
  if (calendar.length === 0) return user;
  if (!p.dates || p.dates.length !== p.values.length) throw new ValueError(`series '${p.id}': calendar features need one date per value`);
  const extra = length - p.dates.length;
  const ahead = extra <= 0 ? [] : p.futureDates && p.futureDates.length >= extra ? p.futureDates.slice(0, extra) : nextDates(p.dates, extra);
  const dates = [...p.dates.slice(0, length), ...ahead];
  return [...user, ...calendarFeatures(dates, calendar, `series '${p.id}'`)];
}

export function runGlobalExperiment(panel: readonly PanelSeries[], model: GlobalForecaster, opts: GlobalExperimentOptions): GlobalExperimentResult {
  if (panel.length === 0) throw new ValueError('runGlobalExperiment: no series');
  const ids = panel.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new ValueError(`runGlobalExperiment: series id '${dup}' appears twice`);
  const columns = opts.futureColumns ?? [], calendar = opts.calendar ?? [];
  checkCalendar(calendar);
  const F = columns.length + 2 * calendar.length;
  if (model.opts.futureSize !== F) throw new ValueError(`runGlobalExperiment: the model reads ${model.opts.futureSize} future covariates, the options give ${F} (${columns.length} columns, ${calendar.length} calendar features × 2)`);
  const L = model.opts.seqLen, steps = opts.forecastSteps ?? 0, season = opts.season ?? 1;
  const splits = panel.map((p) => {
    try {
      return timeSplit(p.values.length, { test: opts.test, val: opts.val ?? 0, minTrain: L + 1 });
    } catch (e) {
      throw new ValueError(`series '${p.id}': ${(e as Error).message}`);
    }
  });
  panel.forEach((p) => {
    const i = p.values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new ValueError(`series '${p.id}': value ${i + 1} is ${p.values[i]}; fill missing values first`);
  });
  // per-series scalers on each series' training span
  const scalers: SeriesScalers[] = [];
  const scaled: ScaledSeries[] = panel.map((p, s) => {
    const trainEnd = splits[s]!.train[1];
    const raw = panelFuture(p, columns, calendar, p.values.length + steps);
    const target = makeScaler(opts.scaler ?? 'standard').fit(p.values.slice(0, trainEnd));
    const future = raw.slice(0, columns.length).map((c) => makeScaler(opts.scaler ?? 'standard').fit(c.slice(0, trainEnd)));
    scalers.push({ target, future });
    return { z: target.transform(p.values), f: raw.map((c, j) => (j < columns.length ? future[j]!.transform(c) : c)) };
  });
  const cut = (s: ScaledSeries, end: number): ScaledSeries => ({ z: s.z.slice(0, end), f: s.f.map((c) => c.slice(0, end)) });
  const history = model.fit(
    scaled.map((s, i) => cut(s, splits[i]!.train[1])),
    (opts.val ?? 0) > 0 ? { series: scaled.map((s, i) => cut(s, splits[i]!.val[1])), from: splits.map((sp) => sp.train[1]) } : undefined,
  );
  const scales = panel.map((p, s) => maseScale(p.values.slice(0, splits[s]!.val[1]), season));
  const actual = panel.map((p, s) => p.values.slice(splits[s]!.val[1]));
  const perSeries: SeriesResult[] = panel.map((p, s) => {
    const start = splits[s]!.val[1];
    const predictions = scalers[s]!.target.inverseTransform(model.predictOneStep({ z: scaled[s]!.z, f: scaled[s]!.f }, start));
    const forecast = steps ? scalers[s]!.target.inverseTransform(model.forecast(scaled[s]!, steps)) : [];
    return { id: p.id, metrics: metrics(actual[s]!, predictions, { insample: p.values.slice(0, start), season }), predictions, forecast };
  });
  const models: Record<string, GlobalModelResult> = Object.create(null);
  models[model.name] = { name: model.name, perSeries, pooled: pooledMetrics(actual, perSeries.map((r) => r.predictions), scales) };
  for (const b of opts.baselines ?? []) {
    if (b.name in models) throw new ValueError(`runGlobalExperiment: model name '${b.name}' is used twice`);
    const rows: SeriesResult[] = panel.map((p) => {
      const m = b.make();
      const r = runExperiment(p.values, [m], { test: opts.test, val: opts.val ?? 0, season, forecastSteps: steps }).models[m.name]!;
      return { id: p.id, metrics: r.test, predictions: r.predictions, forecast: r.forecast };
    });
    models[b.name] = { name: b.name, perSeries: rows, pooled: pooledMetrics(actual, rows.map((r) => r.predictions), scales) };
  }
  return { ids, splits, scalers, inputs: ['target', ...columns, ...calendarNames(calendar)], history, models };
}

// ---------------------------------------------------------------------------------------------
// Rolling-origin backtest of a global model

export interface GlobalBacktestOptions extends Omit<GlobalExperimentOptions, 'val' | 'forecastSteps'> {
  /** Steps forecast from each origin (default 1). */
  horizon?: number;
  stride?: number;
  retrain?: Retrain;
  /** Called after each fit of the global model. */
  onFit?: (done: number, total: number) => void;
}

export interface GlobalBacktestSeries {
  id: string;
  /** Forecast origins of this series (positions of each forecast's first value). */
  origins: number[];
  /** forecasts[k][h − 1], original scale. */
  forecasts: number[][];
  /** Errors of the scored last points (step H). */
  metrics: Metrics;
  /** Errors per step ahead h = 1 … H. */
  perHorizon: Metrics[];
}

export interface GlobalBacktestModel {
  name: string;
  perSeries: GlobalBacktestSeries[];
  /** The last points of every series pooled (see the header's definitions). */
  pooled: PooledMetrics;
  /** Pooled per step ahead. */
  pooledPerHorizon: PooledMetrics[];
  fits: number;
}

export interface GlobalBacktestResult {
  ids: string[];
  horizon: number;
  refitAt: number[];
  models: Record<string, GlobalBacktestModel>;
}

/**
 * Every series' origins lie among its last `test` points (backtestPlan, per series: the same count
 * of origins for every series). At a refit the global model and every series' scalers are fitted
 * on each series' data before its k-th origin; each series then forecasts H steps recursively
 * from its own origin, reading the true future covariates (known in advance by definition). The
 * baselines are backtested on each series alone (backtest.ts). MASE's Q_s is series s's in-sample
 * seasonal-naive MAE before its first origin.
 */
export function backtestGlobal(panel: readonly PanelSeries[], make: () => GlobalForecaster, opts: GlobalBacktestOptions): GlobalBacktestResult {
  if (panel.length === 0) throw new ValueError('backtestGlobal: no series');
  const ids = panel.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new ValueError(`backtestGlobal: series id '${dup}' appears twice`);
  const columns = opts.futureColumns ?? [], calendar = opts.calendar ?? [];
  checkCalendar(calendar);
  const H = opts.horizon ?? 1, season = opts.season ?? 1;
  const plans = panel.map((p) => {
    const i = p.values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new ValueError(`series '${p.id}': value ${i + 1} is ${p.values[i]}; fill missing values first`);
    try {
      return backtestPlan(p.values.length, { test: opts.test, horizon: H, stride: opts.stride, retrain: opts.retrain });
    } catch (e) {
      throw new ValueError(`series '${p.id}': ${(e as Error).message}`);
    }
  });
  const K = plans[0]!.origins.length, refitAt = plans[0]!.refitAt;
  const odd = plans.findIndex((pl) => pl.origins.length !== K);
  if (odd >= 0) throw new ValueError(`series '${ids[odd]}' has ${plans[odd]!.origins.length} forecast origins, '${ids[0]}' ${K}: give a test count, not a fraction, for series of different lengths`);
  const raws = panel.map((p) => panelFuture(p, columns, calendar, p.values.length));
  const scales = panel.map((p, s) => maseScale(p.values.slice(0, plans[s]!.origins[0]!), season));
  const forecasts: number[][][] = panel.map(() => []);
  let model: GlobalForecaster | null = null, scalers: SeriesScalers[] = [], fits = 0;
  const refit = new Set(refitAt);
  for (let k = 0; k < K; k++) {
    const where = `backtest (global, origin ${k + 1} of ${K})`;
    try {
      if (model === null || refit.has(k)) {
        scalers = panel.map((p, s) => {
          const o = plans[s]!.origins[k]!;
          return { target: makeScaler(opts.scaler ?? 'standard').fit(p.values.slice(0, o)), future: raws[s]!.slice(0, columns.length).map((c) => makeScaler(opts.scaler ?? 'standard').fit(c.slice(0, o))) };
        });
        model = make();
        if (model.opts.futureSize !== columns.length + 2 * calendar.length) throw new ValueError(`the model reads ${model.opts.futureSize} future covariates, the options give ${columns.length + 2 * calendar.length}`);
        model.fit(panel.map((p, s) => scaledSpan(p, raws[s]!, scalers[s]!, columns.length, plans[s]!.origins[k]!, 0)));
        fits++;
        opts.onFit?.(fits, refitAt.length);
      }
      panel.forEach((p, s) => {
        const o = plans[s]!.origins[k]!;
        const zf = model!.forecast(scaledSpan(p, raws[s]!, scalers[s]!, columns.length, o, H), H);
        forecasts[s]!.push(scalers[s]!.target.inverseTransform(zf));
      });
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`${where}: ${e.message}`);
      throw e;
    }
  }
  const models: Record<string, GlobalBacktestModel> = Object.create(null);
  const summarize = (name: string, fc: number[][][], nfits: number): GlobalBacktestModel => {
    const perSeries = panel.map((p, s) => {
      const origins = plans[s]!.origins, mo = { insample: p.values.slice(0, origins[0]!), season };
      const at = (h: number) => metrics(origins.map((o) => p.values[o + h - 1]!), fc[s]!.map((f) => f[h - 1]!), mo);
      return { id: p.id, origins, forecasts: fc[s]!, metrics: at(H), perHorizon: Array.from({ length: H }, (_, j) => at(j + 1)) };
    });
    const pooledAt = (h: number) => pooledMetrics(panel.map((p, s) => plans[s]!.origins.map((o) => p.values[o + h - 1]!)), fc.map((f) => f.map((x) => x[h - 1]!)), scales);
    return { name, perSeries, pooled: pooledAt(H), pooledPerHorizon: Array.from({ length: H }, (_, j) => pooledAt(j + 1)), fits: nfits };
  };
  const name = model!.name;
  models[name] = summarize(name, forecasts, fits);
  for (const b of opts.baselines ?? []) {
    if (b.name in models) throw new ValueError(`backtestGlobal: model name '${b.name}' is used twice`);
    let n = 0;
    const fc = panel.map((p) => {
      const r = backtest(p.values, [{ name: b.name, make: b.make }], { test: opts.test, horizon: H, stride: opts.stride, retrain: opts.retrain, season }).models[b.name]!;
      n = r.fits;
      return r.forecasts;
    });
    models[b.name] = summarize(b.name, fc, n);
  }
  return { ids, horizon: H, refitAt, models };
}

/** Series s up to its origin o (targets) with its future covariates up to o + ahead, scaled with `sc`. */
function scaledSpan(p: PanelSeries, raw: readonly (readonly number[])[], sc: SeriesScalers, user: number, o: number, ahead: number): ScaledSeries {
  return { z: sc.target.transform(p.values.slice(0, o)), f: raw.map((c, j) => (j < user ? sc.future[j]!.transform(c.slice(0, o + ahead)) : c.slice(0, o + ahead))) };
}
