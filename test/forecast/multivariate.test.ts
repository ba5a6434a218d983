// Multivariate input for forecasting experiments: covariate columns, one scaler per column fitted
// on the training span only, neural models that read and predict every column (and reduce to the
// univariate models exactly when C = 1), AR and persistence on the target only.
import { describe, expect, it } from 'vitest';
import { data, forecast, models, train, Generator, noGrad, nn, Tensor } from '../../src/index.js';

/** Deterministic N(0,1)-ish noise (sum of uniforms) from a seeded LCG. */
function noise(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => u() + u() + u() + u() - 2);
}

/** b_t = 0.5 b_{t−1} + e_t; a_t = 10 + b_{t−1}: column b leads column a by one step. */
function leadingPair(n: number): { a: number[]; b: number[] } {
  const e = noise(n, 7);
  const b = [e[0]!];
  for (let t = 1; t < n; t++) b.push(0.5 * b[t - 1]! + e[t]!);
  const a = [10, ...b.slice(0, -1).map((v) => 10 + v)];
  return { a, b };
}

const PAIR = leadingPair(120);
const OPTS = { test: 24, val: 12, forecastSteps: 3, minTrain: 4, targetName: 'a' };
const NEURAL = { seqLen: 3, hidden: 10, epochs: 20, seed: 0 };

describe('runExperiment with covariates', () => {
  it('a model that sees the leading column beats the univariate one by a wide margin (MLP and RNN)', () => {
    const cov = [{ name: 'b', values: PAIR.b }];
    const multi = forecast.runExperiment(PAIR.a, [new models.MLPForecaster({ ...NEURAL, inputSize: 2 }), new models.RNNForecaster({ ...NEURAL, inputSize: 2 })], { ...OPTS, covariates: cov });
    const uni = forecast.runExperiment(PAIR.a, [new models.MLPForecaster(NEURAL), new models.RNNForecaster(NEURAL)], OPTS);
    // a_t = 10 + b_{t−1} is known exactly from b; from a alone the innovation e_{t−1} (sd ≈ 0.58) is not
    for (const k of ['mlp', 'rnn']) {
      expect(multi.models[k]!.inputs).toEqual(['a', 'b']);
      expect(uni.models[k]!.inputs).toEqual(['a']);
      expect(multi.models[k]!.test.rmse).toBeLessThan(0.4 * uni.models[k]!.test.rmse);
      expect(uni.models[k]!.test.rmse).toBeGreaterThan(0.45);
      expect(multi.models[k]!.forecast).toHaveLength(3);
    }
  });

  it('fits one scaler per column on the training span only; AR and persistence use the target alone', () => {
    const b = PAIR.b.map((v) => 100 + 5 * v);
    const cov = [{ name: 'b', values: b }];
    const r = forecast.runExperiment(PAIR.a, [new models.ARForecaster({ p: 3 }), new models.PersistenceForecaster(), new models.MLPForecaster({ ...NEURAL, epochs: 2, inputSize: 2 })], { ...OPTS, covariates: cov });
    expect(r.columns).toEqual(['a', 'b']);
    expect(r.scalers[0]).toBe(r.scaler);
    const trainEnd = r.split.train[1];
    expect(trainEnd).toBe(84);
    const stats = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return { mean: m, std: Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length) };
    };
    for (const [i, col] of [PAIR.a, b].entries()) {
      const j = r.scalers[i]!.toJSON() as { mean: number; std: number };
      const want = stats(col.slice(0, trainEnd));
      expect(j.mean).toBeCloseTo(want.mean, 10);
      expect(j.std).toBeCloseTo(want.std, 10);
    }
    expect((r.scalers[1]!.toJSON() as { mean: number }).mean).toBeGreaterThan(99); // b's own scale, not a's
    // changing the validation and test spans of b changes no scaler
    const b2 = b.map((v, t) => (t >= trainEnd ? v + 1000 : v));
    const r2 = forecast.runExperiment(PAIR.a, [new models.PersistenceForecaster()], { ...OPTS, covariates: [{ name: 'b', values: b2 }] });
    expect(r2.scalers.map((s) => s.toJSON())).toEqual(r.scalers.map((s) => s.toJSON()));
    // AR and persistence read the target only: the same numbers as a univariate experiment
    const u = forecast.runExperiment(PAIR.a, [new models.ARForecaster({ p: 3 }), new models.PersistenceForecaster()], OPTS);
    for (const k of ['ar', 'persistence']) {
      expect(r.models[k]!.inputs).toEqual(['a']);
      expect(r.models[k]!.predictions).toEqual(u.models[k]!.predictions);
      expect(r.models[k]!.forecast).toEqual(u.models[k]!.forecast);
    }
    expect(r.models.mlp!.inputs).toEqual(['a', 'b']);
  });

  it('the free-running forecast feeds every predicted column back', () => {
    const m = new models.MLPForecaster({ ...NEURAL, epochs: 3, inputSize: 2 });
    const z = [PAIR.a.map((v) => v - 10), PAIR.b];
    m.fitMultivariate(z.map((c) => c.slice(0, 80)));
    const f = m.forecastMultivariate(z, 2);
    expect(f.map((c) => c.length)).toEqual([2, 2]);
    // step 1 is the one-step prediction after the last observation
    const one = m.predictOneStepMultivariate(z.map((c) => [...c, 0]), z[0]!.length);
    expect([one[0]![0], one[1]![0]]).toEqual([f[0]![0], f[1]![0]]);
    // step 2 is the one-step prediction from the history extended by both predicted columns
    const two = m.predictOneStepMultivariate(z.map((c, j) => [...c, f[j]![0]!, 0]), z[0]!.length + 1);
    expect(two[0]![0]).toBeCloseTo(f[0]![1]!, 6);
    expect(two[1]![0]).toBeCloseTo(f[1]![1]!, 6);
  });

  it('rejects mismatched inputs', () => {
    const cov = [{ name: 'b', values: PAIR.b }];
    expect(() => forecast.runExperiment(PAIR.a, [new models.MLPForecaster({ ...NEURAL, inputSize: 3 })], { ...OPTS, covariates: cov }))
      .toThrow('runExperiment: mlp reads 3 columns but the experiment has 2 (a, b)');
    expect(() => forecast.runExperiment(PAIR.a, [], { ...OPTS, covariates: [{ name: 'b', values: PAIR.b.slice(1) }] }))
      .toThrow('covariate "b" has 119 values but the target series has 120');
    expect(() => forecast.runExperiment(PAIR.a, [], { ...OPTS, covariates: [{ name: 'a', values: PAIR.b }] })).toThrow('column names must be distinct');
    const m2 = new models.RNNForecaster({ ...NEURAL, inputSize: 2 });
    expect(() => m2.fit(PAIR.a)).toThrow('rnn.fit: the model reads 2 columns; use fitMultivariate with 2 columns');
    expect(() => m2.fitMultivariate([PAIR.a])).toThrow('rnn.fit: expected 2 columns, got 1');
    expect(() => m2.fitMultivariate([PAIR.a, PAIR.b.slice(1)])).toThrow('column 1 has 119 values but column 0 has 120');
    expect(forecast.isMultivariate(m2)).toBe(true);
    expect(forecast.isMultivariate(new models.ARForecaster({ p: 1 }))).toBe(false);
  });
});

describe('C = 1 is exactly the univariate model', () => {
  it('the multi-output models have the tutorial shapes at C = 1 and wider ones at C = 2', () => {
    const shapes = (m: { model: { namedParameters(): Iterable<[string, Tensor]> } }) => Object.fromEntries([...m.model.namedParameters()].map(([k, p]) => [k, p.shape]));
    expect(shapes(new models.MLPForecaster())).toEqual({ '0.weight': [10, 6], '0.bias': [10], '2.weight': [1, 10], '2.bias': [1] });
    expect(shapes(new models.MLPForecaster({ inputSize: 2 }))).toEqual({ '0.weight': [10, 12], '0.bias': [10], '2.weight': [2, 10], '2.bias': [2] });
    const rnn1 = shapes(new models.RNNForecaster());
    expect(rnn1['rnn.weight_ih_l0']).toEqual([10, 1]);
    expect(rnn1['linear.weight']).toEqual([1, 10]);
    const rnn2 = shapes(new models.RNNForecaster({ inputSize: 2 }));
    expect(Object.keys(rnn2)).toEqual(Object.keys(rnn1));
    expect(rnn2['rnn.weight_ih_l0']).toEqual([10, 2]);
    expect(rnn2['linear.weight']).toEqual([2, 10]);
  });

  it('MLP: the same history, predictions and forecast as the N→1 windows trained directly', () => {
    const s = data.gs10().values;
    const z = new data.StandardScaler().fit(s.slice(0, 41)).transform(s);
    const m = new models.MLPForecaster({ epochs: 4 });
    const hist = m.fit(z.slice(0, 41), z.slice(41, 47));
    // the univariate path as it was: Linear(6,10)-ReLU-Linear(10,1) from the same seed, windowsNto1
    const g = new Generator(0);
    const net = new nn.Sequential(new nn.Linear(6, 10, { generator: g }), new nn.ReLU(), new nn.Linear(10, 1, { generator: g }));
    const vx = Array.from({ length: 6 }, (_, i) => z.slice(35 + i, 41 + i)); // the windows before each validation point
    const ref = train.fit(net, {
      train: data.windowsNto1(z.slice(0, 41), 6),
      val: { x: new Tensor(Float32Array.from(vx.flat()), [6, 6]), y: new Tensor(Float32Array.from(z.slice(41, 47)), [6, 1]) },
    }, { epochs: 4, batchSize: 4, lr: 0.01, seed: 0, optimizer: 'adam', reduction: 'sum' });
    expect(hist.map((h) => h.train)).toEqual(ref.history.train);
    expect(hist.map((h) => h.val)).toEqual(ref.history.val);
    net.eval();
    const want = noGrad(() => Array.from(net.forward(data.windowsNto1(z, 6).x).data)).slice(47 - 6);
    expect(m.predictOneStep(z, 47)).toEqual(want);
    expect(m.predictOneStepMultivariate([z], 47)).toEqual([want]);
    expect(m.forecastMultivariate([z], 3)).toEqual([m.forecast(z, 3)]);
  });

  it('the GS10 experiment gives the numbers it gave before multivariate input (MLP, RNN, 3 epochs)', () => {
    const s = data.gs10().values;
    const r = forecast.runExperiment(s, [new models.MLPForecaster({ epochs: 3 }), new models.RNNForecaster({ epochs: 3 })], { test: 12, val: 6, forecastSteps: 12, minTrain: 7 });
    // recorded from `rnnkit demo --json --epochs 3` before the change (6 significant digits)
    expect(r.models.mlp!.test.rmse).toBeCloseTo(0.763064, 5);
    expect(r.models.mlp!.forecast[0]).toBeCloseTo(3.55478, 4);
    expect(r.models.mlp!.history.val.map((v) => Number(v!.toPrecision(6)))).toEqual([0.0245767, 0.0452078, 0.040434]);
    expect(r.models.rnn!.test.rmse).toBeCloseTo(0.878255, 5);
    expect(r.models.rnn!.forecast[0]).toBeCloseTo(2.82545, 4);
    expect(r.models.rnn!.history.val.map((v) => Number(v!.toPrecision(6)))).toEqual([0.181666, 0.0663204, 0.223677]);
    expect(r.columns).toEqual(['target']);
    expect(r.models.rnn!.inputs).toEqual(['target']);
  });
});
