import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trainWord2Vec } from '../../src/text/word2vec.js';
import { cooccurrence, trainGlove } from '../../src/text/glove.js';
import { WordVectors, embeddingWeights, shortestFloat32 } from '../../src/text/vectors.js';
import { Vocab } from '../../src/text/vocab.js';
import { Rng } from '../../src/text/rng.js';

const read = (name: string) => readFileSync(new URL(`../fixtures/text/${name}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
// Brown corpus, news section (100k tokens), lower-cased, split on the corpus' own spaces.
const brown = read('brown-news.txt').map((l) => l.toLowerCase().split(' '));
// Tang poems (6,000 lines), one token per character, punctuation removed.
const tang = read('tang.txt').map((l) => Array.from(l.replace(/[，。？！、：；]/g, '')));

// Each related pair (a, b) is compared with an unrelated pair (a, c) that shares a.
const EN_RELATED = [['monday', 'tuesday'], ['friday', 'saturday'], ['two', 'three'], ['four', 'five'], ['he', 'she'], ['mr.', 'mrs.'], ['january', 'february'], ['his', 'her']];
const EN_UNRELATED = [['monday', 'jury'], ['two', 'church'], ['he', 'budget'], ['friday', 'money'], ['three', 'president'], ['mr.', 'yesterday'], ['january', 'game'], ['his', 'million']];
const ZH_RELATED = [['山', '水'], ['春', '秋'], ['風', '雨'], ['東', '西'], ['南', '北'], ['日', '月'], ['天', '地'], ['花', '草']];
const ZH_UNRELATED = [['山', '酒'], ['春', '君'], ['風', '思'], ['東', '心'], ['南', '客'], ['日', '何'], ['天', '衣'], ['花', '書']];

function margins(wv: WordVectors, related: string[][], unrelated: string[][]): { wins: number; margin: number } {
  const r = related.map(([a, b]) => wv.similarity(a, b));
  const u = unrelated.map(([a, c]) => wv.similarity(a, c));
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  return { wins: r.filter((v, i) => v > u[i]).length, margin: mean(r) - mean(u) };
}

// Margins measured with these seeds and settings (Node 20, 2026-11-28): en skip-gram 0.42,
// zh CBOW 0.41, en GloVe 0.55, zh GloVe 0.51; every related pair beat its unrelated pair.
// The thresholds leave room for engine-level float differences, not for a broken trainer.
describe('word embeddings trained on the shipped corpora', () => {
  it('skip-gram on Brown news: related words nearer than unrelated ones', () => {
    const { vectors } = trainWord2Vec(brown, { method: 'skipgram', dim: 30, epochs: 10, lr: 0.05, seed: 1 });
    const m = margins(vectors, EN_RELATED, EN_UNRELATED);
    expect(m.wins).toBe(8);
    expect(m.margin).toBeGreaterThan(0.3);
  });
  it('CBOW on Tang poems (characters): related characters nearer', () => {
    const { vectors } = trainWord2Vec(tang, { method: 'cbow', dim: 30, epochs: 20, seed: 1 });
    const m = margins(vectors, ZH_RELATED, ZH_UNRELATED);
    expect(m.wins).toBe(8);
    expect(m.margin).toBeGreaterThan(0.3);
  });
  it('GloVe on Brown news and on Tang poems', () => {
    const en = trainGlove(brown, { dim: 30, epochs: 25, xMax: 10, window: 5, seed: 1 });
    const me = margins(en.vectors, EN_RELATED, EN_UNRELATED);
    expect(me.wins).toBe(8);
    expect(me.margin).toBeGreaterThan(0.4);
    expect(en.losses[en.losses.length - 1]).toBeLessThan(en.losses[0] * 0.5); // AdaGrad reduces the weighted loss
    const zh = trainGlove(tang, { dim: 30, epochs: 15, window: 10, seed: 1 });
    const mz = margins(zh.vectors, ZH_RELATED, ZH_UNRELATED);
    expect(mz.wins).toBe(8);
    expect(mz.margin).toBeGreaterThan(0.35);
  });
  it('is reproducible with a seed and changes with it', () => {
    const small = brown.slice(0, 800);
    for (const method of ['skipgram', 'cbow'] as const) {
      const a = trainWord2Vec(small, { method, dim: 16, epochs: 2, seed: 7 }).vectors;
      const b = trainWord2Vec(small, { method, dim: 16, epochs: 2, seed: 7 }).vectors;
      const c = trainWord2Vec(small, { method, dim: 16, epochs: 2, seed: 8 }).vectors;
      expect(b.vocab).toEqual(a.vocab);
      expect(b.vectors).toEqual(a.vectors);
      expect(c.vectors).not.toEqual(a.vectors);
    }
    const g1 = trainGlove(small, { dim: 8, epochs: 2, seed: 3 }).vectors;
    const g2 = trainGlove(small, { dim: 8, epochs: 2, seed: 3 }).vectors;
    expect(g2.vectors).toEqual(g1.vectors);
  });
  it('orders the vocabulary by count, drops words under minCount, reports progress', () => {
    const events: number[] = [];
    const r = trainWord2Vec(brown.slice(0, 1500), { dim: 8, epochs: 1, minCount: 3, onProgress: (p) => events.push(p.progress) });
    const counts = new Map<string, number>();
    for (const s of brown.slice(0, 1500)) for (const t of s) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(r.vectors.vocab[0]).toBe('the');
    expect(r.vectors.size).toBe([...counts.values()].filter((c) => c >= 3).length);
    expect(r.trainWords).toBe([...counts.values()].filter((c) => c >= 3).reduce((s, c) => s + c, 0));
    expect(events.length).toBeGreaterThan(1);
    expect(events[events.length - 1]).toBe(1);
  });
  it('rejects bad options and too little text', () => {
    expect(() => trainWord2Vec([['a', 'b']], {})).toThrow('only 0 distinct word(s) occur at least minCount=5 times');
    expect(() => trainWord2Vec(brown, { method: 'fasttext' as never })).toThrow("unknown method 'fasttext'");
    expect(() => trainWord2Vec(brown, { dim: 0 })).toThrow('dim must be an integer ≥ 1, got 0');
    expect(() => trainGlove(brown, { window: 1.5 })).toThrow('window must be an integer ≥ 1, got 1.5');
    expect(() => trainGlove([['a'], ['b'], ['a'], ['b']], { minCount: 1 })).toThrow('no two vocabulary words occur within window=10');
  });
});

describe('GloVe co-occurrence counts', () => {
  it('weights pairs by 1/distance, symmetrically, within sentences', () => {
    // sentence 1: 0 1 2 ; sentence 2: 1 0. window 2.
    const co = cooccurrence(Int32Array.from([0, 1, 2, 1, 0]), Int32Array.from([0, 3, 5]), 3, 2);
    const m = new Map<string, number>();
    for (let z = 0; z < co.rows.length; z++) m.set(`${co.rows[z]},${co.cols[z]}`, co.values[z]);
    expect(Object.fromEntries(m)).toEqual({ '0,1': 2, '1,0': 2, '1,2': 1, '2,1': 1, '0,2': 0.5, '2,0': 0.5 });
    const flat = cooccurrence(Int32Array.from([0, 1, 2]), Int32Array.from([0, 3]), 3, 2, false);
    expect(flat.values.reduce((s, v) => s + v, 0)).toBe(6);
  });
});

describe('WordVectors', () => {
  // Hand-made 2-D vectors where the analogy is exact: king − man + woman = queen.
  const wv = new WordVectors(['man', 'woman', 'king', 'queen', 'apple'], 2, Float32Array.from([1, 0, 0, 1, 1, 0.2, 0.2, 1, -1, -1]));
  it('cosine similarity, nearest neighbours and analogies', () => {
    expect(wv.similarity('man', 'woman')).toBeCloseTo(0, 7);
    expect(wv.similarity('man', 'king')).toBeCloseTo(1 / Math.hypot(1, 0.2), 6);
    expect(wv.mostSimilar('man', 2).map((n) => n.word)).toEqual(['king', 'queen']);
    expect(wv.analogy('man', 'king', 'woman')[0].word).toBe('queen');
    expect(wv.analogy('woman', 'queen', 'man')[0].word).toBe('king');
    expect(() => wv.mostSimilar('pear')).toThrow("WordVectors.mostSimilar: 'pear' is not in the vocabulary (5 words)");
  });
  it('round-trips the word2vec text format exactly', () => {
    const rng = new Rng(5);
    const vecs = Float32Array.from({ length: 3 * 4 }, () => (rng.next() - 0.5) * 10 ** (rng.int(7) - 3));
    const a = new WordVectors(['的', 'rnn', "can't"], 4, vecs);
    const text = a.toWord2vecText();
    expect(text.split('\n')[0]).toBe('3 4');
    const b = WordVectors.fromWord2vecText(text);
    expect(b.vocab).toEqual(a.vocab);
    expect(b.vectors).toEqual(a.vectors);
    expect(WordVectors.fromWord2vecText(a.toWord2vecText({ precision: 6 })).vectors[0]).toBeCloseTo(a.vectors[0], 6);
    // GloVe's header-less text format reads too
    expect(WordVectors.fromWord2vecText('x 1 2\ny 3 4\n').vectors).toEqual(Float32Array.from([1, 2, 3, 4]));
    expect(shortestFloat32(Math.fround(0.1))).toBe('0.1');
  });
  it('names the line of a malformed file', () => {
    expect(() => WordVectors.fromWord2vecText('2 3\na 1 2 3\nb 1 2\n')).toThrow('line 3: expected a word and 3 numbers, got 2 numbers');
    expect(() => WordVectors.fromWord2vecText('1 2\na 1 zz\n')).toThrow("line 2: 'zz' is not a finite number");
    expect(() => WordVectors.fromWord2vecText('3 2\na 1 2\n')).toThrow('header says 3 words but the file has 1');
    expect(() => WordVectors.fromWord2vecText('')).toThrow('the text is empty');
    expect(() => new WordVectors(['a b'], 1, Float32Array.from([1])).toWord2vecText()).toThrow('contains whitespace');
  });
  it('gives nn.Embedding weights aligned with a Vocab', () => {
    const vocab = new Vocab(['<pad>', '<unk>', 'king', 'pear'], [0, 0, 3, 1], { specials: ['<pad>', '<unk>'] });
    const w = embeddingWeights(wv, vocab);
    expect(w.vocab).toEqual(['<pad>', '<unk>', 'king', 'pear']);
    expect(w.dim).toBe(2);
    expect([...w.vectors]).toEqual([0, 0, 0, 0, 1, Math.fround(0.2), 0, 0]);
    expect(w.missing).toBe(3);
    const r = embeddingWeights(wv, vocab, { oov: 'random', seed: 1 });
    expect([...r.vectors.subarray(0, 2)]).toEqual([0, 0]); // <pad> stays zero
    expect(Math.abs(r.vectors[2])).toBeGreaterThan(0);
    expect(Math.abs(r.vectors[2])).toBeLessThanOrEqual(0.25);
    expect(wv.toEmbeddingWeights().vectors).toEqual(wv.vectors);
  });
});

describe('Rng', () => {
  it('is a seeded xorshift32 stream: same seed, same numbers; values in range', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xa);
    const r = new Rng(0);
    const ints = Array.from({ length: 10000 }, () => r.int(7));
    expect(Math.min(...ints)).toBe(0);
    expect(Math.max(...ints)).toBe(6);
    const mean = ints.reduce((s, v) => s + v, 0) / ints.length;
    expect(Math.abs(mean - 3)).toBeLessThan(0.1);
    expect(new Rng(1).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => new Rng(NaN)).toThrow('seed must be a finite number');
  });
});
