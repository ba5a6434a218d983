// The demo's recipe on the classic digits split, three seeds, against PyTorch's median for the
// same recipe (tools/reference/digits_torch.py → test/fixtures/digits_torch_recipe.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_RECIPE } from '../../src/cli/classify.js';
import { digitsSplit } from '../../src/data/datasets.js';
import { SequenceClassifier } from '../../src/models/classifier.js';
import { manualSeed } from '../../src/tensor/random.js';
import { evaluateClassifier, trainClassifier } from '../../src/train/classify.js';

const torch = JSON.parse(readFileSync(new URL('../fixtures/digits_torch_recipe.json', import.meta.url), 'utf8')) as {
  recipe: { cell: string; hidden: number; bidirectional: boolean; pool: string; optimizer: string; lr: number; weight_decay: number; epochs: number; batch_size: number; shift: number };
  median_test_accuracy: number;
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

describe('digits: the demo recipe against PyTorch (median of 3 seeds)', () => {
  it('PyTorch ran the recipe the demo uses', () => {
    const r = torch.recipe, d = DEMO_RECIPE;
    expect([r.cell, r.hidden, r.bidirectional, r.pool, r.optimizer, r.lr, r.weight_decay, r.epochs, r.batch_size, r.shift])
      .toEqual([d.model, d.hidden, d.bidirectional, d.pool, 'adamw', d.lr, d.weightDecay, d.epochs, d.batchSize, d.shift]);
  });

  // one test per seed, so the worker answers vitest between runs (each is ~17 CPU-seconds)
  const acc: number[] = [];
  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: trains the recipe`, () => {
      const { train, test } = digitsSplit();
      const d = DEMO_RECIPE;
      manualSeed(seed);
      const m = new SequenceClassifier({ inputSize: 8, numClasses: 10, cell: d.model, hiddenSize: d.hidden, bidirectional: d.bidirectional, pool: d.pool });
      trainClassifier(m, { train }, { epochs: d.epochs, lr: d.lr, batchSize: d.batchSize, seed, optimizer: 'adamw', weightDecay: d.weightDecay, augment: { shift: d.shift } });
      acc.push(evaluateClassifier(m, test).accuracy);
    }, 300_000);
  }

  it('rnnkit reaches ≥ 97 % median, within 2 points of PyTorch\'s median', () => {
    expect(acc).toHaveLength(3);
    expect(median(acc)).toBeGreaterThanOrEqual(0.97);
    expect(Math.abs(median(acc) - torch.median_test_accuracy)).toBeLessThanOrEqual(0.02);
  });
});
