// A test span outside the training range: a neural net trained on levels (scaled on the training
// span) has never seen such values and cannot extrapolate to them; its forecasts flatten near the
// edge of the training range (the issue-13 GDP run: RNN RMSE 931 against persistence's 108).
// Differencing (or detrending) moves the problem to changes, which stay in range.

/** The margin, as a fraction of the training range's width, that the test span may leave it by. */
export const RANGE_MARGIN = 0.1;

export interface RangeExcursion {
  trainMin: number;
  trainMax: number;
  testMin: number;
  testMax: number;
  /** How far the test span leaves the training range, as a fraction of its width (> margin). */
  beyond: number;
}

/**
 * How far `test` leaves [min, max] of `train`, when that is more than `margin` × (max − min);
 * null when it stays within.
 */
export function rangeExcursion(train: readonly number[], test: readonly number[], margin = RANGE_MARGIN): RangeExcursion | null {
  if (train.length === 0 || test.length === 0) return null;
  const trainMin = Math.min(...train), trainMax = Math.max(...train), testMin = Math.min(...test), testMax = Math.max(...test);
  const width = trainMax - trainMin || Math.abs(trainMax) || 1;
  const beyond = Math.max(testMax - trainMax, trainMin - testMin, 0) / width;
  return beyond > margin ? { trainMin, trainMax, testMin, testMax, beyond } : null;
}
