// `rnnkit train --model ar` on a file read row by row (issue 14): the same experiment, metrics,
// report and saved model as the in-memory path (src/cli/forecast.ts), in memory that does not grow
// with the file. Two passes over the CSV:
//   1. validate every row and count them (n), which fixes the split and LTTB's buckets;
//   2. fit AR by incremental QR on everything before the test span (ARLeastSquares), accumulate
//      MASE's in-sample scale, keep the last p values before the test span and the test span itself,
//      the last dates (to continue them) and the ≤ CHART_POINTS points LTTB picks for the chart.
// The report code reads `dates`/`values` only at those positions, so it gets sparse arrays of
// length n holding just them.
//
// Taken when --stream is given, or by default for a file of STREAM_BYTES or more when the run is
// one this path does (AR, one column, no transforms); --stream on any other run is a one-line error.
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { data, forecast, models } from '../node.js';
import { saveModel, checkModelTarget } from '../io/model-files.js';
import { fileSize, seriesFileRows } from '../io/csv-stream.js';
import { LttbSampler, type ChartSeries } from '../plot/lttb.js';
import { ARLeastSquares, type ARForecaster } from '../models/ar.js';
import { CliError } from './errors.js';
import { checkReportDir } from './fs.js';
import { progressBar } from './progress.js';
import { CHART_POINTS, checkModelSize, checkProbabilistic, makeModel, type ModelName, printHuman, REPORT_FILES, summarize, transformSpecs, writeReport, type CliIO, type ModelFlags } from './forecast.js';

/** Files this large take the streamed path without --stream (when the run is one it does). */
export const STREAM_BYTES = 16 * 2 ** 20;

export interface StreamTrainFlags extends ModelFlags {
  data: string | string[];
  column?: string[];
  target?: string;
  model: string;
  fill?: data.FillMode;
  save?: string;
  out: string;
  stream?: boolean;
  shuffleBuffer?: number;
}

/** Why this run cannot be streamed, or null when it can. */
function cannotStream(o: StreamTrainFlags): string | null {
  if (!STREAM_MODELS.has(o.model)) return `--model ${o.model} trains from memory; --stream does ar, rnn, lstm, gru and mlp`;
  if (o.model !== 'ar' && (o.quantiles || o.likelihood || (o.outputSteps ?? 1) > 1)) return `--stream trains a point ${o.model} only (no --quantiles, --likelihood or --output-steps yet)`;
  if (typeof o.data !== 'string') return '--stream reads one --data file';
  if (o.column && o.column.length > 1) return '--stream reads one column (ar uses the target only): give one --column';
  if (transformSpecs(o).length > 0) return '--stream does not apply --log, --detrend or differences yet';
  return null;
}

const STREAM_MODELS = new Set(['ar', 'rnn', 'lstm', 'gru', 'mlp']);
/** Training windows a streamed neural run holds for shuffling (--shuffle-buffer; 0: time order). */
export const SHUFFLE_BUFFER = 10_000;

/** Whether `train` takes the streamed path: --stream, or a large file for an AR run (a neural run streams only with --stream: its shuffle order differs from the in-memory run's). */
export function wantsStream(o: StreamTrainFlags): boolean {
  if (o.shuffleBuffer !== undefined && !o.stream) throw new CliError('--shuffle-buffer applies to a streamed neural run: add --stream');
  if (o.stream) {
    const why = cannotStream(o);
    if (why) throw new CliError(why);
    return true;
  }
  if (cannotStream(o) !== null || o.model !== 'ar') return false;
  return fileSize(o.data as string, '--data') >= STREAM_BYTES;
}

/** A copy of a cell that does not keep the 1 MiB chunk it was cut from alive (V8 slices share their parent). */
function own(s: string): string {
  return s.length === 0 ? s : (' ' + s).slice(1);
}

/**
 * An array of length n that holds values only at the positions written (a Map behind a Proxy): the
 * report code indexes, slices and measures it like the full series. A plain array with `length = n`
 * would allocate n slots (80 MB at 10M rows).
 */
function sparse<T>(n: number): T[] {
  const m = new Map<number, T>();
  const index = (k: string | symbol): number => (typeof k === 'string' && /^(0|[1-9]\d*)$/.test(k) ? Number(k) : -1);
  return new Proxy([] as T[], {
    get: (t, k, r) => (k === 'length' ? n : index(k) >= 0 ? m.get(index(k)) : Reflect.get(t, k, r)),
    set: (t, k, v) => {
      if (index(k) < 0) return Reflect.set(t, k, v);
      m.set(index(k), v as T);
      return true;
    },
    has: (t, k) => (index(k) >= 0 ? m.has(index(k)) : Reflect.has(t, k)),
  });
}

/**
 * A full garbage collection, to call between passes, every COLLECT_ROWS rows and before the report:
 * V8 otherwise grows its old space with the allocation rate of a long pass (the rows' garbage) and
 * holds those pages through the report's rendering, so the peak RSS grew with the file (465 MB at
 * 1M rows, 616 MB at 10M; bench/RESULTS.md). A no-op where the runtime refuses --expose-gc.
 */
const collect: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => (gc as () => void)() : () => {};
  } catch {
    return () => {};
  }
})();
const COLLECT_ROWS = 1 << 20;

/** Test windows predicted per forward pass by a streamed neural run. */
const PREDICT_CHUNK = 4096;
type NeuralFitStream = (train: () => Iterable<number>, val: (() => Iterable<number>) | null, opts: { trainValues: number; shuffleBuffer?: number }) => forecast.EpochRecord[];

export async function runStreamTrain(o: StreamTrainFlags, io: CliIO): Promise<void> {
  const file = o.data as string;
  if (o.save) checkModelTarget(o.save, '--save');
  checkReportDir(resolve(o.out), REPORT_FILES, '--out');
  checkProbabilistic(o.model, o, false);
  if (o.model !== 'ar') checkModelSize(o.model as ModelName, o, 1);
  const readOpts = { columns: o.column, target: o.target ?? o.column?.[0], fill: o.fill };
  const rows = () => seriesFileRows(file, readOpts);

  // pass 1: every row checked, counted
  let n = 0;
  const it1 = rows();
  let r1 = it1.next();
  while (!r1.done) {
    n++;
    if (n % COLLECT_ROWS === 0) collect();
    r1 = it1.next();
  }
  const info = r1.value;
  collect();
  const target = info.target;
  const col = info.columns.indexOf(target);
  // AR is fitted unscaled on everything before the test span (as in memory); a neural model gets
  // a validation span and a scaler fitted on its training span
  const neural = o.model !== 'ar';
  const f: ModelFlags = neural ? o : { ...o, val: 0, scaler: 'none' };
  const p = f.seqLen;
  const split = data.timeSplit(n, { test: f.test, val: f.val, minTrain: p + 1 });
  const trainEnd = split.train[1], valEnd = split.val[1];
  const steps = f.steps;

  // pass 2: fit AR (or the scaler's sums), keep what the predictions, metrics and report read
  const bar = progressBar(o.model, !o.quiet && !o.json);
  const model = makeModel(o.model as ModelName, f, 1, bar.onProgress);
  const ar = model as ARForecaster;
  let sum = 0, lo = Infinity, hi = -Infinity;
  const persistence = new models.PersistenceForecaster();
  const ls = new ARLeastSquares(p);
  const season = f.season;
  const ring = new Float64Array(season);
  let scaleSum = 0;
  const keepFrom = Math.max(0, valEnd - p);
  const tail: number[] = [];
  const dates = sparse<string>(n), values = sparse<number>(n);
  const lastDates = 64;
  const sampler = new LttbSampler<string>(n, CHART_POINTS);
  let i = 0, fitSecondsNeural = 0;
  const t0 = Date.now();
  for (const row of rows()) {
    const v = row.values[col]!;
    if (neural && i < trainEnd) {
      sum += v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (i < valEnd) {
      if (!neural) ls.push(v);
      if (i >= season) scaleSum += Math.abs(v - ring[i % season]!);
      ring[i % season] = v;
    }
    if (i >= keepFrom) tail.push(v);
    if (i === 0 || i >= keepFrom || i >= n - lastDates) {
      dates[i] = own(row.date);
      values[i] = v;
    }
    // own(): a chunk-sliced date would keep its 64 KiB chunk alive while the sampler holds it (2,000 buckets × 64 KiB at 10M rows)
    sampler.push(i, v, own(row.date));
    i++;
    if (i % COLLECT_ROWS === 0) collect();
  }
  if (i !== n) throw new CliError(`--data ${file}: the file changed while it was read (${n} rows, then ${i})`);
  sampler.finish();
  collect();
  for (let k = 0; k < sampler.indices.length; k++) {
    sampler.payloads[k] = own(sampler.payloads[k]!);
    dates[sampler.indices[k]!] = sampler.payloads[k]!;
    values[sampler.indices[k]!] = sampler.ys[k]!;
  }
  // the column's values [from, to) read afresh (a neural run reads the file once per epoch)
  const column = function* (from: number, to: number, map: (v: number) => number): Generator<number> {
    let j = 0;
    for (const row of rows()) {
      if (j >= to) break;
      if (j >= from) yield map(row.values[col]!);
      j++;
    }
  };
  let scaler: data.Scaler;
  let hist: forecast.EpochRecord[] = [];
  if (neural) {
    // the scaler as in memory (StandardScaler/MinMaxScaler.fit, same sums in the same order) on [0, trainEnd)
    scaler = data.makeScaler(f.scaler);
    if (scaler instanceof data.StandardScaler) {
      const mean = sum / trainEnd;
      let ss = 0;
      for (const v of column(0, trainEnd, (x) => x)) ss += (v - mean) ** 2;
      scaler.mean = mean;
      scaler.std = Math.sqrt(ss / trainEnd);
    } else if (scaler instanceof data.MinMaxScaler) {
      scaler.min = lo;
      scaler.max = hi;
    }
    const sc = scaler;
    const z = (x: number) => sc.transform([x])[0]!;
    const t1 = Date.now();
    try {
      hist = (model as unknown as { fitStream: NeuralFitStream }).fitStream(() => column(0, trainEnd, z), valEnd > trainEnd ? () => column(trainEnd - p, valEnd, z) : null, { trainValues: trainEnd, shuffleBuffer: o.shuffleBuffer ?? SHUFFLE_BUFFER });
    } finally {
      bar.stop();
    }
    fitSecondsNeural = (Date.now() - t1) / 1000;
  } else {
    const fit = ls.solve();
    ar.intercept = fit.intercept;
    ar.coef = fit.coef;
    ar.sigma2 = fit.sigma2;
    scaler = new data.IdentityScaler().fit(tail);
  }
  const fitSeconds = neural ? fitSecondsNeural : (Date.now() - t0) / 1000;
  // the models read the scaled tail (index j is time keepFrom + j), as in memory; persistence too
  const zt = scaler.transform(tail);
  persistence.fit(zt.slice(0, valEnd - keepFrom));

  // predictions over the test span from the kept tail
  const start = valEnd - keepFrom;
  const testActual = tail.slice(start);
  if (valEnd <= season) throw new CliError(`--season ${season}: the in-sample series has ${valEnd} points; MASE needs more than ${season}`);
  const q = scaleSum / (valEnd - season);
  const chain = new forecast.TransformChain([]);
  // a neural model's one-step predictions in chunks: one batch of all test windows would hold [W, L, hidden] activations
  const oneStep = (m: forecast.Forecaster): number[] => {
    if (m !== model || !neural) return m.predictOneStep(zt, start);
    const outp: number[] = [];
    for (let k = start; k < zt.length; k += PREDICT_CHUNK) for (const v of m.predictOneStep(zt.slice(k - p, Math.min(zt.length, k + PREDICT_CHUNK)), p)) outp.push(v);
    return outp;
  };
  const result = (m: forecast.Forecaster): forecast.ModelResult => {
    const predictions = scaler.inverseTransform(oneStep(m));
    const fore = steps ? scaler.inverseTransform(m.forecast(zt, steps)) : [];
    let intervals: forecast.ModelIntervals | null = null;
    if (forecast.isProbabilistic(m) && m.levels) {
      intervals = {
        levels: [...m.levels],
        predictions: m.predictOneStepQuantiles(zt, start).map((qs) => scaler.inverseTransform(qs)),
        forecast: steps ? m.forecastQuantiles(zt, steps).map((qs) => scaler.inverseTransform(qs)) : m.levels.map(() => []),
      };
    }
    const pm = forecast.metrics(testActual, predictions);
    const trained = m === model && neural;
    return {
      name: m.name,
      test: { ...pm, mase: q === 0 ? NaN : pm.mae / q, ...(intervals ? forecast.intervalMetrics(testActual, { levels: intervals.levels, values: intervals.predictions }) : {}) },
      intervals, history: trained ? { train: hist.map((h) => h.train), val: hist.map((h) => h.val) } : { train: [], val: [] }, predictions, forecast: fore,
      fitSeconds: m === model ? fitSeconds : 0, inputs: [target], message: m.fitMessage ?? null,
      diverged: m.fitOutcome?.diverged ?? false, divergedAtEpoch: m.fitOutcome?.divergedAtEpoch ?? null, keptEpoch: m.fitOutcome?.keptEpoch ?? null,
    };
  };
  const out: Record<string, forecast.ModelResult> = Object.create(null);
  out[model.name] = result(model);
  out[persistence.name] = result(persistence);
  const res: forecast.ExperimentResult = { split, scaler, scalers: [scaler], columns: [target], transforms: chain, models: out };

  const columns = [target];
  let saved: string | null = null;
  if (o.save) {
    const m = out[model.name]!;
    saveModel(o.save, {
      kind: 'forecaster', model, columns, target, inputs: m.inputs, scalers: [scaler], fill: o.fill ?? null, transforms: chain.toJSON(),
      trainedOn: { points: n, first: dates[0]!, last: dates[n - 1]! },
      test: { ...m.test },
      training: { seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, dropout: o.dropout, season: o.season, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed, diverged: false, divergedAtEpoch: null, keptEpoch: null, message: m.message },
    }, '--save');
    saved = resolve(o.save);
  }
  const summary = { dataset: file, column: target, columns, target, streamed: true, ...summarize(res, dates, steps) };
  const chart: ChartSeries = { dates: sampler.payloads, values: sampler.ys, total: n, downsampled: !sampler.passthrough };
  collect();
  const { files } = await writeReport(resolve(o.out), target, dates, values, res, steps, summary, chart);
  const allFiles = saved ? { ...files, model: saved } : files;
  if (o.json) io.stdout(JSON.stringify({ ...summary, files: allFiles }) + '\n');
  else printHuman(io, `${file} (${target}; streamed)`, dates, values, res, allFiles);
}
