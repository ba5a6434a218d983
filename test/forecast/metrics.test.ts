import { describe, expect, it } from 'vitest';
import { mae, mape, mase, maseScale, metrics, rmse, smape, zeroActuals } from '../../src/forecast/metrics.js';

describe('metrics', () => {
  const actual = [1, 2, 4, 8];
  const predicted = [2, 2, 1, 10]; // errors −1, 0, 3, −2

  it('rmse, mae, mape exact values', () => {
    expect(rmse(actual, predicted)).toBeCloseTo(Math.sqrt((1 + 0 + 9 + 4) / 4), 15); // √3.5
    expect(mae(actual, predicted)).toBe(1.5); // (1 + 0 + 3 + 2) / 4
    expect(mape(actual, predicted)).toBeCloseTo((100 * (1 / 1 + 0 / 2 + 3 / 4 + 2 / 8)) / 4, 13); // 50 %
    expect(metrics(actual, predicted)).toEqual({ rmse: rmse(actual, predicted), mae: 1.5, mape: mape(actual, predicted), smape: smape(actual, predicted), mase: NaN });
    expect(metrics([3], [3], { insample: [1, 2] })).toEqual({ rmse: 0, mae: 0, mape: 0, smape: 0, mase: 0 });
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

// Hyndman & Koehler (2006) definitions, worked by hand.
describe('smape and mase (Hyndman & Koehler 2006)', () => {
  const actual = [1, 2, 4, 8];
  const predicted = [2, 2, 1, 10];

  it('smape = 100 · mean 2|e| / (|a| + |p|), in [0, 200]', () => {
    // terms: 2·1/3, 0, 2·3/5, 2·2/18
    expect(smape(actual, predicted)).toBeCloseTo((100 * (2 / 3 + 0 + 6 / 5 + 4 / 18)) / 4, 13);
    expect(smape([1, -1], [-1, 1])).toBe(200); // opposite signs: the maximum
    expect(smape([0, 2], [0, 2])).toBe(0); // 0/0 is a perfect forecast
  });

  it('mase divides the MAE by the in-sample naive MAE (m = 1) or seasonal-naive MAE (m)', () => {
    const insample = [3, 5, 4, 8, 6]; // |diffs| 2, 1, 4, 2 → Q = 9/4
    expect(maseScale(insample)).toBe(2.25);
    expect(mase(actual, predicted, insample)).toBeCloseTo(1.5 / 2.25, 15);
    // m = 2: |4 − 3|, |8 − 5|, |6 − 4| → Q = 2
    expect(maseScale(insample, 2)).toBe(2);
    expect(mase(actual, predicted, insample, 2)).toBe(0.75);
    expect(metrics(actual, predicted, { insample, season: 2 }).mase).toBe(0.75);
  });

  it('mase is NaN on a constant in-sample series and an error when it is too short', () => {
    expect(mase([1], [2], [5, 5, 5])).toBeNaN();
    expect(() => mase([1], [2], [5], 1)).toThrow('mase: the in-sample series has 1 value; season 1 needs more than 1');
  });

  it('zeroActuals counts what mape skips', () => {
    expect(zeroActuals([0, 2, 0, -1])).toBe(2);
  });
});
