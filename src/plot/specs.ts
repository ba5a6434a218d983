// Vega-Lite specs for rnnkit's figures. Browser-safe: plain data in, plain JSON out.
import type { TopLevelSpec } from 'vega-lite';
import { ValueError } from '../errors.js';

export type { TopLevelSpec } from 'vega-lite';

/** Categorical palette (Vega's tableau10); model i always gets colour i. */
export const PALETTE = [
  '#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b',
  '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac',
] as const;

/** Colour of the observed series in actual-vs-predicted charts. */
export const ACTUAL_COLOR = '#222222';

/** Shared look: a generic font family (no font files needed), white background, quiet grid. */
export const BASE_CONFIG = {
  font: 'sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 11, symbolStrokeWidth: 2, labelLimit: 240 },
  title: { fontSize: 14, fontWeight: 'bold', anchor: 'start', offset: 10 },
} as const;

const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 300;

export interface LossHistory {
  train: number[];
  val: (number | null)[] | null;
}

export interface LossCurvesOptions {
  title?: string;
  /** Log scale on the loss axis (non-positive values are dropped). */
  logScale?: boolean;
  /** Loss axis title; default "loss". */
  yLabel?: string;
  /** Colour per model (see modelColors), so several charts agree; default: PALETTE in order. */
  colors?: Record<string, string>;
  width?: number;
  height?: number;
}

function colorFor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** One colour per model name, in order: pass the same map to every chart of a report. */
export function modelColors(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n, i) => [n, colorFor(i)]));
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Loss per epoch for every model: colour = model, solid = train, dashed = validation.
 * Epochs are 1-based. Missing (null / non-finite) validation values are left out.
 */
export function lossCurvesSpec(
  histories: Record<string, LossHistory>,
  opts: LossCurvesOptions = {},
): TopLevelSpec {
  return epochCurvesSpec(histories, opts, { field: 'loss', title: 'loss', format: '.4g' });
}

/** What an epoch-curve chart plots: the data field, its axis title, a fixed domain, a number format. */
export interface EpochMetric {
  field: string;
  title: string;
  /** Fixed y domain (e.g. [0, 1] for accuracy); default: fitted to the data, zero not forced. */
  domain?: [number, number];
  /** d3 format of the y axis and tooltip, e.g. '.0%'. */
  format: string;
  axisFormat?: string;
}

/** The loss-curve chart for any per-epoch metric (loss, accuracy, …): one code path for both. */
export function epochCurvesSpec(
  histories: Record<string, LossHistory>,
  opts: LossCurvesOptions,
  metric: EpochMetric,
): TopLevelSpec {
  const models = Object.keys(histories);
  const logScale = opts.logScale ?? false;
  const keep = (v: number | null | undefined): v is number => finite(v) && (!logScale || v > 0);
  const field = metric.field;
  const values: Record<string, string | number>[] = [];
  let maxEpochs = 0;
  for (const model of models) {
    const h = histories[model]!;
    h.train.forEach((v, i) => {
      if (keep(v)) values.push({ model, split: 'train', epoch: i + 1, [field]: v });
    });
    maxEpochs = Math.max(maxEpochs, h.train.length);
    if (h.val) {
      h.val.forEach((v, i) => {
        if (keep(v)) values.push({ model, split: 'validation', epoch: i + 1, [field]: v });
      });
      maxEpochs = Math.max(maxEpochs, h.val.length);
    }
  }
  const splits = ['train', 'validation'].filter((s) => values.some((v) => v.split === s));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    width: opts.width ?? DEFAULT_WIDTH,
    height: opts.height ?? DEFAULT_HEIGHT,
    config: BASE_CONFIG,
    data: { values },
    encoding: {
      x: {
        field: 'epoch', type: 'quantitative', title: 'epoch',
        scale: { domain: [1, Math.max(2, maxEpochs)], nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field, type: 'quantitative', title: opts.yLabel ?? metric.title,
        scale: logScale ? { type: 'log' } : metric.domain ? { domain: metric.domain } : { zero: false },
        ...(metric.axisFormat !== undefined ? { axis: { format: metric.axisFormat } } : {}),
      },
      color: {
        field: 'model', type: 'nominal', title: 'model',
        scale: { domain: models, range: models.map((m, i) => ownColor(opts.colors, m) ?? colorFor(i)) },
        legend: { symbolType: 'stroke', symbolSize: 300 },
      },
      tooltip: [
        { field: 'model' }, { field: 'split' }, { field: 'epoch' }, { field, format: metric.format },
      ],
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          strokeDash: {
            field: 'split', type: 'nominal', title: 'split',
            scale: { domain: splits, range: splits.map((s) => (s === 'train' ? [1, 0] : [6, 4])) },
            legend: { symbolType: 'stroke', symbolStrokeColor: '#444', symbolSize: 300 },
          },
          detail: { field: 'split' },
          order: { field: 'epoch' },
        },
      },
      ...(maxEpochs <= 40 ? [{ mark: { type: 'point', filled: true, size: 16, opacity: 1 } }] : []),
    ],
  };
  return spec as TopLevelSpec;
}

export interface DatedSeries {
  dates: string[];
  values: number[];
}

/** An interval drawn as a shaded band: lower[i] … upper[i] at dates[i] (e.g. the 0.1 and 0.9 quantiles). */
export interface IntervalBand {
  dates: string[];
  lower: number[];
  upper: number[];
  /** Names the band in the tooltip, e.g. "80% (q0.1–q0.9)". */
  label?: string;
}

export interface ActualVsPredictedInput {
  /** Dates (ISO `YYYY-MM-DD…`, or numeric indices) of the observed series. */
  dates: string[];
  actual: number[];
  /** One-step-ahead predictions per model. */
  predictions: Record<string, DatedSeries>;
  /** Free-running (recursive) forecasts per model, usually past the last observation. */
  forecast?: Record<string, DatedSeries>;
  /** First date of the test span: drawn as a shaded region with a rule. */
  testStart?: string;
  /** Prediction intervals per model (a model of `predictions` or `forecast`): shaded bands in its colour. */
  bands?: Record<string, IntervalBand[]>;
  /** Colour per model (see modelColors), so several charts agree; default: PALETTE in order. */
  colors?: Record<string, string>;
  /**
   * Legend names of the two kinds of model line (dotted `predictions`, dashed `forecast`); default
   * "one-step prediction" and "free-running forecast". A backtest's scored h-step points are not
   * one-step predictions: name them.
   */
  lineLabels?: { predictions?: string; forecast?: string };
  title?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

const ISO_DATE = /^\d{4}-\d{2}(-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?$/;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const KIND_ACTUAL = 'observed';
const KIND_ONE_STEP = 'one-step prediction';
const KIND_FORECAST = 'free-running forecast';

type XKind = 'temporal' | 'quantitative' | 'ordinal';

function xKind(dates: string[]): XKind {
  if (dates.length > 0 && dates.every((d) => ISO_DATE.test(d))) return 'temporal';
  if (dates.length > 0 && dates.every((d) => NUMERIC.test(d.trim()))) return 'quantitative';
  return 'ordinal';
}

function checkLengths(name: string, s: DatedSeries): void {
  if (s.dates.length !== s.values.length) {
    throw new ValueError(`${name}: ${s.dates.length} dates but ${s.values.length} values`);
  }
}

/**
 * Observed series vs each model's one-step predictions (solid) and free-running forecast
 * (dashed), with the test span shaded from `testStart` to the last observation.
 */
export function actualVsPredictedSpec(input: ActualVsPredictedInput): TopLevelSpec {
  checkLengths('actual', { dates: input.dates, values: input.actual });
  const forecast = input.forecast ?? {};
  const models: string[] = [];
  for (const m of [...Object.keys(input.predictions), ...Object.keys(forecast)]) {
    if (!models.includes(m)) models.push(m);
  }
  if (models.includes('actual')) throw new ValueError("actualVsPredictedSpec: 'actual' is reserved for the observed series; rename the model");
  const rows: { date: string | number; value: number; series: string; kind: string }[] = [];
  const allDates: string[] = [...input.dates];
  for (const [m, s] of Object.entries(input.predictions)) { checkLengths(`predictions.${m}`, s); allDates.push(...s.dates); }
  for (const [m, s] of Object.entries(forecast)) { checkLengths(`forecast.${m}`, s); allDates.push(...s.dates); }
  if (input.testStart !== undefined) allDates.push(input.testStart);
  for (const [m, bs] of Object.entries(input.bands ?? {})) {
    if (!models.includes(m)) throw new ValueError(`actualVsPredictedSpec: bands.${m} names no model of predictions or forecast (${models.join(', ')})`);
    for (const b of bs) {
      if (b.lower.length !== b.dates.length || b.upper.length !== b.dates.length) throw new ValueError(`actualVsPredictedSpec: bands.${m} has ${b.dates.length} dates but ${b.lower.length} lower and ${b.upper.length} upper values`);
      allDates.push(...b.dates);
    }
  }
  const kind = xKind(allDates);
  const x = (d: string): string | number => (kind === 'quantitative' ? Number(d) : d);

  const push = (series: string, k: string, dates: string[], values: number[]): void => {
    dates.forEach((d, i) => {
      const v = values[i];
      if (finite(v)) rows.push({ date: x(d), value: v, series, kind: k });
    });
  };
  const oneStep = input.lineLabels?.predictions ?? KIND_ONE_STEP;
  const free = input.lineLabels?.forecast ?? KIND_FORECAST;
  if (new Set([KIND_ACTUAL, oneStep, free]).size < 3) throw new ValueError(`actualVsPredictedSpec: lineLabels must differ from each other and from '${KIND_ACTUAL}'`);
  push('actual', KIND_ACTUAL, input.dates, input.actual);
  for (const [m, s] of Object.entries(input.predictions)) push(m, oneStep, s.dates, s.values);
  for (const [m, s] of Object.entries(forecast)) {
    // Join the forecast to the last observation so the dashed line starts where the data ends.
    const lastI = input.dates.length - 1;
    const first = s.dates[0];
    if (lastI >= 0 && first !== undefined && finite(input.actual[lastI]) && !input.dates.includes(first)) {
      rows.push({ date: x(input.dates[lastI]!), value: input.actual[lastI]!, series: m, kind: free });
    }
    push(m, free, s.dates, s.values);
  }

  const kinds = [KIND_ACTUAL, oneStep, free].filter((k) => rows.some((r) => r.kind === k));
  const seriesDomain = ['actual', ...models];
  const seriesRange = [ACTUAL_COLOR, ...models.map((m, i) => ownColor(input.colors, m) ?? colorFor(i))];

  // intervals under the lines: one translucent area per band, in its model's colour
  const bandRows: { date: string | number; lower: number; upper: number; model: string; band: string }[] = [];
  for (const [m, bs] of Object.entries(input.bands ?? {})) {
    for (const b of bs) {
      b.dates.forEach((d, i) => {
        const lo = b.lower[i], hi = b.upper[i];
        if (finite(lo) && finite(hi)) bandRows.push({ date: x(d), lower: lo, upper: hi, model: m, band: b.label ?? 'interval' });
      });
    }
  }

  const pos = (d: string | number): number => (typeof d === 'number' ? d : Date.parse(d.length <= 7 ? `${d}-01` : d));
  const panel = (from: number | null, height: number, title?: string, label = true): object => {
    const keep = <T extends { date: string | number }>(r: T): boolean => from === null || pos(r.date) >= from;
    const shown = rows.filter(keep);
    const xEnc = {
      field: 'date',
      type: kind,
      title: kind === 'temporal' ? 'date' : 'time step',
      ...(kind === 'temporal' ? { scale: { type: 'utc' }, axis: dateAxis(shown.map((r) => pos(r.date))) } : {}),
      ...(kind === 'quantitative' ? { scale: { zero: false, nice: false } } : {}),
    };
    const layers: object[] = [];
    if (input.testStart !== undefined && input.dates.length > 0) {
      const end = input.dates[input.dates.length - 1]!;
      layers.push({
        data: { values: [{ start: x(input.testStart), end: x(end), label: 'test span' }] },
        layer: [
          {
            mark: { type: 'rect', color: '#4c78a8', opacity: 0.07, aria: false }, // its aria label would use local time
            encoding: { x: { ...xEnc, field: 'start' }, x2: { field: 'end' } },
          },
          {
            mark: { type: 'rule', color: '#777', strokeDash: [2, 2] },
            encoding: { x: { ...xEnc, field: 'start' } },
          },
          // a sliver of a test span has no room for its label: the zoom panel carries it
          ...(label ? [{
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, y: 4, color: '#555', fontSize: 11 },
            encoding: { x: { ...xEnc, field: 'start' }, text: { field: 'label' } },
          }] : []),
        ],
      });
    }
    const bandsShown = bandRows.filter(keep);
    if (bandsShown.length > 0) {
      layers.push({
        data: { values: bandsShown },
        mark: { type: 'area', opacity: 0.18, aria: false },
        encoding: {
          x: xEnc,
          y: { field: 'lower', type: 'quantitative', scale: { zero: false } },
          y2: { field: 'upper' },
          // fill on its own field, not color on 'series': a separate scale with no legend, so the lines'
          // legend keeps its own swatches (a shared channel would merge the two legends)
          fill: { field: 'model', type: 'nominal', scale: { domain: seriesDomain, range: seriesRange }, legend: null },
          detail: { field: 'band' },
          tooltip: [{ field: 'model' }, { field: 'band' }, { field: 'lower', format: '.4g' }, { field: 'upper', format: '.4g' }],
        },
      });
    }
    layers.push({
      data: { values: shown },
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: xEnc,
        y: { field: 'value', type: 'quantitative', title: input.yLabel ?? 'value', scale: { zero: false } },
        color: {
          field: 'series', type: 'nominal', title: 'series',
          scale: { domain: seriesDomain, range: seriesRange },
          legend: { symbolType: 'stroke', symbolSize: 300 },
        },
        strokeDash: {
          field: 'kind', type: 'nominal', title: 'line',
          scale: { domain: kinds, range: kinds.map((k) => (k === KIND_ACTUAL ? DASH.observed : k === oneStep ? DASH.predictions : DASH.forecast)) },
          // the legend draws each kind with its own dash (symbolDash alone would give every swatch one pattern)
          legend: { symbolType: 'stroke', symbolStrokeColor: '#444', symbolSize: 400, symbolStrokeWidth: 2 },
        },
        detail: { field: 'kind' },
        tooltip: [
          { field: 'series' }, { field: 'kind' },
          kind === 'temporal' ? { field: 'date', type: 'temporal', format: '%Y-%m-%d', formatType: 'utc' } : { field: 'date' },
          { field: 'value', format: '.4g' },
        ],
      },
    });
    return { ...(title !== undefined ? { title: { text: title, fontSize: 12, fontWeight: 'normal' } } : {}), width: input.width ?? DEFAULT_WIDTH, height, layer: layers };
  };

  const zoomFrom = kind === 'ordinal' ? null : zoomStart(input, allDates.map(pos), pos);
  const height = input.height ?? DEFAULT_HEIGHT;
  const head = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(input.title !== undefined ? { title: input.title } : {}),
    config: BASE_CONFIG,
  };
  const spec = zoomFrom === null
    ? { ...head, ...panel(null, height) }
    : { ...head, vconcat: [panel(null, height, undefined, false), panel(zoomFrom, Math.round(height * 0.8), 'zoom: the test span and the forecast')] };
  return spec as TopLevelSpec;
}

/** Line style per kind of line: observed solid, one-step dotted, free-running dashed. */
const DASH = { observed: [1, 0], predictions: [2, 2], forecast: [7, 4] };

/** Below this share of the chart, the test span and horizon get a zoomed second panel. */
export const ZOOM_SHARE = 0.15;

/**
 * Where the zoom panel starts (a position on the x scale), or null when the test span and the
 * forecast already fill at least ZOOM_SHARE of the chart. It shows as many points before the test
 * span as the test span has (at least 12), so the eye has the recent level to compare against.
 */
function zoomStart(input: ActualVsPredictedInput, all: number[], pos: (d: string) => number): number | null {
  if (input.testStart === undefined || input.dates.length < 2) return null;
  const lo = Math.min(...all), hi = Math.max(...all);
  const t0 = pos(input.testStart);
  if (!(hi > lo) || !Number.isFinite(t0) || (hi - t0) / (hi - lo) >= ZOOM_SHARE) return null;
  const i0 = input.dates.findIndex((d) => pos(d) >= t0);
  if (i0 < 0) return null;
  const testLen = input.dates.length - i0;
  return pos(input.dates[Math.max(0, i0 - Math.max(12, testLen))]!);
}

/**
 * A date axis that names years: across three years or more, ticks on whole years labelled "%Y"
 * (every k-th year, at most 12 ticks); shorter spans tick on months labelled "%b %Y"; under two
 * months, days. Vega's default multi-format labels only the January ticks with the year, so a
 * monthly chart of 2-5 years read "April, July, October".
 */
export function dateAxis(times: number[]): { format: string; tickCount: { interval: 'year' | 'month' | 'day'; step: number }; labelOverlap: boolean } {
  const finiteTimes = times.filter(Number.isFinite);
  const days = finiteTimes.length > 1 ? (Math.max(...finiteTimes) - Math.min(...finiteTimes)) / 86400000 : 0;
  const years = days / 365.25;
  if (years >= 3) return { format: '%Y', tickCount: { interval: 'year', step: niceStep(years / 12) }, labelOverlap: true };
  if (days >= 60) return { format: '%b %Y', tickCount: { interval: 'month', step: niceStep(days / 30.44 / 10, [1, 2, 3, 6, 12]) }, labelOverlap: true };
  return { format: '%Y-%m-%d', tickCount: { interval: 'day', step: niceStep(days / 8, [1, 2, 7, 14]) }, labelOverlap: true };
}

/** The smallest of `steps` (then multiples of 5 and 10) at least `x`. */
function niceStep(x: number, steps: number[] = [1, 2, 5, 10, 20, 25, 50, 100]): number {
  for (const s of steps) if (s >= x) return s;
  return Math.ceil(x / 10) * 10;
}

export interface GradientNormsOptions {
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Heatmap of ‖∂L/∂h_t‖: one row per epoch (1-based), one column per time step (1-based),
 * log colour scale. Non-positive and non-finite norms are left blank.
 */
export function gradientNormsSpec(norms: number[][], opts: GradientNormsOptions = {}): TopLevelSpec {
  const values: { epoch: number; t: number; norm: number }[] = [];
  let steps = 0;
  norms.forEach((row, e) => {
    steps = Math.max(steps, row.length);
    row.forEach((norm, t) => {
      if (finite(norm) && norm > 0) values.push({ epoch: e + 1, t: t + 1, norm });
    });
  });
  const every = (n: number): number[] => {
    const k = Math.max(1, Math.ceil(n / 20));
    const out: number[] = [];
    for (let i = 1; i <= n; i += k) out.push(i);
    return out;
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title ?? 'Gradient norm ‖∂L/∂h_t‖ per time step',
    width: opts.width ?? DEFAULT_WIDTH,
    height: opts.height ?? Math.min(DEFAULT_HEIGHT, Math.max(120, norms.length * 14)),
    config: BASE_CONFIG,
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 't', type: 'ordinal', title: 'time step t',
        scale: { domain: Array.from({ length: steps }, (_, i) => i + 1) },
        axis: { values: every(steps), labelAngle: 0 },
      },
      y: {
        field: 'epoch', type: 'ordinal', title: 'epoch',
        scale: { domain: Array.from({ length: norms.length }, (_, i) => i + 1) },
        axis: { values: every(norms.length) },
      },
      color: {
        field: 'norm', type: 'quantitative', title: '‖∂L/∂h_t‖',
        scale: { type: 'log', scheme: 'viridis' },
        legend: { format: '.1e' },
      },
      tooltip: [{ field: 'epoch' }, { field: 't' }, { field: 'norm', format: '.3e' }],
    },
  };
  return spec as TopLevelSpec;
}

/** A model's colour from a user's map; own keys only, so a model named 'constructor' gets no Object. */
function ownColor(colors: Record<string, string> | undefined, name: string): string | undefined {
  return colors !== undefined && Object.prototype.hasOwnProperty.call(colors, name) ? colors[name] : undefined;
}
