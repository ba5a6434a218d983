// The proof that the intervals mean what they say: on a seeded Gaussian AR(1) series
// (y_t = 0.6·y_{t−1} + ε_t, ε ~ N(0, 1)), the empirical coverage of the 80% interval (levels
// 0.1 … 0.9) of the one-step predictions over a long test span (4,000 points, after 1,000 of
// training). AR's analytic interval must be within 3 binomial standard errors (±0.019); the
// networks (seeded, 10–15 epochs) within ±0.05, a stated looser bound: they learn the spread from
// 1,000 points, with no closed form. Measured (seed 7): MLP pinball 0.7865 (width 2.437),
// MLP Gaussian 0.81825 (2.656), GRU pinball 0.81325 (2.587); the true interval's width is 2.563.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/forecast/experiment.js';
import { ARForecaster } from '../../src/models/ar.js';
import { MLPForecaster, GRUForecaster } from '../../src/models/neural.js';
import { Generator } from '../../src/tensor/random.js';

const N_TRAIN = 1000, N_TEST = 4000;
function ar1(n: number, seed: number): number[] {
  const g = new Generator(seed);
  const y: number[] = [];
  let prev = 0;
  for (let t = 0; t < n; t++) {
    prev = 0.6 * prev + g.normal();
    y.push(prev);
  }
  return y;
}
const y = ar1(N_TRAIN + N_TEST, 7);
const levels = [0.1, 0.5, 0.9];
// binomial standard error of an 80% coverage over N_TEST points: √(0.8·0.2/4000) = 0.0063
const se = Math.sqrt((0.8 * 0.2) / N_TEST);

describe('interval coverage on Gaussian AR(1) data', () => {
  it('AR(1) analytic 80% interval: coverage within 3 binomial standard errors of 0.8', () => {
    const r = runExperiment(y, [new ARForecaster({ p: 1, levels })], { test: N_TEST, scaler: 'none' }).models.ar!;
    // measured: coverage 0.81675 (2.7 standard errors above 0.8), width 2.573
    expect(Math.abs(r.test.coverage! - 0.8)).toBeLessThan(3 * se);
    // the interval's width is 2·1.2816·σ with σ ≈ 1
    expect(r.test.width!).toBeGreaterThan(2.4);
    expect(r.test.width!).toBeLessThan(2.75);
  });
  it('MLP trained with the pinball loss: coverage within 0.05 of 0.8', () => {
    const m = new MLPForecaster({ seqLen: 3, hidden: 16, epochs: 15, batchSize: 32, reduction: 'mean', lr: 0.01, quantiles: levels });
    const r = runExperiment(y, [m], { test: N_TEST, val: 100 }).models.mlp!;
    expect(Math.abs(r.test.coverage! - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(r.test.width! - 2.563)).toBeLessThan(0.3);
  }, 60_000);
  it('MLP with a Gaussian head (mean, log-variance; NLL): coverage within 0.05 of 0.8', () => {
    const m = new MLPForecaster({ seqLen: 3, hidden: 16, epochs: 15, batchSize: 32, reduction: 'mean', lr: 0.01, likelihood: 'gaussian' });
    const r = runExperiment(y, [m], { test: N_TEST, val: 100 }).models.mlp!;
    expect(Math.abs(r.test.coverage! - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(r.test.width! - 2.563)).toBeLessThan(0.3);
  }, 60_000);
  it('GRU trained with the pinball loss (N→N): coverage within 0.05 of 0.8', () => {
    const m = new GRUForecaster({ seqLen: 3, hidden: 8, epochs: 10, batchSize: 32, reduction: 'mean', lr: 0.01, quantiles: levels });
    const r = runExperiment(y, [m], { test: N_TEST, val: 100 }).models.gru!;
    expect(Math.abs(r.test.coverage! - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(r.test.width! - 2.563)).toBeLessThan(0.3);
  }, 60_000);
});
