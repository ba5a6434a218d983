// Many series, one model, on the command line: `rnnkit train` with --id-column (a long-format CSV:
// id, date, target, covariates), several --data files (one series each, named by the file), or
// known-future covariates (--future-column, --calendar) trains one global network across series
// (src/forecast/global.ts): per-series scalers, windows inside each series, metrics per series and
// pooled, persistence and AR run per series beside it. `rnnkit forecast` on such a model forecasts
// every series it is given. Future values of --future-column columns come from --future FILE (the
// same layout: the id column, a date, those columns; the rows after each series' end).
import { basename, extname, resolve } from 'node:path';
import { data, forecast, models, plot } from '../node.js';
import type { SavedForecaster } from '../io/model-dir.js';
import { checkModelTarget, saveModel } from '../io/model-files.js';
import { CliError } from './errors.js';
import { readTextFile, writeOutputFile } from './fs.js';
import { progressBar } from './progress.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** The flags of a panel run of `train` (a subset of train's). */
export interface PanelTrainFlags {
  data: string | string[];
  idColumn?: string;
  calendar?: string[];
  futureColumn?: string[];
  future?: string;
  column?: string[];
  target?: string;
  fill?: data.FillMode;
  model: string;
  seqLen: number; hidden: number; layers: number; dropout: number; epochs: number; lr: number; batchSize: number; seed: number;
  test: number; val: number; scaler: data.ScalerKind; season: number; steps: number;
  save?: string; json?: boolean; quiet?: boolean;
  quantiles?: number[]; likelihood?: string; outputSteps?: number;
  difference?: number; seasonalDifference?: number; log?: boolean; detrend?: string;
}

/** --data given more than once collects the files (one series each); once, it stays a string. */
export function dataFiles(v: string, prev?: string | string[]): string | string[] {
  return prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
}

/** True when `train` should build a global model over series. */
export function isPanelRun(o: { data: string | string[]; idColumn?: string; calendar?: string[]; futureColumn?: string[] }): boolean {
  return Array.isArray(o.data) || o.idColumn !== undefined || (o.calendar?.length ?? 0) > 0 || (o.futureColumn?.length ?? 0) > 0;
}

interface Panel {
  series: forecast.PanelSeries[];
  target: string;
}

/** Reads the series of the files (by id column or one per file) with the target and the future columns. */
function readPanel(files: readonly string[], idColumn: string | null, target: string | undefined, futureColumns: readonly string[], fill: data.FillMode | undefined): Panel {
  const out: forecast.PanelSeries[] = [];
  let tgt = target;
  const pick = (t: data.SeriesTable, where: string) => {
    const name = tgt ?? Object.keys(t.columns).find((c) => !futureColumns.includes(c));
    if (name === undefined) throw new CliError(`${where}: no target column besides the future columns ${futureColumns.join(', ')}`);
    tgt = name;
    return name;
  };
  const columns = (t: string | undefined) => (t === undefined ? undefined : [t, ...futureColumns.filter((c) => c !== t)]);
  for (const file of files) {
    const text = readTextFile(file, '--data');
    const tables: [string, data.SeriesTable][] = [];
    if (idColumn !== null) {
      const p = data.parsePanelCsv(text, idColumn, { source: file, columns: columns(tgt), target: tgt, fill });
      for (const id of p.ids) tables.push([id, p.series[id]!]);
    } else {
      tables.push([basename(file, extname(file)), data.parseSeriesCsv(text, { source: file, columns: columns(tgt), target: tgt, fill })]);
    }
    for (const [id, t] of tables) {
      const name = pick(t, file);
      for (const c of futureColumns) if (!Object.prototype.hasOwnProperty.call(t.columns, c)) throw new CliError(`${file}: no column "${c}" (--future-column)`);
      if (futureColumns.includes(name)) throw new CliError(`--future-column ${name}: the target cannot be a future covariate`);
      if (out.some((s) => s.id === id)) throw new CliError(`${file}: series id '${id}' appears twice${idColumn === null ? ' (two --data files with the same name)' : ''}`);
      out.push({ id, values: t.columns[name]!, dates: t.dates, future: Object.fromEntries(futureColumns.map((c) => [c, t.columns[c]!])) });
    }
  }
  return { series: out, target: tgt! };
}

/**
 * Appends each series' future rows (from --future) to its future columns; returns how many steps
 * every series has (the fewest), or null without a file.
 */
function addFuture(panel: forecast.PanelSeries[], file: string | undefined, idColumn: string | null, futureColumns: readonly string[], fill: data.FillMode | undefined): number | null {
  if (file === undefined) return null;
  if (futureColumns.length === 0) throw new CliError('--future: give --future-column NAME for the columns it holds (calendar features need no file)');
  const text = readTextFile(file, '--future');
  const byId = new Map<string, data.SeriesTable>();
  if (idColumn !== null) {
    const p = data.parsePanelCsv(text, idColumn, { source: file, columns: [...futureColumns], target: futureColumns[0], fill });
    for (const id of p.ids) byId.set(id, p.series[id]!);
  } else {
    if (panel.length !== 1) throw new CliError('--future: with several --data files use a long-format future file and --id-column');
    byId.set(panel[0]!.id, data.parseSeriesCsv(text, { source: file, columns: [...futureColumns], target: futureColumns[0], fill }));
  }
  let steps = Infinity;
  for (const s of panel) {
    const t = byId.get(s.id);
    if (!t) throw new CliError(`${file}: no future rows for series '${s.id}' (it needs the values of ${futureColumns.join(', ')} at the forecast dates)`);
    steps = Math.min(steps, t.dates.length);
    s.future = Object.fromEntries(futureColumns.map((c) => [c, [...s.future![c]!, ...t.columns[c]!]]));
    s.futureDates = t.dates;
  }
  return steps;
}

const GLOBAL = new Set<string>(forecast.GLOBAL_CELLS);
const r6 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);

export async function runPanelTrain(o: PanelTrainFlags, io: CliIO): Promise<void> {
  if (!GLOBAL.has(o.model)) throw new CliError(`--model ${o.model}: a model across series is mlp, rnn, lstm or gru (persistence and AR run per series beside it)`);
  for (const [flag, v] of [['--quantiles', o.quantiles], ['--likelihood', o.likelihood], ['--output-steps', o.outputSteps], ['--difference', o.difference], ['--seasonal-difference', o.seasonalDifference], ['--log', o.log], ['--detrend', o.detrend]] as const) {
    if (v !== undefined && v !== false) throw new CliError(`${flag} is not available for a model across series yet (--id-column, several --data, --future-column, --calendar)`);
  }
  if (o.save) checkModelTarget(o.save, '--save');
  const calendar = o.calendar ?? [];
  try { forecast.checkCalendar(calendar, '--calendar'); } catch (e) { throw new CliError((e as Error).message); }
  const futureColumns = [...new Set(o.futureColumn ?? [])];
  const files = Array.isArray(o.data) ? o.data : [o.data];
  const idColumn = o.idColumn ?? null;
  const target = o.target ?? o.column?.[0];
  const { series, target: tgt } = readPanel(files, idColumn, target, futureColumns, o.fill);
  const futureSteps = addFuture(series, o.future, idColumn, futureColumns, o.fill);
  // forecast past the end only when every future covariate is known there
  const notes: string[] = [];
  let steps = o.steps;
  if (futureColumns.length > 0 && futureSteps === null && steps > 0) {
    notes.push(`no forecast past the end: the future values of ${futureColumns.join(', ')} are not given (--future FILE)`);
    steps = 0;
  } else if (futureSteps !== null && futureSteps < steps) {
    notes.push(`forecasting ${futureSteps} steps: --future gives ${futureSteps} rows for some series`);
    steps = futureSteps;
  }
  const F = futureColumns.length + 2 * calendar.length;
  const bar = progressBar(o.model, !o.quiet && !o.json);
  const net = new forecast.GlobalForecaster(o.model as forecast.GlobalCell, {
    futureSize: F, seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, dropout: o.dropout, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed,
    callbacks: { onProgress: bar.onProgress },
  });
  let res: forecast.GlobalExperimentResult;
  try {
    res = forecast.runGlobalExperiment(series, net, {
      test: o.test, val: o.val, scaler: o.scaler, season: o.season, calendar, futureColumns, forecastSteps: steps,
      baselines: [{ name: 'persistence', make: () => new models.PersistenceForecaster() }, { name: 'ar', make: () => new models.ARForecaster({ p: o.seqLen }) }],
    });
  } finally {
    bar.stop();
  }
  const ms = Object.values(res.models);
  const forecastDates = (s: forecast.PanelSeries) => (s.futureDates && s.futureDates.length >= steps ? s.futureDates.slice(0, steps) : data.nextDates(s.dates!, steps));
  let saved: string | null = null;
  if (o.save) {
    const scalers: Record<string, forecast.SeriesScalers> = Object.create(null);
    res.ids.forEach((id, i) => { scalers[id] = res.scalers[i]!; });
    const m: SavedForecaster = {
      kind: 'forecaster', model: null as unknown as SavedForecaster['model'], columns: [tgt, ...futureColumns], target: tgt, inputs: [tgt, ...futureColumns], scalers: [], fill: o.fill ?? null,
      panel: { model: net, idColumn, ids: res.ids, futureColumns, calendar: calendar as forecast.CalendarFeature[], scalers },
      test: { rmse: res.models[o.model]!.pooled.rmse, mae: res.models[o.model]!.pooled.mae, mase: res.models[o.model]!.pooled.mase },
      training: { seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, dropout: o.dropout, season: o.season, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed },
    };
    saveModel(o.save, m, '--save');
    saved = resolve(o.save);
  }
  const metricsJSON = (x: { rmse: number; mae: number; mase: number }) => ({ rmse: r6(x.rmse), mae: r6(x.mae), mase: r6(x.mase) });
  const summary = {
    dataset: files, idColumn, target: tgt, ids: res.ids, inputs: res.inputs, futureColumns, calendar, test: o.test, season: o.season,
    models: Object.fromEntries(ms.map((m) => [m.name, {
      pooled: { ...metricsJSON(m.pooled), points: m.pooled.n },
      perSeries: Object.fromEntries(m.perSeries.map((s) => [s.id, { ...metricsJSON(s.metrics), mape: r6(s.metrics.mape), smape: r6(s.metrics.smape) }])),
    }])),
    forecast: steps > 0 ? Object.fromEntries(series.map((s, i) => {
      const d = forecastDates(s);
      return [s.id, res.models[o.model]!.perSeries[i]!.forecast.map((v, k) => ({ date: d[k], value: r6(v) }))];
    })) : {},
    ...(notes.length > 0 ? { notes } : {}),
    ...(saved ? { files: { model: saved } } : {}),
  };
  if (o.json) {
    io.stdout(JSON.stringify(summary) + '\n');
    return;
  }
  for (const n of notes) io.stderr(`note: ${n}\n`);
  io.stdout(`${files.join(', ')}: ${res.ids.length} series (${idColumn ? `by ${idColumn}` : 'one per file'}), target ${tgt}; one global ${o.model} reading ${res.inputs.join(', ')}; test = last ${o.test} points of each series\n\n`);
  io.stdout('per series:\n');
  io.stdout(plot.metricsTable(['series', 'model', 'RMSE', 'MAE', `MASE (m=${o.season})`], res.ids.flatMap((id, i) => ms.map((m) => [id, m.name, m.perSeries[i]!.metrics.rmse, m.perSeries[i]!.metrics.mae, m.perSeries[i]!.metrics.mase]))) + '\n\n');
  io.stdout(`pooled over all series (${ms[0]!.pooled.n} test points; MASE: each error scaled by its own series):\n`);
  io.stdout(plot.metricsTable(['model', 'RMSE', 'MAE', 'MASE'], ms.map((m) => [m.name, m.pooled.rmse, m.pooled.mae, m.pooled.mase])) + '\n');
  if (steps > 0) {
    io.stdout(`\n${o.model} forecast, ${steps} steps past each series' end:\n`);
    io.stdout(plot.metricsTable(['series', 'date', 'forecast'], series.flatMap((s, i) => {
      const d = forecastDates(s);
      return res.models[o.model]!.perSeries[i]!.forecast.map((v, k) => [s.id, d[k]!, v]);
    })) + '\n');
  }
  if (saved) io.stdout(`\nmodel            ${saved}\n`);
}

export interface PanelForecastFlags {
  model: string;
  data: string | string[];
  future?: string;
  fill?: data.FillMode;
  steps: number;
  csv?: string;
  force?: boolean;
  json?: boolean;
}

/** `rnnkit forecast` with a global model: every series of --data, each on its own saved scaler. */
export function runPanelForecast(saved: SavedForecaster, o: PanelForecastFlags, io: CliIO): void {
  const p = saved.panel!;
  const files = Array.isArray(o.data) ? o.data : [o.data];
  const fill = o.fill ?? saved.fill ?? undefined;
  const { series } = readPanel(files, p.idColumn, saved.target, p.futureColumns, fill);
  for (const s of series) {
    if (!p.ids.includes(s.id)) throw new CliError(`--data: series '${s.id}' was not among the ${p.ids.length} series the model in ${o.model} was trained on (${p.ids.slice(0, 5).join(', ')}${p.ids.length > 5 ? ', …' : ''}); its scaler is unknown`);
  }
  const have = addFuture(series, o.future, p.idColumn, p.futureColumns, fill);
  if (p.futureColumns.length > 0 && have === null) throw new CliError(`--model ${o.model} reads the future values of ${p.futureColumns.join(', ')}: give them for the ${o.steps} forecast dates in --future FILE`);
  if (have !== null && have < o.steps) {
    const short = series.find((s) => (s.futureDates?.length ?? 0) < o.steps)!;
    throw new CliError(`--future: series '${short.id}' has ${short.futureDates?.length ?? 0} future rows of ${p.futureColumns.join(', ')}; --steps ${o.steps} needs ${o.steps}`);
  }
  const out: Record<string, { date: string; value: number | null }[]> = {};
  for (const s of series) {
    const sc = p.scalers[s.id]!;
    if (s.values.length < p.model.opts.seqLen) throw new CliError(`--data: series '${s.id}' has ${s.values.length} values; the model needs at least --seq-len ${p.model.opts.seqLen}`);
    const raw = forecast.panelFuture(s, p.futureColumns, p.calendar, s.values.length + o.steps);
    const f = raw.map((c, j) => (j < p.futureColumns.length ? sc.future[j]!.transform(c) : c));
    const y = sc.target.inverseTransform(p.model.forecast({ z: sc.target.transform(s.values), f }, o.steps));
    const dates = s.futureDates && s.futureDates.length >= o.steps ? s.futureDates.slice(0, o.steps) : data.nextDates(s.dates!, o.steps);
    const bad = y.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new CliError(`--model ${o.model}: the forecast of series '${s.id}' is not finite at step ${bad + 1}`);
    out[s.id] = y.map((v, k) => ({ date: dates[k]!, value: r6(v) }));
  }
  if (o.csv) {
    const lines = ['id,date,forecast', ...Object.entries(out).flatMap(([id, rows]) => rows.map((r) => `${/[",\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id},${r.date},${r.value}`))];
    writeOutputFile(o.csv, lines.join('\n') + '\n', { option: '--csv', force: o.force });
  }
  if (o.json) {
    io.stdout(JSON.stringify({ model: saved.panel!.model.name, global: true, target: saved.target, ids: Object.keys(out), futureColumns: p.futureColumns, calendar: p.calendar, forecast: out, ...(o.csv ? { csv: resolve(o.csv) } : {}) }) + '\n');
    return;
  }
  io.stdout(`global ${p.model.name} forecast of ${saved.target} for ${series.length} series, ${o.steps} steps past each series' end (free-running${p.futureColumns.length + p.calendar.length > 0 ? `; known-future inputs ${[...p.futureColumns, ...p.calendar].join(', ')}` : ''})\n\n`);
  io.stdout(plot.metricsTable(['series', 'date', 'forecast'], Object.entries(out).flatMap(([id, rows]) => rows.map((r) => [id, r.date, r.value ?? NaN]))) + '\n');
}

/** The flags of a panel run of `backtest`. */
export interface PanelBacktestFlags extends Omit<PanelTrainFlags, 'val' | 'steps' | 'save'> {
  horizon: number;
  stride: number;
  retrain: forecast.Retrain;
  out: string;
  models: string[];
}

/** `rnnkit backtest` across series: one global network (refitted at the origins) beside persistence and AR per series. */
export function runPanelBacktest(o: PanelBacktestFlags, io: CliIO): void {
  const nets = o.models.filter((m) => GLOBAL.has(m));
  if (nets.length !== 1) throw new CliError(`--model: a backtest across series takes one of mlp, rnn, lstm, gru (persistence and AR run per series beside it); got ${o.models.join(', ')}`);
  const net = nets[0]!;
  for (const [flag, v] of [['--quantiles', o.quantiles], ['--likelihood', o.likelihood], ['--output-steps', o.outputSteps], ['--difference', o.difference], ['--seasonal-difference', o.seasonalDifference], ['--log', o.log], ['--detrend', o.detrend]] as const) {
    if (v !== undefined && v !== false) throw new CliError(`${flag} is not available for a model across series yet (--id-column, several --data, --future-column, --calendar)`);
  }
  const calendar = o.calendar ?? [];
  try { forecast.checkCalendar(calendar, '--calendar'); } catch (e) { throw new CliError((e as Error).message); }
  const futureColumns = [...new Set(o.futureColumn ?? [])];
  const files = Array.isArray(o.data) ? o.data : [o.data];
  const idColumn = o.idColumn ?? null;
  const col = o.column as string | string[] | undefined; // backtest's --column is one name
  const { series, target } = readPanel(files, idColumn, o.target ?? (typeof col === 'string' ? col : col?.[0]), futureColumns, o.fill);
  const F = futureColumns.length + 2 * calendar.length;
  const baselines = o.models.filter((m) => m !== net);
  for (const b of baselines) if (b !== 'persistence' && b !== 'ar' && b !== 'drift' && b !== 'seasonal-naive') throw new CliError(`--model ${b}: across series only one network runs; the others must be persistence, ar, drift or seasonal-naive`);
  const make = (b: string) => (b === 'ar' ? new models.ARForecaster({ p: o.seqLen }) : b === 'drift' ? new models.DriftForecaster() : b === 'seasonal-naive' ? new models.SeasonalNaiveForecaster({ m: o.season }) : new models.PersistenceForecaster());
  // one bar per fit of the network (a fit counter would need the total first: backtestPlan's refits)
  let bar = progressBar(`${net} fit 1`, !o.quiet && !o.json);
  let res: forecast.GlobalBacktestResult;
  try {
    res = forecast.backtestGlobal(series, () => new forecast.GlobalForecaster(net as forecast.GlobalCell, {
      futureSize: F, seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, dropout: o.dropout, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed,
      callbacks: { onProgress: (e) => bar.onProgress(e) },
    }), {
      test: o.test, horizon: o.horizon, stride: o.stride, retrain: o.retrain, scaler: o.scaler, season: o.season, calendar, futureColumns,
      baselines: baselines.map((b) => ({ name: b, make: () => make(b) })),
      onFit: (done, total) => { bar.stop(); if (done < total) bar = progressBar(`${net} fit ${done + 1}/${total}`, !o.quiet && !o.json); },
    });
  } finally {
    bar.stop();
  }
  const ms = Object.values(res.models);
  const H = res.horizon;
  const mj = (x: { rmse: number; mae: number; mase: number }) => ({ rmse: r6(x.rmse), mae: r6(x.mae), mase: r6(x.mase) });
  const summary = {
    dataset: files, idColumn, target, ids: res.ids, futureColumns, calendar, horizon: H, stride: o.stride, retrain: o.retrain, season: o.season,
    models: Object.fromEntries(ms.map((m) => [m.name, {
      pooled: { ...mj(m.pooled), points: m.pooled.n }, pooledPerHorizon: m.pooledPerHorizon.map((x, j) => ({ h: j + 1, ...mj(x) })), fits: m.fits,
      perSeries: Object.fromEntries(m.perSeries.map((s) => [s.id, { ...mj(s.metrics), smape: r6(s.metrics.smape), perHorizon: s.perHorizon.map((x, j) => ({ h: j + 1, ...mj(x) })), forecasts: s.forecasts.map((f) => f.map(r6)) }])),
    }])),
  };
  if (o.json) {
    io.stdout(JSON.stringify(summary) + '\n');
    return;
  }
  const K = ms[0]!.perSeries[0]!.origins.length;
  io.stdout(`${files.join(', ')}: ${res.ids.length} series (${idColumn ? `by ${idColumn}` : 'one per file'}), target ${target}; one global ${net}${F > 0 ? ` reading ${['target', ...futureColumns, ...forecast.calendarNames(calendar as forecast.CalendarFeature[])].join(', ')}` : ''}\n`);
  io.stdout(`horizon ${H}, stride ${o.stride}, retrain ${o.retrain}: ${K} origins per series, scoring the step-${H} forecast from each\n\n`);
  io.stdout('per series:\n');
  io.stdout(plot.metricsTable(['series', 'model', 'RMSE', 'MAE', `MASE (m=${o.season})`, 'fits'], res.ids.flatMap((id, i) => ms.map((m) => [id, m.name, m.perSeries[i]!.metrics.rmse, m.perSeries[i]!.metrics.mae, m.perSeries[i]!.metrics.mase, m.fits]))) + '\n\n');
  io.stdout(`pooled over all series (${ms[0]!.pooled.n} points; MASE: each error scaled by its own series):\n`);
  io.stdout(plot.metricsTable(['model', 'RMSE', 'MAE', 'MASE'], ms.map((m) => [m.name, m.pooled.rmse, m.pooled.mae, m.pooled.mase])) + '\n\n');
  io.stdout('pooled MASE by step ahead:\n');
  io.stdout(plot.metricsTable(['h', ...ms.map((m) => m.name)], Array.from({ length: H }, (_, j) => [j + 1, ...ms.map((m) => m.pooledPerHorizon[j]!.mase)])) + '\n');
}
