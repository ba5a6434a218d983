// Never a false result, through the forecasters and the language-model loop: the tutorial's GS10
// experiment with a huge learning rate diverges, the model holds exactly its initial weights, the
// result says so, and predictions are finite; weights that give NaN/Inf make predicting throw.
import { describe, expect, it } from 'vitest';
import { Generator, UserError, data, forecast, models, train, type nn } from '../../src/index.js';
import { NonFiniteError } from '../../src/train/fit.js';

function snapshot(m: nn.Module): Record<string, number[]> {
  return Object.fromEntries([...m.namedParameters()].map(([k, p]) => [k, Array.from(p.data)]));
}

/** `rnnkit train --data data/GS10.csv --model NAME --lr LR` with the CLI's defaults. */
function gs10(name: 'rnn' | 'mlp', lr: number) {
  const opts = { seqLen: 6, hidden: 10, layers: 1, epochs: 20, lr, batchSize: 4, seed: 0 };
  const m = name === 'rnn' ? new models.RNNForecaster(opts) : new models.MLPForecaster(opts);
  const initial = snapshot(m.model);
  const res = forecast.runExperiment(data.gs10().values, [m, new models.ARForecaster({ p: 6 })], { test: 12, val: 6, scaler: 'standard', forecastSteps: 12, minTrain: 7 });
  return { m, initial, r: res.models[name]!, ar: res.models.ar! };
}

const KEPT_INITIAL = 'restored the initial weights (no epoch improved on them)';

describe('forecasters: divergence on GS10', () => {
  const cases = [
    ['rnn', 1e6, `training diverged at epoch 1: the validation loss 9.51e+11 exceeded 100 × the initial 0.845; ${KEPT_INITIAL}`],
    ['mlp', 1e6, `training diverged at epoch 1: the validation loss 3.27e+13 exceeded 100 × the initial 0.2; ${KEPT_INITIAL}`],
    ['rnn', 1e30, `training diverged at epoch 1, batch 2: the training loss became Infinity; ${KEPT_INITIAL}`],
    ['mlp', 1e30, `training diverged at epoch 1, batch 2: the training loss became Infinity; ${KEPT_INITIAL}`],
  ] as const;
  for (const [name, lr, message] of cases) {
    it(`${name}, lr ${lr}: diverged at epoch 1, the initial weights kept bit for bit, finite predictions`, () => {
      const { m, initial, r, ar } = gs10(name, lr);
      expect(r).toMatchObject({ diverged: true, divergedAtEpoch: 1, keptEpoch: 0, message });
      expect(m.lastFit!.stopReason).toBe('diverged');
      expect(snapshot(m.model)).toEqual(initial);
      expect(r.predictions).toHaveLength(12);
      expect(r.forecast).toHaveLength(12);
      expect([...r.predictions, ...r.forecast].every(Number.isFinite)).toBe(true);
      // the untrained model's error, not 229,400: an honest number for what the weights are
      expect(r.test.rmse).toBeLessThan(2);
      expect(ar).toMatchObject({ diverged: false, divergedAtEpoch: null, keptEpoch: null, message: null });
    });
  }

  it('the default learning rate: not diverged, the last epoch kept', () => {
    const { r } = gs10('rnn', 0.01);
    expect(r).toMatchObject({ diverged: false, divergedAtEpoch: null, keptEpoch: 20, message: null });
    expect(r.test.rmse).toBeLessThan(1);
  });

  it('NaN/Inf weights, an overflow or a NaN/Inf input make predicting throw a NonFiniteError naming the model', () => {
    const s = data.gs10().values.map((v) => v - 3);
    for (const name of ['rnn', 'mlp'] as const) {
      const m = name === 'rnn' ? new models.RNNForecaster({ epochs: 1 }) : new models.MLPForecaster({ epochs: 1 });
      m.fit(s.slice(0, 40));
      // a NaN weight in front of a ReLU can still give finite outputs: the weights are checked first
      m.model.parameters()[0]!.data[0] = NaN;
      expect(() => m.forecast(s, 3)).toThrow(NonFiniteError);
      expect(() => m.forecast(s, 3)).toThrow(UserError);
      expect(() => m.forecast(s, 3)).toThrow(`${name}.forecast: the model's weights hold NaN/Inf values (${name === 'rnn' ? 'rnn.weight_ih_l0' : '0.weight'})`);
      expect(() => m.predictOneStep(s, 50)).toThrow(`${name}.predictOneStep: the model's weights hold NaN/Inf values`);
    }
    const m = new models.MLPForecaster({ epochs: 1 });
    m.fit(s.slice(0, 40));
    expect(() => m.forecast([...s.slice(0, 10), Infinity], 2)).toThrow('mlp.forecast: the model predicted NaN at forecast step 1: its input window holds NaN/Inf values');
    for (const p of m.model.parameters()) p.data.fill(1e30);
    // GS10 itself (all positive, so every ReLU passes): the first window already overflows
    expect(() => m.predictOneStep(data.gs10().values, 50)).toThrow('mlp.predictOneStep: the model predicted Infinity for position 50: its weights overflow on this input');
  });
});

describe('trainLm divergence', () => {
  const text = 'the cat sat on the mat.\nthe dog sat on the log.\n'.repeat(4);
  const c = models.buildLmCorpus(text, { level: 'char' });
  const run = (opts: Partial<train.LmTrainOptions>, onProgress?: (m: models.RNNLM, e: train.ProgressEvent) => void) => {
    const m = new models.RNNLM(c.vocab.size, { hiddenSize: 8, generator: new Generator(0) });
    const initial = snapshot(m);
    const snaps = [initial];
    const r = train.trainLm(m, c.ids, {
      epochs: 5, batchSize: 4, seqLen: 8, lr: 1, generator: new Generator(0), val: c.ids.subarray(0, 40), ...opts,
      onEpoch: () => { snaps.push(snapshot(m)); },
      onProgress: onProgress && ((e) => onProgress(m, e)),
    });
    return { m, r, initial, snaps };
  };

  it('a huge learning rate: diverged at epoch 1, the initial weights restored bit for bit', () => {
    const { m, r, initial } = run({ lr: 1e6 });
    expect(r).toMatchObject({ diverged: true, divergedAtEpoch: 1, keptEpoch: 0, bestEpoch: 0, stopReason: 'diverged' });
    expect(r.message).toBe(`training diverged at epoch 1: the validation perplexity e^7.83e+5 exceeded 100 × the initial 15.5; ${KEPT_INITIAL}`);
    expect(snapshot(m)).toEqual(initial);
    expect(r.initialPerplexity.val).toBe(train.evaluatePerplexity(m, c.ids.subarray(0, 40), { batchSize: 4, seqLen: 8 }));
    const lm = new models.TextLM(m, c.vocab, c.tokenizer);
    expect(lm.generate('the', { length: 5, seed: 1 }).tokens).toHaveLength(5);
  });

  it('a NaN/Inf gradient stops it too', () => {
    const { m, r, initial } = run({ lr: 1e30, clip: 0 });
    expect(r.message).toBe(`training diverged at epoch 1, batch 2: a gradient became NaN/Inf; ${KEPT_INITIAL}`);
    expect(r.history).toHaveLength(0);
    expect(snapshot(m)).toEqual(initial);
  });

  it('diverging after improving restores the best epoch', () => {
    const { m, r, snaps } = run({}, (model, e) => { if (e.epoch === 4 && e.batch === 1) { const w = model.parameters().at(-2)!.data; for (let i = 0; i < w.length; i++) w[i]! *= 1e3; } });
    expect(r.history.map((h) => h.valPerplexity! < r.initialPerplexity.val!)).toEqual([true, true, true, false]); // epoch 4 is measured, then stops
    expect(r.history[2]!.valPerplexity!).toBeLessThan(r.history[1]!.valPerplexity!);
    expect(r).toMatchObject({ diverged: true, divergedAtEpoch: 4, bestEpoch: 3, keptEpoch: 3 });
    expect(r.message).toBe('training diverged at epoch 4: the validation perplexity 1.74e+108 exceeded 100 × the initial 15.5; restored the weights of epoch 3');
    expect(snapshot(m)).toEqual(snaps[3]);
  });

  it('a normal run: not diverged, the last epoch kept', () => {
    const { r } = run({});
    expect(r).toMatchObject({ diverged: false, divergedAtEpoch: null, keptEpoch: 5, stopReason: 'completed', message: null });
    expect(r.history[4]!.valPerplexity!).toBeLessThan(r.initialPerplexity.val!);
  });
});
