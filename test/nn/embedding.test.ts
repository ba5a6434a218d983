// nn.Embedding against exact values: a lookup is a row copy and its gradient a scatter-add, so
// every expected number below is written out or summed by hand from the upstream gradient.
import { describe, expect, it } from 'vitest';
import { manualSeed, nn, tensor } from '../../src/index.js';

describe('Embedding', () => {
  it("draws N(0, 1) like PyTorch and zeroes the padding row (negative paddingIdx counts from the end)", () => {
    manualSeed(0);
    const emb = new nn.Embedding(200, 50, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(199);
    expect([...emb.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([['weight', [200, 50]]]);
    const w = emb.weight.data;
    expect(Array.from(w.subarray(199 * 50))).toEqual(new Array(50).fill(0));
    const vals = Array.from(w.subarray(0, 199 * 50));
    const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
    const variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('looks up rows, keeps the index tensor shape and accumulates repeated indices in backward', () => {
    const emb = nn.Embedding.fromPretrained(tensor([[0, 1], [10, 11], [20, 21], [30, 31]]), { freeze: false, paddingIdx: 3 });
    const idx = tensor([[2, 0, 2], [3, 1, 2]]);
    const out = emb.forward(idx);
    expect(out.shape).toEqual([2, 3, 2]);
    expect(Array.from(out.data)).toEqual([20, 21, 0, 1, 20, 21, 30, 31, 10, 11, 20, 21]);
    // upstream gradient g[k] = (k, 100k) for position k
    const g = tensor(Array.from({ length: 6 }, (_, k) => [k, 100 * k]), { shape: [2, 3, 2] });
    out.mul(g).sum().backward();
    // row 2 at positions 0, 2, 5; row 0 at 1; row 1 at 4; row 3 (padding) at 3 gets nothing
    expect(Array.from(emb.weight.grad!.data)).toEqual([1, 100, 4, 400, 7, 700, 0, 0]);
    // and a second pass accumulates
    emb.forward([2], [1]).sum().backward();
    expect(Array.from(emb.weight.grad!.data)).toEqual([1, 100, 4, 400, 8, 701, 0, 0]);
  });

  it('takes a flat list with a shape and names an out-of-range index', () => {
    const emb = new nn.Embedding(4, 3);
    expect(emb.forward([0, 1, 2, 3, 3, 0], [3, 2]).shape).toEqual([3, 2, 3]);
    expect(emb.forward(new Int32Array([1, 2])).shape).toEqual([2, 3]);
    expect(() => emb.forward([0, 4, 1])).toThrow('Embedding.forward: index 4 (at position 1) is out of range for 4 embeddings');
    expect(() => emb.forward([0, -1])).toThrow('Embedding.forward: index -1 (at position 1) is out of range for 4 embeddings');
    expect(() => emb.forward([0, 1, 2], [2, 2])).toThrow('Embedding.forward: 3 indices do not fill shape [2,2]');
    expect(() => new nn.Embedding(4, 3, { paddingIdx: 4 })).toThrow('Embedding: paddingIdx 4 must be within [-4, 4)');
  });

  it('fromPretrained: frozen by default, takes the text pipeline vectors and keeps the padding row as given', () => {
    const vectors = new Float32Array([0.5, -1, 2, 3, 1.5, 0.25]);
    const emb = nn.Embedding.fromPretrained({ vocab: ['<pad>', 'a', 'b'], dim: 2, vectors }, { paddingIdx: 0 });
    expect(emb.vocab).toEqual(['<pad>', 'a', 'b']);
    expect([emb.numEmbeddings, emb.embeddingDim]).toEqual([3, 2]);
    expect(emb.weight.requiresGrad).toBe(false);
    const out = emb.forward([0, 2]);
    expect(Array.from(out.data)).toEqual([0.5, -1, 1.5, 0.25]);
    expect(out.requiresGrad).toBe(false);
    // a copy: the source is not aliased
    vectors[0] = 9;
    expect(emb.weight.data[0]).toBe(0.5);
    expect(() => nn.Embedding.fromPretrained({ dim: 4, vectors })).toThrow('Embedding.fromPretrained: 6 values do not split into rows of dim 4');
    expect(() => nn.Embedding.fromPretrained({ dim: 2, vectors, vocab: ['a'] })).toThrow('vocab has 1 tokens but there are 3 vectors');
    const f64 = nn.Embedding.fromPretrained(tensor([[1, 2]], { dtype: 'float64' }), { freeze: false });
    expect(f64.weight.dtype).toBe('float64');
    expect(f64.weight.requiresGrad).toBe(true);
  });
});
