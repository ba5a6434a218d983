// One forecasting experiment, done the careful way: a time-ordered split, a scaler fitted on the
// training span only, each model fitted on training data (neural models also see a validation
// span carved from its end; AR's least squares uses the whole training span), one-step-ahead
// predictions over the test span (each from the true values before it), a free-running forecast
// past the end, and metrics on the original scale.
//
// Multivariate input: `opts.covariates` adds columns aligned with the target series. Every column
// gets its own scaler (of the same kind), fitted on its training span only. A multivariate model
// (`isMultivariate(m)` with `inputSize` = 1 + covariates) reads all columns [target, ...covariates]
// at every step and predicts all of them at the next step; its predictions, forecast and metrics
// are reported for the target only. Every other model (AR, persistence, a neural model built with
// inputSize 1) uses the target column alone; `ModelResult.inputs` says which columns a model used.
//
// Transforms (`opts.transforms`: log, detrend, differences) apply to the target before the scaler,
// fitted on the training span like it; the covariates lose the same first points so the columns
// stay aligned. Predictions and forecasts are inverted (scaler, then transforms) before scoring, so
// the metrics are always on the original scale.
//
// Intervals: a model that forecasts quantiles (`isProbabilistic`: a quantile or Gaussian head, AR
// with levels) has each level's one-step predictions and forecast inverted the same way (the
// scaler and the transforms are increasing maps, so the levels keep their order), and its test
// metrics gain the outer interval's coverage, its mean width and the mean pinball loss.
import { timeSplit, type SplitSpans } from '../data/split.js';
import { makeScaler, type ScalerKind, type Scaler } from '../data/scaler.js';
import { metrics, type Metrics } from './metrics.js';
import { isMultivariate, isProbabilistic, type EpochRecord, type Forecaster } from './types.js';
import { intervalMetrics, type IntervalMetrics } from './intervals.js';
import { originalQuantiles } from './paths.js';
import { TransformChain, type TransformSpec } from './transforms.js';
import { ValueError } from '../errors.js';

/** An extra input column, aligned with the target series (same length, same time steps). */
export interface Covariate {
  name: string;
  values: readonly number[];
}

export interface ExperimentOptions {
  /** Test points at the end (count ≥ 1 or fraction). */
  test: number;
  /** Validation points before the test span, for neural models (count or fraction; default 0). */
  val?: number;
  scaler?: ScalerKind;
  /** Free-running forecast length past the last observation (default 0). */
  forecastSteps?: number;
  /** Fewest training points (e.g. seqLen + 1). */
  minTrain?: number;
  /** Called before each model is fitted. */
  onModelStart?: (name: string) => void;
  /** The target series' name, for `ModelResult.inputs` (default 'target'). */
  targetName?: string;
  /** Extra input columns for multivariate models (default none: a univariate experiment). */
  covariates?: readonly Covariate[];
  /** Season length m of MASE's in-sample seasonal-naive scale (default 1). */
  season?: number;
  /** Target transforms, applied in this order before the scaler (default none). */
  transforms?: readonly TransformSpec[];
}

/** A model's quantile forecasts on the original scale: values[j][…] at levels[j]. */
export interface ModelIntervals {
  levels: number[];
  /** One-step-ahead quantiles over the test span: predictions[j][t]. */
  predictions: number[][];
  /** Quantiles of the forecast past the end: forecast[j][k]. */
  forecast: number[][];
}

export interface ModelResult {
  name: string;
  /** Point metrics, and for a model with intervals the interval metrics on the test span. */
  test: Metrics & Partial<IntervalMetrics>;
  /** Quantile forecasts (original scale) of a model that makes them, else null. */
  intervals: ModelIntervals | null;
  history: { train: number[]; val: (number | null)[] };
  /** One-step-ahead predictions of the target over the test span, original scale. */
  predictions: number[];
  /** Free-running forecast of the target after the last observation, original scale. */
  forecast: number[];
  /** Wall-clock seconds spent fitting. */
  fitSeconds: number;
  /** The columns the model read: [targetName] or [targetName, ...covariate names]. */
  inputs: string[];
  /** Why training stopped early (early stopping, divergence) and which weights were kept, else null. */
  message: string | null;
  /** True when training diverged (NaN/Inf, or the loss blew past the threshold); false for closed-form models. */
  diverged: boolean;
  /** The 1-based epoch in which training diverged, else null. */
  divergedAtEpoch: number | null;
  /** The epoch whose weights the model holds (0 = its initial weights); null for closed-form models. */
  keptEpoch: number | null;
}

export interface ExperimentResult {
  split: SplitSpans;
  /** The target's scaler (fitted on the training span). */
  scaler: Scaler;
  /** One scaler per column, in the order [target, ...covariates]; scalers[0] is `scaler`. */
  scalers: Scaler[];
  /** Column names in the same order: [targetName, ...covariate names]. */
  columns: string[];
  /** The target's transforms, fitted on the training span (empty: none). */
  transforms: TransformChain;
  /** By model name; a prototype-free object, so a model may be named anything (`__proto__` too). */
  models: Record<string, ModelResult>;
}

export function runExperiment(series: readonly number[], models: readonly Forecaster[], opts: ExperimentOptions): ExperimentResult {
  const n = series.length;
  const targetName = opts.targetName ?? 'target';
  const covariates = opts.covariates ?? [];
  const names = [targetName, ...covariates.map((c) => c.name)];
  if (new Set(names).size !== names.length) throw new ValueError(`runExperiment: column names must be distinct, got ${names.join(', ')}`);
  for (const c of covariates) {
    if (c.values.length !== n) throw new ValueError(`runExperiment: covariate "${c.name}" has ${c.values.length} values but the target series has ${n}`);
  }
  const chain = new TransformChain(opts.transforms ?? []);
  const L = chain.lost;
  const split = timeSplit(n, { test: opts.test, val: opts.val ?? 0, minTrain: (opts.minTrain ?? 1) + L });
  const [trainEnd, valEnd] = [split.train[1], split.val[1]];
  // the transforms learn from the training span only, like the scalers; then every column loses
  // the L points the differences need, so index i of a transformed column is time i + L
  chain.fit(series.slice(0, trainEnd));
  const raw: (readonly number[])[] = [chain.transform(series), ...covariates.map((c) => c.values.slice(L))];
  const C = raw.length;
  // one scaler per column, each fitted on its training span only: validation and test never shape the scaling
  const scalers = raw.map((col) => makeScaler(opts.scaler ?? 'standard').fit(col.slice(0, trainEnd - L)));
  const zs = raw.map((col, c) => scalers[c]!.transform(col));
  const scaler = scalers[0]!, z = zs[0]!;
  const testActual = series.slice(valEnd);
  const modelNames = models.map((m) => m.name);
  if (new Set(modelNames).size !== modelNames.length) throw new ValueError(`runExperiment: model names must be distinct (results are keyed by name), got ${modelNames.join(', ')}`);
  const out: Record<string, ModelResult> = Object.create(null);
  for (const m of models) {
    // a model built for all C columns gets them all; a model that reads one column gets the target
    const mm = C > 1 && isMultivariate(m) && m.inputSize > 1 ? m : null;
    if (mm && mm.inputSize !== C) {
      throw new ValueError(`runExperiment: ${m.name} reads ${mm.inputSize} columns but the experiment has ${C} (${names.join(', ')})`);
    }
    opts.onModelStart?.(m.name);
    const t0 = Date.now();
    // neural models train on [0, trainEnd) and validate on [trainEnd, valEnd); closed-form ones fit
    // on the whole training span [0, valEnd)
    const neural = isMultivariate(m);
    const span = (cols: number[][], a: number, b: number) => cols.map((c) => c.slice(a, b));
    const hist: EpochRecord[] = mm
      ? (neural ? mm.fitMultivariate(span(zs, 0, trainEnd - L), span(zs, trainEnd - L, valEnd - L)) : mm.fitMultivariate(span(zs, 0, valEnd - L)))
      : (neural ? m.fit(z.slice(0, trainEnd - L), z.slice(trainEnd - L, valEnd - L)) : m.fit(z.slice(0, valEnd - L)));
    const fitSeconds = (Date.now() - t0) / 1000;
    const steps = opts.forecastSteps ?? 0;
    const zPred = mm ? mm.predictOneStepMultivariate(zs, valEnd - L)[0]! : m.predictOneStep(z, valEnd - L);
    const zFore = !steps ? [] : mm ? mm.forecastMultivariate(zs, steps)[0]! : m.forecast(z, steps);
    const predictions = chain.invertOneStep(scaler.inverseTransform(zPred), series, valEnd);
    const forecast = steps ? chain.invertForecast(scaler.inverseTransform(zFore), series) : [];
    let intervals: ModelIntervals | null = null;
    if (!mm && isProbabilistic(m) && m.levels) {
      const zq = m.predictOneStepQuantiles(z, valEnd - L);
      intervals = {
        levels: [...m.levels],
        predictions: zq.map((q) => chain.invertOneStep(scaler.inverseTransform(q), series, valEnd)),
        // a sampling model's paths are inverted one by one (a sum of quantiles is no quantile of the sum)
        forecast: originalQuantiles(m, z, steps, (q) => chain.invertForecast(scaler.inverseTransform(q), series)),
      };
    }
    out[m.name] = {
      name: m.name,
      // MASE is scaled on everything before the test span, on the original scale
      test: {
        ...metrics(testActual, predictions, { insample: series.slice(0, valEnd), season: opts.season ?? 1 }),
        ...(intervals ? intervalMetrics(testActual, { levels: intervals.levels, values: intervals.predictions }) : {}),
      },
      intervals,
      history: { train: hist.map((h) => h.train), val: hist.map((h) => h.val) },
      predictions,
      forecast,
      fitSeconds,
      inputs: mm ? [...names] : [targetName],
      message: m.fitMessage ?? null,
      diverged: m.fitOutcome?.diverged ?? false,
      divergedAtEpoch: m.fitOutcome?.divergedAtEpoch ?? null,
      keptEpoch: m.fitOutcome?.keptEpoch ?? null,
    };
  }
  return { split, scaler, scalers, columns: names, transforms: chain, models: out };
}
