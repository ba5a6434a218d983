import { describe, expect, it } from 'vitest';
import { movingShapes, movingShapesDirections } from '../../src/data/moving-shapes.js';
import { ValueError } from '../../src/errors.js';

/** Centre of mass (x right, y down) of the pixels above 0.5 in frame k of sample i. */
function centre(d: ReturnType<typeof movingShapes>, size: number, i: number, k: number): { x: number; y: number } {
  const T = d.x.shape[1]!, F = size * size;
  let m = 0, sx = 0, sy = 0;
  for (let p = 0; p < F; p++) {
    const v = d.x.data[(i * T + k) * F + p]!;
    if (v <= 0.5) continue;
    m += v; sx += v * (p % size); sy += v * Math.floor(p / size);
  }
  return { x: sx / m, y: sy / m };
}

describe('movingShapes', () => {
  const opts = { n: 40, size: 16, minFrames: 6, maxFrames: 12, seed: 3 };
  const d = movingShapes(opts);

  it('has the documented shapes, lengths and balanced classes', () => {
    expect(d.x.shape).toEqual([40, 12, 256]);
    expect(d.x.dtype).toBe('float32');
    expect(d.classes).toEqual(['down', 'left', 'right', 'up']);
    expect(d.lengths).not.toBeNull();
    for (const L of d.lengths!) expect(L >= 6 && L <= 12).toBe(true);
    expect(new Set(d.lengths).size).toBeGreaterThan(2);
    expect([0, 1, 2, 3].map((c) => d.y.filter((v) => v === c).length)).toEqual([10, 10, 10, 10]);
    // Padding after each length is zero; values are clamped to [0, 1].
    for (let i = 0; i < 40; i++) {
      const L = d.lengths![i]!;
      const pad = d.x.data.subarray((i * 12 + L) * 256, (i + 1) * 12 * 256);
      expect(pad.every((v) => v === 0)).toBe(true);
    }
    expect(d.x.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = movingShapes(opts);
    expect(again.y).toEqual(d.y);
    expect(again.lengths).toEqual(d.lengths);
    const bytes = (t: typeof d.x): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    expect(bytes(again.x).equals(bytes(d.x))).toBe(true);
    expect(bytes(movingShapes({ ...opts, seed: 4 }).x).equals(bytes(d.x))).toBe(false);
  });

  it('the square moves in the labelled direction (8 directions, noisy, with drops)', () => {
    const s = movingShapes({ n: 64, directions: 8, noise: 0.1, dropProb: 0.2, seed: 1 });
    const dirs = movingShapesDirections(8);
    expect(s.classes).toEqual(dirs.map((v) => v.name));
    for (let i = 0; i < 64; i++) {
      const a = centre(s, 16, i, 0), b = centre(s, 16, i, s.lengths![i]! - 1);
      const mx = b.x - a.x, my = b.y - a.y;
      const norm = Math.hypot(mx, my);
      expect(norm).toBeGreaterThan(2);
      const { dx, dy } = dirs[s.y[i]!]!;
      // cosine between the movement and the labelled direction
      expect((mx * dx + my * dy) / norm).toBeGreaterThan(0.97);
    }
  });

  it('dropped frames show as longer jumps; without noise the square has area shapeSize²', () => {
    const s = movingShapes({ n: 8, noise: 0, dropProb: 0.5, minFrames: 10, maxFrames: 10, speed: 0.5, size: 24, seed: 2 });
    let jumps = 0;
    for (let i = 0; i < 8; i++) {
      const steps: number[] = [];
      for (let k = 0; k < 10; k++) {
        const frame = s.x.data.subarray((i * 10 + k) * 576, (i * 10 + k + 1) * 576);
        let area = 0;
        for (const v of frame) area += v;
        expect(area).toBeCloseTo(9, 4);
        if (k > 0) {
          const a = centre(s, 24, i, k - 1), b = centre(s, 24, i, k);
          steps.push(Math.hypot(b.x - a.x, b.y - a.y));
        }
      }
      const min = Math.min(...steps);
      if (steps.some((v) => v > 1.5 * min)) jumps++;
    }
    expect(jumps).toBeGreaterThan(4);
  });

  it('rejects bad options', () => {
    expect(() => movingShapes({ n: 0 })).toThrow(ValueError);
    expect(() => movingShapes({ n: 2, minFrames: 5, maxFrames: 4 })).toThrow(/maxFrames must be an integer ≥ 5/);
    expect(() => movingShapes({ n: 2, directions: 6 as 4 })).toThrow(/directions must be 4 or 8/);
    expect(() => movingShapes({ n: 2, dropProb: 1 })).toThrow(/dropProb/);
  });
});
