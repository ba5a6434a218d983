// `rnnkit demo`, `rnnkit train`, `rnnkit forecast` and `rnnkit fetch fred`: the time-series
// forecasting workflow of the tutorial's §5, with an honest held-out test.
//
// Multivariate input (`train --column a,b [--target b]`): the listed columns are read, the first
// (or --target) is the target. Each column gets its own scaler fitted on the training span. MLP and
// RNN read all columns at every step and predict all of them at the next step (so their
// free-running forecast feeds every column back); AR and persistence use the target only. Metrics,
// predictions, plots and forecasts are for the target; the JSON names the columns each model read
// (`inputs`). A model directory keeps the columns, the target and every column's scaler, and
// `forecast` reads the same columns from its CSV.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { data, forecast, models, plot } from '../node.js';
import { forecasterParameters } from '../io/model-dir.js';
import { svgToPng } from '../plot/png.js';
import { CliError } from './errors.js';
import { checkModelTarget, loadModel, saveModel } from '../io/model-files.js';
import { checkMemory } from '../memory.js';
import { checkReportDir, readTextFile, REPORT_FORMAT, checkOutputFile, writeFileAtomic, writeOutputFile } from './fs.js';
import { choiceOption, countOrFraction, floatOption, intOption, listOption, nonNegative } from './options.js';
import { progressBar } from './progress.js';
import { downsampleNote, downsampleSeries, lttb, type ChartSeries } from '../plot/lttb.js';
import { runStreamTrain, SHUFFLE_BUFFER, STREAM_BYTES, wantsStream } from './train-stream.js';
import { dataFiles, isPanelRun, runPanelForecast, runPanelTrain, type PanelForecastFlags, type PanelTrainFlags } from './global.js';

type Out = (s: string) => void;
export interface CliIO {
  stdout: Out;
  stderr: Out;
}

export const MODEL_NAMES = ['ar', 'mlp', 'rnn', 'lstm', 'gru', 'persistence', 'seasonal-naive', 'drift'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
/** What `train --model` accepts: every model but persistence, which always runs beside it. */
const TRAIN_MODELS = ['rnn', 'lstm', 'gru', 'mlp', 'ar', 'seasonal-naive', 'drift'] as const;
type TrainModel = (typeof TRAIN_MODELS)[number];
const NEURAL = new Set<string>(['mlp', 'rnn', 'lstm', 'gru']);

export interface ModelFlags {
  seqLen: number;
  hidden: number;
  layers: number;
  dropout: number;
  /** The season length m (seasonal-naive, MASE); default 1. */
  season: number;
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  test: number;
  val: number;
  scaler: data.ScalerKind;
  steps: number;
  quiet?: boolean;
  json?: boolean;
  difference?: number;
  seasonalDifference?: number;
  log?: boolean;
  detrend?: 'linear';
  /** --quantiles: levels of the pinball-trained head, the Gaussian head's or AR's interval. */
  quantiles?: number[];
  likelihood?: models.Likelihood;
  /** --output-steps H: direct multi-horizon (neural models). */
  outputSteps?: number;
}

/** --quantiles 0.1,0.5,0.9: increasing, distinct levels in (0, 1); one line otherwise. */
export function quantilesOption(v: string, prev?: number[]): number[] {
  const list = [...(prev ?? []), ...v.split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => {
    const q = Number(x);
    if (!Number.isFinite(q) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x)) throw new CliError(`--quantiles: '${x}' is not a number (give levels like 0.1,0.5,0.9)`);
    return q;
  })];
  try {
    forecast.checkQuantiles(list, '--quantiles');
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return list;
}

/** --quantiles, --likelihood and --output-steps (train, backtest). */
export function probabilisticOptions(cmd: Command): Command {
  return cmd
    .option('--quantiles <levels>', 'forecast these quantile levels, e.g. 0.1,0.5,0.9: neural models emit one output per level trained with the pinball loss; with --likelihood gaussian, or for ar (its analytic interval), the levels read off the normal', quantilesOption)
    .option('--likelihood <kind>', 'gaussian: neural models emit a mean and a log-variance trained with the Gaussian NLL (intervals at --quantiles, default 0.1,0.5,0.9); ar reports its analytic interval; quantile: the pinball loss (implied by --quantiles)', choiceOption('likelihood', models.LIKELIHOODS))
    .option('--output-steps <h>', 'direct multi-horizon: the neural model emits H values at once from each window (Darts BlockRNN) instead of forecasting recursively', intOption('output-steps'));
}

/** The target transforms the flags ask for, in the declared order (log, detrend, seasonal difference, difference). */
export function transformSpecs(o: Pick<ModelFlags, 'difference' | 'seasonalDifference' | 'log' | 'detrend'>): forecast.TransformSpec[] {
  const specs: forecast.TransformSpec[] = [];
  if (o.log) specs.push(forecast.log());
  if (o.detrend) specs.push(forecast.detrend(o.detrend));
  if (o.seasonalDifference !== undefined) specs.push(forecast.seasonalDifference(o.seasonalDifference));
  if (o.difference !== undefined) specs.push(forecast.difference(o.difference));
  return forecast.canonicalOrder(specs);
}

/** --difference, --seasonal-difference, --log, --detrend: fitted on the training span, inverted on the way out. */
export function transformOptions(cmd: Command): Command {
  return cmd
    .option('--difference <d>', 'model the d-th differences of the target (inverted on the way out; the usual fix for a trending series)', intOption('difference'))
    .option('--seasonal-difference <m>', 'model y_t − y_{t−m} (m: the season length, e.g. 12 for monthly data)', intOption('seasonal-difference'))
    .option('--log', 'model the log of the target (every value must be > 0)')
    .option('--detrend <method>', 'subtract a trend fitted on the training span: linear', choiceOption('detrend', ['linear'] as const));
}

/** `inputSize` (C) is the number of columns the neural models read and predict; AR and persistence read the target only. */
export function makeModel(name: ModelName, f: ModelFlags, inputSize: number, onProgress?: (e: import('../train/fit.js').ProgressEvent) => void): forecast.Forecaster {
  const neural = {
    inputSize, seqLen: f.seqLen, hidden: f.hidden, layers: f.layers, dropout: f.dropout, epochs: f.epochs, lr: f.lr, batchSize: f.batchSize, seed: f.seed, callbacks: { onProgress },
    ...(f.quantiles ? { quantiles: f.quantiles } : {}), ...(f.likelihood ? { likelihood: f.likelihood } : {}), ...(f.outputSteps ? { outputSteps: f.outputSteps } : {}),
  };
  const levels = f.quantiles ?? (f.likelihood ? [...forecast.DEFAULT_LEVELS] : undefined);
  switch (name) {
    case 'ar': return new models.ARForecaster({ p: f.seqLen, levels });
    case 'mlp': return new models.MLPForecaster(neural);
    case 'rnn': return new models.RNNForecaster(neural);
    case 'lstm': return new models.LSTMForecaster(neural);
    case 'gru': return new models.GRUForecaster(neural);
    case 'persistence': return new models.PersistenceForecaster();
    case 'seasonal-naive': return new models.SeasonalNaiveForecaster({ m: f.season });
    case 'drift': return new models.DriftForecaster();
  }
}

/** The input columns of an experiment: the target's values and name, and any covariates (other columns). */
interface Inputs {
  target: string;
  values: number[];
  covariates: forecast.Covariate[];
}

/**
 * Trains the models, evaluates on the held-out test span and forecasts past the end. The
 * persistence benchmark always runs on levels: on differences it would be another model.
 */
function runModels(input: Inputs, names: ModelName[], f: ModelFlags): { res: forecast.ExperimentResult; trained: Map<string, forecast.Forecaster> } {
  const show = !f.quiet && !f.json;
  const bars = names.map((n) => progressBar(n, show));
  const list = names.map((n, i) => makeModel(n, f, 1 + input.covariates.length, bars[i]!.onProgress));
  const transforms = transformSpecs(f);
  const onLevels = transforms.length > 0 && names.length > 1 ? list.filter((m) => m.name === 'persistence') : [];
  try {
    const run = (models: forecast.Forecaster[], tf: forecast.TransformSpec[]) => forecast.runExperiment(input.values, models, {
      test: f.test, val: f.val, scaler: f.scaler, forecastSteps: f.steps, minTrain: f.seqLen + 1,
      targetName: input.target, covariates: input.covariates, transforms: tf, season: f.season,
      onModelStart: (n) => bars.forEach((b, i) => { if (names[i] !== n) b.stop(); }),
    });
    const res = run(list.filter((m) => !onLevels.includes(m)), transforms);
    if (onLevels.length > 0) Object.assign(res.models, run(onLevels, []).models);
    return { res, trained: new Map(list.map((m) => [m.name, m])) };
  } finally {
    for (const b of bars) b.stop();
  }
}

/** The files a report writes; results.json carries the marker that makes the folder ours. */
export const REPORT_FILES = ['loss.svg', 'loss.png', 'forecast.svg', 'forecast.png', 'report.html', 'results.json'];

/**
 * Refuses sizes that would not fit in memory before anything is read or built: the parameters
 * with their gradients and Adam's two moments, and the activations of one batch.
 */
export function checkModelSize(name: ModelName, f: ModelFlags, columns: number): void {
  if (name !== 'mlp' && name !== 'rnn' && name !== 'lstm' && name !== 'gru') return;
  const params = forecasterParameters(name, f.seqLen, f.hidden, f.layers, columns);
  const activations = f.batchSize * f.seqLen * f.hidden * f.layers * 4;
  checkMemory(`--model ${name} --hidden ${f.hidden} --layers ${f.layers} --seq-len ${f.seqLen} (${params} parameters)`, (params * 4 + activations) * 4);
}

interface Report {
  files: Record<string, string>;
}

/** Writes loss curves and actual-vs-predicted (SVG and PNG), report.html and results.json into dir. */
/** Most points a chart draws of a series (more are downsampled with LTTB: a 1M-point SVG is 15 MB). */
export const CHART_POINTS = 2000;

/** `sampled`: the series already downsampled (a streamed run keeps only those points of `values`). */
export async function writeReport(dir: string, title: string, dates: string[], values: number[], res: forecast.ExperimentResult, steps: number, summary: object, sampled?: ChartSeries): Promise<Report> {
  checkReportDir(dir, REPORT_FILES, '--out');
  const testStart = res.split.test[0];
  const chart = sampled ?? downsampleSeries(dates, values, CHART_POINTS);
  const tIdx = dates.length - testStart > CHART_POINTS ? lttb(values.slice(testStart), CHART_POINTS) : null;
  const thin = <T,>(a: readonly T[]): T[] => (tIdx ? tIdx.map((i) => a[i]!) : [...a]);
  const testDates = thin(dates.slice(testStart));
  const future = data.nextDates(dates, steps);
  const histories = Object.fromEntries(Object.entries(res.models).filter(([, m]) => m.history.train.length > 0).map(([k, m]) => [k, { train: m.history.train, val: m.history.val.some((v) => v !== null) ? m.history.val : null }]));
  const colors = plot.modelColors(Object.keys(res.models));
  // closed-form models (AR, persistence) have no loss curve: an AR-only run has no loss chart
  const trainedByEpochs = Object.keys(histories).length > 0;
  const anyVal = Object.values(histories).some((h) => h.val !== null);
  const lossSvg = trainedByEpochs ? await plot.renderSvg(plot.lossCurvesSpec(histories, { colors, title: `${title}: loss per epoch (per element${res.scaler.kind === 'none' ? '' : ', scaled units'})`, logScale: true })) : null;
  const avpSvg = await plot.renderSvg(plot.actualVsPredictedSpec({
    colors,
    title: `${title}: test-span one-step predictions and ${steps}-step forecast${chart.downsampled || tIdx ? ' (downsampled, LTTB)' : ''}`,
    dates: chart.dates, actual: chart.values, testStart: dates[testStart],
    predictions: Object.fromEntries(Object.entries(res.models).map(([k, m]) => [k, { dates: testDates, values: thin(m.predictions) }])),
    forecast: steps > 0 ? Object.fromEntries(Object.entries(res.models).map(([k, m]) => [k, { dates: future, values: m.forecast }])) : undefined,
    bands: Object.fromEntries(Object.entries(res.models).filter(([, m]) => m.intervals).map(([k, m]) => {
      const iv = m.intervals!, lv = iv.levels, Q = lv.length;
      const label = `${Number((100 * (lv[Q - 1]! - lv[0]!)).toFixed(4))}% (q${lv[0]}–q${lv[Q - 1]})`;
      return [k, [
        { dates: testDates, lower: thin(iv.predictions[0]!), upper: thin(iv.predictions[Q - 1]!), label: `one-step ${label}` },
        ...(steps > 0 ? [{ dates: future, lower: iv.forecast[0]!, upper: iv.forecast[Q - 1]!, label: `forecast ${label}` }] : []),
      ]];
    })),
  }));
  const rows = Object.values(res.models).map((m) => [m.name, m.test.rmse, m.test.mae, m.test.mape, m.fitSeconds]);
  const html = plot.htmlReport({
    title: `rnnkit: ${title}`,
    subtitle: [
      `train ${res.split.train[1]} points`,
      ...(res.split.val[1] > res.split.val[0] ? [`validation ${res.split.val[1] - res.split.val[0]}`] : []),
      `test ${res.split.test[1] - res.split.test[0]} (one-step-ahead, original scale)`,
      ...(res.scaler.kind !== 'none' ? [`scaler ${res.scaler.kind} fitted on the training span${res.columns.length > 1 ? `, one per column (${res.columns.join(', ')})` : ''}`] : []),
    ].join(' · '),
    metrics: { columns: ['model', 'RMSE', 'MAE', 'MAPE %', 'fit s'], rows },
    charts: [...(lossSvg ? [{ title: anyVal ? 'Loss curves (train solid, validation dashed)' : 'Loss curves (train)', svg: lossSvg }] : []), { title: 'Actual vs predicted', svg: avpSvg }],
    notes: [
      'Test predictions are one-step-ahead: each uses the true values before it (statsmodels AutoReg dynamic=False). The forecast past the end is free-running: each prediction is fed back.',
      ...(res.split.val[1] > res.split.val[0] ? ['The tutorial printed its training-set loss as "validation"; here the validation loss is measured on a held-out span before the test span.'] : []),
      ...(chart.downsampled ? [downsampleNote(chart)] : []),
      ...(tIdx ? [`The test span is downsampled the same way: ${tIdx.length} of its ${dates.length - testStart} points.`] : []),
      ...(res.columns.length > 1 ? [`Inputs: ${Object.values(res.models).map((m) => `${m.name} ${m.inputs.join(', ')}`).join('; ')}. Multivariate models predict every column; metrics and plots are for the target ${res.columns[0]}.`] : []),
    ],
  });
  const files: Record<string, string> = {
    ...(lossSvg ? { lossSvg: join(dir, 'loss.svg'), lossPng: join(dir, 'loss.png') } : {}),
    forecastSvg: join(dir, 'forecast.svg'), forecastPng: join(dir, 'forecast.png'),
    report: join(dir, 'report.html'), results: join(dir, 'results.json'),
  };
  if (lossSvg) {
    writeFileAtomic(files.lossSvg!, lossSvg);
    writeFileAtomic(files.lossPng!, svgToPng(lossSvg));
  }
  writeFileAtomic(files.forecastSvg, avpSvg);
  writeFileAtomic(files.forecastPng, svgToPng(avpSvg));
  writeFileAtomic(files.report, html);
  writeFileAtomic(files.results, JSON.stringify({ format: REPORT_FORMAT, ...summary, files }, null, 2) + '\n');
  return { files };
}

export function summarize(res: forecast.ExperimentResult, dates: string[], steps: number) {
  const future = data.nextDates(dates, steps);
  const r6 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
  return {
    split: { train: res.split.train, val: res.split.val, test: res.split.test, testDates: [dates[res.split.test[0]], dates[res.split.test[1] - 1]] },
    scaler: res.scaler.toJSON(),
    scalers: Object.fromEntries(res.columns.map((c, i) => [c, res.scalers[i]!.toJSON()])),
    models: Object.fromEntries(Object.entries(res.models).map(([k, m]) => [k, {
      inputs: m.inputs,
      test: {
        rmse: r6(m.test.rmse), mae: r6(m.test.mae), mape: r6(m.test.mape), smape: r6(m.test.smape), mase: r6(m.test.mase),
        ...(m.intervals ? { coverage: r6(m.test.coverage!), nominal: r6(m.intervals.levels.at(-1)! - m.intervals.levels[0]!), width: r6(m.test.width!), pinball: r6(m.test.pinball!) } : {}),
      },
      ...(m.intervals ? {
        intervals: {
          levels: m.intervals.levels,
          predictions: Object.fromEntries(m.intervals.levels.map((q, j) => [forecast.levelKey(q), m.intervals!.predictions[j]!.map(r6)])),
          forecast: future.map((d, k) => ({ date: d, ...Object.fromEntries(m.intervals!.levels.map((q, j) => [forecast.levelKey(q), r6(m.intervals!.forecast[j]![k]!)])) })),
        },
      } : {}),
      history: { train: m.history.train.map(r6), val: m.history.val.map((v) => (v === null ? null : r6(v))) },
      predictions: m.predictions.map(r6),
      forecast: m.forecast.map((v, i) => ({ date: future[i], value: r6(v) })),
      fitSeconds: r6(m.fitSeconds),
      diverged: m.diverged,
      divergedAtEpoch: m.divergedAtEpoch,
      keptEpoch: m.keptEpoch,
      message: m.message,
    }])),
  };
}

export function printHuman(io: CliIO, title: string, dates: string[], values: number[], res: forecast.ExperimentResult, files: Record<string, string>): void {
  const withIntervals = Object.values(res.models).filter((m) => m.intervals);
  const rows = Object.values(res.models).map((m) => [m.name, m.test.rmse, m.test.mae, m.test.mape, m.test.smape, m.test.mase, ...(withIntervals.length > 0 ? (m.intervals ? [m.test.coverage!, m.test.width!, m.test.pinball!] : ['', '', '']) : [])]);
  const [t0, t1] = res.split.test;
  io.stdout(`${title}: ${values.length} points ${dates[0]} .. ${dates.at(-1)}; test = last ${t1 - t0} (${dates[t0]} .. ${dates[t1 - 1]}), one-step-ahead\n\n`);
  io.stdout(plot.metricsTable(['model', 'RMSE', 'MAE', 'MAPE %', 'sMAPE %', 'MASE', ...(withIntervals.length > 0 ? ['coverage', 'width', 'pinball'] : [])], rows) + '\n\n');
  for (const m of withIntervals) {
    const lv = m.intervals!.levels;
    io.stdout(`interval (${m.name}): levels ${lv.join(', ')}; coverage is the share of test points inside [q${lv[0]}, q${lv.at(-1)}], nominal ${Number((lv.at(-1)! - lv[0]!).toFixed(6))}\n`);
  }
  if (withIntervals.length > 0) io.stdout('\n');
  for (const m of Object.values(res.models)) if (m.message) io.stdout(`note (${m.name}): ${m.message}\n\n`);
  // actual plus the best two by test RMSE: five models in box characters are unreadable (every model is in forecast.png)
  const scored = Object.values(res.models).map((m) => ({ name: m.name, values: m.predictions, score: m.test.rmse }));
  io.stdout(plot.bestSeriesChart({ name: 'actual', values: values.slice(t0) }, scored, { keep: 2, scoreName: 'test RMSE', height: 10, colors: process.stdout.isTTY }) + '\n\n');
  for (const [k, p] of Object.entries(files)) io.stdout(`${k.padEnd(12)} ${p}\n`);
}

/** One-line refusals of --quantiles/--likelihood/--output-steps where they cannot apply, before any training. */
export function checkProbabilistic(model: string, f: Pick<ModelFlags, 'quantiles' | 'likelihood' | 'outputSteps'>, multivariate?: boolean): void {
  const neural = NEURAL.has(model);
  if (f.outputSteps !== undefined && f.outputSteps > 1 && !neural) throw new CliError(`--output-steps applies to mlp, rnn, lstm and gru (${model} forecasts recursively)`);
  if ((f.quantiles || f.likelihood) && !neural && model !== 'ar') throw new CliError(`--quantiles and --likelihood apply to mlp, rnn, lstm, gru and ar, not ${model}`);
  if (model === 'ar' && f.likelihood === 'quantile') throw new CliError('--likelihood quantile: ar has no pinball-trained head; its interval is analytic (Gaussian): use --quantiles alone or --likelihood gaussian');
  if (f.likelihood === 'quantile' && !f.quantiles) throw new CliError('--likelihood quantile needs --quantiles (the levels to train), e.g. --quantiles 0.1,0.5,0.9');
  if (multivariate && (f.quantiles || f.likelihood || (f.outputSteps ?? 1) > 1)) throw new CliError('--quantiles, --likelihood and --output-steps need a single input column (drop the covariates from --column)');
}

function commonModelOptions(cmd: Command, d: { epochs: number }): Command {
  return cmd
    .option('--seq-len <n>', 'window length (lags for AR)', intOption('seq-len'), 6)
    .option('--hidden <n>', 'hidden units', intOption('hidden'), 10)
    .option('--layers <n>', 'recurrent layers (rnn, lstm, gru)', intOption('layers'), 1)
    .option('--dropout <p>', 'dropout between recurrent layers (rnn, lstm, gru with --layers > 1)', nonNegative('dropout', { below: 1 }), 0)
    .option('--season <m>', 'season length m: the seasonal-naive model\'s lag and the MASE scale (12 for monthly data; 1 = naive)', intOption('season'), 1)
    .option('--epochs <n>', 'training epochs', intOption('epochs'), d.epochs)
    .option('--lr <x>', 'Adam learning rate', floatOption('lr', { positive: true }), 0.01)
    .option('--batch-size <n>', 'mini-batch size', intOption('batch-size'), 4)
    .option('--seed <n>', 'seed for initial weights and shuffling', intOption('seed', 0), 0)
    .option('--test <n>', 'test span: last N points, or a fraction', countOrFraction('test'), 12)
    .option('--val <n>', 'validation span before the test span (neural models), N or a fraction; 0 for none', countOrFraction('val', true), 6)
    .option('--scaler <kind>', 'standard, minmax or none (fitted on the training span)', choiceOption('scaler', ['standard', 'minmax', 'none'] as const), 'standard')
    .option('--steps <n>', 'free-running forecast steps past the end', intOption('steps', 0), 12)
    .option('--json', 'print one JSON object on stdout')
    .option('-q, --quiet', 'no progress bars');
}

export function registerForecastCommands(program: Command, io: CliIO): void {
  commonModelOptions(
    program.command('demo').description("the tutorial's GS10 experiment: AR, MLP, RNN and persistence on a time-ordered split, with a report"),
    { epochs: 20 },
  )
    .option('--out <dir>', 'report directory', 'rnnkit-out')
    .action(async (o: ModelFlags & { out: string }) => {
      const s = data.gs10();
      data.nextDates(s.dates, o.steps); // a --steps past the year 9999 is refused before training
      checkModelSize('rnn', o, 1);
      checkModelSize('mlp', o, 1);
      checkReportDir(resolve(o.out), REPORT_FILES, '--out');
      const { res } = runModels({ target: 'GS10', values: s.values, covariates: [] }, ['ar', 'mlp', 'rnn', 'persistence'], o);
      const summary = { dataset: 'GS10 (bundled, FRED)', columns: ['GS10'], target: 'GS10', ...summarize(res, s.dates, o.steps) };
      const { files } = await writeReport(resolve(o.out), 'GS10', s.dates, s.values, res, o.steps, summary);
      if (o.json) io.stdout(JSON.stringify({ ...summary, files }) + '\n');
      else printHuman(io, 'GS10 10-year treasury yield (%)', s.dates, s.values, res, files);
    });

  probabilisticOptions(transformOptions(commonModelOptions(
    program.command('train').description('train one model (plus the persistence baseline) on a CSV series'),
    { epochs: 20 },
  )))
    .requiredOption('--data <file>', 'CSV with a date column and numeric columns (FRED format works); repeated: one series per file, one global model across them', dataFiles)
    .option('--id-column <name>', 'long-format CSV: this column names the series of each row; trains one global model across the series (per-series scalers), scored per series and pooled')
    .option('--future-column <names>', 'columns known in the future (e.g. a planned promotion): the model reads them at the step it predicts (a global model; forecasts need their future values, --future)', listOption)
    .option('--calendar <features>', `known-future calendar features from the dates, as sin/cos of the cycle: ${forecast.CALENDAR_FEATURES.join(', ')} (a global model)`, listOption)
    .option('--future <file>', 'the future values of --future-column columns: the same layout (id column, date, the columns), the rows after each series\' end')
    .option('--column <names>', 'input column(s), comma-separated or repeated; the first is the target unless --target names another. Several columns = multivariate input: mlp/rnn read and predict every column (each scaled on its own, fitted on the training span), ar and persistence use the target only; metrics are for the target (default: the only/first numeric column)', listOption)
    .option('--target <name>', 'the column to forecast, one of --column (default: the first); without --column it is used alone')
    .requiredOption('--model <name>', TRAIN_MODELS.join(', '), choiceOption('model', TRAIN_MODELS))
    .option('--fill <mode>', 'repair missing values: ffill, interpolate or drop', choiceOption('fill', ['ffill', 'interpolate', 'drop'] as const))
    .option('--save <path>', 'write the trained model directory here, or one model file when the path ends in .safetensors')
    .option('--out <dir>', 'report directory', 'rnnkit-out')
    .option('--stream', `read the CSV row by row, in memory that does not grow with the file (ar, rnn, lstm, gru, mlp; one column; the default for an ar run on a file of ${STREAM_BYTES / 2 ** 20} MiB or more); a neural model reads the file once per epoch, shuffling its windows through a buffer`)
    .option('--shuffle-buffer <n>', `--stream, neural models: training windows held for shuffling (default ${SHUFFLE_BUFFER}; 0 keeps the time order)`, intOption('shuffle-buffer', 0))
    .action(async (o: ModelFlags & { data: string; column?: string[]; target?: string; model: TrainModel; fill?: data.FillMode; save?: string; out: string; stream?: boolean; shuffleBuffer?: number }) => {
      // several series or known-future covariates: one global model (src/cli/global.ts)
      if (isPanelRun(o as unknown as PanelTrainFlags)) return runPanelTrain(o as unknown as PanelTrainFlags, io);
      // a file too large to hold, or --stream: src/cli/train-stream.ts (issue 14)
      if (wantsStream(o)) return runStreamTrain(o, io);
      // refuse a bad --save or --out before any training, and check the sizes against the memory cap
      if (o.save) checkModelTarget(o.save, '--save');
      checkReportDir(resolve(o.out), REPORT_FILES, '--out');
      checkProbabilistic(o.model, o, o.column && o.column.length > 1);
      const table = readSeries(o.data, o.column, o.fill, o.target);
      // without --column only the target is used (a CSV's other columns do not become inputs unasked)
      const columns = o.column ? Object.keys(table.columns) : [table.target];
      checkModelSize(o.model, o, columns.length);
      data.nextDates(table.dates, o.steps); // a --steps past the year 9999 is refused before training
      const values = table.columns[table.target]!;
      const covariates = columns.filter((c) => c !== table.target).map((name) => ({ name, values: table.columns[name]! }));
      // AR is fitted in closed form on everything before the test span, unscaled (it is affine-equivariant):
      // an AR run uses no validation span and no scaler, and its report says so
      const flags = !NEURAL.has(o.model) ? { ...o, val: 0, scaler: 'none' as const } : o;
      const { res, trained } = runModels({ target: table.target, values, covariates }, [o.model, 'persistence'], flags);
      // a neural model on levels cannot reach values it never saw in training: say so, and what helps
      const warnings: string[] = [];
      const ex = NEURAL.has(o.model) && transformSpecs(o).length === 0 ? forecast.rangeExcursion(values.slice(0, res.split.test[0]), values.slice(res.split.test[0])) : null;
      if (ex) {
        const fmt = (x: number) => Number(x.toPrecision(4));
        warnings.push(`the test span (${fmt(ex.testMin)} .. ${fmt(ex.testMax)}) leaves the training range (${fmt(ex.trainMin)} .. ${fmt(ex.trainMax)}) by ${Math.round(100 * ex.beyond)}% of its width (more than ${100 * forecast.RANGE_MARGIN}%); a ${o.model} trained on levels cannot extrapolate there: try --difference 1 (or --detrend linear), see docs/forecasting.md`);
      }
      if (!o.json) for (const w of warnings) io.stderr(`warning: ${w}\n`);
      let saved: string | null = null;
      if (o.save) {
        const m = res.models[o.model]!;
        const t = trained.get(o.model)!;
        saveModel(o.save, {
          kind: 'forecaster', model: t, columns, target: table.target, inputs: m.inputs,
          scalers: m.inputs.map((c) => res.scalers[res.columns.indexOf(c)]!), fill: o.fill ?? null, transforms: res.transforms.toJSON(),
          trainedOn: { points: values.length, first: table.dates[0]!, last: table.dates.at(-1)! },
          test: { ...m.test },
          training: { seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, dropout: o.dropout, season: o.season, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed, diverged: m.diverged ?? false, divergedAtEpoch: m.divergedAtEpoch ?? null, keptEpoch: m.keptEpoch ?? null, message: m.message },
        }, '--save');
        saved = resolve(o.save);
      }
      const summary = { dataset: o.data, column: table.target, columns, target: table.target, ...summarize(res, table.dates, o.steps) };
      const { files } = await writeReport(resolve(o.out), table.target, table.dates, values, res, o.steps, summary);
      const allFiles = saved ? { ...files, model: saved } : files;
      if (o.json) io.stdout(JSON.stringify({ ...summary, ...(warnings.length > 0 ? { warnings } : {}), files: allFiles }) + '\n');
      else printHuman(io, `${o.data} (${table.target}${columns.length > 1 ? `; inputs ${columns.join(', ')}` : ''})`, table.dates, values, res, allFiles);
    });

  program.command('forecast')
    .description('forecast past the end of a CSV series with a saved model directory')
    .requiredOption('--model <dir>', 'model directory written by `rnnkit train --save`')
    .requiredOption('--data <file>', 'CSV with the series (the same columns the model was trained on); a global model: the long-format CSV, or one file per series (repeated)', dataFiles)
    .option('--future <file>', 'a global model with future columns: their values at the forecast dates (id column, date, the columns)')
    .option('--column <names>', 'the CSV columns to read in place of the saved ones, in the saved order (default: the columns in the model config)', listOption)
    .option('--fill <mode>', 'ffill, interpolate or drop', choiceOption('fill', ['ffill', 'interpolate', 'drop'] as const))
    .option('--steps <n>', 'steps past the end', intOption('steps'), 12)
    .option('--csv <file>', 'also write the forecast as CSV (date, forecast and one column per quantile level)')
    .option('--force', 'overwrite an existing --csv file')
    .option('--json', 'print one JSON object on stdout')
    .action((o: { model: string; data: string; column?: string[]; fill?: data.FillMode; steps: number; csv?: string; force?: boolean; json?: boolean }) => {
      if (o.csv) checkOutputFile(o.csv, { option: '--csv', force: o.force });
      const saved = loadModel(o.model, { source: o.model });
      if (saved.kind !== 'forecaster') throw new CliError(`--model ${o.model}: a ${saved.kind} directory, not a forecaster (use \`rnnkit lm generate\`)`);
      if (saved.panel) return runPanelForecast(saved, o as unknown as PanelForecastFlags, io);
      if (Array.isArray(o.data)) throw new CliError(`--data given ${(o.data as string[]).length} times: the model in ${o.model} forecasts one series (one file)`);
      const { model, scalers, columns, target, inputs } = saved;
      if (o.column && o.column.length !== columns.length) {
        throw new CliError(`--column: the model in ${o.model} was trained on ${columns.length} column${columns.length === 1 ? '' : 's'} (${columns.join(', ')}); got ${o.column.length} (${o.column.join(', ')})`);
      }
      // saved column name → the column of this CSV that stands in for it
      const fileName = new Map(columns.map((c, i) => [c, o.column?.[i] ?? c]));
      const read = inputs.map((c) => fileName.get(c)!);
      const text = readTextFile(o.data, '--data');
      const header = csvHeader(text);
      const missing = read.filter((c) => header !== null && !header.includes(c));
      if (missing.length > 0) {
        throw new CliError(`${o.data}: missing column${missing.length === 1 ? '' : 's'} ${missing.map((c) => `"${c}"`).join(', ')}; the model in ${o.model} reads ${read.join(', ')} (the file has ${header!.join(', ')})`);
      }
      // the fill mode saved with the model, unless --fill overrides it
      const fill = o.fill ?? saved.fill ?? undefined;
      const table = data.parseSeriesCsv(text, { source: o.data, columns: read, target: fileName.get(target)!, fill });
      const values = table.columns[table.target]!;
      // the saved transforms (fitted on the training span) apply to the target; the other columns
      // lose the same first points so the columns stay aligned
      const chain = new forecast.TransformChain(saved.transforms ?? []);
      const L = chain.lost;
      if (values.length <= L) throw new CliError(`${o.data}: ${values.length} values, but the model's transforms (${chain.describe()}) need more than ${L}`);
      const cols = inputs.map((c, i) => (i === 0 ? chain.transform(values) : table.columns[fileName.get(c)!]!.slice(L)));
      const z = cols.map((col, i) => scalers[i]!.transform(col));
      const zf = z.length === 1 ? model.forecast(z[0]!, o.steps) : (model as forecast.MultivariateForecaster).forecastMultivariate(z, o.steps)[0]!;
      const pred = chain.invertForecast(scalers[0]!.inverseTransform(zf), values);
      const bad = pred.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new CliError(`--model ${o.model}: the ${model.name} forecast is not finite at step ${bad + 1} (${pred[bad]}); the model cannot be trusted on this data`);
      const dates = data.nextDates(table.dates, o.steps);
      const r6 = (v: number) => Number(v.toPrecision(6));
      // quantiles: each level's forecast inverted like the point forecast (increasing maps keep their order)
      const levels = z.length === 1 && forecast.isProbabilistic(model) && model.levels ? [...model.levels] : [];
      const quant = levels.length > 0 ? forecast.originalQuantiles(model as forecast.ProbabilisticForecaster, z[0]!, o.steps, (q) => chain.invertForecast(scalers[0]!.inverseTransform(q), values)) : [];
      const keys = levels.map(forecast.levelKey);
      const rows = pred.map((v, i) => ({ date: dates[i]!, value: r6(v), ...(levels.length > 0 ? { quantiles: Object.fromEntries(keys.map((k, j) => [k, r6(quant[j]![i]!)])) } : {}) }));
      const direct = 'outputSteps' in model && typeof model.outputSteps === 'number' && model.outputSteps > 1 ? model.outputSteps : 1;
      const how = direct > 1 ? `direct, ${direct} steps per forward pass` : 'free-running';
      if (o.csv) {
        const lines = [['date', 'forecast', ...keys].join(','), ...rows.map((r, i) => [r.date, r.value, ...quant.map((q) => r6(q[i]!))].join(','))];
        writeOutputFile(o.csv, lines.join('\n') + '\n', { option: '--csv', force: o.force });
      }
      if (o.json) io.stdout(JSON.stringify({ model: model.name, column: table.target, columns: read, target: table.target, fill: fill ?? null, transforms: chain.toJSON(), ...(levels.length > 0 ? { levels } : {}), ...(direct > 1 ? { outputSteps: direct } : {}), lastObserved: { date: table.dates.at(-1), value: values.at(-1) }, forecast: rows, ...(o.csv ? { csv: resolve(o.csv) } : {}) }) + '\n');
      else {
        io.stdout(`${model.name} forecast of ${table.target}, ${o.steps} steps after ${table.dates.at(-1)} (${how}${fill ? `; missing values: ${fill}` : ''}${chain.length > 0 ? `; transforms: ${chain.describe()}` : ''})\n\n`);
        io.stdout(plot.metricsTable(['date', 'forecast', ...keys], rows.map((r, i) => [r.date, r.value, ...quant.map((q) => r6(q[i]!))])) + '\n');
        if (o.csv) io.stdout(`\ncsv ${resolve(o.csv)}\n`);
      }
    });

  const fetchCmd = program.command('fetch').description('download data');
  fetchCmd.command('fred')
    .description('download a FRED series as CSV (needs network access)')
    .argument('<series>', 'FRED series id, e.g. GS10')
    .option('--out <file>', 'output CSV (default: SERIES.csv)')
    .option('--base-url <url>', 'FRED CSV endpoint (for mirrors and tests)')
    .option('--force', 'overwrite an existing --out file')
    .action(async (series: string, o: { out?: string; baseUrl?: string; force?: boolean }) => {
      const out = o.out ?? `${series}.csv`;
      checkOutputFile(out, { option: '--out', force: o.force }); // refuse before the download
      const text = await data.fetchFredCsv(series, { baseUrl: o.baseUrl });
      writeOutputFile(out, text, { option: '--out', force: o.force });
      const rows = text.trim().split(/\r?\n/).length - 1;
      io.stdout(`wrote ${out} (${rows} rows)\n`);
    });
}

/** Reads the CSV's `columns` (all value columns when undefined); the target is `target`, else the first. */
function readSeries(file: string, columns: string[] | undefined, fill: data.FillMode | undefined, target?: string): data.SeriesTable {
  const text = readTextFile(file, '--data');
  return data.parseSeriesCsv(text, { source: file, columns, target: target ?? columns?.[0], fill });
}

/** The header's column names (first record; quoted names allowed), or null when it cannot be read simply. */
function csvHeader(text: string): string[] | null {
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '');
  if (line === undefined) return null;
  const names: string[] = [];
  let field = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') { quoted = true; field = ''; }
    else if (ch === ',') { names.push(field.trim()); field = ''; }
    else field += ch;
  }
  if (quoted) return null; // a header spanning lines: leave it to the CSV reader
  names.push(field.trim());
  return names;
}
