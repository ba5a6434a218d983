// AR fitted from values streamed one at a time (incremental QR, no lag matrix) against statsmodels
// AutoReg (GS10 fixture, the interval fixture's sigma2) and against the in-memory Householder fit.
import { describe, expect, it } from 'vitest';
import { ARForecaster, ARLeastSquares } from '../../src/models/ar.js';
import { Generator as RandomGenerator } from '../../src/tensor/random.js';
import { expectClose, loadFixture } from '../helpers.js';

const fx = loadFixture('ar_statsmodels.json');
const iv = loadFixture('ar_interval.json');
const TOL = 1e-8;

function* once(v: readonly number[]): Generator<number> {
  yield* v;
}

describe('AR fitted from a stream', () => {
  for (const p of [1, 2, 6]) {
    it(`p = ${p}: coefficients and fitted values match statsmodels AutoReg on GS10`, () => {
      const train: number[] = fx.values.slice(0, fx.n_train);
      const m = new ARForecaster({ p });
      expect(m.fitStream(once(train))).toEqual([]);
      expectClose([m.intercept, ...m.coef], fx.fits[String(p)].params, `AR(${p}) params`, TOL, TOL);
      expectClose(m.predictOneStep(fx.values, fx.n_train), fx.fits[String(p)].one_step, `AR(${p}) one-step`, TOL, TOL);
    });
  }

  for (const c of iv.cases as { p: number; sigma2: number; params: number[] }[]) {
    it(`p = ${c.p}: sigma2 (SSR / m from the rotated residuals) matches statsmodels`, () => {
      const m = new ARForecaster({ p: c.p });
      m.fitStream(iv.y.slice(0, iv.n_train));
      expect(Math.abs(m.sigma2 - c.sigma2)).toBeLessThan(1e-10);
      expectClose([m.intercept, ...m.coef], c.params, `AR(${c.p}) params`, TOL, TOL);
    });
  }

  it('equals the in-memory fit to 1e-8 on a long, nearly collinear random walk', () => {
    const g = new RandomGenerator(7);
    const n = 20000;
    const y: number[] = [];
    let level = 100;
    for (let i = 0; i < n; i++) y.push((level += g.normal() * 0.1) + 0.5 * Math.sin(i / 10));
    for (const p of [3, 12]) {
      const a = new ARForecaster({ p }), b = new ARForecaster({ p });
      a.fit(y);
      b.fitStream(y);
      expectClose([b.intercept, ...b.coef], [a.intercept, ...a.coef], `AR(${p}) stream vs memory`, TOL, TOL);
      expect(Math.abs(b.sigma2 - a.sigma2) / a.sigma2).toBeLessThan(1e-8);
    }
  });

  it('recovers known coefficients and refuses what the in-memory fit refuses', () => {
    // y_t = 0.5 + 0.6 y_{t−1} − 0.3 y_{t−2}, exactly (no noise)
    const y = [1, 2];
    for (let t = 2; t < 30; t++) y.push(0.5 + 0.6 * y[t - 1]! - 0.3 * y[t - 2]!);
    const ls = new ARLeastSquares(2);
    for (const v of y) ls.push(v);
    const r = ls.solve();
    expect(r.intercept).toBeCloseTo(0.5, 9);
    expect(r.coef[0]).toBeCloseTo(0.6, 9);
    expect(r.coef[1]).toBeCloseTo(-0.3, 9);
    expect(r.sigma2).toBeLessThan(1e-20);
    expect(() => new ARForecaster({ p: 1 }).fitStream([2, 2, 2, 2, 2])).toThrow(/^AR.fit: the lag matrix is rank-deficient/);
    expect(() => new ARForecaster({ p: 2 }).fitStream([1, 2, 3, 4])).toThrow('AR.fit: p = 2 needs at least 5 training values (3 parameters), got 4');
    expect(() => new ARForecaster({ p: 2 }).fitStream([1, NaN])).toThrow('AR.fit: value 1 is NaN; fill missing values first');
  });
});
