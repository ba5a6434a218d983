// AR(p) against statsmodels AutoReg(train, lags=p, trend='c') on GS10 (fixture written by
// tools/reference/ar_statsmodels.py with Debian's python3-statsmodels).
import { describe, expect, it } from 'vitest';
import { ARForecaster } from '../../src/models/ar.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import { gs10 } from '../../src/data/datasets.js';
import { timeSplit } from '../../src/data/split.js';
import { expectClose, loadFixture } from '../helpers.js';

const fx = loadFixture('ar_statsmodels.json');
const values: number[] = fx.values;
const TOL = 1e-8;

describe('AR against statsmodels AutoReg', () => {
  it('the fixture is for the bundled GS10 values and a 47/12 time-ordered split', () => {
    expect(values).toEqual(gs10().values);
    expect(timeSplit(values.length, { test: fx.n_test }).train).toEqual([0, fx.n_train]);
  });

  for (const p of [1, 2, 6]) {
    describe(`p = ${p}`, () => {
      const ref = fx.fits[String(p)];
      const train = values.slice(0, fx.n_train);
      const model = new ARForecaster({ p });
      const history = model.fit(train);

      it('coefficients [const, L1..Lp] match', () => {
        expect(history).toEqual([]);
        expectClose([model.intercept, ...model.coef], ref.params, `AR(${p}) params`, TOL, TOL);
      });

      it('in-sample fitted values match', () => {
        expectClose(model.predictOneStep(train, p), ref.fitted, `AR(${p}) fitted`, TOL, TOL);
      });

      it('one-step test predictions (dynamic=False: true lags) match', () => {
        const pred = model.predictOneStep(values, fx.n_train);
        expect(pred).toHaveLength(12);
        expectClose(pred, ref.one_step, `AR(${p}) one-step`, TOL, TOL);
      });

      it('6-step recursive forecasts from the end of train and of the series match', () => {
        expectClose(model.forecast(train, 6), ref.forecast_train_end, `AR(${p}) forecast after train`, TOL, TOL);
        expectClose(model.forecast(values, 6), ref.forecast_series_end, `AR(${p}) forecast after series`, TOL, TOL);
        // the first recursive step is the one-step prediction of the next point
        expect(model.forecast(train, 1)[0]).toBeCloseTo(model.predictOneStep(values, fx.n_train)[0]!, 12);
      });

      it('toJSON / fromJSON round-trip gives the same predictions', () => {
        const json = JSON.parse(JSON.stringify(model.toJSON()));
        expect(json.name).toBe('ar');
        expect(json.p).toBe(p);
        const back = ARForecaster.fromJSON(json);
        expect(back.predictOneStep(values, fx.n_train)).toEqual(model.predictOneStep(values, fx.n_train));
      });
    });
  }
});

describe('AR least squares', () => {
  it('recovers the coefficients of a noiseless AR(2) recursion, and continues it', () => {
    const y = [1, 2];
    for (let t = 2; t < 16; t++) y.push(0.5 + 0.6 * y[t - 1]! - 0.3 * y[t - 2]!);
    const m = new ARForecaster({ p: 2 });
    m.fit(y.slice(0, 12));
    expect(m.intercept).toBeCloseTo(0.5, 9);
    expect(m.coef[0]).toBeCloseTo(0.6, 9);
    expect(m.coef[1]).toBeCloseTo(-0.3, 9);
    m.forecast(y.slice(0, 12), 4).forEach((v, i) => expect(v).toBeCloseTo(y[12 + i]!, 9));
  });

  it('residuals are orthogonal to the intercept and every lag (the normal equations hold)', () => {
    const p = 3, train = values.slice(0, 47);
    const m = new ARForecaster({ p });
    m.fit(train);
    const resid = m.predictOneStep(train, p).map((yhat, r) => train[r + p]! - yhat);
    expect(Math.abs(resid.reduce((a, e) => a + e, 0))).toBeLessThan(1e-12);
    for (let i = 1; i <= p; i++) {
      expect(Math.abs(resid.reduce((a, e, r) => a + e * train[r + p - i]!, 0))).toBeLessThan(1e-12);
    }
    expect(Math.max(...resid.map(Math.abs))).toBeGreaterThan(0.01); // a real fit, not an interpolation
  });
});

describe('AR errors', () => {
  it('bad p, too little data, constant series, unfitted use, bad start', () => {
    expect(() => new ARForecaster({ p: 0 })).toThrow('AR: option p must be a positive integer, got 0');
    expect(() => new ARForecaster({ p: 6 }).fit(values.slice(0, 12))).toThrow('AR.fit: p = 6 needs at least 13 training values (7 parameters), got 12');
    expect(() => new ARForecaster({ p: 1 }).fit([2, 2, 2, 2, 2])).toThrow(/^AR.fit: the lag matrix is rank-deficient/);
    expect(() => new ARForecaster({ p: 1 }).fit([1, NaN, 2, 3])).toThrow('AR.fit: value 1 is NaN; fill missing values first');
    expect(() => new ARForecaster({ p: 2 }).forecast(values, 3)).toThrow('AR.forecast: not fitted; call fit(train) first');
    const m = new ARForecaster({ p: 2 });
    m.fit(values.slice(0, 47));
    expect(() => m.predictOneStep(values, 1)).toThrow('AR.predictOneStep: start must be an integer in [p = 2, 59] (the first p values have no lags), got 1');
    expect(m.predictOneStep(values, 59)).toEqual([]);
    expect(() => m.forecast([1], 3)).toThrow('AR.forecast: needs at least p = 2 history values, got 1');
    expect(() => ARForecaster.fromJSON({ name: 'ar', p: 2, intercept: 0, coef: [1] })).toThrow('AR.fromJSON: coef must be 2 finite numbers (p = 2)');
    expect(() => ARForecaster.fromJSON({ name: 'mlp' })).toThrow('AR.fromJSON: not an AR model (name "mlp")');
  });
});

describe('PersistenceForecaster', () => {
  const m = new PersistenceForecaster();

  it('predicts the previous true value, and forecasts the last value', () => {
    expect(m.name).toBe('persistence');
    expect(m.fit([1, 2, 3])).toEqual([]);
    expect(m.predictOneStep(values, 47)).toEqual(values.slice(46, 58));
    expect(m.predictOneStep(values, 47)[0]).toBe(1.47); // 2021-12, predicting 2022-01
    expect(m.forecast(values, 3)).toEqual([3.62, 3.62, 3.62]);
    expect(m.forecast(values, 0)).toEqual([]);
    expect(PersistenceForecaster.fromJSON(JSON.parse(JSON.stringify(m.toJSON())))).toBeInstanceOf(PersistenceForecaster);
  });

  it('errors', () => {
    expect(() => m.predictOneStep([1, 2], 0)).toThrow('Persistence.predictOneStep: start must be an integer in [1, 2] (position 0 has no previous value), got 0');
    expect(() => m.forecast([], 2)).toThrow('Persistence.forecast: empty history');
    expect(() => m.fit([])).toThrow('Persistence.fit: empty training span');
  });
});
