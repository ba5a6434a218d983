// sampleNext over the whole vocabulary draws without allocating; it must pick exactly the ids the
// array-based sampler (the top-k path, and the only path before) picks from the same draws.
import { describe, expect, it } from 'vitest';
import { Generator, models } from '../../src/index.js';

/** The sampler as written before: ids array, weights array, reduce, cumulative walk. */
function arraySampler(logits: ArrayLike<number>, temperature: number, gen: Generator): number {
  const ids = Array.from({ length: logits.length }, (_, i) => i);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, logits[i]!);
  const w = ids.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = w.reduce((a, b) => a + b, 0);
  const u = gen.random() * total;
  let acc = 0;
  for (let k = 0; k < ids.length; k++) {
    acc += w[k]!;
    if (u < acc) return ids[k]!;
  }
  return ids[ids.length - 1]!;
}

describe('sampleNext over the whole vocabulary', () => {
  it('picks the same ids as the array-based sampler from the same draws', () => {
    const data = new Generator(11);
    for (const V of [2, 7, 64, 300]) {
      for (const temperature of [0.3, 1, 2.5]) {
        const logits = Float32Array.from({ length: V }, () => 4 * (data.random() - 0.5));
        const a = new Generator(V), b = new Generator(V);
        for (let i = 0; i < 300; i++) {
          const want = arraySampler(logits, temperature, a);
          expect(models.sampleNext(logits, { temperature }, b)).toBe(want);
          expect(models.sampleNext(logits, { temperature, topK: V + 3 }, b)).toBe(arraySampler(logits, temperature, a));
        }
      }
    }
  });
});
