import { describe, expect, it } from 'vitest';
import { Vocab, compareCodePoints } from '../../src/text/vocab.js';

// counts: a 5, b 4, c 3 (in 3 docs), d 2, e 1, f 1; df over 4 docs: a 4, b 2, c 3, d 1, e 1, f 1
const docs = [
  ['a', 'b', 'b', 'c'],
  ['a', 'a', 'c', 'd', 'd'],
  ['a', 'b', 'b', 'e'],
  ['a', 'c', 'f'],
];

describe('Vocab', () => {
  it('orders reserved tokens first, then frequency desc, ties by token', () => {
    const v = Vocab.build(docs);
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b', 'c', 'd', 'e', 'f']);
    expect(v.counts).toEqual([0, 0, 0, 0, 5, 4, 3, 2, 1, 1]);
    expect(v.unkId).toBe(1);
  });
  it('minFreq and maxFreq are inclusive bounds on the corpus count', () => {
    expect(Vocab.build(docs, { minFreq: 2, specials: [] }).tokens).toEqual(['a', 'b', 'c', 'd']);
    expect(Vocab.build(docs, { minFreq: 3, specials: [] }).tokens).toEqual(['a', 'b', 'c']);
    expect(Vocab.build(docs, { maxFreq: 4, specials: [] }).tokens).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(Vocab.build(docs, { minFreq: 2, maxFreq: 3, specials: [] }).tokens).toEqual(['c', 'd']);
  });
  it('maxDocFreq drops tokens in more than that fraction of documents (boundary kept)', () => {
    expect(Vocab.build(docs, { maxDocFreq: 0.75, specials: [] }).tokens).toEqual(['b', 'c', 'd', 'e', 'f']); // a: 4/4 dropped; c: 3/4 kept
    expect(Vocab.build(docs, { maxDocFreq: 0.74, specials: [] }).tokens).toEqual(['b', 'd', 'e', 'f']); // c: 3/4 > 0.74
    expect(Vocab.build(docs, { maxDocFreq: 0.5, specials: [] }).tokens).toEqual(['b', 'd', 'e', 'f']);
    expect(Vocab.build(docs, { maxDocFreq: 0.25, specials: [] }).tokens).toEqual(['d', 'e', 'f']);
  });
  it('maxSize counts the reserved tokens and keeps the most frequent', () => {
    expect(Vocab.build(docs, { maxSize: 6 }).tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b']);
    expect(Vocab.build(docs, { maxSize: 4 }).tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
    expect(() => Vocab.build(docs, { maxSize: 3 })).toThrow('maxSize must be an integer ≥ 4, got 3');
  });
  it('validates its options', () => {
    expect(() => Vocab.build(docs, { minFreq: 0 })).toThrow('minFreq must be an integer ≥ 1, got 0');
    expect(() => Vocab.build(docs, { maxDocFreq: 2 })).toThrow('maxDocFreq must be a fraction in (0, 1], got 2');
    expect(() => Vocab.build(docs, { minFreq: 3, maxFreq: 2 })).toThrow('minFreq 3 > maxFreq 2');
  });
  it('encodes with <unk>, <bos>, <eos> and decodes', () => {
    const v = Vocab.build(docs, { minFreq: 2 });
    expect(v.encode(['a', 'zzz', 'd'], { bos: true, eos: true })).toEqual([2, 4, 1, 7, 3]);
    expect(v.decode([2, 4, 1, 7, 3, 0])).toEqual(['<bos>', 'a', '<unk>', 'd', '<eos>', '<pad>']);
    expect(v.decode([2, 4, 1, 7, 3, 0], { skipSpecials: true })).toEqual(['a', 'd']);
    expect(() => v.decode([99])).toThrow('id 99 is out of range [0, 8)');
    const bare = Vocab.build(docs, { specials: [] });
    expect(() => bare.encode(['zzz'])).toThrow("token 'zzz' is not in the vocabulary and there is no unk token");
  });
  it('round-trips through JSON and rejects bad JSON', () => {
    const v = Vocab.build(docs, { minFreq: 2 });
    const w = Vocab.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(w.tokens).toEqual(v.tokens);
    expect(w.counts).toEqual(v.counts);
    expect(w.encode(['d', 'q'])).toEqual([7, 1]);
    expect(() => Vocab.fromJSON({ tokens: [] })).toThrow('not an rnnkit vocabulary');
    expect(() => Vocab.fromJSON({ ...v.toJSON(), tokens: ['a', 'a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toThrow('duplicate token "a" at ids 0 and 1');
  });
  it('is independent of input order for equal counts and sorts by code point', () => {
    const x = Vocab.build([['𠀀', '\uffff', 'b', 'a']], { specials: [] });
    const y = Vocab.build([['a', 'b', '\uffff', '𠀀']], { specials: [] });
    expect(x.tokens).toEqual(['a', 'b', '\uffff', '𠀀']);
    expect(y.tokens).toEqual(x.tokens);
    expect(compareCodePoints('\uffff', '𠀀')).toBeLessThan(0);
  });
});
