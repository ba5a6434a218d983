// The baselines beside persistence (seasonal naive, drift; fpp3 §5.2) and the gated recurrent
// forecasters (LSTM, GRU) beside the tutorial's RNN: exact values, save/load round trips.
import { describe, expect, it } from 'vitest';
import { DriftForecaster, SeasonalNaiveForecaster } from '../../src/models/baselines.js';
import { GRUForecaster, LSTMForecaster, RNNForecaster } from '../../src/models/neural.js';
import { TutorialRNN } from '../../src/models/tutorial-rnn.js';
import { Generator } from '../../src/tensor/random.js';
import { filesReader, forecasterParameters, modelFromFiles, modelToFiles, type SavedForecaster } from '../../src/io/model-dir.js';
import { StandardScaler } from '../../src/data/scaler.js';
import { ValueError } from '../../src/errors.js';

describe('seasonal naive', () => {
  const y = [1, 2, 3, 4, 5, 6, 7, 8];
  it('forecasts the last season, repeated', () => {
    const m = new SeasonalNaiveForecaster({ m: 4 });
    m.fit(y);
    expect(m.forecast(y, 6)).toEqual([5, 6, 7, 8, 5, 6]);
    expect(new SeasonalNaiveForecaster({ m: 1 }).forecast(y, 2)).toEqual([8, 8]);
  });
  it('one-step: ŷ_t = y_{t−m}, the same as a 1-step forecast from the prefix', () => {
    const m = new SeasonalNaiveForecaster({ m: 3 });
    expect(m.predictOneStep(y, 5)).toEqual([3, 4, 5]);
    for (let t = 3; t < y.length; t++) expect(m.forecast(y.slice(0, t), 1)).toEqual([y[t - 3]]);
    expect(() => m.predictOneStep(y, 2)).toThrow(ValueError);
  });
});

describe('drift', () => {
  it('extends the line through the first and last observations (fpp3 §5.2)', () => {
    const d = new DriftForecaster();
    // y_T = 10, slope (10 − 1)/(4 − 1) = 3
    expect(d.forecast([1, 5, 2, 10], 3)).toEqual([13, 16, 19]);
  });
  it('one-step predictions are 1-step forecasts from each prefix', () => {
    const d = new DriftForecaster();
    const y = [3, 1, 4, 1, 5, 9, 2, 6];
    const p = d.predictOneStep(y, 2);
    for (let t = 2; t < y.length; t++) expect(p[t - 2]).toBeCloseTo(d.forecast(y.slice(0, t), 1)[0]!, 12);
  });
});

describe('LSTM and GRU forecasters', () => {
  it('RNNForecaster keeps the tutorial RNN weights for a seed (dropout 0)', () => {
    const f = new RNNForecaster({ seed: 3, hidden: 5 });
    const t = new TutorialRNN(1, 5, 1, new Generator(3), 1);
    const a = f.model.stateDict(), b = t.stateDict();
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) expect(Array.from(a[k]!.data)).toEqual(Array.from(b[k]!.data));
  });

  for (const [name, Make, gates] of [['lstm', LSTMForecaster, 4], ['gru', GRUForecaster, 3]] as const) {
    it(`${name}: PyTorch parameter names, the counted parameters, trains, and round-trips through a model directory`, () => {
      const series = Array.from({ length: 60 }, (_, t) => Math.sin(t / 3));
      const m = new Make({ hidden: 6, layers: 2, dropout: 0.1, epochs: 3, seqLen: 5, seed: 1 });
      expect(m.name).toBe(name);
      const sd = m.model.stateDict();
      expect(sd['rnn.weight_ih_l0']!.shape).toEqual([gates * 6, 1]);
      expect(sd['rnn.weight_hh_l1']!.shape).toEqual([gates * 6, 6]);
      const count = Object.values(sd).reduce((a, t) => a + t.data.length, 0);
      expect(count).toBe(forecasterParameters(name, 5, 6, 2, 1));
      const hist = m.fit(series.slice(0, 50));
      expect(hist).toHaveLength(3);
      expect(hist[2]!.train).toBeLessThan(hist[0]!.train);
      const fc = m.forecast(series.slice(0, 50), 4);
      const saved: SavedForecaster = { kind: 'forecaster', model: m, columns: ['y'], target: 'y', inputs: ['y'], scalers: [new StandardScaler().fit([0, 1])], fill: null };
      const back = modelFromFiles(filesReader(modelToFiles(saved)));
      if (back.kind !== 'forecaster') throw new Error('not a forecaster');
      expect(back.model.name).toBe(name);
      expect(back.model.forecast(series.slice(0, 50), 4)).toEqual(fc);
    });
  }

  it('dropout outside [0, 1) is refused', () => {
    expect(() => new LSTMForecaster({ dropout: 1 })).toThrow('dropout must be in [0, 1), got 1');
  });
});
