// Intervals in a rolling-origin backtest (src/forecast/backtest.ts `intervals`): each origin's
// quantiles are those of a model refitted on the data before it, and the scores are the interval
// metrics' definitions over the origins, per step and on the last points.
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/forecast/backtest.js';
import { intervalMetrics } from '../../src/forecast/intervals.js';
import { ARForecaster } from '../../src/models/ar.js';
import { MLPForecaster } from '../../src/models/neural.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import { difference } from '../../src/forecast/transforms.js';
import { Generator } from '../../src/tensor/random.js';

const g = new Generator(3);
const y: number[] = [];
for (let t = 0, p = 0; t < 80; t++) y.push((p = 0.5 * p + g.normal()) + 10);
const levels = [0.1, 0.5, 0.9];

describe('backtest intervals', () => {
  it("AR's analytic interval at every origin equals a refit on the data before it; coverage, width and pinball by hand", () => {
    const H = 3, T = 20;
    const bt = backtest(y, [{ name: 'ar', make: () => new ARForecaster({ p: 2, levels }) }, { name: 'persistence', make: () => new PersistenceForecaster() }], { test: T, horizon: H, allPoints: true });
    const iv = bt.models.ar!.intervals!;
    expect(bt.models.persistence!.intervals).toBeNull();
    expect(iv.levels).toEqual(levels);
    expect(iv.quantiles).toHaveLength(T - H + 1);
    bt.origins.forEach((o, k) => {
      const m = new ARForecaster({ p: 2, levels });
      m.fit(y.slice(0, o));
      const q = m.forecastQuantiles(y.slice(0, o), H);
      q.forEach((row, j) => row.forEach((v, h) => expect(iv.quantiles[k]![j]![h]).toBeCloseTo(v, 10)));
    });
    for (let h = 1; h <= H; h++) {
      let inside = 0, width = 0, pin = 0;
      bt.origins.forEach((o, k) => {
        const a = y[o + h - 1]!, q = iv.quantiles[k]!.map((r) => r[h - 1]!);
        if (a >= q[0]! && a <= q[2]!) inside++;
        width += q[2]! - q[0]!;
        q.forEach((v, j) => { const e = a - v; pin += Math.max(levels[j]! * e, (levels[j]! - 1) * e); });
      });
      const n = bt.origins.length;
      expect(iv.perHorizon[h - 1]!.coverage).toBeCloseTo(inside / n, 12);
      expect(iv.perHorizon[h - 1]!.width).toBeCloseTo(width / n, 12);
      expect(iv.perHorizon[h - 1]!.pinball).toBeCloseTo(pin / (n * 3), 12);
    }
    expect(iv.metrics).toEqual(iv.perHorizon[H - 1]);
    // pooled over every step of every origin
    const pooled = intervalMetrics(bt.origins.flatMap((o) => y.slice(o, o + H)), { levels, values: levels.map((_, j) => iv.quantiles.flatMap((q) => q[j]!)) });
    expect(iv.allPoints).toEqual(pooled);
    // the analytic interval widens with the step
    expect(iv.perHorizon[2]!.width).toBeGreaterThan(iv.perHorizon[0]!.width);
  });

  it('a neural Gaussian head with a difference: finite, ordered quantiles from sampled paths, step 1 from the model', () => {
    const bt = backtest(y, [{ name: 'mlp', make: () => new MLPForecaster({ seqLen: 3, hidden: 4, epochs: 2, likelihood: 'gaussian', samplePaths: 200 }) }], { test: 6, horizon: 2, retrain: 'never', transforms: [difference(1)] });
    const iv = bt.models.mlp!.intervals!;
    expect(iv.quantiles).toHaveLength(5);
    for (const q of iv.quantiles) for (let h = 0; h < 2; h++) {
      expect(q[0]![h]!).toBeLessThan(q[1]![h]!);
      expect(q[1]![h]!).toBeLessThan(q[2]![h]!);
    }
    // the paths carry step 1's uncertainty into step 2: a wider interval
    expect(iv.perHorizon[1]!.width).toBeGreaterThan(iv.perHorizon[0]!.width);
  });
});
