// Rolling-origin backtests: the plan (origins, refits, scored points), AR refitted at every origin
// against statsmodels AutoReg refitted at every origin (test/fixtures/backtest_ar.json, from
// tools/reference/backtest_statsmodels.py), transforms refitted inside each fit, one-line errors.
import { describe, expect, it } from 'vitest';
import { backtest, backtestPlan, type BacktestModel } from '../../src/forecast/backtest.js';
import { difference } from '../../src/forecast/transforms.js';
import { ARForecaster } from '../../src/models/ar.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import { loadFixture } from '../helpers.js';
import { ValueError } from '../../src/errors.js';

const ar = (p: number): BacktestModel => ({ name: 'ar', make: () => new ARForecaster({ p }) });
const persistence: BacktestModel = { name: 'persistence', make: () => new PersistenceForecaster() };

describe('backtestPlan', () => {
  it('with horizon H and stride 1 there are T − H + 1 origins, each forecast ending inside the test span', () => {
    const p = backtestPlan(100, { test: 12, horizon: 3 });
    expect(p.testStart).toBe(88);
    expect(p.origins).toHaveLength(10);
    expect(p.origins[0]).toBe(88);
    expect(p.origins.at(-1)! + 3).toBe(100);
    expect(p.refitAt).toHaveLength(10);
  });
  it('stride, retrain N and never', () => {
    expect(backtestPlan(100, { test: 12, horizon: 1, stride: 5 }).origins).toEqual([88, 93, 98]);
    expect(backtestPlan(100, { test: 12, horizon: 1, retrain: 4 }).refitAt).toEqual([0, 4, 8]);
    expect(backtestPlan(100, { test: 12, horizon: 1, retrain: 'never' }).refitAt).toEqual([0]);
  });
  it('a horizon longer than the test span is one line', () => {
    expect(() => backtestPlan(100, { test: 4, horizon: 5 })).toThrow('backtest: horizon 5 is longer than the test span of 4 points (each forecast must end inside it)');
    expect(() => backtestPlan(10, { test: 10 })).toThrow(ValueError);
  });
});

describe('backtest: AR refitted at every origin equals statsmodels AutoReg', () => {
  const fx = loadFixture('backtest_ar.json') as {
    statsmodels_version: string; values: number[]; n_test: number;
    cases: { p: number; horizon: number; retrain: 'every' | 'never'; origins: number[]; forecasts: number[][]; rmse: number; mae: number }[];
  };
  for (const c of fx.cases) {
    it(`p ${c.p}, horizon ${c.horizon}, retrain ${c.retrain} (statsmodels ${fx.statsmodels_version}; regenerate: /usr/bin/python3 tools/reference/backtest_statsmodels.py)`, () => {
      const r = backtest(fx.values, [ar(c.p)], { test: fx.n_test, horizon: c.horizon, retrain: c.retrain });
      expect(r.origins).toEqual(c.origins);
      const m = r.models.ar!;
      expect(m.fits).toBe(c.retrain === 'every' ? c.origins.length : 1);
      let worst = 0;
      c.forecasts.forEach((f, k) => f.forEach((v, j) => { worst = Math.max(worst, Math.abs(m.forecasts[k]![j]! - v)); }));
      expect(worst).toBeLessThan(1e-6);
      expect(m.metrics.rmse).toBeCloseTo(c.rmse, 9);
      expect(m.metrics.mae).toBeCloseTo(c.mae, 9);
      expect(m.lastPoints.predicted).toHaveLength(fx.n_test - c.horizon + 1);
    });
  }
});

describe('backtest: scoring and transforms', () => {
  const y = Array.from({ length: 40 }, (_, t) => 10 + 0.5 * t + Math.sin(t));

  it('persistence: the last point of each forecast is y at its origin − 1; per-horizon rows for h = 1 … H', () => {
    const r = backtest(y, [persistence], { test: 10, horizon: 4, allPoints: true });
    const m = r.models.persistence!;
    expect(m.lastPoints.positions).toEqual(r.origins.map((o) => o + 3));
    expect(m.lastPoints.predicted).toEqual(r.origins.map((o) => y[o - 1]));
    expect(m.perHorizon.map((h) => h.h)).toEqual([1, 2, 3, 4]);
    expect(m.perHorizon[3]!.metrics).toEqual(m.metrics);
    // the error grows with the step ahead on a trending series
    expect(m.perHorizon[3]!.metrics.mae).toBeGreaterThan(m.perHorizon[0]!.metrics.mae);
    expect(m.allPoints!.mae).toBeCloseTo(m.perHorizon.reduce((a, h) => a + h.metrics.mae, 0) / 4, 12);
    // MASE scaled by the in-sample naive MAE of the data before the first origin
    const ins = y.slice(0, r.origins[0]);
    const q = ins.slice(1).reduce((a, v, i) => a + Math.abs(v - ins[i]!), 0) / (ins.length - 1);
    expect(m.metrics.mase).toBeCloseTo(m.metrics.mae / q, 12);
  });

  it('transforms are refitted and inverted inside each fit: persistence on first differences extends the last step', () => {
    const r = backtest(y, [persistence], { test: 6, horizon: 3, transforms: [difference(1)] });
    r.origins.forEach((o, k) => {
      const step = y[o - 1]! - y[o - 2]!;
      r.models.persistence!.forecasts[k]!.forEach((v, j) => expect(v).toBeCloseTo(y[o - 1]! + (j + 1) * step, 10));
    });
  });

  it('a transform that leaves too few points is one line naming the origin', () => {
    expect(() => backtest(y.slice(0, 8), [ar(2)], { test: 3, transforms: [difference(4)] })).toThrow(/^backtest \(ar, origin 1 of 3 at position 5\): transforms: difference 4 drop 4 points, leaving none of the 5 training points|^backtest \(ar, origin 1 of 3 at position 5\): AR.fit/);
  });
});
