// The target: on a trending series a neural net trained on levels cannot extrapolate past
// the top of its training range, so persistence beats it; trained on first differences (inverted
// on the way out) it beats persistence. Seeded and deterministic.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/forecast/experiment.js';
import { difference } from '../../src/forecast/transforms.js';
import { RNNForecaster } from '../../src/models/neural.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import { rangeExcursion } from '../../src/forecast/range.js';

/** y_t = 0.5 t + ε_t, ε_t ~ N(0, 0.3²) from a seeded LCG (Box–Muller). */
export function trendingSeries(n = 120, seed = 7): number[] {
  let s = seed;
  const u = () => ((s = (1103515245 * s + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  return Array.from({ length: n }, (_, t) => 0.5 * t + 0.3 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('trending series: difference before a neural net', () => {
  it('persistence beats the RNN on levels; the RNN on first differences beats persistence', () => {
    const y = trendingSeries();
    const rnn = () => new RNNForecaster({ epochs: 30, seed: 0 });
    const opts = { test: 12, val: 0 };
    const levels = runExperiment(y, [rnn(), new PersistenceForecaster()], opts);
    const diffed = runExperiment(y, [rnn()], { ...opts, transforms: [difference(1)] });
    const p = levels.models.persistence!.test.rmse, r0 = levels.models.rnn!.test.rmse, r1 = diffed.models.rnn!.test.rmse;
    // the level model flattens near the training maximum (~47) while the test span climbs to ~60
    expect(r0).toBeGreaterThan(2 * p);
    expect(r1).toBeLessThan(0.85 * p);
    console.log(`trend test RMSE: persistence ${p.toFixed(4)}, rnn on levels ${r0.toFixed(4)}, rnn --difference 1 ${r1.toFixed(4)}`);
  });
});

describe('rangeExcursion', () => {
  it('is null within the margin and measures the excursion as a fraction of the training width', () => {
    expect(rangeExcursion([0, 10], [1, 10.9])).toBeNull(); // 9 % < 10 %
    expect(rangeExcursion([0, 10], [5, 13])).toEqual({ trainMin: 0, trainMax: 10, testMin: 5, testMax: 13, beyond: 0.3 });
    expect(rangeExcursion([0, 10], [-2, 5])!.beyond).toBeCloseTo(0.2, 15);
  });
});
