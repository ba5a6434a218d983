// LTTB (Steinarsson 2013) against hand-computed buckets and triangle areas, and its invariants.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lttb, LttbSampler } from '../../src/plot/lttb.js';

describe('lttb', () => {
  it('a hand-computed case: 7 points to 4', () => {
    // buckets of 1..5: [1, 2] and [3, 4, 5]. Bucket 0 against (0,0) and the mean (4, 5/3) of bucket 1:
    // twice the areas are 7/3 (point 1) and 50/3 (point 2) → 2. Bucket 1 against (2,5) and the last
    // point (6,0): 7, 10, 7 → 4.
    expect(lttb([0, 1, 5, 2, 0, 3, 0], 4)).toEqual([0, 2, 4, 6]);
  });

  it('threshold 3: one bucket, chosen against the first and last points', () => {
    // against (0,0) and (4,0) the triangle is largest at the largest |y|: point 2 (−7)
    expect(lttb([0, 3, -7, 5, 0], 3)).toEqual([0, 2, 4]);
  });

  it('uses x when given: uneven spacing changes the choice', () => {
    // bucket [1, 2] against (0,0) and the last point (3,10): twice the areas are |−12 + 10| = 2 and
    // |−9 + 20| = 11 → 2; with point 1 moved to x = 0.05: |−12 + 0.5| = 11.5 against 11 → 1
    expect(lttb([0, 4, 3, 10], 3)).toEqual([0, 2, 3]);
    expect(lttb([0, 4, 3, 10], 3, [0, 0.05, 2, 3])).toEqual([0, 1, 3]);
  });

  it('keeps everything when there are at most threshold points', () => {
    expect(lttb([1, 2, 3], 3)).toEqual([0, 1, 2]);
    expect(lttb([5, 4], 10)).toEqual([0, 1]);
    expect(lttb([], 10)).toEqual([]);
  });

  it('properties: first and last kept, one point per bucket, increasing', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 300 }), fc.integer({ min: 3, max: 50 }), (ys, threshold) => {
      const idx = lttb(ys, threshold);
      const n = ys.length;
      expect(idx.length).toBe(Math.min(n, threshold));
      if (n === 0) return;
      expect(idx[0]).toBe(0);
      expect(idx.at(-1)).toBe(n - 1);
      for (let k = 1; k < idx.length; k++) expect(idx[k]!).toBeGreaterThan(idx[k - 1]!);
      if (n > threshold) {
        // the k-th kept interior point lies in bucket k − 1
        const B = threshold - 2;
        for (let b = 0; b < B; b++) {
          const lo = Math.floor((b * (n - 2)) / B) + 1, hi = Math.floor(((b + 1) * (n - 2)) / B) + 1;
          expect(idx[b + 1]!).toBeGreaterThanOrEqual(lo);
          expect(idx[b + 1]!).toBeLessThan(hi);
        }
      }
    }), { numRuns: 300 });
  });

  it('a spike survives, where every-k-th sampling would lose it', () => {
    const y = Array.from({ length: 10000 }, (_, i) => (i === 4321 ? 100 : Math.sin(i / 50)));
    const idx = lttb(y, 200);
    expect(idx).toContain(4321);
  });

  it('the sampler carries a payload (a date) and refuses a wrong count', () => {
    const s = new LttbSampler<string>(5, 3);
    ['a', 'b', 'c', 'd', 'e'].forEach((d, i) => s.push(i, [0, 3, -7, 5, 0][i]!, d));
    expect(s.finish().payloads).toEqual(['a', 'c', 'e']);
    expect(() => new LttbSampler(5, 2)).toThrow(/threshold must be an integer ≥ 3/);
    const short = new LttbSampler(5, 3);
    short.push(0, 0, undefined);
    expect(() => short.finish()).toThrow('lttb: 1 points pushed, 5 announced');
  });
});
