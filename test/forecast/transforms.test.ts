// Transforms round-trip exactly: transform then invert gives the input back to float64 precision,
// for one-step inversion (true lags) and for recursive inversion of a multi-step forecast (the
// stage histories extended with inverted values), for random chains and series (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalOrder, difference, detrend, log, seasonalDifference, TransformChain, transformEntryError, type TransformSpec } from '../../src/forecast/transforms.js';
import { ValueError } from '../../src/errors.js';

// log needs positive input, so it comes first in a generated chain (the rest in any order)
const specArb: fc.Arbitrary<TransformSpec> = fc.oneof(
  fc.constant(detrend('linear')),
  fc.integer({ min: 1, max: 3 }).map(difference),
  fc.integer({ min: 1, max: 6 }).map(seasonalDifference),
);

/** |a − e| ≤ 1e-12 · max(1, |e|, scale): float64 precision relative to the series' magnitude. */
function expectClose(a: number[], e: number[], scale: number): void {
  expect(a).toHaveLength(e.length);
  for (let i = 0; i < e.length; i++) {
    const tol = 1e-12 * Math.max(1, Math.abs(e[i]!), scale);
    if (!(Math.abs(a[i]! - e[i]!) <= tol)) expect.fail(`index ${i}: got ${a[i]}, expected ${e[i]} (|diff| ${Math.abs(a[i]! - e[i]!)} > ${tol})`);
  }
}

const caseArb = fc.record({
  specs: fc.tuple(fc.boolean(), fc.array(specArb, { minLength: 0, maxLength: 4 })).map(([l, rest]) => (l ? [log(), ...rest] : rest)),
  ys: fc.array(fc.double({ min: 0.01, max: 1e4, noNaN: true }), { minLength: 40, maxLength: 80 }),
  cut: fc.double({ min: 0.4, max: 0.8, noNaN: true }),
  h: fc.integer({ min: 1, max: 10 }),
});

describe('TransformChain round trip (property)', () => {
  it('one-step inversion of the true transformed values gives back the series', () => {
    fc.assert(fc.property(caseArb, ({ specs, ys, cut }) => {
      const chain = new TransformChain(canonicalOrder(specs));
      const n = ys.length, n0 = Math.floor(cut * n), L = chain.lost;
      chain.fit(ys.slice(0, n0));
      const v = chain.transform(ys);
      expect(v).toHaveLength(n - L);
      const back = chain.invertOneStep(v.slice(n0 - L), ys, n0);
      expectClose(back, ys.slice(n0), Math.max(...ys));
    }), { numRuns: 300, seed: 13 });
  });

  it('recursive inversion of a multi-step forecast (the true future, transformed) gives back the future', () => {
    fc.assert(fc.property(caseArb, ({ specs, ys, cut, h }) => {
      const chain = new TransformChain(specs); // any order, not only the canonical one
      const n0 = Math.floor(cut * ys.length), L = chain.lost;
      chain.fit(ys.slice(0, n0));
      const v = chain.transform(ys.slice(0, n0 + h));
      const back = chain.invertForecast(v.slice(n0 - L), ys.slice(0, n0));
      // each difference order is a cumulative sum over the h steps: rounding grows like (h+1)^D
      const D = specs.reduce((a, s) => a + (s.kind === 'difference' ? s.d : s.kind === 'seasonalDifference' ? 1 : 0), 0);
      expectClose(back, ys.slice(n0, n0 + h), Math.max(...ys) * (h + 1) ** D);
    }), { numRuns: 300, seed: 14 });
  });

  it('survives a JSON round trip with the same numbers', () => {
    fc.assert(fc.property(caseArb, ({ specs, ys, cut, h }) => {
      const chain = new TransformChain(specs);
      const n0 = Math.floor(cut * ys.length);
      chain.fit(ys.slice(0, n0));
      const copy = new TransformChain(JSON.parse(JSON.stringify(chain.toJSON())));
      expect(copy.transform(ys)).toEqual(chain.transform(ys));
      const vhat = Array.from({ length: h }, (_, i) => 0.1 * i);
      expect(copy.invertForecast(vhat, ys.slice(0, n0))).toEqual(chain.invertForecast(vhat, ys.slice(0, n0)));
    }), { numRuns: 100, seed: 15 });
  });
});

describe('transforms: values', () => {
  it('difference 2 is numpy.diff(n=2); seasonal 3 is y_t − y_{t−3}', () => {
    const y = [1, 4, 9, 16, 25, 36];
    expect(new TransformChain([difference(2)]).fit(y).transform(y)).toEqual([2, 2, 2, 2]);
    expect(new TransformChain([seasonalDifference(3)]).fit(y).transform(y)).toEqual([15, 21, 27]);
  });

  it('inverts a forecast of a differenced series by cumulative sums from the last value', () => {
    const chain = new TransformChain([difference(1)]).fit([1, 2, 4]);
    expect(chain.invertForecast([1, 1, 1], [1, 2, 4])).toEqual([5, 6, 7]);
    // a second difference continues the last slope: 2·4 − 2 = 6, then +1 more each step
    const c2 = new TransformChain([difference(2)]).fit([1, 2, 4]);
    expect(c2.invertForecast([0, 1], [1, 2, 4])).toEqual([6, 9]);
  });

  it('detrend fits the line on the training span only and extrapolates it', () => {
    const y = [1, 3, 5, 7, 100];
    const chain = new TransformChain([detrend()]).fit(y.slice(0, 4));
    expect(chain.toJSON()).toEqual([{ kind: 'detrend', method: 'linear', intercept: 1, slope: 2 }]);
    expect(chain.transform(y)).toEqual([0, 0, 0, 0, 91]);
    expect(chain.invertForecast([0, 0], y.slice(0, 4))).toEqual([9, 11]);
  });

  it('log refuses a value ≤ 0 naming the row', () => {
    const chain = new TransformChain([log()]);
    expect(() => chain.fit([1, 2, 0, 3])).toThrow(ValueError);
    expect(() => chain.fit([1, 2, 0, 3])).toThrow('log transform: value 0 at row 2 is not positive');
  });

  it('a chain that drops every training point is one clear error', () => {
    expect(() => new TransformChain([difference(2), seasonalDifference(4)]).fit([1, 2, 3, 4, 5, 6])).toThrow('transforms: difference 2, seasonal difference 4 drop 6 points, leaving none of the 6 training points');
  });

  it('canonicalOrder puts log, detrend, seasonal difference, difference in that order', () => {
    expect(canonicalOrder([difference(1), seasonalDifference(12), log()]).map((s) => s.kind)).toEqual(['log', 'seasonalDifference', 'difference']);
  });

  it('transformEntryError names what is malformed', () => {
    expect(transformEntryError({ kind: 'difference', d: 1 })).toBeNull();
    expect(transformEntryError({ kind: 'difference', d: 0 })).toBe('difference needs "d", an integer in [1, 100000], got 0');
    expect(transformEntryError({ kind: 'detrend', method: 'linear', intercept: 1 })).toBe('detrend needs a finite number "slope", got undefined');
    expect(transformEntryError({ kind: 'boxcox' })).toMatch(/unknown transform kind "boxcox"/);
    expect(transformEntryError({ kind: 'log', extra: 1 })).toBe('log has an unknown field "extra"');
    expect(transformEntryError([1])).toBe('each transform must be an object with a "kind"');
  });
});
