import { describe, expect, it } from 'vitest';
import { gs10 } from '../../src/data/datasets.js';
import { StandardScaler } from '../../src/data/scaler.js';
import { applySplit, timeSplit } from '../../src/data/split.js';

describe('timeSplit', () => {
  it('a count takes the last points for test; val comes just before it', () => {
    expect(timeSplit(59, { test: 12 })).toEqual({ train: [0, 47], val: [47, 47], test: [47, 59] });
    expect(timeSplit(59, { test: 12, val: 6 })).toEqual({ train: [0, 41], val: [41, 47], test: [47, 59] });
    expect(timeSplit(59, { test: 12, val: 0 })).toEqual({ train: [0, 47], val: [47, 47], test: [47, 59] });
  });

  it('fractions of n round up, without float error (0.1 · 30 = 3, not 4)', () => {
    expect(timeSplit(59, { test: 0.2 })).toEqual({ train: [0, 47], val: [47, 47], test: [47, 59] }); // ceil(11.8) = 12
    expect(timeSplit(30, { test: 0.1 })).toEqual({ train: [0, 27], val: [27, 27], test: [27, 30] });
    expect(timeSplit(10, { test: 0.25, val: 0.1 })).toEqual({ train: [0, 6], val: [6, 7], test: [7, 10] });
    expect(timeSplit(10, { test: 0.01 }).test).toEqual([9, 10]);
  });

  it('spans tile 0..n in order, with no overlap (no leakage at the boundaries)', () => {
    const values = gs10().values;
    const s = timeSplit(values.length, { test: 12, val: 5 });
    const { train, val, test } = applySplit(values, s);
    expect(train.length + val.length + test.length).toBe(59);
    expect(train.at(-1)).toBe(values[41]);
    expect(val[0]).toBe(values[42]);
    expect(val.at(-1)).toBe(values[46]);
    expect(test[0]).toBe(values[47]); // 2022-01: 1.76
    expect(test[0]).toBe(1.76);
    expect(test.at(-1)).toBe(3.62);
    expect([...train, ...val, ...test]).toEqual(values);
    // a scaler fitted on the training span is unchanged by anything in val/test
    const future = values.map((v, i) => (i >= 42 ? v * 100 : v));
    const a = new StandardScaler().fit(train);
    const b = new StandardScaler().fit(applySplit(future, s).train);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(new StandardScaler().fit(future).mean).not.toBe(a.mean);
  });

  it('clear errors for empty or too-small spans and bad options', () => {
    expect(() => timeSplit(10, { test: 10 })).toThrow('timeSplit: test 10 points leave no training data out of 10');
    expect(() => timeSplit(10, { test: 6, val: 4 })).toThrow('timeSplit: test 6 + val 4 points leave no training data out of 10');
    expect(() => timeSplit(10, { test: 3, minTrain: 8 })).toThrow('timeSplit: test 3 points leave 7 training points out of 10, fewer than minTrain 8');
    expect(() => timeSplit(10, { test: 0 })).toThrow('timeSplit: option test must be a count ≥ 1 or a fraction in (0, 1), got 0');
    expect(() => timeSplit(10, { test: -2 })).toThrow('option test must be a count ≥ 1');
    expect(() => timeSplit(10, { test: 2.5 })).toThrow('timeSplit: option test = 2.5 is neither a whole count nor a fraction in (0, 1)');
    expect(() => timeSplit(10, { test: 2, val: NaN })).toThrow('option val must be a count ≥ 1');
    expect(() => timeSplit(0, { test: 1 })).toThrow('timeSplit: n must be a positive integer, got 0');
    expect(() => timeSplit(10, { test: 1, minTrain: 0 })).toThrow('timeSplit: option minTrain must be a positive integer, got 0');
    expect(() => applySplit([1, 2, 3], timeSplit(4, { test: 1 }))).toThrow('applySplit: the split covers 4 points but the series has 3');
  });
});
