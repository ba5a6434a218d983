import { describe, expect, it } from 'vitest';
import { mae, mape, metrics, rmse } from '../../src/forecast/metrics.js';

describe('metrics', () => {
  const actual = [1, 2, 4, 8];
  const predicted = [2, 2, 1, 10]; // errors −1, 0, 3, −2

  it('rmse, mae, mape exact values', () => {
    expect(rmse(actual, predicted)).toBeCloseTo(Math.sqrt((1 + 0 + 9 + 4) / 4), 15); // √3.5
    expect(mae(actual, predicted)).toBe(1.5); // (1 + 0 + 3 + 2) / 4
    expect(mape(actual, predicted)).toBeCloseTo((100 * (1 / 1 + 0 / 2 + 3 / 4 + 2 / 8)) / 4, 13); // 50 %
    expect(metrics(actual, predicted)).toEqual({ rmse: rmse(actual, predicted), mae: 1.5, mape: mape(actual, predicted) });
    expect(metrics([3], [3])).toEqual({ rmse: 0, mae: 0, mape: 0 });
  });

  it('mape is in percent and skips points whose actual is 0; NaN when all are 0', () => {
    expect(mape([0, 2, -4], [5, 1, -5])).toBeCloseTo((100 * (0.5 + 0.25)) / 2, 13); // 37.5, the 0 skipped
    expect(mape([0, 0], [1, 2])).toBeNaN();
    expect(rmse([0, 0], [1, 2])).toBeCloseTo(Math.sqrt(2.5), 15); // rmse and mae still count them
    expect(mae([0, 0], [1, 2])).toBe(1.5);
  });

  it('accepts typed arrays', () => {
    expect(mae(new Float32Array([1, 2]), new Float64Array([2, 4]))).toBe(1.5);
  });

  it('length mismatch and empty inputs are errors naming the function', () => {
    expect(() => rmse([1, 2], [1])).toThrow('rmse: actual has 2 values but predicted has 1');
    expect(() => mae([], [])).toThrow('mae: no values (actual and predicted are empty)');
    expect(() => mape([1], [])).toThrow('mape: actual has 1 value but predicted has 0 values');
    expect(() => metrics([], [])).toThrow('metrics: no values (actual and predicted are empty)');
  });
});
