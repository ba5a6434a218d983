// A global (many-series) forecaster in a model directory: per-series scalers keyed by id, the
// future columns and calendar features; round trip to the same forecasts, every field validated
// with one line, and a one-series directory still written and read as before (no "panel" key).
import { describe, expect, it } from 'vitest';
import { StandardScaler } from '../../src/data/scaler.js';
import { GlobalForecaster } from '../../src/forecast/global.js';
import { filesReader, modelFromFiles, modelToFiles, type SavedForecaster } from '../../src/io/model-dir.js';
import { ARForecaster } from '../../src/models/ar.js';

const rng = (() => { let s = 1; return () => ((s = (s * 16807) % 2147483647) / 2147483647); })();

function panelModel(): SavedForecaster {
  const net = new GlobalForecaster('gru', { seqLen: 3, hidden: 4, futureSize: 3, seed: 4 });
  const sc = (m: number, s: number) => Object.assign(new StandardScaler(), { mean: m, std: s });
  return {
    kind: 'forecaster', model: null as unknown as SavedForecaster['model'], columns: ['sales', 'promo'], target: 'sales', inputs: ['sales', 'promo'], scalers: [], fill: null,
    panel: { model: net, idColumn: 'store', ids: ['a', 'b'], futureColumns: ['promo'], calendar: ['month'], scalers: { a: { target: sc(10, 2), future: [sc(0.3, 0.5)] }, b: { target: sc(200, 30), future: [sc(0.2, 0.4)] } } },
  };
}

const load = (files: Map<string, string | Uint8Array>) => modelFromFiles(filesReader(files, 'm'), { source: 'm' }) as SavedForecaster;

describe('panel model directories', () => {
  it('round trip: the same ids, scalers by id, and the same forecast', () => {
    const m = panelModel();
    const files = modelToFiles(m, rng);
    const back = load(files);
    expect(back.panel!.ids).toEqual(['a', 'b']);
    expect(back.panel!.scalers.b!.target.toJSON()).toEqual({ kind: 'standard', mean: 200, std: 30 });
    expect(back.panel!.scalers.a!.future[0]!.toJSON()).toEqual({ kind: 'standard', mean: 0.3, std: 0.5 });
    expect(back.panel!.calendar).toEqual(['month']);
    const s = { z: [0.1, -0.2, 0.3, 0.5], f: [[1, 0, 1, 0, 1, 1], [0, 0.5, 0.8, 1, 0.8, 0.5], [1, 0.8, 0.5, 0, -0.5, -0.8]] };
    expect(back.panel!.model.forecast(s, 2)).toEqual(m.panel!.model.forecast(s, 2));
    expect(() => back.model.forecast([1, 2, 3], 1)).toThrow(/a global \(many-series\) model; forecast each series through SavedForecaster.panel/);
  });

  it('a one-series model writes no "panel" key and loads without one', () => {
    const ar = new ARForecaster({ p: 2 });
    ar.fit([1, 3, 2, 4, 3, 5, 4, 6]);
    const m: SavedForecaster = { kind: 'forecaster', model: ar, columns: ['y'], target: 'y', inputs: ['y'], scalers: [new StandardScaler().fit([1, 2, 3])], fill: null };
    const files = modelToFiles(m, rng);
    expect(JSON.parse(files.get('config.json') as string).panel).toBeUndefined();
    expect(load(files).panel).toBeUndefined();
  });

  const edit = (f: (c: Record<string, any>) => void) => {
    const files = modelToFiles(panelModel(), rng);
    const c = JSON.parse(files.get('config.json') as string);
    f(c);
    files.set('config.json', JSON.stringify(c));
    return files;
  };
  for (const [what, change, msg] of [
    ['a series without scalers', (c: any) => { delete c.panel.scalers.b; }, /"panel": "scalers" must be per-series scalers \{ target, future: \[1\] \} for every id \(series "b" has none\)/],
    ['a future list of the wrong length', (c: any) => { c.panel.scalers.a.future = []; }, /series "a": future must list 1/],
    ['a broken scaler', (c: any) => { c.panel.scalers.a.target = { kind: 'standard', mean: 'x' }; }, /series "a": /],
    ['futureSize that does not add up', (c: any) => { c.options.futureSize = 2; }, /"futureSize" must be 3 \(the future columns, and 2 per calendar feature\)/],
    ['an unknown calendar feature', (c: any) => { c.panel.calendar = ['hour']; }, /unknown calendar feature 'hour'/],
    ['duplicate ids', (c: any) => { c.panel.ids = ['a', 'a']; }, /"ids" must be distinct series ids/],
    ['inputs that are not target + future columns', (c: any) => { c.inputs = ['sales']; }, /"inputs" must be \["sales", \.\.\.panel\.futureColumns\]/],
    ['a panel for a closed-form model', (c: any) => { c.model = 'ar'; c.inputs = ['sales']; c.columns = ['sales']; c.panel.futureColumns = []; }, /"model" must be one of mlp, rnn, lstm, gru for a panel model/],
  ] as const) {
    it(`${what}: one line`, () => {
      const files = edit(change);
      let err: Error | null = null;
      try { load(files); } catch (e) { err = e as Error; }
      expect(err?.message).toMatch(msg);
      expect(err!.message.split('\n')).toHaveLength(1);
    });
  }
});
