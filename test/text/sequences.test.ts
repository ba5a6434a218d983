import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { SequenceClassifier } from '../../src/models/classifier.js';
import { manualSeed } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { textSequences } from '../../src/text/sequences.js';
import { Vocab } from '../../src/text/vocab.js';
import { evaluateClassifier, predictClasses, stratifiedSplit, trainClassifier } from '../../src/train/classify.js';
import { TrainingError } from '../../src/train/step.js';

/** Row i of x [N,T,1] as ids, up to T. */
function row(x: Tensor, i: number): number[] {
  const T = x.shape[1]!;
  return Array.from(x.data.subarray(i * T, (i + 1) * T));
}

describe('textSequences', () => {
  const texts = ['The cat ran.', 'the dog ran on the mat', 'A cat!'];

  it('builds <pad> = 0, <unk> = 1, then words by frequency; pads with 0 and records lengths', () => {
    const d = textSequences(texts, [0, 1, 0], { classes: ['cats', 'dogs'] });
    expect(d.vocab.tokens.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    // the ×3, cat ×2, ran ×2 (ties by code point), then the singletons in code-point order
    expect(d.vocab.tokens.slice(2)).toEqual(['the', 'cat', 'ran', '!', '.', 'a', 'dog', 'mat', 'on']);
    expect(d.x.shape).toEqual([3, 6, 1]);
    expect(Array.from(d.lengths!)).toEqual([4, 6, 3]);
    const id = (w: string): number => d.vocab.id(w);
    expect(row(d.x, 0)).toEqual([id('the'), id('cat'), id('ran'), id('.'), 0, 0]);
    expect(row(d.x, 1)).toEqual(['the', 'dog', 'ran', 'on', 'the', 'mat'].map(id));
    expect(row(d.x, 2)).toEqual([id('a'), id('cat'), id('!'), 0, 0, 0]);
    expect(Array.from(d.y)).toEqual([0, 1, 0]);
    expect(d.classes).toEqual(['cats', 'dogs']);
    expect(d.x.dtype).toBe('float32');
  });

  it('truncates to maxLen, keeping the first tokens; T is the longest after truncation', () => {
    const d = textSequences(texts, [0, 1, 0], { maxLen: 4 });
    expect(d.x.shape).toEqual([3, 4, 1]);
    expect(Array.from(d.lengths!)).toEqual([4, 4, 3]);
    expect(d.vocab.decode(row(d.x, 1))).toEqual(['the', 'dog', 'ran', 'on']);
    expect(textSequences(['a b', 'c'], [0, 0], { maxLen: 50 }).x.shape).toEqual([2, 2, 1]);
  });

  it('minFreq, maxVocab and lowercase shape the vocabulary; rare words read as <unk>', () => {
    const d = textSequences(texts, [0, 1, 0], { minFreq: 2 });
    expect(d.vocab.tokens).toEqual(['<pad>', '<unk>', 'the', 'cat', 'ran']);
    expect(row(d.x, 2)).toEqual([1, d.vocab.id('cat'), 1, 0, 0, 0]);
    expect(textSequences(texts, [0, 1, 0], { maxVocab: 4 }).vocab.tokens).toEqual(['<pad>', '<unk>', 'the', 'cat']);
    const cased = textSequences(texts, [0, 1, 0], { lowercase: false });
    expect(cased.vocab.has('The')).toBe(true);
    expect(cased.vocab.id('The')).not.toBe(cased.vocab.id('the'));
    expect(textSequences(texts, [0, 1, 0], { punctuation: false }).vocab.has('.')).toBe(false);
  });

  it('reuses the training vocabulary for the test split: words unseen in training are <unk>', () => {
    const tr = textSequences(texts, [0, 1, 0]);
    const te = textSequences(['the zebra ran', 'Quokka'], [1, 0], { vocab: tr.vocab });
    expect(te.vocab).toBe(tr.vocab);
    expect(tr.vocab.has('zebra')).toBe(false);
    expect(row(te.x, 0)).toEqual([tr.vocab.id('the'), 1, tr.vocab.id('ran')]);
    expect(row(te.x, 1)).toEqual([1, 0, 0]);
    expect(Array.from(te.lengths!)).toEqual([3, 1]);
  });

  it('a text with no tokens is one <unk> step (lengths stay ≥ 1)', () => {
    const d = textSequences(['', 'cat cat'], [0, 1]);
    expect(Array.from(d.lengths!)).toEqual([1, 2]);
    expect(row(d.x, 0)).toEqual([1, 0]);
  });

  it('rejects bad input in one line', () => {
    expect(() => textSequences([], [])).toThrow(/textSequences: no texts/);
    expect(() => textSequences(['a'], [0, 1])).toThrow(/1 texts but 2 labels/);
    expect(() => textSequences(['a'], [0.5])).toThrow(ValueError);
    expect(() => textSequences(['a', 'b'], [0, 2], { classes: ['x', 'y'] })).toThrow(/label 2 but only 2 class names/);
    expect(() => textSequences(['a'], [0], { maxLen: 0 })).toThrow(/maxLen must be an integer ≥ 1/);
    expect(() => textSequences(['a'], [0], { vocab: new Vocab(['<unk>', '<pad>'], undefined, { specials: ['<unk>', '<pad>'] }) })).toThrow(/id 0 must be '<pad>'/);
    expect(() => textSequences(['a'], [0], { vocab: new Vocab(['<pad>', 'a'], undefined, { unk: null }) })).toThrow(/no unk token/);
    const v = textSequences(['a'], [0]).vocab;
    expect(() => textSequences(['a'], [0], { vocab: v, minFreq: 2 })).toThrow(/cannot apply to a given one/);
  });
});

describe('trainClassifier on token ids [N,T,1] (an embedding model)', () => {
  // Class 0 texts speak of fruit, class 1 of tools; lengths vary so packing matters.
  const fruit = ['apple', 'pear', 'plum', 'fig', 'grape'];
  const tools = ['hammer', 'saw', 'drill', 'wrench', 'chisel'];
  const texts: string[] = [], labels: number[] = [];
  for (let i = 0; i < 40; i++) {
    const words = i % 2 === 0 ? fruit : tools;
    const n = 2 + (i % 5);
    texts.push(Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 'the' : words[(i + k) % 5])).join(' '));
    labels.push(i % 2);
  }

  it('trains, predicts and evaluates without reshaping; stratifiedSplit keeps [N,T,1]', () => {
    const d = textSequences(texts, labels, { classes: ['fruit', 'tools'] });
    const { train, val } = stratifiedSplit(d, 0.25, 0);
    expect(train.x.shape.slice(1)).toEqual([d.x.shape[1], 1]);
    manualSeed(0);
    const m = new SequenceClassifier({ numClasses: 2, hiddenSize: 8, pool: 'max', embedding: { numEmbeddings: d.vocab.size, embeddingDim: 8, paddingIdx: 0 } });
    const r = trainClassifier(m, { train, val }, { epochs: 30, lr: 0.02, batchSize: 8 });
    expect(r.history.train.at(-1)!).toBeLessThan(r.history.train[0]!);
    expect(evaluateClassifier(m, val).accuracy).toBe(1);
    // [N,T] ids give the same predictions as [N,T,1]
    const flat = { ...d, x: d.x.reshape([d.x.shape[0]!, d.x.shape[1]!]) };
    expect(Array.from(predictClasses(m, flat))).toEqual(Array.from(predictClasses(m, d)));
  });

  it('an embedding model rejects x with more than one feature per step', () => {
    const d = textSequences(texts, labels);
    const bad = { ...d, x: new Tensor(new Float32Array(d.x.numel() * 2), [d.x.shape[0]!, d.x.shape[1]!, 2]) };
    const m = new SequenceClassifier({ numClasses: 2, embedding: { numEmbeddings: d.vocab.size, embeddingDim: 4 } });
    expect(() => trainClassifier(m, { train: bad })).toThrow(TrainingError);
    expect(() => evaluateClassifier(m, bad)).toThrow(/has x \[40,\d+,2\] but the model's embedding reads token ids \[N,T\] or \[N,T,1\]/);
  });
});
