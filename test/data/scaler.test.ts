import { describe, expect, it } from 'vitest';
import { IdentityScaler, makeScaler, MinMaxScaler, scalerFromJSON, StandardScaler } from '../../src/data/scaler.js';

const train = [1, 2, 3, 4];
const later = [10, -2, 2.5];

describe('StandardScaler', () => {
  it('uses the mean and the population std (ddof 0), like scikit-learn', () => {
    const s = new StandardScaler().fit(train);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 15); // ddof 1 would give √(5/3) ≈ 1.29
    const z = s.transform(train);
    expect(z[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 14);
    expect(z.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
    expect(z.reduce((a, b) => a + b * b, 0) / z.length).toBeCloseTo(1, 14);
  });

  it('round-trips, and transforms later values with the training statistics only', () => {
    const s = new StandardScaler().fit(train);
    expect(s.transform(later)[0]).toBeCloseTo((10 - 2.5) / Math.sqrt(1.25), 14);
    const back = s.inverseTransform(s.transform(later));
    back.forEach((v, i) => expect(v).toBeCloseTo(later[i]!, 13));
    // fitting on train leaves no trace of `later`; fitting on more changes the statistics
    expect(new StandardScaler().fit([...train, ...later]).mean).not.toBe(2.5);
  });

  it('a constant span scales by 1 (no division by zero)', () => {
    const s = new StandardScaler().fit([3, 3, 3]);
    expect(s.std).toBe(0);
    expect(s.transform([3, 5])).toEqual([0, 2]);
    expect(s.inverseTransform([0, 2])).toEqual([3, 5]);
  });
});

describe('MinMaxScaler', () => {
  it('maps the fitted min..max to 0..1 and round-trips', () => {
    const s = new MinMaxScaler().fit(train);
    expect([s.min, s.max]).toEqual([1, 4]);
    expect(s.transform([1, 2.5, 4, 7])).toEqual([0, 0.5, 1, 2]);
    const back = s.inverseTransform(s.transform(later));
    back.forEach((v, i) => expect(v).toBeCloseTo(later[i]!, 13));
    expect(new MinMaxScaler().fit([2, 2]).transform([2, 3])).toEqual([0, 1]);
  });
});

describe('IdentityScaler and makeScaler', () => {
  it('identity copies values', () => {
    const s = new IdentityScaler().fit(train);
    const out = s.transform(train);
    expect(out).toEqual(train);
    expect(out).not.toBe(train);
    expect(s.inverseTransform([5])).toEqual([5]);
  });

  it('makeScaler builds each kind and rejects others', () => {
    expect(makeScaler('standard')).toBeInstanceOf(StandardScaler);
    expect(makeScaler('minmax')).toBeInstanceOf(MinMaxScaler);
    expect(makeScaler('none')).toBeInstanceOf(IdentityScaler);
    expect(() => makeScaler('robust' as never)).toThrow('makeScaler: unknown scaler "robust"; expected standard, minmax or none');
  });
});

describe('toJSON / scalerFromJSON', () => {
  it('round-trips every kind through JSON text with identical transforms', () => {
    for (const kind of ['standard', 'minmax', 'none'] as const) {
      const s = makeScaler(kind).fit([0.3, 1.7, 2.9, 0.1]);
      const r = scalerFromJSON(JSON.parse(JSON.stringify(s.toJSON())));
      expect(r.kind).toBe(kind);
      expect(r.toJSON()).toEqual(s.toJSON());
      expect(r.transform(later)).toEqual(s.transform(later));
    }
    expect(new MinMaxScaler().fit(train).toJSON()).toEqual({ kind: 'minmax', min: 1, max: 4 });
  });

  it('rejects malformed JSON with the field named', () => {
    expect(() => scalerFromJSON({ kind: 'standard', mean: 1 })).toThrow('scalerFromJSON: standard scaler needs a finite number "std", got undefined');
    expect(() => scalerFromJSON({ kind: 'minmax', min: 2, max: 1 })).toThrow('scalerFromJSON: minmax scaler has max 1 < min 2');
    expect(() => scalerFromJSON({ kind: 'log' })).toThrow('scalerFromJSON: unknown scaler kind "log"; expected standard, minmax or none');
    expect(() => scalerFromJSON(null)).toThrow('unknown scaler kind undefined');
  });
});

describe('errors', () => {
  it('transform before fit, and fit on empty or non-finite values', () => {
    expect(() => new StandardScaler().transform([1])).toThrow('StandardScaler.transform: not fitted; call fit(trainValues) first');
    expect(() => new MinMaxScaler().inverseTransform([1])).toThrow('MinMaxScaler.inverseTransform: not fitted; call fit(trainValues) first');
    expect(() => new StandardScaler().toJSON()).toThrow('StandardScaler.toJSON: not fitted');
    expect(() => new StandardScaler().fit([])).toThrow('StandardScaler.fit: no values to fit (an empty training span?)');
    expect(() => new MinMaxScaler().fit([1, NaN])).toThrow('MinMaxScaler.fit: value 1 is NaN; fill missing values first');
  });
});
