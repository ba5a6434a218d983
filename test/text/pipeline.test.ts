import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/text/pipeline.js';
import * as text from '../../src/text/index.js';

const corpus = [
  '<p>The networks were running FAST!</p> See https://x.io',
  'A network runs; networks run.',
  '循环神经网络的记忆能力',
];

describe('Pipeline', () => {
  const stages = [
    { type: 'clean' as const, rules: [{ pattern: /FAST/g, replacement: 'quickly' }] },
    { type: 'tokenize' as const, lowercase: true, punctuation: false },
    { type: 'stopwords' as const },
    { type: 'stem' as const },
    { type: 'vocab' as const, minFreq: 2 },
  ];
  it('runs the stages in order and fits a vocabulary', () => {
    const p = new Pipeline(stages).fit(corpus);
    expect(p.tokens(corpus[0])).toEqual(['network', 'run', 'quickli', 'see']);
    expect(p.tokens(corpus[2])).toEqual(['循环', '神经网络', '记忆', '能力']);
    expect(p.vocab!.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'network', 'run']);
    expect(p.encode('Networks ran quickly', { bos: true })).toEqual([2, 4, 1, 1]);
  });
  it('serializes stages (RegExp rules included) and the fitted vocabulary', () => {
    const p = new Pipeline(stages).fit(corpus);
    const q = Pipeline.fromJSON(JSON.parse(JSON.stringify(p)));
    for (const t of corpus) expect(q.tokens(t)).toEqual(p.tokens(t));
    expect(q.encode('the networks run FAST')).toEqual(p.encode('the networks run FAST'));
    expect(q.vocab!.tokens).toEqual(p.vocab!.tokens);
  });
  it('text-only pipelines and n-gram/lemma stages', () => {
    expect(new Pipeline([{ type: 'clean', lowercase: true }]).text('ＡＢＣ <b>x</b>')).toBe('abc x');
    const p = new Pipeline([{ type: 'tokenize', lang: 'en' }, { type: 'lemmatize' }, { type: 'ngrams', n: [1, 2] }]);
    expect(p.tokens('geese flew')).toEqual(['goose', 'fly', 'goose fly']);
  });
  it('rejects misordered or unknown stages with the stage index', () => {
    expect(() => new Pipeline([{ type: 'stem' }])).toThrow("stage 0 ('stem') works on tokens and must come after 'tokenize'");
    expect(() => new Pipeline([{ type: 'tokenize' }, { type: 'clean' }])).toThrow("stage 1 ('clean') works on text and must come before 'tokenize'");
    expect(() => new Pipeline([{ type: 'tokenize' }, { type: 'vocab' }, { type: 'stem' }])).toThrow("stage 1 ('vocab') must be the last stage");
    expect(() => new Pipeline([{ type: 'bpe' } as never])).toThrow("stage 0 ('bpe') is not a known stage");
    expect(() => new Pipeline([{ type: 'tokenize' }, { type: 'vocab' }]).encode('x')).toThrow('call fit(corpus) first');
    expect(() => Pipeline.fromJSON({ stages: [] })).toThrow('not an rnnkit pipeline');
  });
  it('the public index exports the whole API', () => {
    for (const name of ['clean', 'tokenize', 'removeStopwords', 'stem', 'lemmatize', 'Vocab', 'bagOfWords', 'ngrams', 'charNgrams',
      'TfidfVectorizer', 'trainWord2Vec', 'trainGlove', 'WordVectors', 'embeddingWeights', 'Pipeline', 'initSegmenter']) {
      expect(typeof (text as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
