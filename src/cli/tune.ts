// `rnnkit tune`: grid or random search over a model's hyperparameters, scored by a rolling-origin
// backtest MASE on a validation span placed before the test span (see src/forecast/tune.ts). The
// test span is never read by the search; the best configuration is scored on it once, at the end.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { data, forecast, plot } from '../node.js';
import { CliError } from './errors.js';
import { checkModelSize, makeModel, type ModelFlags, transformOptions, transformSpecs } from './forecast.js';
import { readTextFile } from './fs.js';
import { choiceOption, countOrFraction, intOption, networkOptions } from './options.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const TUNE_MODELS = ['rnn', 'lstm', 'gru', 'mlp', 'ar'] as const;
type TuneModel = (typeof TUNE_MODELS)[number];

/** What can be searched: the flag's name, the ModelFlags key, and what a value must be. */
const PARAMS = {
  hidden: { key: 'hidden', integer: true, min: 1 },
  layers: { key: 'layers', integer: true, min: 1 },
  'seq-len': { key: 'seqLen', integer: true, min: 1 },
  epochs: { key: 'epochs', integer: true, min: 1 },
  'batch-size': { key: 'batchSize', integer: true, min: 1 },
  // learning rates span decades: a range is drawn log-uniformly
  lr: { key: 'lr', integer: false, min: 0, log: true },
  dropout: { key: 'dropout', integer: false, min: 0, below: 1 },
} as const satisfies Record<string, { key: keyof ModelFlags; integer: boolean; min: number; log?: boolean; below?: number }>;
type ParamName = keyof typeof PARAMS;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function checkValue(name: ParamName, text: string): number {
  const p = PARAMS[name];
  const v = Number(text);
  const what = p.integer ? `an integer ≥ ${p.min}` : 'below' in p ? `a number in [${p.min}, ${p.below})` : `a number > ${p.min}`;
  const ok = NUMBER.test(text) && Number.isFinite(v) && (p.integer ? Number.isInteger(v) && v >= p.min : 'below' in p ? v >= p.min && v < p.below : v > p.min);
  if (!ok) throw new CliError(`--grid ${name}: '${text}' is not ${what}`);
  return v;
}

/** `name=v1,v2,…` (a list) or `name=low..high` (a range, random search only); one line per mistake. */
export function parseGrid(specs: readonly string[]): Record<string, forecast.ParamSpace> {
  const space: Record<string, forecast.ParamSpace> = {};
  for (const spec of specs) {
    const m = /^([a-z-]+)=(.*)$/.exec(spec.trim());
    if (!m) throw new CliError(`--grid: '${spec}' is not name=values (e.g. hidden=16,32 or lr=0.001..0.03)`);
    const name = m[1]!, rhs = m[2]!.trim();
    if (!(name in PARAMS)) throw new CliError(`--grid: unknown parameter '${name}' (searchable: ${Object.keys(PARAMS).join(', ')})`);
    if (name in space) throw new CliError(`--grid: ${name} is given twice`);
    const p = PARAMS[name as ParamName];
    const range = /^(.+)\.\.(.+)$/.exec(rhs);
    if (range) {
      const low = checkValue(name as ParamName, range[1]!.trim()), high = checkValue(name as ParamName, range[2]!.trim());
      if (low > high) throw new CliError(`--grid ${name}: the range ${low}..${high} runs backwards`);
      space[name] = { low, high, integer: p.integer, log: 'log' in p ? p.log : false };
    } else {
      const items = rhs.split(',').map((x) => x.trim());
      if (items.some((x) => x === '')) throw new CliError(`--grid ${name}: empty value in '${rhs}' (give values like ${name}=${p.integer ? '16,32' : '0.01,0.003'})`);
      const values = items.map((x) => checkValue(name as ParamName, x));
      if (new Set(values).size !== values.length) throw new CliError(`--grid ${name}: a value is repeated in '${rhs}'`);
      space[name] = { values };
    }
  }
  if (Object.keys(space).length === 0) throw new CliError('--grid: give at least one parameter, e.g. --grid hidden=16,32 lr=0.01,0.003');
  return space;
}

/** The most configurations a grid may hold: each is a full backtest. */
const MAX_CONFIGS = 1000;

interface TuneFlags extends Omit<ModelFlags, 'val' | 'steps' | 'test'> {
  data: string;
  column?: string;
  fill?: data.FillMode;
  model: TuneModel;
  grid: string[];
  random?: number;
  test: number;
  val: number;
  horizon: number;
  retrain: forecast.Retrain;
}

function retrainOption(v: string): forecast.Retrain {
  if (v === 'every' || v === 'never') return v;
  if (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number.isSafeInteger(Number(v))) return Number(v);
  throw new CliError(`--retrain must be every, never or an integer N ≥ 1, got '${v}'`);
}

const r6 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);
const metricsJSON = (m: forecast.Metrics) => ({ rmse: r6(m.rmse), mae: r6(m.mae), mape: r6(m.mape), smape: r6(m.smape), mase: r6(m.mase) });
const describe = (c: forecast.Config) => Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ');

export function registerTuneCommand(program: Command, io: CliIO): void {
  transformOptions(networkOptions(program.command('tune')
    .description('grid or random search of one model\'s hyperparameters by backtest MASE on a validation span before the test span; the best is scored on the test span once')
    .requiredOption('--data <file>', 'CSV with a date column and a numeric column (FRED format works)')
    .option('--column <name>', 'the column to forecast (default: the only/first numeric column)')
    .option('--fill <mode>', 'repair missing values: ffill, interpolate or drop', choiceOption('fill', ['ffill', 'interpolate', 'drop'] as const))
    .requiredOption('--model <name>', TUNE_MODELS.join(', '), choiceOption('model', TUNE_MODELS))
    .requiredOption('--grid <specs...>', `parameters to search, each name=v1,v2 (a list) or name=low..high (a range, with --random; lr log-uniform): ${Object.keys(PARAMS).join(', ')}`)
    .option('--random <n>', 'random search: draw N configurations (seeded by --seed) instead of trying the whole grid', intOption('random'))
    .option('--test <n>', 'test span: last N points or a fraction; never read by the search', countOrFraction('test'), 12)
    .option('--val <n>', 'validation span just before the test span: the backtest origins of the search (N or a fraction)', countOrFraction('val'), 12)
    .option('--horizon <h>', 'steps forecast from each origin; the last one is scored', intOption('horizon'), 1)
    .option('--retrain <when>', 'never (default: fit once before the first origin), every, or N', retrainOption, 'never' as forecast.Retrain)
    .option('--season <m>', 'season length m: the MASE scale (1 = naive)', intOption('season'), 1), ', unless searched')
    .option('--seed <n>', 'seed for the random search, initial weights and shuffling', intOption('seed', 0), 0)
    .option('--scaler <kind>', 'neural models: standard, minmax or none', choiceOption('scaler', ['standard', 'minmax', 'none'] as const), 'standard')
    .option('--json', 'print one JSON object on stdout')
    .option('-q, --quiet', 'no progress bar'))
    .action((o: TuneFlags) => {
      const space = parseGrid(o.grid);
      if (o.model === 'ar') for (const k of Object.keys(space)) if (k !== 'seq-len') throw new CliError(`--grid ${k}: ar is fitted in closed form; only seq-len (its lags) can be searched`);
      let configs: forecast.Config[];
      try {
        if (o.random !== undefined) configs = forecast.randomConfigs(space, o.random, o.seed);
        else {
          const size = Object.values(space).reduce((a, s) => a * ('values' in s ? s.values.length : 1), 1);
          if (size > MAX_CONFIGS) throw new CliError(`--grid: ${size} configurations (more than ${MAX_CONFIGS}); shrink the lists or use --random N`);
          configs = forecast.gridConfigs(space);
        }
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError((e as Error).message.replace(/^tune: /, o.random !== undefined ? '--random: ' : '--grid: '));
      }
      const flagsFor = (c: forecast.Config): ModelFlags => {
        const f: ModelFlags = { ...o, val: 0, steps: 0 };
        for (const [k, v] of Object.entries(c)) (f as unknown as Record<string, number>)[PARAMS[k as ParamName].key] = Number(v);
        return f;
      };
      for (const c of configs) checkModelSize(o.model, flagsFor(c), 1);
      const text = readTextFile(o.data, '--data');
      const table = data.parseSeriesCsv(text, { source: o.data, columns: o.column ? [o.column] : undefined, target: o.column, fill: o.fill });
      const values = table.columns[table.target]!;
      const dates = table.dates;
      const transforms = transformSpecs(o);
      let split: forecast.TuneResult['split'];
      try {
        split = forecast.tuneSplit(values.length, o.test, o.val);
      } catch (e) {
        throw new CliError(`--test/--val: ${(e as Error).message.replace(/^tune: /, '')}`);
      }
      const btOpts = { horizon: o.horizon, retrain: o.retrain, season: o.season, scaler: o.scaler, transforms };
      const show = !o.quiet && !o.json && process.stderr.isTTY;
      const bar = show ? new cliProgress.SingleBar({ stream: process.stderr, format: `tune ${o.model} {bar} {value}/{total} configurations | best MASE {best} | ETA {eta_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
      bar?.start(configs.length, 0, { best: '-' });
      let bestSoFar = Infinity;
      let res: forecast.TuneResult;
      try {
        res = forecast.tune(values, (c) => ({ name: o.model, make: () => makeModel(o.model, flagsFor(c), 1) }), configs, {
          ...btOpts, test: o.test, val: o.val,
          onTrial: (done, _total, t) => {
            if (Number.isFinite(t.objective)) bestSoFar = Math.min(bestSoFar, t.objective);
            bar?.update(done, { best: Number.isFinite(bestSoFar) ? bestSoFar.toFixed(4) : '-' });
          },
        });
      } finally {
        bar?.stop();
      }
      // the benchmark on the same validation origins: a winner that does not beat it has found nothing
      const V = split.val[1] - split.val[0];
      const naiveVal = forecast.backtest(values.slice(0, split.test[0]), [{ name: 'persistence', make: () => makeModel('persistence', flagsFor({}), 1), transforms: [] }], { ...btOpts, test: V }).models.persistence!.metrics;
      // the test span, once: the best configuration and persistence, backtested over the full series
      const T = split.test[1] - split.test[0];
      const final = forecast.backtest(values, [
        { name: o.model, make: () => makeModel(o.model, flagsFor(res.best.config), 1) },
        { name: 'persistence', make: () => makeModel('persistence', flagsFor({}), 1), transforms: [] },
      ], { ...btOpts, test: T });
      const names = Object.keys(space);
      const at = (r: [number, number]) => [dates[r[0]], dates[r[1] - 1]];
      const summary = {
        dataset: o.data, column: table.target, points: values.length, model: o.model,
        search: o.random !== undefined ? { kind: 'random', draws: configs.length, seed: o.seed } : { kind: 'grid', configurations: configs.length },
        space, objective: 'validation MASE', horizon: o.horizon, retrain: o.retrain, season: o.season,
        transforms: new forecast.TransformChain(transforms).describe(),
        split: { train: { positions: split.train, dates: at(split.train) }, val: { positions: split.val, dates: at(split.val) }, test: { positions: split.test, dates: at(split.test) } },
        trials: res.trials.map((t) => ({ config: t.config, objective: r6(t.objective), validation: t.metrics ? metricsJSON(t.metrics) : null, seconds: r6(t.seconds), ...(t.error ? { error: t.error } : {}) })),
        best: { config: res.best.config, objective: r6(res.best.objective) },
        validationBaseline: { persistence: metricsJSON(naiveVal) },
        test: { [o.model]: metricsJSON(final.models[o.model]!.metrics), persistence: metricsJSON(final.models.persistence!.metrics) },
      };
      if (o.json) {
        io.stdout(JSON.stringify(summary) + '\n');
        return;
      }
      const [v0, v1] = at(split.val), [t0, t1] = at(split.test);
      io.stdout(`tune ${o.model} on ${o.data} (${table.target}): ${values.length} points; validation ${split.val[1] - split.val[0]} (${v0} .. ${v1}), test ${T} (${t0} .. ${t1}, unseen by the search)\n`);
      io.stdout(`${o.random !== undefined ? `random search, ${configs.length} draws (seed ${o.seed})` : `grid, ${configs.length} configurations`}; objective: validation MASE of ${o.horizon}-step forecasts (retrain ${o.retrain}${transforms.length > 0 ? `; transforms: ${summary.transforms}` : ''})\n\n`);
      const rows = res.trials.map((t, i) => [i + 1, ...names.map((k) => t.config[k]!), t.objective, t.metrics ? t.metrics.rmse : NaN, t.seconds]);
      io.stdout(plot.metricsTable(['rank', ...names, 'val MASE', 'val RMSE', 's'], rows) + '\n\n');
      for (const t of res.trials) if (t.error) io.stdout(`failed (${describe(t.config)}): ${t.error}\n`);
      const tm = final.models[o.model]!.metrics, pm = final.models.persistence!.metrics;
      io.stdout(`best: ${describe(res.best.config)} (validation MASE ${plot.formatCell(res.best.objective)}; persistence ${plot.formatCell(naiveVal.mase)})\n`);
      io.stdout(`test, scored once (${final.origins.length} points): RMSE ${plot.formatCell(tm.rmse)}, MAE ${plot.formatCell(tm.mae)}, sMAPE ${plot.formatCell(tm.smape)} %, MASE ${plot.formatCell(tm.mase)}; persistence MASE ${plot.formatCell(pm.mase)}\n`);
    });
}
