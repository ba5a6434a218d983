import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bagOfWords, bagOfWordsDense, charNgrams, countNgrams, ngrams, toDense } from '../../src/text/features.js';
import { TfidfVectorizer, type TfidfOptions } from '../../src/text/tfidf.js';
import { Vocab } from '../../src/text/vocab.js';

describe('bag-of-words', () => {
  const docs = [['a', 'b', 'a', 'zz'], ['c'], []];
  const vocab = new Vocab(['<unk>', 'a', 'b', 'c'], [0, 2, 1, 1], { specials: ['<unk>'] });
  it('counts per document in vocabulary id order, ignoring out-of-vocabulary tokens', () => {
    const m = bagOfWords(docs, vocab);
    expect([m.rows, m.cols]).toEqual([3, 4]);
    expect([...m.indptr]).toEqual([0, 2, 3, 3]);
    expect([...m.indices]).toEqual([1, 2, 3]);
    expect([...m.data]).toEqual([2, 1, 1]);
    expect([...bagOfWordsDense(docs, vocab)]).toEqual([0, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });
  it('binary mode records presence', () => {
    expect([...toDense(bagOfWords(docs, vocab, { binary: true }))]).toEqual([0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });
});

describe('n-grams', () => {
  it('word n-grams for one n and for a range, in scikit-learn order', () => {
    expect(ngrams(['a', 'b', 'c', 'd'])).toEqual(['a b', 'b c', 'c d']);
    expect(ngrams(['a', 'b', 'c'], { n: [1, 3], sep: '_' })).toEqual(['a', 'b', 'c', 'a_b', 'b_c', 'a_b_c']);
    expect(ngrams(['a'], { n: 2 })).toEqual([]);
  });
  it('character n-grams count code points and collapse whitespace', () => {
    expect(charNgrams('ab  c', { n: 2 })).toEqual(['ab', 'b ', ' c']);
    expect(charNgrams('春眠不覺曉', { n: [1, 2] })).toEqual(['春', '眠', '不', '覺', '曉', '春眠', '眠不', '不覺', '覺曉']);
    expect(charNgrams('𠀀x', { n: 2 })).toEqual(['𠀀x']);
  });
  it('counts n-grams over a corpus, sorted by count then text', () => {
    expect(countNgrams([['a', 'b', 'a', 'b'], ['b', 'a']], { n: 2 })).toEqual({ ngrams: ['a b', 'b a'], counts: [2, 2] });
  });
  it('rejects a bad n', () => {
    expect(() => ngrams(['a'], { n: 0 })).toThrow('n must be an integer ≥ 1 or a range [min, max]');
    expect(() => charNgrams('a', { n: [3, 2] })).toThrow('got [3,2]');
  });
});

interface Case { params: Record<string, unknown>; vocabulary: string[]; idf: number[] | null; matrix: number[][] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/text/tfidf_sklearn.json', import.meta.url), 'utf8')) as {
  sklearn: string; docs: string[][]; cases: Record<string, Case>;
};

function toOptions(p: Record<string, unknown>): TfidfOptions {
  const o: TfidfOptions = {};
  if ('ngram_range' in p) o.ngramRange = p.ngram_range as [number, number];
  if ('sublinear_tf' in p) o.sublinearTf = p.sublinear_tf as boolean;
  if ('norm' in p) o.norm = p.norm as 'l1' | 'l2' | null;
  if ('smooth_idf' in p) o.smoothIdf = p.smooth_idf as boolean;
  if ('min_df' in p) o.minDf = p.min_df as number;
  if ('max_df' in p) o.maxDf = p.max_df as number;
  if ('binary' in p) o.binary = p.binary as boolean;
  if ('use_idf' in p) o.useIdf = p.use_idf as boolean;
  if ('max_features' in p) o.maxFeatures = p.max_features as number;
  return o;
}

describe(`TF-IDF equals scikit-learn ${fixture.sklearn} TfidfVectorizer (regenerate: /usr/bin/python3 tools/reference/tfidf_sklearn.py)`, () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(name, () => {
      const v = new TfidfVectorizer(toOptions(c.params));
      const m = v.fitTransform(fixture.docs);
      expect(v.vocabulary).toEqual(c.vocabulary);
      if (c.idf) for (let i = 0; i < c.idf.length; i++) expect(v.idf[i]).toBeCloseTo(c.idf[i], 12);
      const dense = toDense(m);
      expect([m.rows, m.cols]).toEqual([c.matrix.length, c.vocabulary.length]);
      for (let r = 0; r < m.rows; r++) for (let j = 0; j < m.cols; j++) expect(dense[r * m.cols + j]).toBeCloseTo(c.matrix[r][j], 12);
    });
  }
  it('hand-checked smooth idf on a two-document corpus', () => {
    // N = 2; df(a) = 2 → idf 1; df(b) = 1 → ln(3/2) + 1. Row 0 = [1, 1.405…] / ‖·‖₂.
    const v = new TfidfVectorizer().fit([['a', 'b'], ['a']]);
    expect([...v.idf]).toEqual([1, Math.log(1.5) + 1]);
    const r = toDense(v.transform([['a', 'b', 'zz']]));
    const z = Math.hypot(1, Math.log(1.5) + 1);
    expect(r[0]).toBeCloseTo(1 / z, 15);
    expect(r[1]).toBeCloseTo((Math.log(1.5) + 1) / z, 15);
  });
  it('serializes and reloads to the same numbers', () => {
    const v = new TfidfVectorizer({ ngramRange: [1, 2], sublinearTf: true }).fit(fixture.docs);
    const w = TfidfVectorizer.fromJSON(JSON.parse(JSON.stringify(v)));
    expect([...toDense(w.transform(fixture.docs))]).toEqual([...toDense(v.transform(fixture.docs))]);
  });
  it('errors clearly', () => {
    expect(() => new TfidfVectorizer({ norm: 'l3' as never })).toThrow("norm must be 'l2', 'l1' or null");
    expect(() => new TfidfVectorizer().transform([['a']])).toThrow('call fit first');
    expect(() => new TfidfVectorizer({ minDf: 5 }).fit([['a']])).toThrow('no terms remain after minDf=5');
    expect(() => TfidfVectorizer.fromJSON({})).toThrow('not an rnnkit TF-IDF model');
  });
});
