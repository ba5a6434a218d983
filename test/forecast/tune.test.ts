// The search of src/forecast/tune.ts: it never reads the test span, its best is the argmin of the
// validation MASE (each trial equal to a plain backtest of the data before the test span), and a
// seeded search repeats exactly.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { backtest, gridConfigs, randomConfigs, tune, tuneSplit, type Config } from '../../src/forecast/index.js';
import { ARForecaster, MLPForecaster } from '../../src/models/index.js';
import { Generator } from '../../src/tensor/random.js';

/** A seeded AR(2) series around 10: y_t = 10 + 0.6 (y_{t−1} − 10) − 0.2 (y_{t−2} − 10) + ε. */
function ar2(n: number, seed = 1): number[] {
  const g = new Generator(seed);
  const y = [10, 10];
  while (y.length < n) y.push(10 + 0.6 * (y.at(-1)! - 10) - 0.2 * (y.at(-2)! - 10) + g.normal());
  return y;
}

const arModel = (c: Config) => ({ name: 'ar', make: () => new ARForecaster({ p: Number(c.p) }) });

describe('tune', () => {
  it('never reads the test span: NaN there changes nothing', () => {
    const y = ar2(150);
    const poisoned = [...y.slice(0, 130), ...Array<number>(20).fill(NaN)];
    const configs = gridConfigs({ p: { values: [1, 2, 4] } });
    const a = tune(poisoned, arModel, configs, { test: 20, val: 25, retrain: 'every' });
    const b = tune(y, arModel, configs, { test: 20, val: 25, retrain: 'every' });
    expect(a.trials.every((t) => Number.isFinite(t.objective))).toBe(true);
    expect(a.trials.map((t) => t.objective)).toEqual(b.trials.map((t) => t.objective));
    expect(a.split).toEqual({ train: [0, 105], val: [105, 130], test: [130, 150] });
    // the same NaN in the validation span is refused: the guard above is not vacuous
    const inVal = [...y.slice(0, 120), NaN, ...y.slice(121)];
    expect(() => tune(inVal, arModel, configs, { test: 20, val: 25 })).toThrow(/value 120 is NaN/);
  });

  it('ranks by validation MASE; each trial is the backtest of the data before the test span; the best is the argmin', () => {
    const y = ar2(160, 4);
    const configs = gridConfigs({ p: { values: [1, 2, 3, 6] } });
    const res = tune(y, arModel, configs, { test: 30, val: 30, horizon: 2 });
    const direct = configs.map((c) => backtest(y.slice(0, 130), [arModel(c)], { test: 30, horizon: 2 }).models.ar!.metrics.mase);
    for (const t of res.trials) expect(t.objective).toBe(direct[configs.findIndex((c) => c.p === t.config.p)]);
    const min = Math.min(...direct);
    expect(res.best.objective).toBe(min);
    expect(res.best.config).toEqual(configs[direct.indexOf(min)]);
    const obj = res.trials.map((t) => t.objective);
    expect(obj).toEqual([...obj].sort((a, b) => a - b));
    // the data are AR(2): an AR(1) does worse than the true order
    expect(res.trials.find((t) => t.config.p === 1)!.objective).toBeGreaterThan(res.trials.find((t) => t.config.p === 2)!.objective);
  });

  it('a seeded random search over a seeded model repeats exactly', () => {
    const y = ar2(90, 2);
    const space = { hidden: { low: 2, high: 12, integer: true }, lr: { low: 0.001, high: 0.05, log: true } };
    const mlp = (c: Config) => ({ name: 'mlp', make: () => new MLPForecaster({ seqLen: 4, hidden: Number(c.hidden), lr: Number(c.lr), epochs: 3, batchSize: 8, seed: 0 }) });
    const run = (seed: number) => tune(y, mlp, randomConfigs(space, 3, seed), { test: 10, val: 10, retrain: 'never' });
    const a = run(7), b = run(7);
    expect(a.trials.map((t) => [t.config, t.objective])).toEqual(b.trials.map((t) => [t.config, t.objective]));
    expect(randomConfigs(space, 3, 8)).not.toEqual(randomConfigs(space, 3, 7));
    for (const c of randomConfigs(space, 20, 1)) {
      expect(Number.isInteger(c.hidden)).toBe(true);
      expect(c.hidden).toBeGreaterThanOrEqual(2);
      expect(c.hidden).toBeLessThanOrEqual(12);
      expect(c.lr).toBeGreaterThanOrEqual(0.001);
      expect(c.lr).toBeLessThanOrEqual(0.05);
    }
  });

  it('grid order, and one-line errors for impossible searches', () => {
    expect(gridConfigs({ a: { values: [1, 2] }, b: { values: ['x', 'y'] } })).toEqual([{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]);
    expect(() => gridConfigs({ lr: { low: 0.001, high: 0.1 } })).toThrow(/range.*random search/);
    expect(() => randomConfigs({ lr: { low: 0.1, high: 0.01 } }, 3, 0)).toThrow(ValueError);
    expect(() => tuneSplit(50, 30, 20)).toThrow(/leave no training data/);
    expect(() => tune(ar2(60), arModel, [{ p: 1 }], { test: 10, val: 5, horizon: 6 })).toThrow(/horizon 6 is longer/);
    expect(() => tune(ar2(60), arModel, [], { test: 10, val: 5 })).toThrow(/no configurations/);
  });
});
