// The charts of one report give each model the same colour.
import { describe, expect, it } from 'vitest';
import { actualVsPredictedSpec, lossCurvesSpec, modelColors } from '../../src/plot/index.js';

describe('modelColors', () => {
  it('is used by both the loss-curve and the actual-vs-predicted specs', () => {
    const colors = modelColors(['ar', 'mlp', 'rnn']);
    expect(new Set(Object.values(colors)).size).toBe(3);
    const loss = JSON.stringify(lossCurvesSpec({ mlp: { train: [1, 0.5], val: null }, rnn: { train: [1, 0.4], val: null } }, { colors }));
    const avp = JSON.stringify(actualVsPredictedSpec({
      dates: ['2020-01-01', '2020-02-01'], actual: [1, 2], colors,
      predictions: { ar: { dates: ['2020-02-01'], values: [2] }, mlp: { dates: ['2020-02-01'], values: [2] }, rnn: { dates: ['2020-02-01'], values: [2] } },
    }));
    for (const m of ['mlp', 'rnn']) {
      expect(loss).toContain(colors[m]);
      expect(avp).toContain(colors[m]);
    }
    // without the map the loss chart would colour mlp with the first palette entry, ar's colour
    expect(JSON.stringify(lossCurvesSpec({ mlp: { train: [1], val: null } }))).toContain(colors.ar);
  });
});
