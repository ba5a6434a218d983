import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/nn/functional.js';
import { SequenceClassifier, type SequenceClassifierOptions } from '../../src/models/classifier.js';
import { tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';

interface J { shape: number[]; data: number[] }
interface Case {
  name: string;
  config: SequenceClassifierOptions & { embedding: SequenceClassifierOptions['embedding'] | null };
  lengths: number[];
  classWeights: number[] | null;
  params: Record<string, J>;
  x: J; y: number[]; logits: J; loss: number;
  grads: Record<string, J>;
  gradX: J | null;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/classifier.json', import.meta.url), 'utf8')) as { cases: Case[] };
const t = (j: J): Tensor => tensor(j.data).reshape(j.shape);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe('SequenceClassifier against PyTorch (packed variable-length input, float32)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: logits, cross entropy and every gradient`, () => {
      const m = new SequenceClassifier({ ...c.config, embedding: c.config.embedding ?? undefined });
      const res = m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t(v)])));
      expect(res.missingKeys).toEqual([]);
      expect(res.unexpectedKeys).toEqual([]);
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.params)); // PyTorch's names, in its order
      const x = t(c.x);
      if (!c.config.embedding) x.requiresGrad_(true);
      const logits = m.forward(x, c.lengths);
      expect(logits.shape).toEqual(c.logits.shape);
      close(logits.data, c.logits.data, 1e-5);
      const C = c.config.numClasses;
      const loss = crossEntropy(logits.reshape([-1, C]), c.y, { weight: c.classWeights ? tensor(c.classWeights) : undefined });
      expect(Math.abs(loss.item() - c.loss)).toBeLessThan(1e-5 * (1 + Math.abs(c.loss)));
      loss.backward();
      for (const [name, p] of m.namedParameters()) close(p.grad!.data, c.grads[name]!.data, 1e-5);
      if (c.gradX) close(x.grad!.data, c.gradX.data, 1e-5);
    });
  }

  it('padding never reaches the result: changing padded steps changes nothing', () => {
    for (const pool of ['last', 'mean', 'max'] as const) {
      const m = new SequenceClassifier({ inputSize: 2, numClasses: 3, hiddenSize: 4, pool, bidirectional: true });
      const base = Array.from({ length: 2 * 5 * 2 }, (_, i) => Math.sin(i));
      const junk = base.map((v, i) => (i % 10 >= 6 ? 1e3 : v)); // sequence 0 has 3 real steps of 5
      const a = m.forward(tensor(base).reshape([2, 5, 2]), [3, 5]);
      const b = m.forward(tensor(junk).reshape([2, 5, 2]), [3, 5]);
      expect(Array.from(b.data).slice(0, 3)).toEqual(Array.from(a.data).slice(0, 3));
    }
  });

  it('bad options and inputs are one-line errors naming the problem', () => {
    expect(() => new SequenceClassifier({ numClasses: 1, inputSize: 2 })).toThrow('SequenceClassifier: numClasses must be an integer ≥ 2, got 1');
    expect(() => new SequenceClassifier({ numClasses: 3 })).toThrow('SequenceClassifier: inputSize (features per step) is required without an embedding');
    expect(() => new SequenceClassifier({ numClasses: 3, inputSize: 2, pool: 'sum' as never })).toThrow('SequenceClassifier: pool must be one of last, mean, max, got "sum"');
    const m = new SequenceClassifier({ numClasses: 3, inputSize: 2 });
    expect(() => m.forward(tensor([1, 2, 3]).reshape([1, 1, 3]))).toThrow('SequenceClassifier.forward: x has shape [1,1,3] but expects [B,T,2]');
    expect(() => m.forward(tensor([1, 2, 3, 4]).reshape([1, 2, 2]), [3])).toThrow(/lengths \[3\] must be integers in \[1, 2\]/);
  });
});
