// Many series, one model (src/forecast/global.ts) and calendar features (src/forecast/calendar.ts):
// definitions on constructed cases, then a seeded panel where the global model beats per-series
// persistence, and a known-future column that the model uses.
import { describe, expect, it } from 'vitest';
import { calendarFeatures, calendarIndex, parseCalendarDate } from '../../src/forecast/calendar.js';
import { backtestGlobal, GlobalForecaster, globalWindows, pooledMetrics, runGlobalExperiment, type PanelSeries } from '../../src/forecast/global.js';
import { StandardScaler } from '../../src/data/scaler.js';
import { maseScale } from '../../src/forecast/metrics.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import { ARForecaster } from '../../src/models/ar.js';
import { Generator } from '../../src/tensor/random.js';

const TAU = 2 * Math.PI;

describe('calendar features', () => {
  it('equal sin/cos of the cycle position for known dates', () => {
    // 2024-01-15 a Monday; 2023-12-31 a Sunday; 1970-01-01 a Thursday; 2000-02-29 a Tuesday; 2021-07 = 2021-07-01, a Thursday
    const dates = ['2024-01-15', '2023-12-31', '1970-01-01', '2000-02-29', '2021-07'];
    const f = calendarFeatures(dates, ['month', 'quarter', 'weekday']);
    const month = [0, 11, 0, 1, 6], quarter = [0, 3, 0, 0, 2], weekday = [0, 6, 3, 1, 3];
    dates.forEach((_, t) => {
      expect(f[0]![t]).toBeCloseTo(Math.sin((TAU * month[t]!) / 12), 15);
      expect(f[1]![t]).toBeCloseTo(Math.cos((TAU * month[t]!) / 12), 15);
      expect(f[2]![t]).toBeCloseTo(Math.sin((TAU * quarter[t]!) / 4), 15);
      expect(f[3]![t]).toBeCloseTo(Math.cos((TAU * quarter[t]!) / 4), 15);
      expect(f[4]![t]).toBeCloseTo(Math.sin((TAU * weekday[t]!) / 7), 15);
      expect(f[5]![t]).toBeCloseTo(Math.cos((TAU * weekday[t]!) / 7), 15);
    });
    // December: sin(11π/6) = −0.5, cos = √3/2
    expect(f[0]![1]).toBeCloseTo(-0.5, 15);
    expect(f[1]![1]).toBeCloseTo(Math.sqrt(3) / 2, 15);
    // every weekday of one week, Monday 2024-01-15 … Sunday 2024-01-21
    expect(Array.from({ length: 7 }, (_, i) => calendarIndex('weekday', 2024, 1, 15 + i))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(parseCalendarDate('1999')).toEqual([1999, 1, 1]);
    expect(parseCalendarDate('2020/03/04')).toEqual([2020, 3, 4]);
    expect(parseCalendarDate('2020-13-01')).toBeNull();
    expect(() => calendarFeatures(['2020-01-01', 't+1'], ['month'], 'x.csv')).toThrow("x.csv: date 2 't+1' is not YYYY, YYYY-MM or YYYY-MM-DD");
    expect(() => calendarFeatures(['2020-01-01'], ['hour' as 'month'])).toThrow("unknown calendar feature 'hour'");
  });
});

describe('windows and inputs', () => {
  it('windows never cross a series boundary; step j reads z_{t−L+j} and the future covariates of t−L+j+1', () => {
    expect(globalWindows([5, 3, 2], 2)).toEqual([{ series: 0, end: 2 }, { series: 0, end: 3 }, { series: 0, end: 4 }, { series: 1, end: 2 }]);
    const m = new GlobalForecaster('mlp', { seqLen: 2, futureSize: 1 });
    const s = [{ z: [0, 1, 2, 3, 4], f: [[10, 11, 12, 13, 14]] }, { z: [100, 101, 102], f: [[110, 111, 112]] }];
    const x = m.inputs(s, globalWindows([5, 3], 2));
    expect(x.shape).toEqual([4, 4]);
    expect(Array.from(x.data)).toEqual([0, 11, 1, 12, /**/ 1, 12, 2, 13, /**/ 2, 13, 3, 14, /**/ 100, 111, 101, 112]);
    const r = new GlobalForecaster('gru', { seqLen: 2, futureSize: 1 });
    expect(r.inputs(s, [{ series: 1, end: 2 }]).shape).toEqual([1, 2, 2]);
  });
});

describe('runGlobalExperiment on a constructed panel', () => {
  const panel: PanelSeries[] = [
    { id: 'a', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    { id: 'b', values: [100, 300, 200, 400, 300, 500, 400, 600] },
  ];
  const r = runGlobalExperiment(panel, new GlobalForecaster('mlp', { seqLen: 2, hidden: 3, epochs: 2 }), { test: 2, baselines: [{ name: 'persistence', make: () => new PersistenceForecaster() }] });

  it("per-series scalers are fitted on each series' training span only", () => {
    const sa = r.scalers[0]!.target.toJSON() as { mean: number; std: number };
    const sb = r.scalers[1]!.target.toJSON() as { mean: number; std: number };
    // a: training span 1 … 8 (mean 4.5, population sd √5.25); b: 100, 300, 200, 400, 300, 500 (mean 300, sd √(50000/3))
    expect(sa.mean).toBe(4.5);
    expect(sa.std).toBeCloseTo(Math.sqrt(5.25), 14);
    expect(sb.mean).toBe(300);
    expect(sb.std).toBeCloseTo(Math.sqrt(50000 / 3), 10);
    expect(r.splits.map((s) => s.test)).toEqual([[8, 10], [6, 8]]);
  });

  it('per-series and pooled metrics equal their definitions', () => {
    const p = r.models.persistence!;
    expect(p.perSeries[0]!.predictions).toEqual([8, 9]);
    expect(p.perSeries[1]!.predictions).toEqual([500, 400]);
    // errors: a 1, 1 (Q_a = 1); b −100, 200 (Q_b = mean |Δ| of 100,300,200,400,300,500 = 160)
    expect(p.perSeries[0]!.metrics.rmse).toBe(1);
    expect(p.perSeries[1]!.metrics.mae).toBe(150);
    expect(p.perSeries[1]!.metrics.mase).toBeCloseTo(150 / 160, 14);
    expect(p.pooled.n).toBe(4);
    expect(p.pooled.rmse).toBeCloseTo(Math.sqrt((1 + 1 + 100 ** 2 + 200 ** 2) / 4), 12);
    expect(p.pooled.mae).toBeCloseTo((1 + 1 + 100 + 200) / 4, 12);
    expect(p.pooled.mase).toBeCloseTo((1 + 1 + 100 / 160 + 200 / 160) / 4, 14);
    // the global model's pooled numbers from its own per-series predictions
    const g = r.models.mlp!;
    const scales = [maseScale(panel[0]!.values.slice(0, 8)), maseScale(panel[1]!.values.slice(0, 6))];
    expect(g.pooled).toEqual(pooledMetrics([[9, 10], [400, 600]], g.perSeries.map((s) => s.predictions), scales));
    // …and the one-step predictions are the model's on each series' own scale
    expect(g.perSeries[1]!.metrics.rmse).toBeCloseTo(Math.sqrt(((400 - g.perSeries[1]!.predictions[0]!) ** 2 + (600 - g.perSeries[1]!.predictions[1]!) ** 2) / 2), 8);
  });

  it('one-line errors: duplicate ids, a series too short, a missing future column', () => {
    const m = () => new GlobalForecaster('mlp', { seqLen: 2, epochs: 1 });
    expect(() => runGlobalExperiment([panel[0]!, panel[0]!], m(), { test: 2 })).toThrow("series id 'a' appears twice");
    expect(() => runGlobalExperiment([panel[0]!, { id: 'c', values: [1, 2, 3] }], m(), { test: 2 })).toThrow(/series 'c': timeSplit/);
    expect(() => runGlobalExperiment(panel, new GlobalForecaster('mlp', { seqLen: 2, epochs: 1, futureSize: 1 }), { test: 2, futureColumns: ['promo'] })).toThrow("series 'a': no future column 'promo'");
  });
});

/** A seeded monthly panel: series s is a_s + b_s·(2·sin(2π·month/12) + 0.5·AR(1) noise), very different scales. */
function seasonalPanel(points: number): PanelSeries[] {
  const g = new Generator(11);
  return [[5, 1], [1000, 200], [-3, 0.05], [50, 10]].map(([a, b], s) => {
    const dates: string[] = [], values: number[] = [];
    let e = 0;
    for (let t = 0; t < points; t++) {
      const month = (t + 3 * s) % 12;
      dates.push(`${2000 + Math.floor((t + 3 * s) / 12)}-${String(month + 1).padStart(2, '0')}-01`);
      e = 0.5 * e + g.normal();
      values.push(a! + b! * (2 * Math.sin((TAU * month) / 12) + 0.5 * e));
    }
    return { id: `s${s}`, values, dates };
  });
}

describe('a global model on a seeded panel', () => {
  it('with month features, the global MLP beats per-series persistence pooled (MASE) and on every series', () => {
    const panel = seasonalPanel(96);
    const r = runGlobalExperiment(panel, new GlobalForecaster('mlp', { seqLen: 3, hidden: 16, epochs: 30, batchSize: 16, reduction: 'mean', futureSize: 2 }), {
      test: 12, calendar: ['month'], baselines: [{ name: 'persistence', make: () => new PersistenceForecaster() }, { name: 'ar', make: () => new ARForecaster({ p: 3 }) }],
    });
    const g = r.models.mlp!, p = r.models.persistence!;
    expect(r.inputs).toEqual(['target', 'month_sin', 'month_cos']);
    expect(g.pooled.mase).toBeLessThan(0.8 * p.pooled.mase);
    g.perSeries.forEach((s, i) => expect(s.metrics.mase).toBeLessThan(p.perSeries[i]!.metrics.mase));
  }, 30_000);

  it('a known-future column: read at the step it describes, it is learned; a forecast without its future values is refused', () => {
    const g = new Generator(5);
    const panel: PanelSeries[] = [0, 1, 2].map((s) => {
      const promo: number[] = [], values: number[] = [];
      for (let t = 0; t < 80 + 3; t++) promo.push(g.random() < 0.3 ? 1 : 0);
      for (let t = 0; t < 80; t++) values.push((s + 1) * (10 + 5 * promo[t]! + 0.3 * g.normal()));
      return { id: String(s), values, future: { promo } };
    });
    const opts = { seqLen: 2, hidden: 8, epochs: 25, batchSize: 16, reduction: 'mean' as const };
    const withPromo = runGlobalExperiment(panel, new GlobalForecaster('gru', { ...opts, futureSize: 1 }), { test: 10, futureColumns: ['promo'], forecastSteps: 3 });
    const without = runGlobalExperiment(panel, new GlobalForecaster('gru', opts), { test: 10 });
    expect(withPromo.models.gru!.pooled.mase).toBeLessThan(0.5 * without.models.gru!.pooled.mase);
    // the forecast follows the promotions at the forecast dates
    const f = withPromo.models.gru!.perSeries[0]!.forecast, promo = panel[0]!.future!.promo!.slice(80);
    expect(f).toHaveLength(3);
    f.forEach((v, k) => expect(Math.abs(v - (10 + 5 * promo[k]!))).toBeLessThan(2));
    expect(() => runGlobalExperiment(panel, new GlobalForecaster('gru', { ...opts, epochs: 1, futureSize: 1 }), { test: 10, futureColumns: ['promo'], forecastSteps: 4 }))
      .toThrow("series '0': future column 'promo' has 83 values, but 84 are needed (its values at the 4 forecast dates too)");
  }, 30_000);
});

describe('backtestGlobal', () => {
  const panel: PanelSeries[] = [
    { id: 'a', values: [1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8], future: { x: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1] } },
    { id: 'b', values: [50, 40, 60, 45, 65, 50, 70, 55, 75, 60], future: { x: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0] } },
  ];
  const make = () => new GlobalForecaster('mlp', { seqLen: 2, hidden: 3, epochs: 2, futureSize: 1, seed: 1 });
  const r = backtestGlobal(panel, make, { test: 4, horizon: 2, retrain: 2, futureColumns: ['x'], baselines: [{ name: 'persistence', make: () => new PersistenceForecaster() }] });

  it('origins per series, refits on the data before each series\' origin, forecasts equal a refit by hand', () => {
    expect(r.models.mlp!.perSeries.map((s) => s.origins)).toEqual([[8, 9, 10], [6, 7, 8]]);
    expect(r.refitAt).toEqual([0, 2]);
    expect(r.models.mlp!.fits).toBe(2);
    // origin k = 2 (a refit): scalers and the model fitted on a[0..10), b[0..8)
    const sc = panel.map((p, s) => ({ t: new StandardScaler().fit(p.values.slice(0, [10, 8][s]!)), x: new StandardScaler().fit(p.future!.x!.slice(0, [10, 8][s]!)) }));
    const m = make();
    m.fit(panel.map((p, s) => ({ z: sc[s]!.t.transform(p.values.slice(0, [10, 8][s]!)), f: [sc[s]!.x.transform(p.future!.x!.slice(0, [10, 8][s]!))] })));
    panel.forEach((p, s) => {
      const o = [10, 8][s]!;
      const f = sc[s]!.t.inverseTransform(m.forecast({ z: sc[s]!.t.transform(p.values.slice(0, o)), f: [sc[s]!.x.transform(p.future!.x!.slice(0, o + 2))] }, 2));
      expect(r.models.mlp!.perSeries[s]!.forecasts[2]).toEqual(f);
    });
  });

  it('per-series and pooled errors of the last points equal their definitions (persistence by hand)', () => {
    const p = r.models.persistence!;
    expect(p.perSeries[0]!.forecasts).toEqual([[6, 6], [5, 5], [7, 7]]);
    // a: last points y9, y10, y11 = 7, 6, 8 against y7, y8, y9 = 6, 5, 7; b: y7, y8, y9 = 55, 75, 60 against y5, y6, y7 = 50, 70, 55
    expect(p.perSeries[0]!.metrics.mae).toBe(1);
    expect(p.perSeries[1]!.forecasts.map((f) => f[1])).toEqual([50, 70, 55]);
    expect(p.perSeries[1]!.metrics.mae).toBeCloseTo(5, 12);
    const qa = maseScale(panel[0]!.values.slice(0, 8)), qb = maseScale(panel[1]!.values.slice(0, 6));
    expect(p.pooled.mase).toBeCloseTo((3 / qa + 15 / qb) / 6, 12);
    expect(p.pooled.rmse).toBeCloseTo(Math.sqrt((3 + 75) / 6), 12);
    expect(p.pooledPerHorizon[1]).toEqual(p.pooled);
    const g = r.models.mlp!;
    expect(g.pooled).toEqual(pooledMetrics([[7, 6, 8], [55, 75, 60]], g.perSeries.map((s) => s.forecasts.map((f) => f[1]!)), [qa, qb]));
  });

  it('series whose origin counts differ (a fractional test span) are refused in one line', () => {
    expect(() => backtestGlobal(panel, make, { test: 0.4, horizon: 1, futureColumns: ['x'] })).toThrow(/give a test count, not a fraction/);
  });
});
