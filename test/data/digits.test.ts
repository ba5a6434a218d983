import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digits, digitsSplit } from '../../src/data/datasets.js';
import { DIGITS_ROWS } from '../../src/data/digits-data.js';
import { loadFixture } from '../helpers.js';

// Regenerate with: /usr/bin/python3 tools/reference/digits_sklearn.py (Debian python3-sklearn)
const ref = loadFixture('digits_sklearn.json') as {
  n_samples: number; n_train: number; counts: number[]; counts_train: number[]; counts_test: number[];
  pixel_sum_per_class: number[]; first_labels: number[]; last_labels: number[]; pixels: [number, number, number, number][];
};

const bincount = (y: Int32Array): number[] => {
  const c = new Array<number>(10).fill(0);
  for (const v of y) c[v]! += 1;
  return c;
};

describe('digits', () => {
  const d = digits();

  it('is scikit-learn\'s load_digits(): shape, labels, counts', () => {
    expect(d.x.shape).toEqual([ref.n_samples, 8, 8]);
    expect(d.x.dtype).toBe('float32');
    expect(d.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.lengths).toBeNull();
    expect(bincount(d.y)).toEqual(ref.counts);
    expect(Array.from(d.y.slice(0, 12))).toEqual(ref.first_labels);
    expect(Array.from(d.y.slice(-12))).toEqual(ref.last_labels);
  });

  it('pixels are scikit-learn\'s values / 16, read row by row', () => {
    for (const [i, r, c, v] of ref.pixels) expect(d.x.data[i * 64 + r * 8 + c]).toBe(v / 16);
    const sums = new Array<number>(10).fill(0);
    for (let i = 0; i < d.y.length; i++) for (let p = 0; p < 64; p++) sums[d.y[i]!]! += d.x.data[i * 64 + p]! * 16;
    expect(sums).toEqual(ref.pixel_sum_per_class);
  });

  it("the 'pixels' layout is T = 64 steps of one pixel, same values", () => {
    const p = digits({ layout: 'pixels' });
    expect(p.x.shape).toEqual([1797, 64, 1]);
    expect(Array.from(p.x.data)).toEqual(Array.from(d.x.data));
    expect(() => digits({ layout: 'cols' as 'rows' })).toThrow(/layout must be 'rows' or 'pixels'/);
  });

  it('digitsSplit: first 898 train, last 899 test, no shuffle', () => {
    const { train, test } = digitsSplit();
    expect(train.x.shape).toEqual([ref.n_train, 8, 8]);
    expect(test.x.shape).toEqual([ref.n_samples - ref.n_train, 8, 8]);
    expect(bincount(train.y)).toEqual(ref.counts_train);
    expect(bincount(test.y)).toEqual(ref.counts_test);
    expect(Array.from(test.x.data.slice(0, 64))).toEqual(Array.from(d.x.data.slice(898 * 64, 899 * 64)));
    expect(digitsSplit({ layout: 'pixels' }).test.x.shape).toEqual([899, 64, 1]);
  });

  it('the built-in module matches data/digits.csv (regenerate: npx tsx tools/make-digits-module.ts)', () => {
    const csv = readFileSync(new URL('../../data/digits.csv', import.meta.url), 'utf8').trim().split('\n');
    expect(DIGITS_ROWS).toHaveLength(csv.length);
    csv.forEach((line, i) => {
      expect(DIGITS_ROWS[i]!.split('').map((ch) => parseInt(ch, 17)).join(',')).toBe(line);
    });
  });
});
