import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { ValueError } from '../../src/errors.js';
import { bowLoss, fitBowClassifier } from '../../src/models/bow-classifier.js';
import { randn, tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';

const TEXTS = [
  'the striker scored a late goal in the match',
  'the keeper saved a penalty and the match ended level',
  'fans cheered as the team won the cup final',
  'the coach praised the defence after the game',
  'the oven should be hot before the bread goes in',
  'knead the dough and let it rise for an hour',
  'add butter sugar and eggs then bake the cake',
  'slice the onions and fry them in olive oil',
  'the parliament passed the budget after a long debate',
  'the minister resigned over the tax scandal',
  'voters elect a new senate in the autumn election',
  'the president signed the law on public spending',
];
const LABELS = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];

describe('fitBowClassifier', () => {
  it('separates a tiny separable set perfectly and generalises on its words', () => {
    const m = fitBowClassifier(TEXTS, LABELS, { classes: ['sport', 'cooking', 'politics'] });
    expect(Array.from(m.predict(TEXTS))).toEqual(LABELS);
    expect(m.weight.shape).toEqual([3, m.vectorizer.vocabulary.length]);
    expect(m.losses.at(-1)!).toBeLessThan(m.losses[0]!);
    expect(m.losses[0]).toBeCloseTo(Math.log(3), 5); // zero weights: uniform probabilities
    expect(Array.from(m.predict(['the match and the goal', 'bake the bread', 'the senate debate']))).toEqual([0, 1, 2]);
    const p = m.predictProba(['the match and the goal']);
    expect(p.shape).toEqual([1, 3]);
    expect(p.data[0]! + p.data[1]! + p.data[2]!).toBeCloseTo(1, 5);
  });

  it('is deterministic, and Adam reaches the same predictions', () => {
    const a = fitBowClassifier(TEXTS, LABELS);
    const b = fitBowClassifier(TEXTS, LABELS);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    const adam = fitBowClassifier(TEXTS, LABELS, { optimizer: 'adam', maxIter: 100 });
    expect(Array.from(adam.predict(TEXTS))).toEqual(LABELS);
  });

  it('rejects bad input', () => {
    expect(() => fitBowClassifier(TEXTS, [0, 1])).toThrow(/12 texts but 2 labels/);
    expect(() => fitBowClassifier(['a b'], [0.5])).toThrow(ValueError);
    expect(() => fitBowClassifier(['a b', 'c d'], [0, 3], { numClasses: 2 })).toThrow(/label 3 is out of range for 2 classes/);
    expect(() => fitBowClassifier(['a b'], [0], { optimizer: 'sgd' as 'adam' })).toThrow(/optimizer must be/);
  });
});

describe('bowLoss', () => {
  it('its gradient agrees with float64 finite differences (with the L2 term)', () => {
    const g = new Generator(7);
    const w = randn([3, 5], { dtype: 'float64', generator: g, requiresGrad: true });
    const b = randn([3], { dtype: 'float64', generator: g, requiresGrad: true });
    const x = randn([4, 5], { dtype: 'float64', generator: g });
    const y = [2, 0, 1, 2];
    expect(gradcheck((ww, bb) => bowLoss(ww!, bb!, x, y, 0.3), [w, b])).toBe(true);
  });

  it('is mean cross-entropy plus (λ/2)‖W‖², bias unpenalised', () => {
    const w = tensor([[1, 0], [0, 1]], { dtype: 'float64' });
    const b = tensor([0, 5], { dtype: 'float64' });
    const x = tensor([[2, 0]], { dtype: 'float64' });
    // logits [2, 5]; -log softmax_0 = log(e² + e⁵) − 2; ‖W‖² = 2
    expect(bowLoss(w, b, x, [0], 0.5).item()).toBeCloseTo(Math.log(Math.exp(2) + Math.exp(5)) - 2 + 0.5, 12);
  });
});
