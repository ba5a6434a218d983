import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { ValueError } from '../../src/errors.js';
import {
  accuracyCurvesSpec, confusionMatrixSpec, lossCurvesSpec, renderSvg, terminalConfusionMatrix,
} from '../../src/plot/index.js';

interface CellRow { true: string; predicted: string; count: number; share: number }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const asAny = (s: unknown): any => s;

describe('confusionMatrixSpec', () => {
  const m = [[5, 0, 1], [0, 12, 0], [2, 1, 3]];
  const spec = asAny(confusionMatrixSpec(m, { classes: ['cat', 'dog', 'bird'], title: 'pets' }));

  it('holds every cell with its count and its share of the true row', () => {
    const values = spec.data.values as CellRow[];
    expect(values).toHaveLength(9);
    expect(values.find((v) => v.true === 'bird' && v.predicted === 'cat')).toEqual({ true: 'bird', predicted: 'cat', count: 2, share: 2 / 6 });
    expect(values.find((v) => v.true === 'cat' && v.predicted === 'bird')!.share).toBeCloseTo(1 / 6, 15);
    expect(values.find((v) => v.true === 'dog' && v.predicted === 'dog')!.share).toBe(1);
  });

  it('puts true classes on y and predictions on x, in class order, with the title', () => {
    expect(spec.title).toBe('pets');
    expect(spec.encoding.y.field).toBe('true');
    expect(spec.encoding.x.field).toBe('predicted');
    expect(spec.encoding.y.scale.domain).toEqual(['cat', 'dog', 'bird']);
    expect(spec.encoding.x.scale.domain).toEqual(['cat', 'dog', 'bird']);
    expect(spec.layer[0].encoding.color.field).toBe('share');
    expect(spec.layer[0].encoding.color.scale.domain).toEqual([0, 1]);
    expect(spec.layer[1].encoding.text.field).toBe('count');
    expect(() => compile(spec)).not.toThrow();
  });

  it('a row with no samples gets share 0, not NaN', () => {
    const values = asAny(confusionMatrixSpec([[0, 0], [1, 1]])).data.values as CellRow[];
    expect(values.slice(0, 2).map((v) => v.share)).toEqual([0, 0]);
    expect(values.map((v) => v.true)).toEqual(['0', '0', '1', '1']);
  });

  it('rejects non-square, non-count matrices and bad class names', () => {
    expect(() => confusionMatrixSpec([[1, 2]])).toThrow(/row 0 has 2 entries; expects 1/);
    expect(() => confusionMatrixSpec([[1.5]])).toThrow(ValueError);
    expect(() => confusionMatrixSpec([[1, 0], [0, 1]], { classes: ['a'] })).toThrow(/1 class names for a 2×2 matrix/);
    expect(() => confusionMatrixSpec([[1, 0], [0, 1]], { classes: ['a', 'a'] })).toThrow(/distinct/);
  });

  it('renders to SVG with the counts and class names', async () => {
    const svg = await renderSvg(spec);
    for (const s of ['cat', 'dog', 'bird', '>12<', 'pets', 'true class', 'predicted class']) expect(svg).toContain(s);
  });
});

describe('accuracyCurvesSpec', () => {
  it('shares the loss-curve chart: same rows, accuracy field, fixed 0..1 axis', () => {
    const h = { lstm: { train: [0.5, 0.75, 0.9], val: [0.4, null, 0.8] } };
    const spec = asAny(accuracyCurvesSpec(h, { title: 'acc' }));
    const loss = asAny(lossCurvesSpec(h, { title: 'acc' }));
    expect(spec.data.values).toEqual([
      { model: 'lstm', split: 'train', epoch: 1, accuracy: 0.5 },
      { model: 'lstm', split: 'train', epoch: 2, accuracy: 0.75 },
      { model: 'lstm', split: 'train', epoch: 3, accuracy: 0.9 },
      { model: 'lstm', split: 'validation', epoch: 1, accuracy: 0.4 },
      { model: 'lstm', split: 'validation', epoch: 3, accuracy: 0.8 },
    ]);
    expect(spec.encoding.y).toMatchObject({ field: 'accuracy', title: 'accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } });
    expect(spec.layer).toEqual(loss.layer);
    expect(spec.encoding.color).toEqual(loss.encoding.color);
    expect(() => compile(spec)).not.toThrow();
  });

  it('rejects percentages given as 0..100', () => {
    expect(() => accuracyCurvesSpec({ m: { train: [50, 90], val: null } })).toThrow(/expects fractions in \[0, 1\]/);
  });
});

describe('terminalConfusionMatrix', () => {
  it('short names head the columns; zeros are dots', () => {
    expect(terminalConfusionMatrix([[5, 0, 1], [0, 12, 0], [2, 1, 3]], { classes: ['cat', 'dog', 'bird'] })).toBe([
      'true \\ pred   cat   dog  bird',
      'cat             5     .     1',
      'dog             .    12     .',
      'bird            2     1     3',
    ].join('\n'));
  });

  it('long names are numbered; the columns use the numbers', () => {
    expect(terminalConfusionMatrix([[5, 0], [10, 103]], { classes: ['negative review', 'positive'] })).toBe([
      'true \\ pred          0    1',
      '0 negative review    5    .',
      '1 positive          10  103',
    ].join('\n'));
  });

  it('above maxClasses: a message and the most frequent confusions', () => {
    const m: number[][] = Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => (i === j ? 9 : 0)));
    m[2]![0] = 4;
    m[0]![1] = 1;
    expect(terminalConfusionMatrix(m, { maxClasses: 2, classes: ['a', 'b', 'c'] })).toBe([
      'confusion matrix: 3 classes are too many for a terminal table (at most 2); the HTML report and --json hold the full matrix.',
      'most frequent confusions (true → predicted: count):',
      '  c → a: 4',
      '  a → b: 1',
    ].join('\n'));
    expect(terminalConfusionMatrix([[1, 0], [0, 1]], { maxClasses: 1 })).toMatch(/no confusions/);
  });

  it('draws 20 classes as a table, not 21', () => {
    const eye = (k: number): number[][] => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
    expect(terminalConfusionMatrix(eye(20)).split('\n')).toHaveLength(21);
    expect(terminalConfusionMatrix(eye(21))).toMatch(/^confusion matrix: 21 classes are too many/);
  });
});
