// Model directories (src/io/model-dir.ts, model-files.ts): round trips of every kind through
// modelToFiles/modelFromFiles and saveModel/loadModel (same forecasts, same generation, weights bit
// for bit), hostile config.json and weight files (each one UserError, one line, naming the field,
// fast and small), legacy version-1 directories, the CLI's one stderr line and exit 2, and the
// regressions found by the properties in ./model-dir-property.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from '../../src/cli/program.js';
import { IdentityScaler, MinMaxScaler, StandardScaler, type Scaler } from '../../src/data/scaler.js';
import { gs10 } from '../../src/data/datasets.js';
import { UserError } from '../../src/errors.js';
import { lmToConfig } from '../../src/io/lm-config.js';
import { filesReader, modelFromFiles, modelToFiles, type ModelFiles, type ModelReader, type SavedForecaster, type SavedLanguageModel, type SavedModel } from '../../src/io/model-dir.js';
import { checkModelTarget, loadModel, saveModel } from '../../src/io/model-files.js';
import { saveSafetensorsBytes } from '../../src/io/tensors.js';
import { setMemoryLimit } from '../../src/memory.js';
import { ARForecaster } from '../../src/models/ar.js';
import { TextLM } from '../../src/models/lm.js';
import { RNNLM, type LmCell } from '../../src/models/rnnlm.js';
import { buildLmCorpus } from '../../src/text/lm-tokenize.js';
import { MLPForecaster, RNNForecaster } from '../../src/models/neural.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import type { Module } from '../../src/nn/module.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

// ---------------------------------------------------------------------------------------------
// Fixtures: small trained models of every kind

const SERIES = gs10();
const N_TRAIN = 40;
/** A second column for the two-input RNN (deterministic, not constant). */
const X2 = SERIES.values.map((v, i) => v * 0.5 + Math.sin(i / 3));
const DATA: Record<string, number[]> = { GS10: SERIES.values, X: X2 };
const GS10_CSV = resolve('data/GS10.csv');

type FKind = 'ar' | 'persistence' | 'mlp' | 'rnn' | 'rnn2';

function fitted(s: Scaler, values: number[]): Scaler {
  return s.fit(values.slice(0, N_TRAIN));
}

function makeForecaster(kind: FKind): SavedForecaster {
  const base = { kind: 'forecaster' as const, target: 'GS10', fill: null };
  switch (kind) {
    case 'ar': {
      const m = new ARForecaster({ p: 3 });
      m.fit(SERIES.values.slice(0, N_TRAIN));
      return { ...base, model: m, columns: ['GS10'], inputs: ['GS10'], scalers: [new IdentityScaler()] };
    }
    case 'persistence':
      return { ...base, model: new PersistenceForecaster(), columns: ['GS10'], inputs: ['GS10'], scalers: [fitted(new StandardScaler(), SERIES.values)], fill: 'ffill' };
    case 'mlp': case 'rnn': {
      const sc = fitted(new StandardScaler(), SERIES.values);
      const z = sc.transform(SERIES.values.slice(0, N_TRAIN));
      const m = kind === 'mlp' ? new MLPForecaster({ seqLen: 4, hidden: 5, epochs: 2, seed: 1 }) : new RNNForecaster({ seqLen: 4, hidden: 5, layers: 2, epochs: 2, seed: 2 });
      m.fit(z);
      return {
        ...base, model: m, columns: ['GS10'], inputs: ['GS10'], scalers: [sc], fill: 'interpolate',
        trainedOn: { points: N_TRAIN, first: SERIES.dates[0]!, last: SERIES.dates[N_TRAIN - 1]! }, test: { rmse: 0.5, mae: 0.25 }, training: { epochs: 2, note: 'fixture' },
      };
    }
    case 'rnn2': {
      const scalers = [fitted(new StandardScaler(), SERIES.values), fitted(new MinMaxScaler(), X2)];
      const cols = [SERIES.values, X2].map((v, i) => scalers[i]!.transform(v.slice(0, N_TRAIN)));
      const m = new RNNForecaster({ inputSize: 2, seqLen: 5, hidden: 6, epochs: 2, seed: 3 });
      m.fitMultivariate(cols);
      return { ...base, model: m, columns: ['X', 'GS10'], inputs: ['GS10', 'X'], scalers };
    }
  }
}

const CORPUS = 'hello world\nthe quick brown fox jumps over the lazy dog\nrecurrent nets remember\n';

function makeLm(cell: LmCell): SavedLanguageModel {
  const corpus = buildLmCorpus(CORPUS, { level: 'char' });
  const opts = { rnn: { hiddenSize: 8 }, lstm: { hiddenSize: 6, numLayers: 2, dropout: 0.1 }, gru: { hiddenSize: 7, embedDim: 4 } }[cell];
  const model = new RNNLM(corpus.vocab.size, { cell, ...opts, generator: new Generator(11) });
  return { kind: 'language-model', lm: new TextLM(model, corpus.vocab, corpus.tokenizer, { training: { epochs: 0, note: 'fixture' } }) };
}

/** Scales the data columns as `forecast` does, forecasts, and returns the target in original units. */
function forecastOf(saved: SavedForecaster, steps = 6): number[] {
  const z = saved.inputs.map((c, i) => saved.scalers[i]!.transform(DATA[c]!));
  const model = saved.model as SavedForecaster['model'] & { forecastMultivariate?: (h: number[][], s: number) => number[][] };
  const zf = z.length === 1 ? model.forecast(z[0]!, steps) : model.forecastMultivariate!(z, steps)[0]!;
  return saved.scalers[0]!.inverseTransform(zf);
}

function generated(saved: SavedLanguageModel): string[] {
  return [
    saved.lm.generate('the ', { length: 25, seed: 5 }).text,
    saved.lm.generate('re', { length: 25, temperature: 0 }).text,
    saved.lm.generate('o', { length: 25, temperature: 0.7, topK: 3, seed: 9 }).text,
  ];
}

/** The weights of a module as raw bytes, by name. */
function weightBytes(m: Module): Record<string, { dtype: string; shape: number[]; bytes: Buffer }> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.shape], bytes: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) }]));
}

/** A state dict with its own storage (stateDict() shares the parameters' data). */
function copyState(m: Module): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, new Tensor(t.data.slice(), [...t.shape])]));
}

function moduleOf(saved: SavedModel): Module | null {
  if (saved.kind === 'language-model') return saved.lm.model;
  const m = saved.model;
  return m instanceof MLPForecaster || m instanceof RNNForecaster ? m.model : null;
}

function expectSameModel(a: SavedModel, b: SavedModel): void {
  expect(b.kind).toBe(a.kind);
  const ma = moduleOf(a), mb = moduleOf(b);
  if (ma) expect(weightBytes(mb!)).toEqual(weightBytes(ma));
  if (a.kind === 'forecaster' && b.kind === 'forecaster') {
    expect(b.model.name).toBe(a.model.name);
    expect({ columns: b.columns, target: b.target, inputs: b.inputs, fill: b.fill, trainedOn: b.trainedOn, test: b.test, training: b.training })
      .toEqual({ columns: a.columns, target: a.target, inputs: a.inputs, fill: a.fill, trainedOn: a.trainedOn, test: a.test, training: a.training });
    expect(b.scalers.map((s) => s.toJSON())).toEqual(a.scalers.map((s) => s.toJSON()));
    if (a.model instanceof ARForecaster) expect((b.model as ARForecaster).toJSON()).toEqual(a.model.toJSON());
    const fa = forecastOf(a), fb = forecastOf(b);
    expect(fb).toEqual(fa); // exactly: same weights, same arithmetic
    expect(fb.every(Number.isFinite)).toBe(true);
  }
  if (a.kind === 'language-model' && b.kind === 'language-model') {
    expect(b.lm.tokenizer).toEqual(a.lm.tokenizer);
    expect(b.lm.vocab.toJSON()).toEqual(a.lm.vocab.toJSON());
    expect(b.lm.model.config()).toEqual(a.lm.model.config());
    expect(b.lm.training).toEqual(a.lm.training);
    expect(generated(b)).toEqual(generated(a));
  }
}

const memReader = (files: ModelFiles): ModelReader => filesReader(files, 'dir');

const fromFiles = (files: ModelFiles): SavedModel => modelFromFiles(memReader(files), { source: 'dir' });

/** A copy of `files` whose config.json is what `mutate` leaves (or returns, when it returns something). */
function withConfig(files: ModelFiles, mutate: (c: Record<string, any>) => unknown): ModelFiles {
  const out = new Map(files);
  const c = JSON.parse(String(files.get('config.json')));
  const r = mutate(c);
  out.set('config.json', JSON.stringify(r === undefined ? c : r));
  return out;
}

function weightsName(files: ModelFiles): string {
  return JSON.parse(String(files.get('config.json'))).weights;
}

/** Runs `fn`, expecting a UserError with a one-line message containing every `parts`; returns it. */
function expectUserError(fn: () => unknown, ...parts: (string | RegExp)[]): UserError {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (err === null) throw new Error('expected a UserError, nothing was thrown');
  if (!(err instanceof UserError)) throw new Error(`expected a UserError, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
  expect(err.message, 'one line').not.toMatch(/[\n\r\u2028\u2029]/);
  for (const p of parts) {
    if (typeof p === 'string') expect(err.message).toContain(p);
    else expect(err.message).toMatch(p);
  }
  return err;
}

/** Runs `fn`, expecting a fast, small UserError. */
function expectFastUserError(fn: () => unknown, ...parts: (string | RegExp)[]): UserError {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const e = expectUserError(fn, ...parts);
  expect(performance.now() - t0, 'seconds').toBeLessThan(1000);
  expect(process.memoryUsage().rss - rss0, 'rss growth').toBeLessThan(100 * 1024 * 1024);
  return e;
}

const TMP = mkdtempSync(join(tmpdir(), 'rnnkit-model-dir-'));
afterAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  setMemoryLimit(null);
});
let dirCount = 0;
const freshDir = (): string => join(TMP, `m${dirCount++}`);

/** Writes `files` as a directory (no atomicity needed in tests), returns its path. */
function writeDir(files: ModelFiles | Record<string, string | Uint8Array>): string {
  const dir = freshDir();
  mkdirSync(dir);
  for (const [name, data] of files instanceof Map ? files : Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

const F: Record<FKind, SavedForecaster> = Object.fromEntries((['ar', 'persistence', 'mlp', 'rnn', 'rnn2'] as FKind[]).map((k) => [k, makeForecaster(k)])) as Record<FKind, SavedForecaster>;
const LM: Record<LmCell, SavedLanguageModel> = { rnn: makeLm('rnn'), lstm: makeLm('lstm'), gru: makeLm('gru') };
const FILES = {
  ar: modelToFiles(F.ar), persistence: modelToFiles(F.persistence), mlp: modelToFiles(F.mlp), rnn: modelToFiles(F.rnn), rnn2: modelToFiles(F.rnn2),
  lmRnn: modelToFiles(LM.rnn), lmLstm: modelToFiles(LM.lstm), lmGru: modelToFiles(LM.gru),
};

// ---------------------------------------------------------------------------------------------

describe('round trips', () => {
  const all: [string, SavedModel][] = [...Object.entries(F), ...Object.entries(LM).map(([k, v]) => [`lm ${k}`, v] as [string, SavedModel])];

  it.each(all)('%s: modelToFiles → modelFromFiles gives the same model, forecasts/generation and weights bit for bit', (_, saved) => {
    const files = modelToFiles(saved, () => 0.25);
    expect([...files.keys()].sort()).toEqual(moduleOf(saved) || saved.kind === 'language-model' ? ['config.json', 'weights-40000000400000004000000040000000.safetensors'] : ['config.json']);
    const back = fromFiles(files);
    expectSameModel(saved, back);
    // and writing it again gives the same files, byte for byte
    expect(modelToFiles(back, () => 0.25)).toEqual(files);
  });

  it.each(all)('%s: saveModel → loadModel on disk', (_, saved) => {
    const dir = freshDir();
    expect(checkModelTarget(dir)).toBe('create');
    expect(saveModel(dir, saved)).toBe('create');
    const names = readdirSync(dir).sort();
    expect(names[0]).toBe('config.json');
    expectSameModel(saved, loadModel(dir));
    // saving again replaces it in place and leaves exactly one weights file
    expect(saveModel(dir, saved)).toBe('replace');
    expect(readdirSync(dir).length).toBe(names.length);
    expectSameModel(saved, loadModel(dir));
  });

  it('a forecaster directory replaced by a language model (and back) holds only the new files', () => {
    const dir = freshDir();
    saveModel(dir, F.rnn);
    saveModel(dir, LM.gru);
    expect(loadModel(dir).kind).toBe('language-model');
    saveModel(dir, F.ar);
    expect(readdirSync(dir)).toEqual(['config.json']);
    expectSameModel(F.ar, loadModel(dir));
  });
});

describe('legacy version-1 directories still load', () => {
  /** What the old CLI (`train --save`, before model-dir.ts) wrote for an mlp/rnn/ar model. */
  function oldCliFiles(saved: SavedForecaster, opts: { minimal?: boolean } = {}): Record<string, string | Uint8Array> {
    const name = saved.model.name;
    const m = saved.model;
    const options = m instanceof ARForecaster ? m.toJSON() : (() => { const o = (m as RNNForecaster).opts; return { seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, inputSize: o.inputSize }; })();
    const scaler = saved.scalers[0]!.toJSON();
    const config = opts.minimal
      ? { format: 'rnnkit-forecaster', version: 1, model: name, column: saved.target, options, scaler, trainedOn: { points: 59, first: '2018-02-01', last: '2022-12-01' }, test: { rmse: 1, mae: 1, mape: 1 } }
      : {
        format: 'rnnkit-forecaster', version: 1, model: name, column: saved.target, columns: saved.columns, target: saved.target, inputs: saved.inputs, options, scaler,
        scalers: Object.fromEntries(saved.inputs.map((c, i) => [c, saved.scalers[i]!.toJSON()])),
        trainedOn: { points: 59, first: '2018-02-01', last: '2022-12-01' }, test: { rmse: 1, mae: 1, mape: 1 },
      };
    const files: Record<string, string | Uint8Array> = { 'config.json': JSON.stringify(config, null, 2) + '\n', 'scaler.json': JSON.stringify(scaler, null, 2) + '\n' };
    if (m instanceof MLPForecaster || m instanceof RNNForecaster) files['weights.safetensors'] = saveSafetensorsBytes(m.model.stateDict() as Record<string, Tensor>, { format: 'rnnkit', model: name });
    return files;
  }

  it.each(['ar', 'mlp', 'rnn', 'rnn2'] as FKind[])('%s as written by the old CLI (columns, inputs, scalers by column)', (k) => {
    const dir = writeDir(oldCliFiles(F[k]));
    const back = loadModel(dir) as SavedForecaster;
    expect(back.kind).toBe('forecaster');
    const m = moduleOf(F[k]);
    if (m) expect(weightBytes(moduleOf(back)!)).toEqual(weightBytes(m));
    expect(forecastOf(back)).toEqual(forecastOf(F[k]));
    expect(back.fill).toBe(null);
  });

  it('the oldest layout (only "column" and "scaler") loads too', () => {
    const back = loadModel(writeDir(oldCliFiles(F.rnn, { minimal: true }))) as SavedForecaster;
    expect([back.columns, back.inputs, back.target]).toEqual([['GS10'], ['GS10'], 'GS10']);
    expect(forecastOf(back)).toEqual(forecastOf(F.rnn));
  });

  it('a version-1 language model (format "rnnkit-lm", weights.safetensors) loads and generates the same', () => {
    const { config, weights } = lmToConfig(LM.lstm.lm);
    const dir = writeDir({ 'config.json': JSON.stringify({ format: 'rnnkit-lm', version: 1, ...config }), 'weights.safetensors': weights });
    expectSameModel(LM.lstm, loadModel(dir));
  });

  it('a legacy directory is replaced by saveModel, its old files removed', () => {
    const dir = writeDir(oldCliFiles(F.mlp));
    expect(checkModelTarget(dir)).toBe('replace');
    saveModel(dir, F.mlp);
    expect(existsSync(join(dir, 'weights.safetensors'))).toBe(false);
    expect(existsSync(join(dir, 'scaler.json'))).toBe(false);
    expectSameModel(F.mlp, loadModel(dir));
  });

  it('legacy version other than 1 is refused', () => {
    const files = new Map(Object.entries(oldCliFiles(F.ar)));
    expectUserError(() => fromFiles(withConfig(files, (c) => { c.version = 2; })), '"version"');
  });
});

describe('hostile config.json: one UserError line naming the field, fast and small', () => {
  const rnn = FILES.rnn, mlp = FILES.mlp;
  const opt = (files: ModelFiles, key: string, v: unknown) => withConfig(files, (c) => { c.options[key] = v; });

  it('layers 1e6 and hidden 1e9 are refused at once', () => {
    expectFastUserError(() => fromFiles(opt(rnn, 'layers', 1e6)), '"layers"', '1000000');
    expectFastUserError(() => fromFiles(opt(rnn, 'hidden', 1e9)), '"hidden"', '1000000000');
    expectFastUserError(() => fromFiles(opt(mlp, 'hidden', 1e9)), '"hidden"');
  });

  it('hidden 2^20 with a tiny weights file fails on the size (or the cap) before allocating', () => {
    expectFastUserError(() => fromFiles(opt(mlp, 'hidden', 2 ** 20)), weightsName(mlp), 'too small');
    expectFastUserError(() => fromFiles(opt(rnn, 'hidden', 2 ** 20)), 'hidden 1048576', 'memory limit');
    // the same on disk
    const dir = freshDir();
    saveModel(dir, F.mlp);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.options.hidden = 2 ** 20;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    expectFastUserError(() => loadModel(dir), 'too small');
  });

  it('the memory cap applies: a model that fits the limits but not the cap', () => {
    setMemoryLimit(1024 * 1024);
    try {
      expectFastUserError(() => fromFiles(opt(mlp, 'hidden', 100_000)), 'memory limit', 'hidden 100000');
    } finally {
      setMemoryLimit(null);
    }
  });

  it.each([-1, 1.5, '6', null, 0, 1e300, [6], { n: 6 }])('seqLen %j', (v) => {
    expectFastUserError(() => fromFiles(opt(rnn, 'seqLen', v)), '"seqLen"');
  });

  it('options missing or not an object', () => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { delete c.options; })), '"options"');
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.options = [1]; })), '"options"');
    expectUserError(() => fromFiles(opt(rnn, 'inputSize', 2)), '"inputs"');
  });

  it.each(['abc', [1, 2], {}, [], null, ['GS10', 7]])('columns %j', (v) => {
    expectFastUserError(() => fromFiles(withConfig(rnn, (c) => { c.columns = v; })), '"columns"');
  });

  it('target not in columns; inputs not starting with the target, unknown or repeated', () => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.target = 'GS20'; })), '"target"');
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.target = 5; })), '"target"');
    expectUserError(() => fromFiles(withConfig(FILES.rnn2, (c) => { c.inputs = ['X', 'GS10']; })), '"inputs"');
    expectUserError(() => fromFiles(withConfig(FILES.rnn2, (c) => { c.inputs = ['GS10', 'Y']; })), '"inputs"');
    expectUserError(() => fromFiles(withConfig(FILES.rnn2, (c) => { c.inputs = ['GS10', 'GS10']; })), '"inputs"');
    expectUserError(() => fromFiles(withConfig(FILES.rnn2, (c) => { c.inputs = ['GS10']; c.scalers.pop(); })), '"inputs"');
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.columns = ['GS10', 'X']; c.inputs = ['GS10', 'X']; c.scalers.push({ kind: 'none' }); })), '"inputs"');
  });

  it.each<[string, (c: Record<string, any>) => void]>([
    ['wrong length', (c) => { c.scalers.push({ kind: 'none' }); }],
    ['empty', (c) => { c.scalers = []; }],
    ['not a list', (c) => { c.scalers = { GS10: c.scalers[0] }; }],
    ['bad kind', (c) => { c.scalers[0].kind = 'robust'; }],
    ['NaN std (JSON null)', (c) => { c.scalers[0].std = null; }],
    ['string mean', (c) => { c.scalers[0].mean = '1.9'; }],
    ['negative std', (c) => { c.scalers[0].std = -1; }],
    ['minmax max < min', (c) => { c.scalers[0] = { kind: 'minmax', min: 2, max: 1 }; }],
    ['null entry', (c) => { c.scalers[0] = null; }],
  ])('scalers: %s', (_, mutate) => {
    expectFastUserError(() => fromFiles(withConfig(rnn, mutate)), '"scalers"');
  });

  it('scalers: a literal NaN is not JSON', () => {
    const files = new Map(rnn);
    files.set('config.json', String(rnn.get('config.json')).replace(/"std": [^,\n}]+/, '"std": NaN'));
    expectUserError(() => fromFiles(files), 'not valid JSON');
  });

  it.each(['bogus', 1, true, ['ffill']])('fill %j', (v) => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.fill = v; })), '"fill"');
  });

  it.each([999, '2', 1, 2.5, null])('version %j', (v) => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.version = v; })), '"version"');
  });

  it('version missing', () => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { delete c.version; })), '"version"', 'nothing');
  });

  it.each(['x', null, 'Forecaster'])('kind %j', (v) => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.kind = v; })), '"kind"');
  });

  it('model unknown', () => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.model = 'transformer'; })), '"model"');
  });

  it.each<[string, (c: Record<string, any>) => unknown]>([
    ['format missing', (c) => { delete c.format; }],
    ['format other', (c) => { c.format = 'rnnkit-model2'; }],
    ['an array', (c) => [c]],
    ['null', () => null],
    ['a number', () => 42],
    ['a string', () => 'rnnkit-model'],
  ])('config.json %s', (_, mutate) => {
    expectUserError(() => fromFiles(withConfig(rnn, mutate)), 'dir/config.json', 'not an rnnkit model');
  });

  it.each(['', '{', '{"format": "rnnkit-model",}', '\uFEFF{}', 'nul'])('config.json not JSON: %j', (text) => {
    const files = new Map(rnn);
    files.set('config.json', text);
    expectUserError(() => fromFiles(files), 'dir/config.json', 'not valid JSON');
  });

  it('config.json not UTF-8 (on disk)', () => {
    const dir = freshDir();
    saveModel(dir, F.rnn);
    writeFileSync(join(dir, 'config.json'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expectUserError(() => loadModel(dir), 'not valid UTF-8');
  });

  it.each(['../../etc/passwd', 'weights.safetensors/..', '/etc/passwd', resolve(TMP, 'weights-00000000.safetensors'), 'weights-XYZ.safetensors', 'config.json', 5, {}])('weights %j', (w) => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.weights = w; })), '"weights"');
  });

  it('weights null or absent for a neural forecaster', () => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.weights = null; })), '"weights"');
    expectUserError(() => fromFiles(withConfig(mlp, (c) => { delete c.weights; })), '"weights"');
  });

  it('weights pointing at a missing file (on disk)', () => {
    const dir = freshDir();
    saveModel(dir, F.rnn);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.weights = 'weights-0123456789abcdef.safetensors';
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    expectUserError(() => loadModel(dir), 'missing weights-0123456789abcdef.safetensors');
    const dir2 = freshDir();
    saveModel(dir2, LM.rnn);
    rmSync(join(dir2, readdirSync(dir2).find((n) => n !== 'config.json')!));
    expectUserError(() => loadModel(dir2), 'missing weights-');
  });

  it('weights that are a directory (on disk)', () => {
    const dir = freshDir();
    saveModel(dir, F.mlp);
    const w = readdirSync(dir).find((n) => n !== 'config.json')!;
    rmSync(join(dir, w));
    mkdirSync(join(dir, w));
    expectUserError(() => loadModel(dir), 'not a regular file');
  });

  it('no such directory; a file instead of a directory', () => {
    expectUserError(() => loadModel(join(TMP, 'nope')), 'no such model directory');
    const file = join(TMP, 'plain-file');
    writeFileSync(file, 'x');
    expectUserError(() => loadModel(file), 'not a directory');
  });

  it('trainedOn, test and training not objects', () => {
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.trainedOn = 'yesterday'; })), '"trainedOn"');
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.test = [1]; })), '"test"');
    expectUserError(() => fromFiles(withConfig(rnn, (c) => { c.training = 3; })), '"training"');
  });

  it('AR options: bad p, coefficients of the wrong length, non-finite intercept', () => {
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.options.p = 0; })), 'p');
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.options.coef.pop(); })), 'coef');
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.options.intercept = null; })), 'intercept');
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.options.name = 'mlp'; })), 'AR');
  });
});

describe('hostile weight files', () => {
  const stateOf = (saved: SavedForecaster): Record<string, Tensor> => copyState((saved.model as RNNForecaster).model);
  const withWeights = (files: ModelFiles, tensors: Record<string, Tensor>): ModelFiles => new Map(files).set(weightsName(files), saveSafetensorsBytes(tensors));

  it.each([NaN, Infinity, -Infinity])('a forecaster weight holding %s is refused, naming the tensor', (bad) => {
    const sd = stateOf(F.rnn);
    sd['linear.weight']!.data[0] = bad;
    expectUserError(() => fromFiles(withWeights(FILES.rnn, sd)), 'linear.weight', 'non-finite');
  });

  it('a language-model weight holding NaN is refused, naming the tensor', () => {
    const sd = copyState(LM.gru.lm.model);
    sd['rnn.weight_hh_l0']!.data[3] = NaN;
    expectUserError(() => fromFiles(new Map(FILES.lmGru).set(weightsName(FILES.lmGru), saveSafetensorsBytes(sd))), 'rnn.weight_hh_l0', 'non-finite');
  });

  it('a weight of the wrong shape (same size) is refused, naming the tensor', () => {
    const sd = stateOf(F.rnn);
    const w = sd['rnn.weight_hh_l1']!;
    sd['rnn.weight_hh_l1'] = new Tensor(w.data, [w.data.length]);
    expectUserError(() => fromFiles(withWeights(FILES.rnn, sd)), 'rnn.weight_hh_l1');
    const lsd = copyState(LM.lstm.lm.model);
    const lw = lsd['linear.weight']!;
    lsd['linear.weight'] = new Tensor(lw.data, [lw.shape[1]!, lw.shape[0]!]);
    expectUserError(() => fromFiles(new Map(FILES.lmLstm).set(weightsName(FILES.lmLstm), saveSafetensorsBytes(lsd))), 'linear.weight');
  });

  it('missing and unexpected tensors are named', () => {
    const sd = stateOf(F.mlp);
    const pad = sd['0.weight']!;
    delete sd['2.bias'];
    sd['extra'] = new Tensor(new Float32Array(pad.data.length), [pad.data.length]);
    expectUserError(() => fromFiles(withWeights(FILES.mlp, sd)), '2.bias', 'extra');
  });

  it('weights of another model (an rnn file under an mlp config) are refused', () => {
    const files = withConfig(FILES.rnn, (c) => { c.model = 'mlp'; c.options.hidden = 2; });
    expectUserError(() => fromFiles(files));
  });

  it('truncated, empty and garbage weight files are refused', () => {
    const w = FILES.rnn.get(weightsName(FILES.rnn)) as Uint8Array;
    for (const bytes of [w.subarray(0, w.length - 1), w.subarray(0, 8), new Uint8Array(0), new Uint8Array(w.length).fill(0xff), new TextEncoder().encode('x'.repeat(w.length))]) {
      expectUserError(() => fromFiles(new Map(FILES.rnn).set(weightsName(FILES.rnn), bytes)), 'dir/');
    }
  });
});

describe('hostile language-model configs', () => {
  const lm = FILES.lmRnn;
  const set = (path: string, v: unknown) => withConfig(lm, (c) => {
    const keys = path.split('.');
    let o = c;
    for (const k of keys.slice(0, -1)) o = o[k];
    o[keys.at(-1)!] = v;
  });

  it('hiddenSize 1e9, numLayers 1e6, embedDim 2^30 are refused at once', () => {
    expectFastUserError(() => fromFiles(set('model.hiddenSize', 1e9)), 'model.hiddenSize');
    expectFastUserError(() => fromFiles(set('model.numLayers', 1e6)), 'model.numLayers');
    expectFastUserError(() => fromFiles(set('model.embedDim', 2 ** 30)), 'model.embedDim');
    expectFastUserError(() => fromFiles(set('model.hiddenSize', 2 ** 20)), 'memory limit');
  });

  it('a huge vocabulary size with few tokens is refused', () => {
    expectFastUserError(() => fromFiles(set('model.vocabSize', 9_000_000)), 'vocab.tokens', '9000000');
    expectFastUserError(() => fromFiles(set('model.vocabSize', 1e12)), 'model.vocabSize');
  });

  it.each<[string, unknown, string]>([
    ['tokenizer.level', 'byte', 'tokenizer.level'],
    ['tokenizer.level', null, 'tokenizer.level'],
    ['tokenizer.lang', 'fr', 'tokenizer.lang'],
    ['tokenizer.lowercase', 'no', 'tokenizer.lowercase'],
    ['tokenizer', 'char', 'tokenizer'],
    ['model.cell', 'transformer', 'model.cell'],
    ['model.dropout', 1, 'model.dropout'],
    ['model.dropout', '0', 'model.dropout'],
    ['model', null, 'model'],
    ['vocab', [], 'vocab'],
    ['vocab.tokens', 'abc', 'vocab.tokens'],
  ])('%s = %j', (path, v, field) => {
    expectFastUserError(() => fromFiles(set(path, v)), `"${field}"`);
  });

  it('vocabulary contents: non-string token, wrong count list, bad format', () => {
    expectUserError(() => fromFiles(withConfig(lm, (c) => { c.vocab.tokens[3] = 5; })), 'token 3');
    expectUserError(() => fromFiles(withConfig(lm, (c) => { c.vocab.counts = [1]; })), 'counts');
    expectUserError(() => fromFiles(withConfig(lm, (c) => { c.vocab.format = 'x'; })), 'vocabulary');
    expectUserError(() => fromFiles(withConfig(lm, (c) => { c.vocab.tokens[4] = c.vocab.tokens[5]; })), 'duplicate');
  });

  it('a word-level model without a word tokenizer loads but refuses to encode with one line', () => {
    const saved = fromFiles(set('tokenizer.level', 'word')) as SavedLanguageModel;
    expectUserError(() => saved.lm.generate('hello', { length: 3 }), 'word tokenizer');
  });
});

describe('the CLI: forecast with a hostile directory is one stderr line, exit 2', () => {
  async function cli(dir: string, ...more: string[]): Promise<{ code: number; stderr: string[]; stdout: string }> {
    let err = '', out = '';
    const code = await runCli(['forecast', '--model', dir, '--data', GS10_CSV, '--steps', '3', ...more], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
    return { code, stderr: err.split('\n').filter((l) => l !== ''), stdout: out };
  }

  it('a valid directory forecasts (exit 0) the same numbers as the library', async () => {
    const dir = freshDir();
    saveModel(dir, F.rnn);
    const r = await cli(dir, '--json');
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { forecast: { value: number }[]; fill: string };
    expect(json.forecast.map((x) => x.value)).toEqual(forecastOf(F.rnn, 3).map((v) => Number(v.toPrecision(6))));
    expect(json.fill).toBe('interpolate');
  });

  it.each<[string, (c: Record<string, any>) => unknown]>([
    ['layers 1e6', (c) => { c.options.layers = 1e6; }],
    ['hidden 1e9', (c) => { c.options.hidden = 1e9; }],
    ['columns "abc"', (c) => { c.columns = 'abc'; }],
    ['version 999', (c) => { c.version = 999; }],
    ['weights ../../etc/passwd', (c) => { c.weights = '../../etc/passwd'; }],
    ['config.json an array', (c) => [c]],
  ])('%s', async (_, mutate) => {
    const dir = writeDir(withConfig(FILES.rnn, mutate));
    const t0 = performance.now();
    const r = await cli(dir);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.stderr.length).toBe(1);
    expect(r.stderr[0]).toMatch(/^rnnkit: /);
    expect(r.stderr[0]).not.toContain('internal error');
    expect(r.code).toBe(2);
  });

  it('NaN weights and a language-model directory', async () => {
    const sd = copyState((F.rnn.model as RNNForecaster).model);
    sd['rnn.bias_ih_l0']!.data[1] = NaN;
    for (const dir of [writeDir(new Map(FILES.rnn).set(weightsName(FILES.rnn), saveSafetensorsBytes(sd))), writeDir(FILES.lmRnn)]) {
      const r = await cli(dir);
      expect(r.stderr.length).toBe(1);
      expect(r.stderr[0]).not.toContain('internal error');
      expect(r.code).toBe(2);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Regressions: counterexamples found by hand and by ./model-dir-property.test.ts (shrunk). Each
// is a bug until the source is fixed; these tests fail until then.

describe('regressions', () => {
  it('trainedOn.first an object with a non-callable toString → UserError, not TypeError (model-dir.ts: String(trainedOn.first))', () => {
    expectUserError(() => fromFiles(withConfig(FILES.rnn, (c) => { c.trainedOn.first = { toString: 0 }; })), '"trainedOn"');
    expectUserError(() => fromFiles(withConfig(FILES.rnn, (c) => { c.trainedOn.points = { valueOf: 0, toString: 0 }; })), '"trainedOn"');
  });

  it('AR options.p an object with a non-callable toString → UserError, not TypeError (ar.ts: message template)', () => {
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.options.p = { toString: 0 }; })), 'p');
  });

  it('LM vocab.specials not a list → UserError, not "specials is not iterable" (vocab.ts constructor)', () => {
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.specials = 5; })), 'specials');
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.specials = {}; })), 'specials');
  });

  it('LM vocab.unk / specials entry / version an object with a non-callable toString → UserError, not TypeError (vocab.ts)', () => {
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.unk = { toString: 0 }; })), 'unk');
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.specials = [{ toString: 0 }]; })));
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.version = { valueOf: 0, toString: 0 }; })), 'version');
  });

  it('a value with U+2028/U+2029 echoed in a message keeps it one line (model-dir.ts Fields.fail and lm.ts fail use JSON.stringify, which leaves them raw)', () => {
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.version = '\u2028'; })), '"version"');
    expectUserError(() => fromFiles(withConfig(FILES.rnn, (c) => { c.options.seqLen = 'a\u2029b'; })), '"seqLen"');
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.tokenizer.lang = '\u2028'; })), 'tokenizer.lang');
    expectUserError(() => fromFiles(withConfig(FILES.rnn, (c) => { c.scalers[0].kind = '\u2028'; })), '"scalers"');
  });

  it('LM vocab.version with a line break: Vocab.fromJSON echoes it raw (vocab.ts fromJSON)', () => {
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.version = 'a\nb'; })), 'version');
  });

  it('LM vocabulary errors quoting a token with a line break are still one line (vocab.ts duplicate/unk/reserved messages)', () => {
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.tokens[1] = '\n'; c.vocab.tokens[2] = '\n'; })), 'duplicate');
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.unk = 'a\nb'; })), 'unk');
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.specials = ['<unk>', 'x\ny']; })));
  });

  it('LM weights tensor named with a line break: the state-dict error is one line (lm.ts fromConfig: loadStateDict unwrapped)', () => {
    const files = new Map(FILES.lmRnn).set(weightsName(FILES.lmRnn), saveSafetensorsBytes({ 'a\nb': new Tensor(new Float32Array(4096), [4096]) }));
    expectUserError(() => fromFiles(files), 'a');
  });

  it('a version-2 language model with "weights" null or absent → UserError naming "weights", not a TypeError from path.join (model-dir.ts: weights!)', () => {
    for (const mutate of [(c: Record<string, any>) => { c.weights = null; }, (c: Record<string, any>) => { delete c.weights; }]) {
      const dir = writeDir(withConfig(FILES.lmGru, mutate));
      expectUserError(() => loadModel(dir), '"weights"');
    }
  });

  it('40,000 columns and inputs are checked in well under a second (model-dir.ts: inputs.every(columns.includes) is quadratic)', () => {
    const n = 40_000;
    const cols = Array.from({ length: n }, (_, i) => `c${i}`);
    const text = JSON.stringify({
      format: 'rnnkit-model', version: 2, kind: 'forecaster', model: 'mlp', weights: null, options: { seqLen: 1, hidden: 1, layers: 1, inputSize: n },
      columns: cols, target: 'c0', inputs: cols, scalers: cols.map(() => ({ kind: 'none' })), fill: null,
    });
    expectFastUserError(() => modelFromFiles({ config: () => text, size: () => 0, bytes: () => new Uint8Array(0) }, { source: 'dir' }), '"weights"');
  });

  // shrunk by ./model-dir-property.test.ts (base, edits → the config that fails)
  it('shrunk: lm-rnn with "weights" deleted', () => {
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { delete c.weights; })), '"weights"');
  });

  it('shrunk: lm-rnn with vocab.specials replaced by 0', () => {
    expectUserError(() => fromFiles(withConfig(FILES.lmRnn, (c) => { c.vocab.specials = 0; })), 'specials');
  });

  it('shrunk: ar with "version" replaced by "\\u2028"', () => {
    expectUserError(() => fromFiles(withConfig(FILES.ar, (c) => { c.version = '\u2028'; })), '"version"');
  });

  it('shrunk: ar with options.coef[0] replaced by 1e300 forecasts [1.7e300, Infinity, Infinity] from a finite history', () => {
    const saved = fromFiles(withConfig(FILES.ar, (c) => { c.options.coef[0] = 1e300; })) as SavedForecaster;
    const z = new StandardScaler().fit(SERIES.values).transform(SERIES.values);
    let out: number[] | null = null;
    try {
      out = saved.model.forecast(z, 3);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
    }
    if (out !== null) expect(out.map(String)).toEqual(out.filter(Number.isFinite).map(String));
  });

  it('the CLI: trainedOn.first {"toString":0} is one line and exit 2, not an internal error', async () => {
    const dir = writeDir(withConfig(FILES.rnn, (c) => { c.trainedOn.first = { toString: 0 }; }));
    let err = '';
    const code = await runCli(['forecast', '--model', dir, '--data', GS10_CSV], { stdout: () => {}, stderr: (s) => { err += s; } });
    expect(err).not.toContain('internal error');
    expect(code).toBe(2);
  });
});

