import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { classificationReport, confusionMatrix } from '../../src/train/classification-metrics.js';
import { loadFixture } from '../helpers.js';

interface Case {
  y_true: number[];
  y_pred: number[];
  num_classes: number;
  ignore_index?: number;
  expected: {
    accuracy: number; macroF1: number; weightedF1: number;
    precision: number[]; recall: number[]; f1: number[]; support: number[]; confusion: number[][];
  };
}

// Regenerate with: /usr/bin/python3 tools/reference/classification_metrics.py (Debian python3-sklearn)
const fixture = loadFixture('classification_metrics.json') as { sklearn_version: string; cases: Record<string, Case> };

describe(`classificationReport matches scikit-learn ${fixture.sklearn_version}`, () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(name, () => {
      const r = classificationReport(c.y_true, c.y_pred, c.num_classes,
        c.ignore_index !== undefined ? { ignoreIndex: c.ignore_index } : {});
      const e = c.expected;
      expect(r.accuracy).toBeCloseTo(e.accuracy, 12);
      expect(r.macroF1).toBeCloseTo(e.macroF1, 12);
      expect(r.weightedF1).toBeCloseTo(e.weightedF1, 12);
      expect(r.confusion).toEqual(e.confusion);
      r.perClass.forEach((pc, k) => {
        expect(pc.class).toBe(String(k));
        expect(pc.precision).toBeCloseTo(e.precision[k]!, 12);
        expect(pc.recall).toBeCloseTo(e.recall[k]!, 12);
        expect(pc.f1).toBeCloseTo(e.f1[k]!, 12);
        expect(pc.support).toBe(e.support[k]);
      });
    });
  }
});

describe('classificationReport', () => {
  it('names classes and takes typed arrays', () => {
    const r = classificationReport(Int32Array.from([1, 0, 1]), Int32Array.from([1, 1, 1]), 2, { classes: ['cat', 'dog'] });
    expect(r.perClass.map((c) => c.class)).toEqual(['cat', 'dog']);
    expect(r.perClass[1]).toEqual({ class: 'dog', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
    expect(r.perClass[0]).toEqual({ class: 'cat', precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('ignoreIndex skips positions whatever their prediction', () => {
    const m = confusionMatrix([0, -1, 1], [0, 99, 0], 2, { ignoreIndex: -1 });
    expect(m).toEqual([[1, 0], [1, 0]]);
  });

  it('rejects bad labels, lengths and class names', () => {
    expect(() => classificationReport([0, 2], [0, 1], 2)).toThrow(ValueError);
    expect(() => classificationReport([0, 1], [0, 1.5], 2)).toThrow(/yPred\[1\] = 1.5 is not a class index in 0..1/);
    expect(() => classificationReport([0, 1], [0], 2)).toThrow(/yTrue has 2 labels but yPred has 1/);
    expect(() => classificationReport([0], [0], 2, { classes: ['a'] })).toThrow(/1 class names for numClasses = 2/);
    expect(() => classificationReport([-1], [0], 2, { ignoreIndex: -1 })).toThrow(/no samples/);
  });
});
