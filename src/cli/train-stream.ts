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
import { data, forecast, models } from '../node.js';
import { saveModel, checkModelTarget } from '../io/model-files.js';
import { fileSize, seriesFileRows } from '../io/csv-stream.js';
import { LttbSampler, type ChartSeries } from '../plot/lttb.js';
import { ARLeastSquares, type ARForecaster } from '../models/ar.js';
import { CliError } from './errors.js';
import { checkReportDir } from './fs.js';
import { CHART_POINTS, checkProbabilistic, makeModel, printHuman, REPORT_FILES, summarize, transformSpecs, writeReport, type CliIO, type ModelFlags } from './forecast.js';

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
}

/** Why this run cannot be streamed, or null when it can. */
function cannotStream(o: StreamTrainFlags): string | null {
  if (o.model !== 'ar') return `--model ${o.model} trains from memory; --stream does --model ar (a streamed neural run is not implemented yet)`;
  if (typeof o.data !== 'string') return '--stream reads one --data file';
  if (o.column && o.column.length > 1) return '--stream reads one column (ar uses the target only): give one --column';
  if (transformSpecs(o).length > 0) return '--stream does not apply --log, --detrend or differences yet';
  return null;
}

/** Whether `train` takes the streamed path: --stream, or a large file for a run it can do. */
export function wantsStream(o: StreamTrainFlags): boolean {
  if (o.stream) {
    const why = cannotStream(o);
    if (why) throw new CliError(why);
    return true;
  }
  if (cannotStream(o) !== null) return false;
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

export async function runStreamTrain(o: StreamTrainFlags, io: CliIO): Promise<void> {
  const file = o.data as string;
  if (o.save) checkModelTarget(o.save, '--save');
  checkReportDir(resolve(o.out), REPORT_FILES, '--out');
  checkProbabilistic(o.model, o, false);
  const readOpts = { columns: o.column, target: o.target ?? o.column?.[0], fill: o.fill };
  const rows = () => seriesFileRows(file, readOpts);

  // pass 1: every row checked, counted
  let n = 0;
  const it1 = rows();
  let r1 = it1.next();
  while (!r1.done) {
    n++;
    r1 = it1.next();
  }
  const info = r1.value;
  const target = info.target;
  const col = info.columns.indexOf(target);
  const f: ModelFlags = { ...o, val: 0, scaler: 'none' };
  const p = f.seqLen;
  const split = data.timeSplit(n, { test: f.test, val: 0, minTrain: p + 1 });
  const valEnd = split.val[1];
  const steps = f.steps;

  // pass 2: fit, keep what the predictions, metrics and report read
  const ar = makeModel('ar', f, 1) as ARForecaster;
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
  let i = 0;
  const t0 = Date.now();
  for (const row of rows()) {
    const v = row.values[col]!;
    if (i < valEnd) {
      ls.push(v);
      if (i >= season) scaleSum += Math.abs(v - ring[i % season]!);
      ring[i % season] = v;
    }
    if (i >= keepFrom) tail.push(v);
    if (i === 0 || i >= keepFrom || i >= n - lastDates) {
      dates[i] = own(row.date);
      values[i] = v;
    }
    sampler.push(i, v, row.date);
    i++;
  }
  if (i !== n) throw new CliError(`--data ${file}: the file changed while it was read (${n} rows, then ${i})`);
  sampler.finish();
  for (let k = 0; k < sampler.indices.length; k++) {
    sampler.payloads[k] = own(sampler.payloads[k]!);
    dates[sampler.indices[k]!] = sampler.payloads[k]!;
    values[sampler.indices[k]!] = sampler.ys[k]!;
  }
  const fit = ls.solve();
  ar.intercept = fit.intercept;
  ar.coef = fit.coef;
  ar.sigma2 = fit.sigma2;
  const fitSeconds = (Date.now() - t0) / 1000;
  persistence.fit(tail.slice(0, valEnd - keepFrom));

  // predictions over the test span from the kept tail: index j of `tail` is time keepFrom + j
  const start = valEnd - keepFrom;
  const testActual = tail.slice(start);
  if (valEnd <= season) throw new CliError(`--season ${season}: the in-sample series has ${valEnd} points; MASE needs more than ${season}`);
  const q = scaleSum / (valEnd - season);
  const scaler = new data.IdentityScaler().fit(testActual);
  const chain = new forecast.TransformChain([]);
  const result = (m: forecast.Forecaster): forecast.ModelResult => {
    const predictions = m.predictOneStep(tail, start);
    const fore = steps ? m.forecast(tail, steps) : [];
    let intervals: forecast.ModelIntervals | null = null;
    if (forecast.isProbabilistic(m) && m.levels) {
      intervals = {
        levels: [...m.levels],
        predictions: m.predictOneStepQuantiles(tail, start),
        forecast: steps ? m.forecastQuantiles(tail, steps) : m.levels.map(() => []),
      };
    }
    const pm = forecast.metrics(testActual, predictions);
    return {
      name: m.name,
      test: { ...pm, mase: q === 0 ? NaN : pm.mae / q, ...(intervals ? forecast.intervalMetrics(testActual, { levels: intervals.levels, values: intervals.predictions }) : {}) },
      intervals, history: { train: [], val: [] }, predictions, forecast: fore,
      fitSeconds: m === ar ? fitSeconds : 0, inputs: [target], message: m.fitMessage ?? null,
      diverged: false, divergedAtEpoch: null, keptEpoch: null,
    };
  };
  const out: Record<string, forecast.ModelResult> = Object.create(null);
  out[ar.name] = result(ar);
  out[persistence.name] = result(persistence);
  const res: forecast.ExperimentResult = { split, scaler, scalers: [scaler], columns: [target], transforms: chain, models: out };

  const columns = [target];
  let saved: string | null = null;
  if (o.save) {
    const m = out[ar.name]!;
    saveModel(o.save, {
      kind: 'forecaster', model: ar, columns, target, inputs: m.inputs, scalers: [scaler], fill: o.fill ?? null, transforms: chain.toJSON(),
      trainedOn: { points: n, first: dates[0]!, last: dates[n - 1]! },
      test: { ...m.test },
      training: { seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, dropout: o.dropout, season: o.season, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed, diverged: false, divergedAtEpoch: null, keptEpoch: null, message: m.message },
    }, '--save');
    saved = resolve(o.save);
  }
  const summary = { dataset: file, column: target, columns, target, streamed: true, ...summarize(res, dates, steps) };
  const chart: ChartSeries = { dates: sampler.payloads, values: sampler.ys, total: n, downsampled: !sampler.passthrough };
  const { files } = await writeReport(resolve(o.out), target, dates, values, res, steps, summary, chart);
  const allFiles = saved ? { ...files, model: saved } : files;
  if (o.json) io.stdout(JSON.stringify({ ...summary, files: allFiles }) + '\n');
  else printHuman(io, `${file} (${target}; streamed)`, dates, values, res, allFiles);
}
