// Windows and batches over a streamed series: evaluation order equals windowsNto1 exactly; the
// shuffle buffer is a seeded permutation (every window once), the identity with a buffer of 1, and
// hand-checked on a small case.
import { describe, expect, it } from 'vitest';
import { shuffleBuffer, StreamDataLoader, streamWindowsNto1 } from '../../src/data/stream-loader.js';
import { windowsNto1 } from '../../src/data/windows.js';
import { Generator as RandomGenerator } from '../../src/tensor/random.js';

const series = Array.from({ length: 53 }, (_, i) => Math.sin(i / 3) * 10 + i);

describe('streamed windows and loader', () => {
  it('evaluation: the windows and batches of windowsNto1, in order', () => {
    const ref = windowsNto1(series, 5);
    const got = [...streamWindowsNto1(series, 5)];
    expect(got).toHaveLength(48);
    expect(Float32Array.from(got.flatMap((w) => [...w.x]))).toEqual(ref.x.data);
    expect(Float32Array.from(got.map((w) => w.y))).toEqual(ref.y.data);
    const batches = [...new StreamDataLoader(() => series, 5, { batchSize: 10 })];
    expect(batches.map(([x]) => x.shape)).toEqual([[10, 5], [10, 5], [10, 5], [10, 5], [8, 5]]);
    expect(Float32Array.from(batches.flatMap(([x]) => [...(x.data as Float32Array)]))).toEqual(ref.x.data);
    expect([...new StreamDataLoader(() => series, 5, { batchSize: 10, dropLast: true })]).toHaveLength(4);
  });

  it('the shuffle buffer: a hand-checked small case', () => {
    // buffer 2 over a, b, c: slots [a, b]; c swaps with slot int(2) = k1 → emits it; the drain draws
    // int(2) then int(1)
    const g = new RandomGenerator(11), h = new RandomGenerator(11);
    const k1 = h.int(2), k2 = h.int(2);
    const slots = ['a', 'b'];
    const want = [slots[k1]!];
    slots[k1] = 'c';
    want.push(slots[k2]!);
    slots[k2] = slots[1]!;
    want.push(slots[0]!);
    expect([...shuffleBuffer(['a', 'b', 'c'], 2, g)]).toEqual(want);
  });

  it('the shuffle buffer: every item once, repeatable with a seed, the identity with a buffer of 1', () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    const a = [...shuffleBuffer(items, 32, new RandomGenerator(3))];
    expect([...a].sort((p, q) => p - q)).toEqual(items);
    expect(a).not.toEqual(items);
    expect([...shuffleBuffer(items, 32, new RandomGenerator(3))]).toEqual(a);
    expect([...shuffleBuffer(items, 1, new RandomGenerator(3))]).toEqual(items);
    // an item cannot come out before the buffer has seen it: position ≥ index − (buffer − 1) … and
    // it leaves at most ~buffer·ln places late on average; check only the hard bound
    a.forEach((v, pos) => expect(pos).toBeGreaterThanOrEqual(v - 31));
    const train = [...new StreamDataLoader(() => series, 5, { batchSize: 8, shuffleBuffer: 16, generator: new RandomGenerator(1) })];
    const ys = train.flatMap(([, y]) => [...(y.data as Float32Array)]).sort((p, q) => p - q);
    expect(ys).toEqual([...(windowsNto1(series, 5).y.data as Float32Array)].sort((p, q) => p - q));
    expect(() => [...shuffleBuffer(items, 0)]).toThrow('shuffleBuffer: bufferSize must be a positive integer, got 0');
  });
});
