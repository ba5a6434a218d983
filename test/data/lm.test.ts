// d2l's two language-model iterators, checked exactly: with the corpus 0, 1, 2, … every id is its
// own position, so a batch shows where each row was cut.
import { describe, expect, it } from 'vitest';
import { Generator, data } from '../../src/index.js';

const positions = (n: number) => Array.from({ length: n }, (_, i) => i);
const rows = (b: data.LmBatch, which: 'x' | 'y') => Array.from({ length: b.batchSize }, (_, r) => Array.from(b[which].subarray(r * b.seqLen, (r + 1) * b.seqLen)));
const range = (s: number, n: number) => Array.from({ length: n }, (_, i) => s + i);

describe('sequential partitioning', () => {
  it('cuts B contiguous rows after the offset and walks them T columns at a time', () => {
    // N=35, B=2, T=5, offset 3: M = ⌊(35−3−1)/2⌋·2 = 30 tokens, rows start at 3 and 18 (15 each), 3 batches
    const batches = [...data.seqDataIterSequential(positions(35), 2, 5, { offset: 3 })];
    expect(batches.map((b) => rows(b, 'x'))).toEqual([
      [range(3, 5), range(18, 5)],
      [range(8, 5), range(23, 5)],
      [range(13, 5), range(28, 5)],
    ]);
    expect(batches.map((b) => rows(b, 'y'))).toEqual([
      [range(4, 5), range(19, 5)],
      [range(9, 5), range(24, 5)],
      [range(14, 5), range(29, 5)],
    ]);
    expect(batches.map((b) => b.starts)).toEqual([[3, 18], [8, 23], [13, 28]]);
  });

  it('draws the offset in [0, T] from the generator: seed 7 gives offset 1', () => {
    const batches = [...data.seqDataIterSequential(positions(35), 2, 5, { generator: new Generator(7) })];
    // offset 1: rows of ⌊33/2⌋ = 16 tokens start at 1 and 17; ⌊16/5⌋ = 3 batches
    expect(batches.map((b) => b.starts)).toEqual([[1, 17], [6, 22], [11, 27]]);
    const again = [...data.seqDataIterSequential(positions(35), 2, 5, { generator: new Generator(7) })];
    expect(again.map((b) => Array.from(b.x))).toEqual(batches.map((b) => Array.from(b.x)));
  });
});

describe('random partitioning', () => {
  it('cuts aligned subsequences after the offset, shuffles their starts and drops the remainder', () => {
    // N=35, T=5, offset 2: n = ⌊(35−2−1)/5⌋ = 6 subsequences at 2, 7, …, 27; B=4 → 1 batch, 2 dropped
    for (let seed = 0; seed < 20; seed++) {
      const batches = [...data.seqDataIterRandom(positions(35), 4, 5, { offset: 2, generator: new Generator(seed) })];
      expect(batches).toHaveLength(1);
      const b = batches[0]!;
      for (const s of b.starts) expect((s - 2) % 5).toBe(0);
      expect(new Set(b.starts).size).toBe(4);
      expect(rows(b, 'x')).toEqual(b.starts.map((s) => range(s, 5)));
      expect(rows(b, 'y')).toEqual(b.starts.map((s) => range(s + 1, 5)));
    }
  });

  it('seed 7: offset 1, then the shuffled starts 1, 6 | 16, 21 | 26, 11', () => {
    const batches = [...data.seqDataIterRandom(positions(35), 2, 5, { generator: new Generator(7) })];
    expect(batches.map((b) => b.starts)).toEqual([[1, 6], [16, 21], [26, 11]]);
    // every subsequence of the partition is used exactly once per epoch (6 = 3 batches × 2)
    expect(batches.flatMap((b) => b.starts).sort((a, b) => a - b)).toEqual([1, 6, 11, 16, 21, 26]);
  });

  it('different seeds give different orders, the same seed the same', () => {
    const run = (seed: number) => [...data.seqDataIterRandom(positions(200), 3, 4, { generator: new Generator(seed) })].map((b) => b.starts.join());
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});

describe('minCorpusLength', () => {
  it('is the shortest corpus that gives a batch whatever offset is drawn', () => {
    for (const kind of ['random', 'sequential'] as const) {
      for (const [B, T] of [[1, 1], [2, 5], [3, 4], [32, 35]] as const) {
        const need = data.minCorpusLength(kind, B, T);
        const maxOffset = kind === 'random' ? T - 1 : T;
        const count = (n: number, offset: number) => [...data.lmBatches(kind, positions(n), B, T, { offset })].length;
        for (let o = 0; o <= maxOffset; o++) expect(count(need, o)).toBeGreaterThanOrEqual(1);
        expect(count(need - 1, maxOffset)).toBe(0);
      }
    }
    expect(data.minCorpusLength('sequential', 32, 35)).toBe(33 * 35 + 1);
  });

  it('rejects bad arguments with the op name', () => {
    expect(() => [...data.seqDataIterRandom([], 2, 5)]).toThrow(/seqDataIterRandom: the corpus is empty/);
    expect(() => [...data.seqDataIterSequential(positions(10), 0, 5)]).toThrow(/batchSize must be a positive integer/);
    expect(() => [...data.seqDataIterSequential(positions(10), 1, 2, { offset: 3 })]).toThrow(/offset must be an integer in \[0, 2\]/);
    expect(() => [...data.lmBatches('other' as 'random', positions(10), 1, 2)]).toThrow(/iterator must be/);
  });
});
