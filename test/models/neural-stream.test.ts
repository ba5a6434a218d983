// NeuralForecaster.fitStream (issue 14): training from a series streamed afresh every epoch gives
// fit's weights exactly when both keep the time order, and the same losses up to summation order.
import { describe, expect, it } from 'vitest';
import { GRUForecaster, LSTMForecaster, MLPForecaster, RNNForecaster } from '../../src/models/neural.js';
import { Generator } from '../../src/tensor/random.js';

function series(n: number): number[] {
  const g = new Generator(7);
  const out: number[] = [];
  let y = 0;
  for (let i = 0; i < n; i++) {
    y = 0.7 * y + (g.random() - 0.5);
    out.push(y + Math.sin(i / 5));
  }
  return out;
}

const makers = {
  rnn: (o: object) => new RNNForecaster(o),
  lstm: (o: object) => new LSTMForecaster(o),
  gru: (o: object) => new GRUForecaster(o),
  mlp: (o: object) => new MLPForecaster(o),
};

describe('fitStream', () => {
  const z = series(83);
  const trainEnd = 60, valEnd = 70, L = 5;
  const opts = { seqLen: L, hidden: 6, epochs: 3, batchSize: 4, lr: 0.01, seed: 3, shuffle: false };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: in time order equals fit with shuffle off (weights, predictions; losses to 1e-5)`, () => {
      const a = make(opts), b = make(opts);
      const ha = a.fit(z.slice(0, trainEnd), z.slice(trainEnd, valEnd));
      let passes = 0;
      const hb = b.fitStream(() => { passes++; return z.slice(0, trainEnd); }, () => z.slice(trainEnd - L, valEnd), { trainValues: trainEnd });
      // epoch 0 and 3 epochs read the training span once each (train passes) plus once per evaluation
      expect(passes).toBe(1 + 3 * 1);
      const sa = a.model.stateDict(), sb = b.model.stateDict();
      for (const k of Object.keys(sa)) expect(Array.from(sb[k]!.data)).toEqual(Array.from(sa[k]!.data));
      expect(b.predictOneStep(z, valEnd)).toEqual(a.predictOneStep(z, valEnd));
      expect(hb.length).toBe(3);
      hb.forEach((h, i) => {
        expect(h.train).toBeCloseTo(ha[i]!.train, 5);
        expect(h.val!).toBeCloseTo(ha[i]!.val!, 5);
      });
      expect(b.lastFit!.initialLoss.val!).toBeCloseTo(a.lastFit!.initialLoss.val!, 5);
    });
  }

  it('a seeded shuffle buffer repeats with the seed, and changes the weights', () => {
    const run = (seed: number, sb: number) => {
      const m = new RNNForecaster({ ...opts, seed: 3, shuffle: true });
      (m.opts as { seed: number }).seed = seed;
      m.fitStream(() => z.slice(0, trainEnd), null, { trainValues: trainEnd, shuffleBuffer: sb });
      return Array.from(m.model.stateDict()['linear.weight']!.data);
    };
    expect(run(3, 16)).toEqual(run(3, 16));
    expect(run(3, 16)).not.toEqual(run(3, 0));
    expect(run(4, 16)).not.toEqual(run(3, 16));
  });

  it('refuses a quantile head and a too short span in one line', () => {
    expect(() => new MLPForecaster({ seqLen: 3, quantiles: [0.1, 0.9] }).fitStream(() => [1, 2, 3, 4, 5], null, { trainValues: 5 })).toThrow(/point model of one column/);
    expect(() => new MLPForecaster({ seqLen: 5 }).fitStream(() => [1, 2, 3, 4, 5], null, { trainValues: 5 })).toThrow(/training span has 5 values, need more than seqLen 5/);
  });
});
