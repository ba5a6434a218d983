import { describe, expect, it } from 'vitest';
import { windowsHorizon } from '../../src/data/horizon.js';
import { windowsNto1 } from '../../src/data/windows.js';

describe('windowsHorizon', () => {
  it('builds N→h windows: features [W,L], targets [W,h], W = S − L − h + 1', () => {
    const s = [0, 1, 2, 3, 4, 5, 6];
    const { x, y } = windowsHorizon(s, 3, 2);
    expect(x.shape).toEqual([3, 3]);
    expect(y.shape).toEqual([3, 2]);
    expect(x.toArray()).toEqual([[0, 1, 2], [1, 2, 3], [2, 3, 4]]);
    expect(y.toArray()).toEqual([[3, 4], [4, 5], [5, 6]]);
  });

  it('with h = 1 equals windowsNto1', () => {
    const s = [2.86, 2.84, 2.87, 2.98, 2.91, 2.89, 2.89, 3.0];
    const a = windowsHorizon(s, 6, 1), b = windowsNto1(s, 6);
    expect(a.x.shape).toEqual(b.x.shape);
    expect(a.y.shape).toEqual(b.y.shape);
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.y.data)).toEqual(Array.from(b.y.data));
  });

  it('exactly long enough gives one window; shorter is an error', () => {
    expect(windowsHorizon([1, 2, 3, 4, 5], 3, 2).y.toArray()).toEqual([[4, 5]]);
    expect(() => windowsHorizon([1, 2, 3, 4], 3, 2)).toThrow('windowsHorizon: a series of 4 values is too short for seqLen 3 + horizon 2 (needs 5)');
    expect(() => windowsHorizon([1, 2, 3], 0, 1)).toThrow('windowsHorizon: seqLen must be a positive integer, got 0');
    expect(() => windowsHorizon([1, 2, 3], 1, 1.5)).toThrow('windowsHorizon: horizon must be a positive integer, got 1.5');
  });
});
