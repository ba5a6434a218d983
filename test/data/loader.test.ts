import { describe, expect, it } from 'vitest';
import { DataLoader, TensorDataset } from '../../src/data/loader.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator, manualSeed } from '../../src/tensor/random.js';

// x[i] = [10i, 10i+1], y[i] = i: a batch's y says which samples it holds.
const N = 10;
const x = tensor(Array.from({ length: N }, (_, i) => [10 * i, 10 * i + 1]));
const y = tensor(Array.from({ length: N }, (_, i) => i));
const ids = (b: { data: ArrayLike<number> }) => Array.from(b.data);

describe('TensorDataset', () => {
  it('length and get(i) slice every tensor along dim 0', () => {
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(10);
    const [xi, yi] = ds.get(3);
    expect(xi!.shape).toEqual([2]);
    expect(ids(xi!)).toEqual([30, 31]);
    expect(yi!.item()).toBe(3);
  });

  it('clear errors: different first dims, no tensors, a scalar, index out of range', () => {
    expect(() => new TensorDataset(x, tensor([1, 2, 3]))).toThrow('TensorDataset: tensor 1 has shape [3] but tensor 0 has 10 samples (shape [10,2]); all need the same first dimension');
    expect(() => new TensorDataset()).toThrow('TensorDataset: needs at least one tensor');
    expect(() => new TensorDataset(tensor(1))).toThrow('TensorDataset: tensor 0 is a scalar (shape []); each needs a first (sample) dimension');
    expect(() => new TensorDataset(x).get(10)).toThrow('TensorDataset.get: index 10 is out of range for 10 samples');
  });
});

describe('DataLoader', () => {
  it('batches in order without shuffle; the last batch is short unless dropLast', () => {
    const dl = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
    const batches = [...dl];
    expect(dl.length).toBe(3);
    expect(batches.map(([, yb]) => ids(yb!))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batches[0]![0]!.shape).toEqual([4, 2]);
    expect(ids(batches[2]![0]!)).toEqual([80, 81, 90, 91]);

    const dropped = new DataLoader(new TensorDataset(x, y), { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].map(([, yb]) => ids(yb!))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(new TensorDataset(y), { batchSize: 5, dropLast: true }).length).toBe(2);
    expect(new DataLoader(new TensorDataset(y)).length).toBe(10);
  });

  it('shuffle: a permutation per pass from the seeded generator, reproducible and fresh each epoch', () => {
    const run = (seed: number) => {
      const dl = new DataLoader(new TensorDataset(x, y), { batchSize: 4, shuffle: true, generator: new Generator(seed) });
      return [0, 1, 2].map(() => [...dl].map(([xb, yb]) => {
        // x and y stay paired
        expect(ids(xb!)).toEqual(ids(yb!).flatMap((i) => [10 * i, 10 * i + 1]));
        return ids(yb!);
      }));
    };
    const a = run(7), b = run(7), c = run(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).not.toEqual(a[1]); // a fresh order each epoch
    for (const epoch of a) {
      expect(epoch.map((bt) => bt.length)).toEqual([4, 4, 2]);
      expect(epoch.flat().sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    // the order is the generator's permutation, cut into batches
    expect(a[0]!.flat()).toEqual(new Generator(7).permutation(10));
  });

  it('shuffle with dropLast drops the short tail of each permutation', () => {
    const dl = new DataLoader(new TensorDataset(y), { batchSize: 3, shuffle: true, dropLast: true, generator: new Generator(1) });
    const perm = new Generator(1).permutation(10);
    expect([...dl].map(([yb]) => ids(yb!))).toEqual([perm.slice(0, 3), perm.slice(3, 6), perm.slice(6, 9)]);
  });

  it('without a generator, shuffles with the global one (manualSeed)', () => {
    const dl = new DataLoader(new TensorDataset(y), { batchSize: 10, shuffle: true });
    manualSeed(3);
    const first = [...dl].map(([yb]) => ids(yb!));
    manualSeed(3);
    expect([...dl].map(([yb]) => ids(yb!))).toEqual(first);
    expect(first[0]).toEqual(new Generator(3).permutation(10));
  });

  it('rejects a bad batchSize', () => {
    expect(() => new DataLoader(new TensorDataset(y), { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
    expect(() => new DataLoader(new TensorDataset(y), { batchSize: 2.5 })).toThrow('DataLoader: batchSize must be a positive integer, got 2.5');
  });
});
