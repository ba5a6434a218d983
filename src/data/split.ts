// Time-ordered train / validation / test split of a series of n points: no shuffling, so nothing
// from the future leaks into training. Layout: train [0,a) · val [a,b) · test [b,n); validation is
// carved from the end of what would otherwise be training.

import { ValueError } from '../errors.js';
/** Half-open index range [start, end). */
export type Span = readonly [start: number, end: number];

export interface SplitSpans {
  train: Span;
  val: Span;
  test: Span;
}

export interface TimeSplitOptions {
  /** Test points at the end: a count if ≥ 1 (an integer), a fraction of n if in (0, 1). */
  test: number;
  /** Validation points just before the test span, same convention; default 0 (no validation). */
  val?: number;
  /** Fewest training points allowed (e.g. seqLen + 1 for windows); default 1. */
  minTrain?: number;
}

/**
 * Splits indices 0..n−1 in time order. Fractions round up (ceil), like scikit-learn's
 * `train_test_split(test_size=…)`, so a positive fraction never gives an empty span.
 */
export function timeSplit(n: number, opts: TimeSplitOptions): SplitSpans {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`timeSplit: n must be a positive integer, got ${n}`);
  const test = spanSize(n, opts.test, 'test');
  const val = opts.val === undefined || opts.val === 0 ? 0 : spanSize(n, opts.val, 'val');
  const minTrain = opts.minTrain ?? 1;
  if (!Number.isInteger(minTrain) || minTrain < 1) throw new ValueError(`timeSplit: option minTrain must be a positive integer, got ${minTrain}`);
  const train = n - test - val;
  if (train < minTrain) {
    const parts = `test ${test}${val > 0 ? ` + val ${val}` : ''}`;
    throw new ValueError(
      train <= 0
        ? `timeSplit: ${parts} points leave no training data out of ${n}`
        : `timeSplit: ${parts} points leave ${train} training point${train === 1 ? '' : 's'} out of ${n}, fewer than minTrain ${minTrain}`,
    );
  }
  return { train: [0, train], val: [train, train + val], test: [train + val, n] };
}

/** The three spans of `values` (copies), for a split of `values.length` points. */
export function applySplit<T>(values: readonly T[], spans: SplitSpans): { train: T[]; val: T[]; test: T[] } {
  if (spans.test[1] !== values.length) {
    throw new ValueError(`applySplit: the split covers ${spans.test[1]} points but the series has ${values.length}`);
  }
  return {
    train: values.slice(spans.train[0], spans.train[1]),
    val: values.slice(spans.val[0], spans.val[1]),
    test: values.slice(spans.test[0], spans.test[1]),
  };
}

function spanSize(n: number, v: number, name: 'test' | 'val'): number {
  if (!Number.isFinite(v) || v <= 0) throw new ValueError(`timeSplit: option ${name} must be a count ≥ 1 or a fraction in (0, 1), got ${v}`);
  // 1e-9 absorbs representation error: 0.1 · 30 is 3.0000000000000004, which must give 3, not 4.
  if (v < 1) return Math.ceil(v * n - 1e-9);
  if (!Number.isInteger(v)) throw new ValueError(`timeSplit: option ${name} = ${v} is neither a whole count nor a fraction in (0, 1)`);
  return v;
}
