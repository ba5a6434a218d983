// The forecast chart's reading aids: year-aware date axes, a legend whose swatches carry each
// line's dash, a zoom panel on long series, and a terminal chart limited to the best models.
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { actualVsPredictedSpec, bestSeriesChart, dateAxis, renderSvg, terminalChart } from '../../src/plot/index.js';

const DAY = 86400000;
const monthly = (n: number, y0 = 1980): string[] => Array.from({ length: n }, (_, i) => new Date(Date.UTC(y0, i, 1)).toISOString().slice(0, 10));

/** A monthly series of n points, the last `test` of them predicted by ar and gru, and a 6-step forecast. */
function monthlyInput(n: number, test: number): Parameters<typeof actualVsPredictedSpec>[0] {
  const dates = monthly(n + 6);
  const future = dates.splice(n);
  const actual = dates.map((_, i) => 5 + Math.sin(i / 7));
  const td = dates.slice(n - test);
  return {
    dates, actual, testStart: td[0],
    predictions: { ar: { dates: td, values: actual.slice(n - test).map((v) => v + 0.1) }, gru: { dates: td, values: actual.slice(n - test).map((v) => v - 0.1) } },
    forecast: { ar: { dates: future, values: future.map(() => 5) }, gru: { dates: future, values: future.map(() => 5.2) } },
  };
}

type Panel = { layer: { data?: { values: { date: string }[] }; encoding?: { x?: { axis?: { format: string } } } }[] };
const linePanel = (p: Panel) => p.layer.at(-1)!;

describe('dateAxis', () => {
  it('labels whole years on long spans, months with their year on short ones, days below two months', () => {
    const t0 = Date.UTC(1980, 0, 1);
    expect(dateAxis([t0, Date.UTC(2020, 0, 1)])).toEqual({ format: '%Y', tickCount: { interval: 'year', step: 5 }, labelOverlap: true });
    expect(dateAxis([t0, Date.UTC(1990, 0, 1)])).toEqual({ format: '%Y', tickCount: { interval: 'year', step: 1 }, labelOverlap: true });
    expect(dateAxis([t0, Date.UTC(1982, 0, 1)])).toEqual({ format: '%b %Y', tickCount: { interval: 'month', step: 3 }, labelOverlap: true });
    expect(dateAxis([t0, t0 + 30 * DAY])).toEqual({ format: '%Y-%m-%d', tickCount: { interval: 'day', step: 7 }, labelOverlap: true });
  });

  it('a two-year monthly chart labels its ticks with the year (not "April / October")', async () => {
    const spec = actualVsPredictedSpec(monthlyInput(24, 6));
    expect(linePanel(spec as unknown as Panel).encoding!.x!.axis!.format).toBe('%b %Y');
    const svg = await renderSvg(spec);
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toContain('Jan 1981');
    expect(labels.filter((l) => /^[A-Z][a-z]{2} \d{4}$/.test(l!)).length).toBeGreaterThanOrEqual(4);
  });
});

describe('actualVsPredictedSpec legend', () => {
  it('draws observed solid, one-step dotted and the forecast dashed, in the legend as on the chart', async () => {
    const spec = actualVsPredictedSpec(monthlyInput(24, 6));
    const dash = (linePanel(spec as unknown as Panel).encoding as unknown as { strokeDash: { scale: { domain: string[]; range: number[][] } } }).strokeDash.scale;
    expect(dash.domain).toEqual(['observed', 'one-step prediction', 'free-running forecast']);
    expect(dash.range).toEqual([[1, 0], [2, 2], [7, 4]]);
    const svg = await renderSvg(spec);
    const legend = svg.slice(svg.indexOf('role-legend'));
    // the "line" legend: one swatch per kind, each with its own dash pattern
    const swatches = [...legend.matchAll(/stroke-dasharray="([^"]*)"/g)].map((m) => m[1]);
    expect(swatches).toEqual(['1,0', '2,2', '7,4']);
  });
});

describe('actualVsPredictedSpec zoom panel', () => {
  it('adds a second panel from before the test span when the test span and forecast are under 15% of the chart', () => {
    const spec = actualVsPredictedSpec(monthlyInput(480, 24)) as unknown as { vconcat?: Panel[] };
    expect(spec.vconcat).toHaveLength(2);
    const [full, zoom] = spec.vconcat!;
    expect(linePanel(full!).data!.values[0]!.date).toBe('1980-01-01');
    // 24 test points, so 24 points of context before the test span starts (2018-01): 2016-01
    const zoomDates = linePanel(zoom!).data!.values.map((r) => r.date);
    expect(zoomDates.reduce((a, b) => (a < b ? a : b))).toBe('2016-01-01');
    expect(zoomDates.reduce((a, b) => (a > b ? a : b))).toBe('2020-06-01');
    expect(linePanel(full!).encoding!.x!.axis!.format).toBe('%Y');
    expect(() => compile(spec as never)).not.toThrow();
  });

  it('keeps one panel when the test span is a visible share of the chart', () => {
    const spec = actualVsPredictedSpec(monthlyInput(60, 12)) as unknown as { vconcat?: Panel[]; layer?: unknown[] };
    expect(spec.vconcat).toBeUndefined();
    expect(spec.layer).toBeDefined();
  });
});

describe('bestSeriesChart', () => {
  it('draws the reference and the best models by score, and says which it left out', () => {
    const out = bestSeriesChart({ name: 'actual', values: [1, 2, 3, 4] }, [
      { name: 'rnn', values: [1, 3, 3, 5], score: 0.7 },
      { name: 'ar', values: [1, 2, 3, 4.2], score: 0.1 },
      { name: 'drift', values: [2, 2, 2, 2], score: NaN },
      { name: 'gru', values: [1, 1, 3, 4], score: 0.5 },
    ], { keep: 2, scoreName: 'test RMSE', height: 6, width: 10 });
    expect(out).toBe([
      'showing actual and the best 2 of 4 models by test RMSE: ar, gru',
      '      ── actual   ━━ ar   ══ gru',
      ' 4.2 ┤  ╔',
      '3.56 ┤  ║',
      '2.92 ┤ ╔╝',
      '2.28 ┤┏║',
      '1.64 ┤┃║',
      '   1 ┼═╝',
    ].join('\n'));
  });

  it('is the plain chart, with no note, when every model fits', () => {
    const models = [{ name: 'ar', values: [1, 2], score: 1 }, { name: 'gru', values: [2, 1], score: 2 }];
    expect(bestSeriesChart({ name: 'actual', values: [1, 1] }, models, { height: 4 }))
      .toBe(terminalChart({ actual: [1, 1], ar: [1, 2], gru: [2, 1] }, { height: 4 }));
  });
});

describe('actualVsPredictedSpec lineLabels', () => {
  it('names the dotted and dashed kinds in the legend, keeping their dashes', () => {
    const spec = actualVsPredictedSpec({ ...monthlyInput(24, 6), lineLabels: { predictions: 'step-3 forecast (scored)' } });
    const dash = (linePanel(spec as unknown as Panel).encoding as unknown as { strokeDash: { scale: { domain: string[]; range: number[][] } } }).strokeDash.scale;
    expect(dash.domain).toEqual(['observed', 'step-3 forecast (scored)', 'free-running forecast']);
    expect(dash.range).toEqual([[1, 0], [2, 2], [7, 4]]);
    expect(() => actualVsPredictedSpec({ ...monthlyInput(24, 6), lineLabels: { forecast: 'observed' } })).toThrow(/lineLabels must differ/);
  });
});
