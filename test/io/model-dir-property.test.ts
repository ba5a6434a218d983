// Property-based tests of the model-directory loader (src/io/model-dir.ts), fast-check, fixed seeds
// and counts:
//   (a) a valid config.json of every kind (ar, persistence, mlp, rnn, a two-input rnn, char-level
//       rnn/lstm/gru language models, legacy version-1 forecaster and language model) with 1–3
//       random edits (a field at a random JSON path replaced by a random JSON value — huge, negative,
//       fractional, strings, nested arrays, objects with "toString"/"__proto__" keys —, deleted, or
//       one added), sometimes truncated as text;
//   (b) its weight file replaced by random bytes, truncated, bit-flipped, with bytes or float32
//       values (NaN, ±Inf, 3e38) overwritten, or with garbage appended.
// The rule: modelFromFiles either succeeds, and the model is usable (a forecast is finite numbers or
// a UserError; generation gives token ids in range or a UserError), or it throws a UserError with a
// one-line message. Never another error type, never more than 2 s, with the memory cap at 256 MiB.
// Shrunk counterexamples are kept as regressions in ./model-dir.test.ts.
//
// For hunting bugs: MODEL_DIR_PROPS_RUNS=<n> and MODEL_DIR_PROPS_SEED=<seed> override the counts
// and seeds; MODEL_DIR_PROPS_EXPLORE=1 prints every distinct violation (and how many cases loaded)
// instead of stopping at the first. The normal run is strict, with the fixed seeds below.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MinMaxScaler, StandardScaler } from '../../src/data/scaler.js';
import { gs10 } from '../../src/data/datasets.js';
import { UserError } from '../../src/errors.js';
import { zeros } from '../../src/tensor/creation.js';
import { filesReader, modelFromFiles, modelToFiles, type ModelFiles, type ModelReader, type SavedForecaster, type SavedModel } from '../../src/io/model-dir.js';
import { saveSafetensorsBytes } from '../../src/io/tensors.js';
import { setMemoryLimit } from '../../src/memory.js';
import { ARForecaster } from '../../src/models/ar.js';
import { generateIds } from '../../src/models/generate.js';
import { TextLM } from '../../src/models/lm.js';
import { RNNLM, type LmCell } from '../../src/models/rnnlm.js';
import { buildLmCorpus } from '../../src/text/lm-tokenize.js';
import { MLPForecaster, RNNForecaster } from '../../src/models/neural.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const RUNS = { config: 2000, weights: 1000 };
const SEEDS = { config: 20240608, weights: 8061955 };
const ENV_RUNS = Number(process.env.MODEL_DIR_PROPS_RUNS ?? 0) || null;
const ENV_SEED = process.env.MODEL_DIR_PROPS_SEED === undefined ? null : Number(process.env.MODEL_DIR_PROPS_SEED);
const EXPLORE = process.env.MODEL_DIR_PROPS_EXPLORE === '1';
const CASE_MS = 2000;

// ---------------------------------------------------------------------------------------------
// Valid directories to start from

const SERIES = gs10().values;
const N_TRAIN = 40;
const X2 = SERIES.map((v, i) => v * 0.5 + Math.sin(i / 3));
/** Standardized histories fed to loaded forecasters. */
const Z = [SERIES, X2].map((v) => new StandardScaler().fit(v).transform(v));

function forecasterFiles(kind: 'ar' | 'persistence' | 'mlp' | 'rnn' | 'rnn2'): ModelFiles {
  const sc = new StandardScaler().fit(SERIES.slice(0, N_TRAIN));
  const z = sc.transform(SERIES.slice(0, N_TRAIN));
  const one = { kind: 'forecaster' as const, columns: ['GS10'], target: 'GS10', inputs: ['GS10'], scalers: [sc], fill: null };
  switch (kind) {
    case 'ar': {
      const m = new ARForecaster({ p: 3 });
      m.fit(SERIES.slice(0, N_TRAIN));
      return modelToFiles({ ...one, model: m });
    }
    case 'persistence':
      return modelToFiles({ ...one, model: new PersistenceForecaster(), fill: 'ffill' });
    case 'mlp': case 'rnn': {
      const m = kind === 'mlp' ? new MLPForecaster({ seqLen: 4, hidden: 5, epochs: 1, seed: 1 }) : new RNNForecaster({ seqLen: 4, hidden: 5, layers: 2, epochs: 1, seed: 2 });
      m.fit(z);
      return modelToFiles({ ...one, model: m, trainedOn: { points: N_TRAIN, first: '2018-02-01', last: '2021-05-01' }, test: { rmse: 0.5 }, training: { epochs: 1 } });
    }
    case 'rnn2': {
      const sx = new MinMaxScaler().fit(X2.slice(0, N_TRAIN));
      const m = new RNNForecaster({ inputSize: 2, seqLen: 5, hidden: 6, epochs: 1, seed: 3 });
      m.fitMultivariate([z, sx.transform(X2.slice(0, N_TRAIN))]);
      return modelToFiles({ ...one, model: m, columns: ['X', 'GS10'], inputs: ['GS10', 'X'], scalers: [sc, sx], fill: 'drop' });
    }
  }
}

function lmFiles(cell: LmCell): ModelFiles {
  const corpus = buildLmCorpus('hello world\nthe quick brown fox\n', { level: 'char' });
  const opts = { rnn: { hiddenSize: 8 }, lstm: { hiddenSize: 5, numLayers: 2, dropout: 0.1 }, gru: { hiddenSize: 6, embedDim: 3 } }[cell];
  const model = new RNNLM(corpus.vocab.size, { cell, ...opts, generator: new Generator(7) });
  return modelToFiles({ kind: 'language-model', lm: new TextLM(model, corpus.vocab, corpus.tokenizer, { training: { epochs: 0 } }) });
}

/** The same models in the version-1 layouts of earlier releases (weights.safetensors). */
function legacyFiles(kind: 'rnn' | 'lm'): ModelFiles {
  const v2 = kind === 'rnn' ? forecasterFiles('rnn') : lmFiles('gru');
  const c = JSON.parse(String(v2.get('config.json')));
  const weights = v2.get(c.weights)!;
  const { weights: _w, kind: _k, ...rest } = c;
  const config = kind === 'rnn'
    ? { ...rest, format: 'rnnkit-forecaster', version: 1, column: c.target, scaler: c.scalers[0], scalers: { GS10: c.scalers[0] } }
    : { ...rest, format: 'rnnkit-lm', version: 1 };
  return new Map<string, string | Uint8Array>([['config.json', JSON.stringify(config)], ['weights.safetensors', weights]]);
}

const BASES: [string, ModelFiles][] = [
  ['ar', forecasterFiles('ar')], ['persistence', forecasterFiles('persistence')], ['mlp', forecasterFiles('mlp')],
  ['rnn', forecasterFiles('rnn')], ['rnn2', forecasterFiles('rnn2')],
  ['lm-rnn', lmFiles('rnn')], ['lm-lstm', lmFiles('lstm')], ['lm-gru', lmFiles('gru')],
  ['legacy-rnn', legacyFiles('rnn')], ['legacy-lm', legacyFiles('lm')],
];
const WEIGHTED = BASES.filter(([, f]) => f.size > 1);

const memReader = (files: ModelFiles): ModelReader => filesReader(files, 'dir');

function weightsFileName(files: ModelFiles): string {
  return [...files.keys()].find((n) => n.endsWith('.safetensors'))!;
}

// ---------------------------------------------------------------------------------------------
// The rule

/** Throws (a plain Error describing the violation) unless `e` is a UserError with a one-line message. */
function checkError(e: unknown, what: string): void {
  if (!(e instanceof UserError)) throw new Error(`${what}: ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  if (/[\n\r\u2028\u2029]/.test(e.message)) throw new Error(`${what}: ${e.constructor.name} message is not one line: ${JSON.stringify(e.message.slice(0, 160))}`);
}

/** Uses a loaded model as `forecast` and `lm generate` would; UserErrors are fine, anything else is not. */
function checkUsable(saved: SavedModel): void {
  if (saved.kind === 'forecaster') {
    const s = saved as SavedForecaster;
    // the model on a fixed, finite history (its own scalers may be degenerate: a std of 5e-324
    // turns real data into ±Infinity, which `forecast` then refuses as a non-finite result)
    const zs = s.inputs.map((_, i) => Z[i % 2]!);
    let zf: number[];
    try {
      const m = s.model as SavedForecaster['model'] & { forecastMultivariate?: (h: number[][], n: number) => number[][] };
      zf = zs.length === 1 ? m.forecast(zs[0]!, 3) : m.forecastMultivariate!(zs, 3)[0]!;
    } catch (e) {
      return checkError(e, `${s.model.name}.forecast`);
    }
    if (zf.length !== 3 || !zf.every(Number.isFinite)) throw new Error(`${s.model.name}.forecast returned ${JSON.stringify(zf.map(String))} from a finite history without an error`);
    try {
      s.scalers.forEach((sc, i) => sc.transform([SERIES, X2][i % 2]!));
      s.scalers[0]!.inverseTransform(zf);
    } catch (e) {
      checkError(e, 'scaler');
    }
    return;
  }
  if (saved.kind === 'classifier') {
    const a = saved.model.arch;
    try {
      const out = saved.model.forward(a.embedding ? zeros([1, 2]) : zeros([1, 2, a.inputSize]));
      if (!out.data.every(Number.isFinite)) throw new Error('a loaded classifier gave non-finite logits');
    } catch (e) {
      if ((e as Error).message.startsWith('a loaded classifier')) throw e;
      checkError(e, 'classifier forward');
    }
    return;
  }
  const lm = saved.lm;
  const V = lm.model.vocabSize;
  try {
    const ids = generateIds(lm.model, [V - 1], { length: 4, seed: 1 });
    if (ids.length !== 4 || !ids.every((i) => Number.isInteger(i) && i >= 0 && i < V)) throw new Error(`generateIds returned ${JSON.stringify(ids)}`);
  } catch (e) {
    if (!(e instanceof UserError) && (e as Error).message.startsWith('generateIds returned')) throw e;
    checkError(e, 'generateIds');
  }
  const prefix = lm.vocab.tokens.find((t) => typeof t === 'string' && [...t].length === 1 && t.trim() === t && t !== '');
  if (prefix === undefined) return;
  try {
    const g = lm.generate(prefix, { length: 4, temperature: 0.8, topK: 3 });
    if (typeof g.text !== 'string' || g.tokens.length !== 4) throw new Error(`generate returned ${JSON.stringify(g)}`);
  } catch (e) {
    if (!(e instanceof UserError) && (e as Error).message.startsWith('generate returned')) throw e;
    checkError(e, 'generate');
  }
}

/** Loads `files` and applies the rule; returns the violation, or null. */
function violation(files: ModelFiles): string | null {
  const t0 = performance.now();
  try {
    let saved: SavedModel | null = null;
    try {
      saved = modelFromFiles(memReader(files), { source: 'dir' });
      outcomes.loaded++;
    } catch (e) {
      outcomes.refused++;
      checkError(e, 'modelFromFiles');
    }
    if (saved) checkUsable(saved);
  } catch (e) {
    return (e as Error).message;
  }
  const ms = performance.now() - t0;
  return ms > CASE_MS ? `took ${ms.toFixed(0)} ms` : null;
}

const found = new Map<string, string>();
const outcomes = { loaded: 0, refused: 0 };
/** The property's predicate: strict, or in explore mode a log of each distinct violation. */
function holds(files: ModelFiles, describeCase: () => string): boolean {
  const v = violation(files);
  if (v === null) return true;
  if (!EXPLORE) throw new Error(`${v}\n  case: ${describeCase()}`);
  const key = v.replace(/\d+(\.\d+)?/g, 'N').slice(0, 120);
  if (!found.has(key)) found.set(key, `${v}\n    case: ${describeCase().slice(0, 600)}`);
  return true;
}

beforeAll(() => setMemoryLimit(256 * 1024 * 1024));
afterAll(() => {
  setMemoryLimit(null);
  if (EXPLORE) console.log(`loaded ${outcomes.loaded}, refused ${outcomes.refused}; distinct violations (${found.size}):\n${[...found.values()].join('\n')}`);
});

// ---------------------------------------------------------------------------------------------
// (a) mutated config.json

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Paths to every value (arrays: their first three and last elements, so a long vocabulary does not dominate). */
function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) {
    const idx = [...new Set([0, 1, 2, v.length - 1])].filter((i) => i >= 0 && i < v.length);
    for (const i of idx) paths(v[i]!, [...at, i], out);
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  }
  return out;
}

function containerAt(root: Json, path: Path): Json {
  let v = root;
  for (const k of path) v = (v as Record<string | number, Json>)[k]!;
  return v;
}

const setOwn = (o: object, k: string, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};

const KEYS = ['toString', 'valueOf', '__proto__', 'constructor', 'hasOwnProperty', 'format', 'version', 'kind', 'model', 'weights', 'options',
  'columns', 'target', 'inputs', 'scalers', 'fill', 'column', 'scaler', 'seqLen', 'hidden', 'layers', 'inputSize', 'p', 'coef', 'intercept',
  'cell', 'vocabSize', 'embedDim', 'hiddenSize', 'numLayers', 'dropout', 'specials', 'unk', 'counts', 'tokens', 'level', 'lang', 'lowercase',
  'points', 'first', 'last', 'mean', 'std', 'min', 'max', 'trainedOn', 'test', 'training'];
const keyArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });

const SPECIAL: Json[] = [
  0, 1, -1, 2, 3, 0.5, 1.5, -2.5, 1e6, 1e9, 2 ** 20, 2 ** 20 + 1, 2 ** 31, 2 ** 53, 1e21, 1e300, 1e308, -1e308, 5e-324,
  '', '2', '1e3', 'NaN', 'rnn', 'lstm', 'gru', 'mlp', 'ar', 'persistence', 'forecaster', 'language-model', 'rnnkit-model', 'rnnkit-forecaster',
  'rnnkit-lm', 'rnnkit.vocab', 'standard', 'minmax', 'none', 'char', 'word', 'zh', 'en', 'ffill', 'interpolate', 'drop', 'GS10', 'X', '<unk>',
  '\n', 'a\nb', '\u2028', '__proto__', 'toString', '../../etc/passwd', '/etc/passwd', 'weights.safetensors', 'weights-00000000.safetensors',
  true, false, null, [], {}, [[[]]], [[1, 2], [3]], { toString: 0 }, { valueOf: 0, toString: 0 }, ['GS10'], ['GS10', 'X'], ['GS10', 'GS10'],
  ['X', 'GS10'], [1, 2], { kind: 'none' }, { kind: 'standard', mean: 0, std: 1 }, [{ kind: 'none' }], [{ kind: 'none' }, { kind: 'none' }],
  Array.from({ length: 20 }, (_, i) => i),
];
const valueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 40 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 3 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(keyArb, fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxKeys: 3 }) },
);

type Edit =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'tweak'; at: number; how: number }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Json };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: valueArb }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('tweak' as const), at: fc.nat(), how: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: keyArb, value: valueArb }) },
);

/** Words a config holds, so a tweak can swap one valid choice for another. */
const WORDS = ['rnn', 'lstm', 'gru', 'mlp', 'ar', 'persistence', 'forecaster', 'language-model', 'standard', 'minmax', 'none', 'char', 'word',
  'zh', 'en', 'ffill', 'interpolate', 'drop', 'GS10', 'X', '<unk>', 'rnnkit-model', 'rnnkit-forecaster', 'rnnkit-lm'];

/** A nearby value of the same type (often still a loadable config): numbers shifted or scaled, another word, a reordered list. */
function tweak(v: Json, how: number): Json {
  if (typeof v === 'number') {
    const f = [(x: number) => x + 1, (x: number) => x - 1, (x: number) => x * 2, (x: number) => x / 2, (x: number) => -x, () => 0, (x: number) => x + 0.5,
      (x: number) => x * 1e6, (x: number) => x * 1e300, (x: number) => x + 2 ** 20, (x: number) => Math.round(x * 10) / 10];
    return f[how % f.length]!(v);
  }
  if (typeof v === 'string') return how % 5 === 0 ? v + v : how % 5 === 1 ? v.slice(1) : WORDS[how % WORDS.length]!;
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) {
    const a = [...v];
    switch (how % 5) {
      case 0: return a.reverse();
      case 1: return a.slice(0, -1);
      case 2: return a.length ? [...a, a[0]!] : a;
      case 3: return a.length > 1 ? [a[1]!, a[0]!, ...a.slice(2)] : a;
      default: return [...a, ...a];
    }
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return v;
    const { [keys[how % keys.length]!]: _, ...rest } = v;
    return rest;
  }
  return how % 2 === 0 ? 0 : '';
}

function applyEdit(root: Json, e: Edit): Json {
  const all = paths(root);
  const path = all[e.at % all.length]!;
  const value = 'value' in e ? JSON.parse(JSON.stringify(e.value)) as Json : e.op === 'tweak' ? tweak(containerAt(root, path), e.how) : null;
  if (e.op === 'add') {
    // into the value at the path when it is a container, else into its parent
    let c = containerAt(root, path);
    if (c === null || typeof c !== 'object') c = containerAt(root, path.slice(0, -1));
    if (c === null || typeof c !== 'object') return root;
    if (Array.isArray(c)) c.push(value);
    else setOwn(c, e.key, value);
    return root;
  }
  if (path.length === 0) return e.op === 'delete' ? root : value; // the whole config replaced (a delete keeps it)
  const parent = containerAt(root, path.slice(0, -1)) as Json[] | Record<string, Json>;
  const key = path.at(-1)!;
  if (e.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (Array.isArray(parent)) parent[key as number] = value;
  else setOwn(parent, key as string, value);
  return root;
}

describe('(a) mutated config.json', () => {
  it(`loads or refuses with one UserError line, usable when loaded (${RUNS.config} runs)`, () => {
    const caseArb = fc.record({
      base: fc.integer({ min: 0, max: BASES.length - 1 }),
      edits: fc.array(editArb, { minLength: 1, maxLength: 3 }),
      truncate: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
    });
    fc.assert(
      fc.property(caseArb, ({ base, edits, truncate }) => {
        const [, files] = BASES[base]!;
        let c = JSON.parse(String(files.get('config.json'))) as Json;
        for (const e of edits) c = applyEdit(c, e);
        let text = JSON.stringify(c);
        if (truncate !== null) text = text.slice(0, truncate % (text.length + 1));
        const mutated = new Map(files).set('config.json', text);
        return holds(mutated, () => `${BASES[base]![0]} ${JSON.stringify(edits)}${truncate !== null ? ` truncated at ${truncate}` : ''} → ${text.slice(0, 400)}`);
      }),
      { numRuns: ENV_RUNS ?? RUNS.config, seed: ENV_SEED ?? SEEDS.config },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b) mutated weight files

type ByteEdit =
  | { op: 'random'; bytes: Uint8Array }
  | { op: 'truncate'; at: number }
  | { op: 'flip'; flips: { pos: number; bit: number; header: boolean }[] }
  | { op: 'set'; pos: number; byte: number; header: boolean }
  | { op: 'float'; slot: number; value: number }
  | { op: 'length'; value: number }
  | { op: 'append'; bytes: Uint8Array };

const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 4096 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), flips: fc.array(fc.record({ pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), header: fc.boolean() }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('set' as const), pos: fc.nat(), byte: fc.constantFrom(0, 0x20, 0x22, 0x2c, 0x30, 0x39, 0x5b, 0x5d, 0x7b, 0x7d, 0x7f, 0xff), header: fc.boolean() }),
  fc.record({ op: fc.constant('float' as const), slot: fc.nat(), value: fc.constantFrom(NaN, Infinity, -Infinity, 3e38, -3e38, 1e20, 1e-45, -0) }),
  fc.record({ op: fc.constant('length' as const), value: fc.oneof(fc.nat(), fc.constantFrom(0, 1, 7, 8, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER)) }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

function applyByteEdit(orig: Uint8Array, e: ByteEdit): Uint8Array {
  const headerEnd = 8 + Number(new DataView(orig.buffer, orig.byteOffset).getBigUint64(0, true));
  const b = orig.slice();
  const pos = (p: number, header: boolean): number => (header ? p % headerEnd : headerEnd + (p % Math.max(1, b.length - headerEnd)));
  switch (e.op) {
    case 'random': return e.bytes;
    case 'truncate': return b.subarray(0, e.at % b.length);
    case 'flip':
      for (const f of e.flips) { const p = pos(f.pos, f.header); if (p < b.length) b[p]! ^= 1 << f.bit; }
      return b;
    case 'set': { const p = pos(e.pos, e.header); if (p < b.length) b[p] = e.byte; return b; }
    case 'float': {
      const n = Math.floor((b.length - headerEnd) / 4);
      if (n > 0) new DataView(b.buffer).setFloat32(headerEnd + 4 * (e.slot % n), e.value, true);
      return b;
    }
    case 'length': new DataView(b.buffer).setBigUint64(0, BigInt(e.value), true); return b;
    case 'append': { const out = new Uint8Array(b.length + e.bytes.length); out.set(b); out.set(e.bytes, b.length); return out; }
  }
}

describe('(b) mutated weight files', () => {
  it(`loads or refuses with one UserError line, usable when loaded (${RUNS.weights} runs)`, () => {
    const caseArb = fc.record({ base: fc.integer({ min: 0, max: WEIGHTED.length - 1 }), edits: fc.array(byteEditArb, { minLength: 1, maxLength: 2 }) });
    fc.assert(
      fc.property(caseArb, ({ base, edits }) => {
        const [, files] = WEIGHTED[base]!;
        const name = weightsFileName(files);
        let bytes = files.get(name) as Uint8Array;
        for (const e of edits) bytes = bytes.length >= 8 ? applyByteEdit(bytes, e) : bytes;
        const mutated = new Map(files).set(name, bytes);
        return holds(mutated, () => `${WEIGHTED[base]![0]} ${JSON.stringify(edits, (_, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`);
      }),
      { numRuns: ENV_RUNS ?? RUNS.weights, seed: ENV_SEED ?? SEEDS.weights },
    );
  });

  it('every base directory satisfies the rule unmutated, and a NaN weight is refused in each', () => {
    for (const [name, files] of BASES) expect(violation(files), name).toBe(null);
    for (const [name, files] of WEIGHTED) {
      const sd = modelFromFiles(memReader(files));
      const module = sd.kind === 'language-model' ? sd.lm.model : ((sd as SavedForecaster).model as RNNForecaster).model;
      const state = Object.fromEntries(Object.entries(module.stateDict()).map(([k, t]) => [k, t.clone()])) as Record<string, Tensor>;
      Object.values(state)[0]!.data[0] = NaN;
      expect(() => modelFromFiles(memReader(new Map(files).set(weightsFileName(files), saveSafetensorsBytes(state)))), name).toThrow(UserError);
    }
  });
});
