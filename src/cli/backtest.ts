// `rnnkit backtest`: rolling-origin evaluation of one or more models on a CSV series (see
// src/forecast/backtest.ts for the definition). For each origin among the last --test points
// (every --stride), each model is fitted on everything before it (--retrain every|never|N) and
// forecasts --horizon steps recursively (a neural model with --output-steps H forecasts directly,
// H values per forward pass); the last point of each forecast is scored. Prints the
// metrics per model, a per-horizon error table and a terminal chart; writes one chart per model
// (its forecast from every origin over the actuals) and results.json into --out.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { data, forecast, models as modelsNs, plot } from '../node.js';
import { svgToPng } from '../plot/png.js';
import { CliError } from './errors.js';
import { checkModelSize, checkProbabilistic, makeModel, MODEL_NAMES, type ModelFlags, type ModelName, quantilesOption, transformOptions, transformSpecs } from './forecast.js';

import { checkReportDir, readTextFile, REPORT_FORMAT, writeFileAtomic } from './fs.js';
import { dataFiles, isPanelRun, runPanelBacktest, type PanelBacktestFlags } from './global.js';
import { choiceOption, countOrFraction, intOption, listOption, networkOptions } from './options.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

interface BacktestFlags extends Omit<ModelFlags, 'val' | 'steps'> {
  data: string;
  column?: string;
  fill?: data.FillMode;
  model: string[];
  horizon: number;
  stride: number;
  retrain: forecast.Retrain;
  allPoints?: boolean;
  out: string;
}

/** every | never | N ≥ 1. */
function retrainOption(v: string): forecast.Retrain {
  if (v === 'every' || v === 'never') return v;
  if (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number.isSafeInteger(Number(v))) return Number(v);
  throw new CliError(`--retrain must be every, never or an integer N ≥ 1 (refit every N-th origin), got '${v}'`);
}

/** A fit counter per model on stderr, only on a terminal and never with --quiet or --json. */
function fitBars(enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return { onFit: () => {}, stop: () => {} };
  const multi = new cliProgress.MultiBar({ stream: process.stderr, format: '{model} {bar} fit {value}/{total}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onFit: (model: string, done: number, total: number) => {
      let b = bars.get(model);
      if (!b) bars.set(model, (b = multi.create(total, 0, { model: model.padEnd(14) })));
      b.update(done);
    },
    stop: () => multi.stop(),
  };
}

const BASELINES = new Set<string>(['persistence', 'seasonal-naive', 'drift']);

const r6 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);
const metricsJSON = (m: forecast.Metrics) => ({ rmse: r6(m.rmse), mae: r6(m.mae), mape: r6(m.mape), smape: r6(m.smape), mase: r6(m.mase) });

const intervalJSON = (x: forecast.IntervalMetrics) => ({ coverage: r6(x.coverage), width: r6(x.width), pinball: r6(x.pinball) });
const intervalsJSON = (iv: forecast.BacktestIntervals, originDates: string[]) => ({
  levels: iv.levels, metrics: intervalJSON(iv.metrics), perHorizon: iv.perHorizon.map((x, j) => ({ h: j + 1, ...intervalJSON(x) })),
  ...(iv.allPoints ? { allPoints: intervalJSON(iv.allPoints) } : {}),
  quantiles: iv.quantiles.map((q, k) => ({ origin: originDates[k], values: Object.fromEntries(iv.levels.map((l, j) => [forecast.levelKey(l), q[j]!.map(r6)])) })),
});
const bandLabel = (lv: readonly number[]) => `${Number(((lv.at(-1)! - lv[0]!) * 100).toFixed(4))}% (q${lv[0]}–q${lv.at(-1)})`;

export function registerBacktestCommand(program: Command, io: CliIO): void {
  transformOptions(networkOptions(program.command('backtest')
    .description('rolling-origin backtest: refit before each origin in the test span, forecast --horizon steps, score the last point of each forecast')
    .requiredOption('--data <file>', 'CSV with a date column and a numeric column (FRED format works); repeated: one series per file, one global model across them', dataFiles)
    .option('--id-column <name>', 'long-format CSV: this column names the series of each row; backtests one global network across the series (per-series scalers), scored per series and pooled')
    .option('--future-column <names>', 'columns known in the future, read at the step predicted (a global network)', listOption)
    .option('--calendar <features>', 'known-future calendar features from the dates (sin/cos): month, quarter, weekday (a global network)', listOption)
    .option('--target <name>', 'a global network: the column to forecast (default: the first that is not a future column)')
    .option('--column <name>', 'the column to forecast (default: the only/first numeric column)')
    .option('--fill <mode>', 'repair missing values: ffill, interpolate or drop', choiceOption('fill', ['ffill', 'interpolate', 'drop'] as const))
    .requiredOption('--model <names>', `models, comma-separated or repeated: ${MODEL_NAMES.join(', ')}`, listOption)
    .option('--test <n>', 'test span: last N points, or a fraction; the forecast origins lie in it', countOrFraction('test'), 12)
    .option('--horizon <h>', 'steps forecast from each origin (recursively); the last one is scored', intOption('horizon'), 1)
    .option('--stride <n>', 'positions between origins', intOption('stride'), 1)
    .option('--retrain <when>', 'every (refit at each origin), never (fit once before the first origin), or N (every N-th origin)', retrainOption, 'every' as forecast.Retrain)
    .option('--all-points', 'also score every step 1..H of every forecast, pooled')
    .option('--output-steps <h>', 'neural models emit H values at once from each window (direct multi-horizon, Darts BlockRNN); with H ≥ --horizon each forecast is one forward pass', intOption('output-steps'))
    .option('--quantiles <levels>', 'mlp/rnn/lstm/gru (pinball loss) and ar (analytic interval) also forecast these quantile levels, e.g. 0.1,0.5,0.9; scored by coverage, width and pinball loss per step', quantilesOption)
    .option('--likelihood <kind>', 'gaussian: the neural models emit a mean and a log-variance (Gaussian NLL; intervals at --quantiles, default 0.1,0.5,0.9); ar gives its analytic interval', choiceOption('likelihood', modelsNs.LIKELIHOODS))
    .option('--season <m>', 'season length m: seasonal-naive lag and the MASE scale (1 = naive)', intOption('season'), 1), '')
    .option('--seed <n>', 'seed for initial weights and shuffling (the same at every refit)', intOption('seed', 0), 0)
    .option('--scaler <kind>', 'neural models: standard, minmax or none (refitted with the model)', choiceOption('scaler', ['standard', 'minmax', 'none'] as const), 'standard')
    .option('--out <dir>', 'report directory', 'rnnkit-backtest')
    .option('--json', 'print one JSON object on stdout')
    .option('-q, --quiet', 'no progress bars'))
    .action(async (o: BacktestFlags) => {
      if (isPanelRun(o as unknown as PanelBacktestFlags)) return runPanelBacktest({ ...(o as unknown as PanelBacktestFlags), models: [...new Set(o.model)] }, io);
      const names = [...new Set(o.model)];
      for (const n of names) if (!(MODEL_NAMES as readonly string[]).includes(n)) throw new CliError(`--model must be among ${MODEL_NAMES.join(', ')}; got '${n}'`);
      const modelNames = names as ModelName[];
      const flags: ModelFlags = { ...o, val: 0, steps: 0 };
      if (o.outputSteps !== undefined && o.outputSteps > 1 && !modelNames.some((n) => !BASELINES.has(n) && n !== 'ar')) throw new CliError('--output-steps applies to mlp, rnn, lstm and gru; none is among --model');
      for (const n of modelNames) checkModelSize(n, flags, 1);
      // intervals for the models that make them (neural heads, AR's analytic one); the benchmarks stay points
      const interval = o.quantiles !== undefined || o.likelihood !== undefined;
      if (interval) {
        const able = modelNames.filter((n) => !BASELINES.has(n));
        if (able.length === 0) throw new CliError('--quantiles and --likelihood apply to mlp, rnn, lstm, gru and ar; none is among --model');
        for (const n of able) checkProbabilistic(n, o);
      }
      const flagsFor = (n: ModelName): ModelFlags => (BASELINES.has(n) ? { ...flags, quantiles: undefined, likelihood: undefined } : flags);
      const outDir = resolve(o.out);
      const files = [...modelNames.flatMap((n) => [`backtest-${n}.svg`, `backtest-${n}.png`]), 'results.json'];
      checkReportDir(outDir, files, '--out');
      const text = readTextFile(o.data, '--data');
      const table = data.parseSeriesCsv(text, { source: o.data, columns: o.column ? [o.column] : undefined, target: o.column, fill: o.fill });
      const values = table.columns[table.target]!;
      const bars = fitBars(!o.quiet && !o.json);
      let res: forecast.BacktestResult;
      try {
        // the benchmarks stay on levels: persistence on differences would be a different model
        res = forecast.backtest(values, modelNames.map((n) => ({ name: n, make: () => makeModel(n, flagsFor(n), 1), ...(BASELINES.has(n) ? { transforms: [] } : {}) })), {
          test: o.test, horizon: o.horizon, stride: o.stride, retrain: o.retrain, allPoints: o.allPoints, season: o.season,
          scaler: o.scaler, transforms: transformSpecs(o), onFit: bars.onFit,
        });
      } finally {
        bars.stop();
      }
      const dates = table.dates;
      const H = res.horizon;
      const zeros = forecast.zeroActuals(values.slice(res.testStart));
      const summary = {
        dataset: o.data, column: table.target, points: values.length,
        test: { start: res.testStart, points: values.length - res.testStart, dates: [dates[res.testStart], dates.at(-1)] },
        horizon: H, stride: res.stride, retrain: res.retrain, season: o.season,
        transforms: new forecast.TransformChain(transformSpecs(o)).describe(),
        untransformed: transformSpecs(o).length > 0 ? modelNames.filter((n) => BASELINES.has(n)) : [],
        origins: res.origins.map((i) => dates[i]), scoredPoints: res.origins.length,
        models: Object.fromEntries(Object.values(res.models).map((m) => [m.name, {
          metrics: metricsJSON(m.metrics),
          ...(m.allPoints ? { allPoints: metricsJSON(m.allPoints) } : {}),
          perHorizon: m.perHorizon.map((h) => ({ h: h.h, n: h.n, ...metricsJSON(h.metrics) })),
          lastPoints: m.lastPoints.positions.map((p, k) => ({ date: dates[p], actual: values[p], predicted: r6(m.lastPoints.predicted[k]!) })),
          forecasts: m.forecasts.map((f, k) => ({ origin: dates[res.origins[k]!], values: f.map(r6) })),
          fits: m.fits, fitSeconds: r6(m.fitSeconds),
          ...(m.intervals ? { intervals: intervalsJSON(m.intervals, res.origins.map((i) => dates[i]!)) } : {}),
        }])),
      };
      // one chart per model: the actuals (from a little before the test span) and the forecast from every origin
      const from = Math.max(0, res.testStart - 3 * (values.length - res.testStart));
      const colors = plot.modelColors(modelNames);
      const written: Record<string, string> = {};
      for (const m of Object.values(res.models)) {
        const byOrigin = Object.fromEntries(m.forecasts.map((f, k) => [`${m.name} from ${dates[res.origins[k]!]}`, { dates: dates.slice(res.origins[k]!, res.origins[k]! + H), values: f }]));
        const lastKey = `${m.name}, step ${H} (scored)`;
        const svg = await plot.renderSvg(plot.actualVsPredictedSpec({
          title: `${table.target}: ${m.name} backtest, ${H}-step forecasts from ${res.origins.length} origins (retrain ${res.retrain})`,
          dates: dates.slice(from), actual: values.slice(from), testStart: dates[res.testStart],
          predictions: { [lastKey]: { dates: m.lastPoints.positions.map((p) => dates[p]!), values: m.lastPoints.predicted } },
          forecast: H > 1 ? byOrigin : undefined,
          lineLabels: { predictions: `step-${H} forecast (scored)`, forecast: 'forecasts from each origin' },
          // the scored step-H interval from every origin, shaded in the model's colour
          ...(m.intervals ? { bands: { [lastKey]: [{ dates: m.lastPoints.positions.map((p) => dates[p]!), lower: m.intervals.quantiles.map((q) => q[0]![H - 1]!), upper: m.intervals.quantiles.map((q) => q.at(-1)![H - 1]!), label: bandLabel(m.intervals.levels) }] } } : {}),
          colors: { [lastKey]: colors[m.name]!, ...Object.fromEntries(Object.keys(byOrigin).map((k) => [k, colors[m.name]!])) },
        }));
        written[`${m.name}Svg`] = join(outDir, `backtest-${m.name}.svg`);
        written[`${m.name}Png`] = join(outDir, `backtest-${m.name}.png`);
        writeFileAtomic(written[`${m.name}Svg`]!, svg);
        writeFileAtomic(written[`${m.name}Png`]!, svgToPng(svg));
      }
      written.results = join(outDir, 'results.json');
      writeFileAtomic(written.results, JSON.stringify({ format: REPORT_FORMAT, ...summary, files: written }, null, 2) + '\n');
      if (zeros > 0) io.stderr(`warning: ${zeros} actual value${zeros === 1 ? ' is' : 's are'} 0 in the test span; MAPE leaves ${zeros === 1 ? 'it' : 'them'} out (sMAPE and MASE count every point)\n`);
      if (o.json) {
        io.stdout(JSON.stringify({ ...summary, files: written }) + '\n');
        return;
      }
      const t1 = values.length - 1;
      io.stdout(`${o.data} (${table.target}): ${values.length} points; test = last ${values.length - res.testStart} (${dates[res.testStart]} .. ${dates[t1]})\n`);
      io.stdout(`horizon ${H}, stride ${res.stride}, retrain ${res.retrain}${summary.transforms !== 'no transforms' ? `, transforms: ${summary.transforms}${summary.untransformed.length > 0 ? ` (baselines ${summary.untransformed.join(', ')} on levels)` : ''}` : ''}: ${res.origins.length} origins, scoring the step-${H} forecast from each (${res.origins.length} points)\n\n`);
      const rows = Object.values(res.models).map((m) => [m.name, m.metrics.rmse, m.metrics.mae, m.metrics.mape, m.metrics.smape, m.metrics.mase, m.fits]);
      io.stdout(plot.metricsTable(['model', 'RMSE', 'MAE', 'MAPE %', 'sMAPE %', `MASE (m=${o.season})`, 'fits'], rows) + '\n\n');
      if (o.allPoints) {
        io.stdout(`all steps 1..${H} pooled (${res.origins.length * H} points):\n`);
        io.stdout(plot.metricsTable(['model', 'RMSE', 'MAE', 'MAPE %', 'sMAPE %', 'MASE'], Object.values(res.models).map((m) => [m.name, m.allPoints!.rmse, m.allPoints!.mae, m.allPoints!.mape, m.allPoints!.smape, m.allPoints!.mase])) + '\n\n');
      }
      const withIntervals = Object.values(res.models).filter((m) => m.intervals);
      if (withIntervals.length > 0) {
        const lv = withIntervals[0]!.intervals!.levels;
        io.stdout(`intervals [q${lv[0]}, q${lv.at(-1)}] (nominal coverage ${Number((lv.at(-1)! - lv[0]!).toFixed(6))}), by step ahead over all ${res.origins.length} origins:\n`);
        const rows = withIntervals.flatMap((m) => m.intervals!.perHorizon.map((x, j) => [m.name, j + 1, x.coverage, x.width, x.pinball]));
        io.stdout(plot.metricsTable(['model', 'h', 'coverage', 'width', 'pinball'], rows) + '\n\n');
      }
      io.stdout('RMSE by step ahead (same origins):\n');
      const ms = Object.values(res.models);
      io.stdout(plot.metricsTable(['h', ...ms.map((m) => m.name)], Array.from({ length: H }, (_, j) => [j + 1, ...ms.map((m) => m.perHorizon[j]!.metrics.rmse)])) + '\n\n');
      const first = res.origins[0]! + H - 1;
      const series = new Map<string, (number | null)[]>([['actual', values.slice(first)]]);
      for (const m of ms) series.set(m.name, m.lastPoints.predicted.length === values.length - first ? m.lastPoints.predicted : values.slice(first).map((_, i) => {
        const k = m.lastPoints.positions.indexOf(first + i);
        return k < 0 ? null : m.lastPoints.predicted[k]!;
      }));
      io.stdout(plot.terminalChart(series, { height: 10, colors: process.stdout.isTTY }) + '\n\n');
      for (const [k, p] of Object.entries(written)) io.stdout(`${k.padEnd(16)} ${p}\n`);
    });
}
