// One forecasting experiment, done the careful way: a time-ordered split, a scaler fitted on the
// training span only, each model fitted on training data (neural models also see a validation
// span carved from its end; AR's least squares uses the whole training span), one-step-ahead
// predictions over the test span (each from the true values before it), a free-running forecast
// past the end, and metrics on the original scale.
import { timeSplit, type SplitSpans } from '../data/split.js';
import { makeScaler, type ScalerKind, type Scaler } from '../data/scaler.js';
import { metrics, type Metrics } from './metrics.js';
import type { EpochRecord, Forecaster } from './types.js';

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
}

export interface ModelResult {
  name: string;
  test: Metrics;
  history: { train: number[]; val: (number | null)[] };
  /** One-step-ahead predictions over the test span, original scale. */
  predictions: number[];
  /** Free-running forecast after the last observation, original scale. */
  forecast: number[];
  /** Wall-clock seconds spent fitting. */
  fitSeconds: number;
}

export interface ExperimentResult {
  split: SplitSpans;
  scaler: Scaler;
  models: Record<string, ModelResult>;
}

export function runExperiment(series: readonly number[], models: readonly Forecaster[], opts: ExperimentOptions): ExperimentResult {
  const n = series.length;
  const split = timeSplit(n, { test: opts.test, val: opts.val ?? 0, minTrain: opts.minTrain });
  const [trainEnd, valEnd] = [split.train[1], split.val[1]];
  // fitted on the training span only: validation and test never shape the scaling
  const scaler = makeScaler(opts.scaler ?? 'standard').fit(series.slice(0, trainEnd));
  const z = scaler.transform(series);
  const testActual = series.slice(valEnd);
  const out: Record<string, ModelResult> = {};
  for (const m of models) {
    opts.onModelStart?.(m.name);
    const t0 = Date.now();
    // neural models train on [0, trainEnd) and validate on [trainEnd, valEnd); closed-form ones fit
    // on the whole training span [0, valEnd)
    const neural = m.name === 'mlp' || m.name === 'rnn';
    const hist: EpochRecord[] = neural ? m.fit(z.slice(0, trainEnd), z.slice(trainEnd, valEnd)) : m.fit(z.slice(0, valEnd));
    const fitSeconds = (Date.now() - t0) / 1000;
    const predictions = scaler.inverseTransform(m.predictOneStep(z, valEnd));
    const forecast = opts.forecastSteps ? scaler.inverseTransform(m.forecast(z, opts.forecastSteps)) : [];
    out[m.name] = {
      name: m.name,
      test: metrics(testActual, predictions),
      history: { train: hist.map((h) => h.train), val: hist.map((h) => h.val) },
      predictions,
      forecast,
      fitSeconds,
    };
  }
  return { split, scaler, models: out };
}
