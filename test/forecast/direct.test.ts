// Direct multi-horizon forecasts (outputSteps H, Darts' BlockRNN): one forward pass of a window
// emits H values; a longer forecast runs in blocks of H; the backtest scores them.
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/forecast/backtest.js';
import { GRUForecaster, MLPForecaster } from '../../src/models/neural.js';
import { filesReader, modelFromFiles, modelToFiles, type SavedForecaster } from '../../src/io/model-dir.js';
import { StandardScaler } from '../../src/data/scaler.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const y = Array.from({ length: 120 }, (_, t) => Math.sin(t / 4) + 0.1 * Math.cos(t));
const opts = { seqLen: 6, hidden: 8, epochs: 8, batchSize: 8, reduction: 'mean' as const, outputSteps: 3 };

/** Counts the model's forward passes. */
function countForwards(m: { model: { forward: (x: Tensor) => Tensor } }): { n: number } {
  const c = { n: 0 };
  const f = m.model.forward.bind(m.model);
  m.model.forward = (x: Tensor) => { c.n++; return f(x); };
  return c;
}

describe('outputSteps H = 3', () => {
  for (const Net of [GRUForecaster, MLPForecaster]) {
    it(`${Net.name}: a 3-step forecast is one forward pass of one window; 7 steps are 3 blocks`, () => {
      const m = new Net(opts);
      expect(m.outputSize).toBe(3);
      m.fit(y.slice(0, 100));
      const c = countForwards(m);
      const f3 = m.forecast(y.slice(0, 100), 3);
      expect(c.n).toBe(1);
      expect(f3).toHaveLength(3);
      c.n = 0;
      const f7 = m.forecast(y.slice(0, 100), 7);
      expect(c.n).toBe(3);
      expect(f7.slice(0, 3)).toEqual(f3);
      // one-step predictions are the first of each window's H outputs
      expect(m.predictOneStep(y.slice(0, 101), 100)[0]).toBe(f3[0]);
      // it learned the sine: the direct 3-step forecast beats the last value
      const err = Math.abs(f3[2]! - y[102]!), naive = Math.abs(y[99]! - y[102]!);
      expect(err).toBeLessThan(naive);
    });
  }
  it('the backtest forecasts directly (one forward pass per origin) and scores the last points', () => {
    let forwards = 0;
    const res = backtest(y, [{
      name: 'gru', make: () => {
        const m = new GRUForecaster(opts);
        const f = m.model.forward.bind(m.model);
        m.model.forward = (x: Tensor) => { if (x.shape[0] === 1) forwards++; return f(x); };
        return m;
      },
    }], { test: 12, horizon: 3, retrain: 'never' });
    expect(res.origins).toHaveLength(10);
    expect(forwards).toBe(10); // single-window passes: one per origin (training batches are larger)
    expect(res.models.gru!.lastPoints.predicted).toHaveLength(10);
    expect(res.models.gru!.metrics.rmse).toBeLessThan(0.5);
  });
  it('saves outputSteps in the model directory and loads it back (absent = 1)', () => {
    const m = new GRUForecaster({ ...opts, quantiles: [0.1, 0.5, 0.9] });
    m.fit(y.slice(0, 100));
    const scaler = new StandardScaler().fit(y);
    const files = modelToFiles({ kind: 'forecaster', model: m, columns: ['y'], target: 'y', inputs: ['y'], scalers: [scaler], fill: null });
    const config = JSON.parse(files.get('config.json') as string);
    expect(config.options).toMatchObject({ outputSteps: 3, likelihood: 'quantile', quantiles: [0.1, 0.5, 0.9] });
    const back = modelFromFiles(filesReader(files)) as SavedForecaster;
    const g = back.model as GRUForecaster;
    expect(g.outputSteps).toBe(3);
    expect(g.forecastQuantiles(y.slice(0, 100), 3)).toEqual(m.forecastQuantiles(y.slice(0, 100), 3));
    delete config.options.outputSteps;
    delete config.options.likelihood;
    delete config.options.quantiles;
    files.set('config.json', JSON.stringify(config));
    expect(() => modelFromFiles(filesReader(files))).toThrow(/too small|size|shape/);
  });
});
