// The model directory: what `rnnkit train --save` and `rnnkit lm train --out` write and what
// `forecast`, `lm generate` and library users load. Browser-safe: this file turns a model into
// named files (bytes) and back; ./model-files.ts puts them on disk atomically in Node.
//
// Layout: `config.json` (the marker, the validated configuration, scalers, vocabulary) and the
// weights in `weights-<id>.safetensors`, named in config.json. config.json is written last and
// by rename, so it is the commit point: a reader always finds the old complete model or the new
// one. Directories written before this format (format "rnnkit-forecaster" or "rnnkit-lm",
// version 1, weights in weights.safetensors) still load and may be replaced.
//
// Every field is validated (types, ranges, version) and the memory a model would need is checked
// against the cap before any tensor is built, so a hand-edited or hostile config.json is one
// clear error in milliseconds, not minutes of allocation.
import { oneLine, showValue, ValueError } from '../errors.js';
import type { Forecaster } from '../forecast/types.js';
import { type TransformJSON, transformEntryError } from '../forecast/transforms.js';
import type { FillMode } from '../data/csv.js';
import { type Scaler, type ScalerJSON, scalerFromJSON } from '../data/scaler.js';
import { checkMemory, formatBytes } from '../memory.js';
import { ARForecaster } from '../models/ar.js';
import type { TextLM } from '../models/lm.js';
import { GRUForecaster, LIKELIHOODS, LSTMForecaster, MLPForecaster, RNNForecaster } from '../models/neural.js';
import { checkQuantiles } from '../forecast/intervals.js';
import { PersistenceForecaster } from '../models/persistence.js';
import { DriftForecaster, SeasonalNaiveForecaster } from '../models/baselines.js';
import type { Tensor } from '../tensor/tensor.js';
import type { WordTokenizer } from '../text/lm-tokenize.js';
import { classifierFromConfig, classifierToConfig, type SavedClassifier } from './classifier-config.js';
import { lmFromConfig, lmToConfig } from './lm-config.js';
import { loadSafetensorsBytes, saveSafetensorsBytes } from './tensors.js';
import { GLOBAL_CELLS, GlobalForecaster, type GlobalCell, type SeriesScalers } from '../forecast/global.js';
import { checkCalendar, type CalendarFeature } from '../forecast/calendar.js';

export const MODEL_FORMAT = 'rnnkit-model';
export const MODEL_VERSION = 2;
/** Formats of earlier releases that are ours too (they load, and --save may replace them). */
const LEGACY_FORMATS = ['rnnkit-forecaster', 'rnnkit-lm'] as const;
/** Weight file names a config may point at: no paths, nothing outside the directory. */
export const WEIGHTS_NAME = /^weights(-[0-9a-f]{8,64})?\.safetensors$/;
/** config.json larger than this is refused before it is read (a vocabulary of ~1M words fits). */
export const MAX_CONFIG_BYTES = 256 * 1024 * 1024;

export const FORECASTER_MODELS = ['ar', 'mlp', 'rnn', 'lstm', 'gru', 'persistence', 'seasonal-naive', 'drift'] as const;
export type ForecasterModelName = (typeof FORECASTER_MODELS)[number];
export const FILL_MODES = ['ffill', 'interpolate', 'drop'] as const;

/** A trained forecaster with everything `forecast` needs to use it on new data. */
export interface SavedForecaster {
  kind: 'forecaster';
  model: Forecaster;
  /** The CSV columns read for training, as listed. */
  columns: string[];
  /** The column forecast, one of `columns`. */
  target: string;
  /** The columns the model reads, in its input order (target first). */
  inputs: string[];
  /** One fitted scaler per input column, in `inputs` order. */
  scalers: Scaler[];
  /** How missing values were repaired in training (forecast repeats it); null: none were allowed. */
  fill: FillMode | null;
  /** The target's fitted transforms, in the order applied (before the scaler); absent or empty: none. */
  transforms?: TransformJSON[];
  trainedOn?: { points: number; first: string; last: string };
  /** Held-out test metrics and how training ended (diverged, kept epoch…), as reported. */
  test?: Record<string, number>;
  training?: Record<string, unknown>;
  /**
   * A global model over several series (absent: a one-series model, as before). Then `model` only
   * names it (its methods refuse: use `panel.model`), `inputs` are [target, ...futureColumns] and
   * `scalers` is empty: each series has its own, in `panel.scalers`.
   */
  panel?: SavedPanel;
}

/** What `forecast` needs of a global model: the net, its known-future inputs, and the scalers of every series by id. */
export interface SavedPanel {
  model: GlobalForecaster;
  /** The long-format CSV's id column; null when each series came from its own file (ids = file names). */
  idColumn: string | null;
  ids: string[];
  /** User columns known in the future, read at the step predicted (after the target, in this order). */
  futureColumns: string[];
  calendar: CalendarFeature[];
  /** By id (a prototype-free object): the target's scaler and one per future column. */
  scalers: Record<string, SeriesScalers>;
}

/** The `model` of a SavedForecaster with a panel: a name whose series methods say where the model is. */
export function panelModelView(g: GlobalForecaster): Forecaster {
  const refuse = (): never => { throw new ValueError(`${g.name}: a global (many-series) model; forecast each series through SavedForecaster.panel`); };
  return { name: g.name, fit: refuse, predictOneStep: refuse, forecast: refuse, toJSON: () => g.toJSON() };
}

export interface SavedLanguageModel {
  kind: 'language-model';
  lm: TextLM;
}

export type { SavedClassifier };
export type SavedModel = SavedForecaster | SavedLanguageModel | SavedClassifier;
export const MODEL_KINDS = ['forecaster', 'language-model', 'classifier'] as const;

/** The files of a model directory, by name; config.json is the one to write last. */
export type ModelFiles = Map<string, string | Uint8Array>;

/** True when parsed config.json content marks a directory as an rnnkit model (any version). */
export function isModelConfig(json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const format = (json as { format?: unknown }).format;
  return format === MODEL_FORMAT || (LEGACY_FORMATS as readonly unknown[]).includes(format);
}

/** The weight files a parsed config refers to (legacy configs: weights.safetensors). */
export function referencedFiles(json: unknown): string[] {
  if (!isModelConfig(json)) return [];
  const c = json as { format: string; weights?: unknown; model?: unknown };
  if (c.format === MODEL_FORMAT) return typeof c.weights === 'string' && WEIGHTS_NAME.test(c.weights) ? [c.weights] : [];
  if (c.format === 'rnnkit-forecaster') return c.model === 'mlp' || c.model === 'rnn' ? ['weights.safetensors', 'scaler.json'] : ['scaler.json'];
  return ['weights.safetensors'];
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A fresh weights file name; a random id keeps the old file intact until the new config lands. */
function weightsName(random: () => number): string {
  let id = '';
  for (let i = 0; i < 4; i++) id += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return `weights-${id}.safetensors`;
}

/** The files of a model directory for `m`. `random` names the weights file (default Math.random). */
export function modelToFiles(m: SavedModel, random: () => number = Math.random): ModelFiles {
  const files: ModelFiles = new Map();
  if (m.kind === 'language-model') {
    const weights = weightsName(random);
    const { config, weights: bytes } = lmToConfig(m.lm);
    files.set(weights, bytes);
    files.set('config.json', JSON.stringify({ format: MODEL_FORMAT, version: MODEL_VERSION, kind: 'language-model', weights, ...config }, null, 2) + '\n');
    return files;
  }
  if (m.kind === 'classifier') {
    const weights = weightsName(random);
    const { config, weights: bytes } = classifierToConfig(m);
    files.set(weights, bytes);
    files.set('config.json', JSON.stringify({ format: MODEL_FORMAT, version: MODEL_VERSION, kind: 'classifier', weights, ...config }, null, 2) + '\n');
    return files;
  }
  if (m.panel) return panelToFiles(m, m.panel, files, random);
  const name = m.model.name as ForecasterModelName;
  if (!(FORECASTER_MODELS as readonly string[]).includes(name)) throw new ValueError(`saveModel: cannot save a '${name}' forecaster (supported: ${FORECASTER_MODELS.join(', ')})`);
  if (m.scalers.length !== m.inputs.length) throw new ValueError(`saveModel: ${m.inputs.length} inputs but ${m.scalers.length} scalers`);
  let weights: string | null = null;
  let options: Record<string, unknown> = {};
  if (m.model instanceof ARForecaster || m.model instanceof SeasonalNaiveForecaster) options = m.model.toJSON();
  else if (m.model instanceof MLPForecaster || m.model instanceof RNNForecaster || m.model instanceof LSTMForecaster || m.model instanceof GRUForecaster) {
    const o = m.model.opts;
    // the head and H only when they differ from a point model's, so such a model writes what older rnnkit wrote
    options = {
      seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, inputSize: o.inputSize, ...(o.dropout ? { dropout: o.dropout } : {}),
      ...(o.outputSteps > 1 ? { outputSteps: o.outputSteps } : {}),
      ...(m.model.head !== 'point' ? { likelihood: m.model.head, quantiles: [...m.model.levels!] } : {}),
    };
    weights = weightsName(random);
    files.set(weights, saveSafetensorsBytes(m.model.model.stateDict() as Record<string, Tensor>, { format: MODEL_FORMAT, model: name }));
  }
  const config = {
    format: MODEL_FORMAT, version: MODEL_VERSION, kind: 'forecaster', model: name, weights, options,
    columns: m.columns, target: m.target, inputs: m.inputs, scalers: m.scalers.map((s) => s.toJSON()), fill: m.fill,
    // absent when there are none, so a model without transforms is the same file older rnnkit wrote
    ...(m.transforms && m.transforms.length > 0 ? { transforms: m.transforms } : {}),
    ...(m.trainedOn ? { trainedOn: m.trainedOn } : {}), ...(m.test ? { test: m.test } : {}), ...(m.training ? { training: m.training } : {}),
  };
  files.set('config.json', JSON.stringify(config, null, 2) + '\n');
  return files;
}

function panelToFiles(m: SavedForecaster, p: SavedPanel, files: ModelFiles, random: () => number): ModelFiles {
  const g = p.model, o = g.opts;
  if (m.inputs.length !== 1 + p.futureColumns.length || m.inputs[0] !== m.target || p.futureColumns.some((c, i) => m.inputs[i + 1] !== c)) {
    throw new ValueError(`saveModel: a panel model's inputs must be [target, ...futureColumns], got ${JSON.stringify(m.inputs)}`);
  }
  const missing = p.ids.find((id) => !Object.prototype.hasOwnProperty.call(p.scalers, id));
  if (missing !== undefined) throw new ValueError(`saveModel: no scalers for series '${missing}'`);
  const weights = weightsName(random);
  files.set(weights, saveSafetensorsBytes(g.model.stateDict() as Record<string, Tensor>, { format: MODEL_FORMAT, model: g.name }));
  const config = {
    format: MODEL_FORMAT, version: MODEL_VERSION, kind: 'forecaster', model: g.name, weights,
    options: { seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, futureSize: o.futureSize, ...(o.dropout ? { dropout: o.dropout } : {}) },
    columns: m.columns, target: m.target, inputs: m.inputs, scalers: [], fill: m.fill,
    panel: {
      idColumn: p.idColumn, ids: p.ids, futureColumns: p.futureColumns, calendar: p.calendar,
      scalers: Object.fromEntries(p.ids.map((id) => [id, { target: p.scalers[id]!.target.toJSON(), future: p.scalers[id]!.future.map((x) => x.toJSON()) }])),
    },
    ...(m.trainedOn ? { trainedOn: m.trainedOn } : {}), ...(m.test ? { test: m.test } : {}), ...(m.training ? { training: m.training } : {}),
  };
  files.set('config.json', JSON.stringify(config, null, 2) + '\n');
  return files;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ModelReader {
  /** config.json's text. */
  config(): string;
  /** The size in bytes of a file of the directory (checked before it is read). */
  size(name: string): number;
  /** A file's bytes. */
  bytes(name: string): Uint8Array;
}

/** A reader over files held in memory (what `modelToFiles` returns, or files dropped in a browser). */
export function filesReader(files: ModelFiles, source = 'model'): ModelReader {
  const get = (name: string): string | Uint8Array => {
    const v = files.get(name);
    if (v === undefined) throw new ValueError(`${source}: missing ${name}`);
    return v;
  };
  const bytes = (name: string): Uint8Array => {
    const v = get(name);
    return typeof v === 'string' ? new TextEncoder().encode(v) : v;
  };
  return {
    config: () => {
      const v = get('config.json');
      return typeof v === 'string' ? v : new TextDecoder().decode(v);
    },
    size: (name) => bytes(name).byteLength,
    bytes,
  };
}

export interface LoadModelOptions {
  /** Names the directory in errors. */
  source?: string;
  /** Word-level language models need it to encode prefixes: `tokenize` from 'rnnkit/text'. */
  wordTokenizer?: WordTokenizer;
}

/** A field check that names the file and the field in its one-line error. */
class Fields {
  constructor(readonly where: string, readonly o: Record<string, unknown>) {}
  fail(key: string, what: string, v: unknown): never {
    throw new ValueError(oneLine(`${this.where}: ${showValue(key)} must be ${what}, got ${showValue(v)}`));
  }
  int(key: string, min: number, max: number): number {
    const v = this.o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(key, `an integer in [${min}, ${max}]`, v);
    return v;
  }
  str(key: string, maxLen = 10_000): string {
    const v = this.o[key];
    if (typeof v !== 'string' || v.length > maxLen) this.fail(key, `a string of at most ${maxLen} characters`, v);
    return v;
  }
  oneOf<T extends string>(key: string, choices: readonly T[]): T {
    const v = this.o[key];
    if (!(choices as readonly unknown[]).includes(v)) this.fail(key, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, v);
    return v as T;
  }
  strings(key: string, minLen: number, maxLen: number): string[] {
    const v = this.o[key];
    if (!Array.isArray(v) || v.length < minLen || v.length > maxLen || !v.every((s) => typeof s === 'string' && s.length <= 10_000)) {
      this.fail(key, `a list of ${minLen}–${maxLen} strings`, v);
    }
    return [...(v as string[])];
  }
  object(key: string, optional = false): Record<string, unknown> | undefined {
    const v = this.o[key];
    if (v === undefined && optional) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'an object', v);
    return v as Record<string, unknown>;
  }
}

/** Limits on sizes read from a config (the memory cap applies on top of them). */
const LIMITS = { seqLen: 100_000, hidden: 1 << 20, layers: 1024, inputSize: 100_000, columns: 100_000 } as const;

function parseConfig(text: string, where: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${where}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isModelConfig(json)) throw new ValueError(`${where}: not an rnnkit model (no "format": "${MODEL_FORMAT}")`);
  return json as Record<string, unknown>;
}

/** Loads and validates a model directory through `read`; every problem is one ValueError line. */
export function modelFromFiles(read: ModelReader, opts: LoadModelOptions = {}): SavedModel {
  const source = opts.source ?? 'model';
  const where = `${source}/config.json`;
  const c = parseConfig(read.config(), where);
  const f = new Fields(where, c);
  const format = c.format as string;
  if (format === MODEL_FORMAT) {
    if (c.version !== MODEL_VERSION) f.fail('version', `${MODEL_VERSION} (this rnnkit reads model format version ${MODEL_VERSION} and the version-1 formats; a newer rnnkit wrote this one?)`, c.version);
    const kind = f.oneOf('kind', MODEL_KINDS);
    if (kind === 'classifier') {
      const weights = weightsFile(f) ?? f.fail('weights', 'the weights file of the classifier, like "weights-<hex>.safetensors"', f.o.weights);
      return classifierFromConfig(c, () => checkedWeights(read, weights, source), source);
    }
    if (kind === 'language-model') {
      const weights = weightsFile(f) ?? f.fail('weights', 'the weights file of the language model, like "weights-<hex>.safetensors"', f.o.weights);
      return { kind, lm: lmFromConfig(c, () => checkedWeights(read, weights, source), { source, wordTokenizer: opts.wordTokenizer }) };
    }
    return forecasterFromConfig(f, read, source, weightsFile(f));
  }
  if (c.version !== 1) f.fail('version', '1 for this format', c.version);
  if (format === 'rnnkit-lm') {
    return { kind: 'language-model', lm: lmFromConfig(c, () => checkedWeights(read, 'weights.safetensors', source), { source, wordTokenizer: opts.wordTokenizer }) };
  }
  return forecasterFromConfig(f, read, source, c.model === 'mlp' || c.model === 'rnn' ? 'weights.safetensors' : null, true);
}

function weightsFile(f: Fields): string | null {
  const w = f.o.weights;
  if (w === null || w === undefined) return null;
  if (typeof w !== 'string' || !WEIGHTS_NAME.test(w)) f.fail('weights', 'a file name like "weights-<hex>.safetensors" in the same directory', w);
  return w;
}

/** The weights' bytes, after checking their size against the memory cap. */
function checkedWeights(read: ModelReader, name: string, source: string): Uint8Array {
  const size = read.size(name);
  checkMemory(`${source}/${name} (${formatBytes(size)})`, size);
  return read.bytes(name);
}

function forecasterFromConfig(f: Fields, read: ModelReader, source: string, weights: string | null, legacy = false): SavedForecaster {
  const c = f.o;
  const model = f.oneOf('model', FORECASTER_MODELS);
  // legacy configs: the target is "column", and "columns"/"inputs"/"scalers" may be absent
  const target = legacy && c.target === undefined ? f.str('column') : f.str('target');
  const columns = c.columns === undefined && legacy ? [target] : f.strings('columns', 1, LIMITS.columns);
  const inputs = c.inputs === undefined && legacy ? [target] : f.strings('inputs', 1, LIMITS.columns);
  if (!new Set(columns).has(target)) f.fail('target', `one of the columns ${JSON.stringify(columns)}`, target);
  const known = new Set(columns);
  if (inputs[0] !== target || !inputs.every((x) => known.has(x)) || new Set(inputs).size !== inputs.length) {
    f.fail('inputs', `distinct columns, the target ${JSON.stringify(target)} first`, inputs);
  }
  if (model !== 'mlp' && model !== 'rnn' && model !== 'lstm' && model !== 'gru' && inputs.length !== 1) f.fail('inputs', `[${JSON.stringify(target)}] for an ${model} model`, inputs);
  if (!legacy && c.panel !== undefined) return panelFromConfig(f, read, source, weights, model, columns, target, inputs);
  const scalers = legacyOrScalers(f, inputs, legacy);
  const fill = c.fill === undefined || c.fill === null ? null : f.oneOf('fill', FILL_MODES);
  const out: SavedForecaster = { kind: 'forecaster', model: null as unknown as Forecaster, columns, target, inputs, scalers, fill };
  if (c.transforms !== undefined) out.transforms = transformsOf(f);
  readProvenance(f, out);
  const options = f.object('options')!;
  const o = new Fields(`${f.where} "options"`, options);
  switch (model) {
    case 'persistence':
      out.model = new PersistenceForecaster();
      break;
    case 'ar':
      out.model = ARForecaster.fromJSON(options);
      break;
    case 'seasonal-naive':
      o.int('m', 1, LIMITS.seqLen);
      out.model = SeasonalNaiveForecaster.fromJSON(options);
      break;
    case 'drift':
      out.model = new DriftForecaster();
      break;
    case 'mlp': case 'rnn': case 'lstm': case 'gru': {
      const seqLen = o.int('seqLen', 1, LIMITS.seqLen);
      const hidden = o.int('hidden', 1, LIMITS.hidden);
      const layers = model === 'mlp' && options.layers === undefined ? 1 : o.int('layers', 1, LIMITS.layers);
      const inputSize = options.inputSize === undefined ? 1 : o.int('inputSize', 1, LIMITS.inputSize);
      if (inputSize !== inputs.length) f.fail('inputs', `${inputSize} columns (options.inputSize)`, inputs);
      // absent in point models and in directories written before them: one step, point head
      const outputSteps = options.outputSteps === undefined ? 1 : o.int('outputSteps', 1, LIMITS.seqLen);
      const likelihood = options.likelihood === undefined ? undefined : o.oneOf('likelihood', LIKELIHOODS);
      let quantiles: number[] | undefined;
      if (options.quantiles !== undefined) {
        const q = options.quantiles;
        if (!Array.isArray(q) || q.length > 99) o.fail('quantiles', 'a list of at most 99 quantile levels', q);
        try { checkQuantiles(q as number[], 'quantiles'); } catch (e) { o.fail('quantiles', `increasing, distinct levels in (0, 1) (${(e as Error).message})`, q); }
        quantiles = [...(q as number[])];
      }
      if (likelihood === 'quantile' && quantiles === undefined) o.fail('quantiles', 'the levels of a quantile model', undefined);
      if ((outputSteps > 1 || likelihood !== undefined) && inputSize !== 1) f.fail('options', 'inputSize 1 for a model with outputSteps > 1 or a likelihood', options);
      const perStep = likelihood === 'gaussian' ? 2 : likelihood === 'quantile' ? quantiles!.length : 1;
      const outputSize = outputSteps === 1 && likelihood === undefined ? inputSize : outputSteps * perStep;
      const params = forecasterParameters(model, seqLen, hidden, layers, inputSize, outputSize);
      // the weights in memory (float32) and once more while they are loaded
      checkMemory(`${f.where}: a ${model} with seqLen ${seqLen}, hidden ${hidden}, layers ${layers} (${params} parameters)`, params * 4 * 2);
      if (weights === null) f.fail('weights', `the weights file of the ${model} model`, null);
      const size = read.size(weights);
      if (size < params * 4) {
        throw new ValueError(`${source}/${weights}: ${formatBytes(size)} is too small for the ${params} float32 parameters that config.json describes (${formatBytes(params * 4)})`);
      }
      const Net = { mlp: MLPForecaster, rnn: RNNForecaster, lstm: LSTMForecaster, gru: GRUForecaster }[model];
      const net = new Net({ seqLen, hidden, layers, inputSize, outputSteps, likelihood, quantiles });
      const tensors = loadSafetensorsBytes(checkedWeights(read, weights, source), `${source}/${weights}`).tensors;
      for (const [k, t] of Object.entries(tensors)) {
        if (!t.data.every(Number.isFinite)) throw new ValueError(`${source}/${weights}: tensor "${k}" holds non-finite values (NaN or ±Inf); refusing a model that cannot forecast`);
      }
      try {
        net.model.loadStateDict(tensors);
      } catch (e) {
        throw new ValueError(`${source}/${weights}: ${(e as Error).message.split('\n')[0]}`);
      }
      out.model = net;
      break;
    }
  }
  return out;
}

/** A global model's config (the "panel" object); every field checked before the weights are read. */
function panelFromConfig(f: Fields, read: ModelReader, source: string, weights: string | null, model: ForecasterModelName, columns: string[], target: string, inputs: string[]): SavedForecaster {
  const c = f.o;
  if (!(GLOBAL_CELLS as readonly string[]).includes(model)) f.fail('model', `one of ${GLOBAL_CELLS.join(', ')} for a panel model`, model);
  const pf = new Fields(`${f.where} "panel"`, f.object('panel')!);
  const idColumn = pf.o.idColumn === null ? null : pf.str('idColumn', 10_000);
  const ids = pf.strings('ids', 1, LIMITS.columns);
  if (new Set(ids).size !== ids.length) pf.fail('ids', 'distinct series ids', ids);
  const futureColumns = pf.strings('futureColumns', 0, LIMITS.columns);
  if (inputs.length !== futureColumns.length + 1 || futureColumns.some((x, i) => inputs[i + 1] !== x)) f.fail('inputs', `[${JSON.stringify(target)}, ...panel.futureColumns]`, inputs);
  const calendar = pf.strings('calendar', 0, 3);
  try { checkCalendar(calendar, 'calendar'); } catch (e) { pf.fail('calendar', `calendar features (${(e as Error).message})`, calendar); }
  const byId = pf.object('scalers')!;
  const scalers: Record<string, SeriesScalers> = Object.create(null);
  for (const id of ids) {
    const e = Object.prototype.hasOwnProperty.call(byId, id) ? byId[id] : undefined;
    const bad = (why: string): never => pf.fail('scalers', `per-series scalers { target, future: [${futureColumns.length}] } for every id (${why})`, id);
    if (e === null || typeof e !== 'object' || Array.isArray(e)) bad(`series ${JSON.stringify(id)} has none`);
    const { target: t, future: fu } = e as { target?: unknown; future?: unknown };
    if (!Array.isArray(fu) || fu.length !== futureColumns.length) bad(`series ${JSON.stringify(id)}: future must list ${futureColumns.length}`);
    try {
      scalers[id] = { target: scalerFromJSON(t), future: (fu as unknown[]).map((x) => scalerFromJSON(x)) };
    } catch (err) {
      bad(`series ${JSON.stringify(id)}: ${(err as Error).message}`);
    }
  }
  const o = new Fields(`${f.where} "options"`, f.object('options')!);
  const seqLen = o.int('seqLen', 1, LIMITS.seqLen), hidden = o.int('hidden', 1, LIMITS.hidden);
  const layers = model === 'mlp' && o.o.layers === undefined ? 1 : o.int('layers', 1, LIMITS.layers);
  const futureSize = o.int('futureSize', 0, LIMITS.inputSize);
  if (futureSize !== futureColumns.length + 2 * calendar.length) o.fail('futureSize', `${futureColumns.length + 2 * calendar.length} (the future columns, and 2 per calendar feature)`, futureSize);
  const dropout = o.o.dropout === undefined ? 0 : (o.o.dropout as number);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) o.fail('dropout', 'a number in [0, 1)', dropout);
  const cell = model as GlobalCell;
  const params = forecasterParameters(cell, seqLen, hidden, layers, 1 + futureSize, 1);
  checkMemory(`${f.where}: a global ${cell} with seqLen ${seqLen}, hidden ${hidden}, layers ${layers} (${params} parameters)`, params * 4 * 2);
  if (weights === null) f.fail('weights', `the weights file of the ${cell} model`, null);
  const size = read.size(weights);
  if (size < params * 4) throw new ValueError(`${source}/${weights}: ${formatBytes(size)} is too small for the ${params} float32 parameters that config.json describes (${formatBytes(params * 4)})`);
  const g = new GlobalForecaster(cell, { seqLen, hidden, layers, futureSize, dropout });
  const tensors = loadSafetensorsBytes(checkedWeights(read, weights, source), `${source}/${weights}`).tensors;
  for (const [k, t] of Object.entries(tensors)) {
    if (!t.data.every(Number.isFinite)) throw new ValueError(`${source}/${weights}: tensor "${k}" holds non-finite values (NaN or ±Inf); refusing a model that cannot forecast`);
  }
  try {
    g.model.loadStateDict(tensors);
  } catch (e) {
    throw new ValueError(`${source}/${weights}: ${(e as Error).message.split('\n')[0]}`);
  }
  const fill = c.fill === undefined || c.fill === null ? null : f.oneOf('fill', FILL_MODES);
  const out: SavedForecaster = {
    kind: 'forecaster', model: panelModelView(g), columns, target, inputs, scalers: [], fill,
    panel: { model: g, idColumn, ids, futureColumns, calendar: calendar as CalendarFeature[], scalers },
  };
  readProvenance(f, out);
  return out;
}

/** What a forecaster was trained on and scored (optional fields of config.json), onto `out`. */
function readProvenance(f: Fields, out: SavedForecaster): void {
  const trainedOn = f.object('trainedOn', true);
  if (trainedOn) {
    const t = new Fields(`${f.where} "trainedOn"`, trainedOn);
    out.trainedOn = { points: t.int('points', 0, Number.MAX_SAFE_INTEGER), first: t.str('first', 100), last: t.str('last', 100) };
  }
  const test = f.object('test', true);
  if (test) out.test = Object.fromEntries(Object.entries(test).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
  const training = f.object('training', true);
  if (training) out.training = training;
}

/** The optional "transforms" list: at most 64 well-formed entries (see transformEntryError). */
function transformsOf(f: Fields): TransformJSON[] {
  const list = f.o.transforms;
  if (!Array.isArray(list) || list.length > 64) f.fail('transforms', 'a list of at most 64 transforms', list);
  (list as unknown[]).forEach((e, i) => {
    const err = transformEntryError(e);
    if (err !== null) throw new ValueError(oneLine(`${f.where}: "transforms"[${i}]: ${err}`));
  });
  return (list as TransformJSON[]).map((e) => ({ ...e }));
}

function legacyOrScalers(f: Fields, inputs: string[], legacy: boolean): Scaler[] {
  const c = f.o;
  const bad = (e: unknown): never => f.fail('scalers', `fitted scalers (${(e as Error).message})`, c.scalers);
  if (legacy) {
    // version 1: { column: ScalerJSON } (or only "scaler", the target's)
    const byName = (c.scalers ?? { [inputs[0]!]: c.scaler }) as Record<string, unknown>;
    if (byName === null || typeof byName !== 'object') f.fail('scalers', 'an object of scalers by column', byName);
    return inputs.map((col) => {
      if (!Object.prototype.hasOwnProperty.call(byName, col)) f.fail('scalers', `a scaler for column ${JSON.stringify(col)}`, Object.keys(byName));
      try { return scalerFromJSON(byName[col]); } catch (e) { return bad(e); }
    });
  }
  const list = c.scalers;
  if (!Array.isArray(list) || list.length !== inputs.length) f.fail('scalers', `a list of ${inputs.length} scalers, one per input column`, list);
  return (list as ScalerJSON[]).map((s) => { try { return scalerFromJSON(s); } catch (e) { return bad(e); } });
}

/**
 * Parameters of the saved MLP (Linear(L·C,h)·ReLU·Linear(h,O)) or recurrent net (cell(C,h,layers) +
 * Linear(h,O)); a cell has g gate blocks: 1 (RNN), 4 (LSTM i,f,g,o), 3 (GRU r,z,n). O = C for a
 * point model, H·K for a direct (outputSteps H) or probabilistic head (K = Q levels, or 2).
 */
export function forecasterParameters(model: 'mlp' | 'rnn' | 'lstm' | 'gru', seqLen: number, hidden: number, layers: number, inputSize: number, outputSize = inputSize): number {
  const C = inputSize, h = hidden, O = outputSize;
  if (model === 'mlp') return seqLen * C * h + h + h * O + O;
  const g = model === 'lstm' ? 4 : model === 'gru' ? 3 : 1;
  return g * (h * C + h * h + 2 * h) + (layers - 1) * g * (2 * h * h + 2 * h) + h * O + O;
}
