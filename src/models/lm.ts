// Character- and word-level recurrent language models (d2l ch. 8-9):
//   ids → Embedding (or one-hot) → RNN / LSTM / GRU → Linear → logits over the vocabulary,
// trained with softmax cross entropy on next-token prediction (src/train/lm.ts), and text
// generation from a prefix with greedy, temperature and top-k sampling.
// Legend: B batch, T time, V vocabulary, E embedding size (V for one-hot), H hidden, L layers.
import { noGrad } from '../autograd/grad-mode.js';
import { loadSafetensorsBytes, saveSafetensorsBytes } from '../io/tensors.js';
import { Embedding } from '../nn/embedding.js';
import { GRU } from '../nn/gru.js';
import { Linear } from '../nn/layers.js';
import { LSTM } from '../nn/lstm.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Vocab, type VocabJSON } from '../text/vocab.js';
import type { LanguageModel, LmState } from '../train/lm.js';
import { oneLine, showValue, ValueError, UserError } from '../errors.js';
import { checkMemory } from '../memory.js';
import { NonFiniteError } from '../train/fit.js';

export type LmCell = 'rnn' | 'lstm' | 'gru';
export const LM_CELLS: readonly LmCell[] = ['rnn', 'lstm', 'gru'];

export interface RNNLMOptions {
  cell?: LmCell;
  hiddenSize: number;
  numLayers?: number;
  /** Size of the learned token embedding; 0 (default) feeds one-hot vectors, as d2l does. */
  embedDim?: number;
  /** Dropout between recurrent layers (numLayers > 1), in training mode. */
  dropout?: number;
  dtype?: DType;
  /** Generator for the initial weights (default: the global one). */
  generator?: Generator;
}

/**
 * The language model. Parameter names follow a PyTorch module with attributes `embedding`
 * (nn.Embedding, absent for one-hot input), `rnn` (nn.RNN/LSTM/GRU, batch_first=True) and
 * `linear` (nn.Linear(H, V)), so its state dict loads into that PyTorch model unchanged.
 */
export class RNNLM extends Module implements LanguageModel {
  readonly cell: LmCell;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly embedDim: number;
  readonly dropout: number;
  readonly embedding: Embedding | null;
  readonly rnn: RNN | LSTM | GRU;
  readonly linear: Linear;

  constructor(readonly vocabSize: number, opts: RNNLMOptions) {
    super();
    this.cell = opts.cell ?? 'rnn';
    this.hiddenSize = opts.hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    this.embedDim = opts.embedDim ?? 0;
    this.dropout = opts.dropout ?? 0;
    const checks: [string, number, number][] = [['vocabSize', vocabSize, 1], ['hiddenSize', this.hiddenSize, 1], ['numLayers', this.numLayers, 1], ['embedDim', this.embedDim, 0]];
    for (const [name, v, min] of checks) {
      if (!Number.isInteger(v) || v < min) throw new ValueError(`RNNLM: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
    if (!LM_CELLS.includes(this.cell)) throw new ValueError(`RNNLM: cell must be one of ${LM_CELLS.join(', ')}, got '${String(this.cell)}'`);
    const generator = opts.generator ?? defaultGenerator;
    const I = this.embedDim > 0 ? this.embedDim : vocabSize;
    this.embedding = this.embedDim > 0
      ? this.registerModule('embedding', new Embedding(vocabSize, this.embedDim, { dtype: opts.dtype, generator }))
      : null;
    const ro = { numLayers: this.numLayers, batchFirst: true, dropout: this.dropout, dtype: opts.dtype, generator };
    this.rnn = this.registerModule('rnn', this.cell === 'lstm' ? new LSTM(I, this.hiddenSize, ro) : this.cell === 'gru' ? new GRU(I, this.hiddenSize, ro) : new RNN(I, this.hiddenSize, ro));
    this.linear = this.registerModule('linear', new Linear(this.hiddenSize, vocabSize, { dtype: opts.dtype, generator }));
  }

  private get dtype(): DType {
    return this.linear.weight.dtype;
  }

  /** Zero state for a batch of B: h [L,B,H] (and c [L,B,H] for LSTM). */
  beginState(batchSize: number): LmState {
    const shape = [this.numLayers, batchSize, this.hiddenSize];
    const h = zeros(shape, { dtype: this.dtype });
    return this.cell === 'lstm' ? { h, c: zeros(shape, { dtype: this.dtype }) } : { h };
  }

  /** ids [B,T] (row-major, any array of integers) → logits [B,T,V] and the state after step T. */
  forward(ids: ArrayLike<number>, shape: readonly [number, number], state?: LmState): [Tensor, LmState] {
    const [B, T] = shape;
    const V = this.vocabSize;
    if (ids.length !== B * T) throw new ValueError(`RNNLM.forward: ${ids.length} ids do not fill shape [${B},${T}]`);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= V) throw new ValueError(`RNNLM.forward: token id ${v} at position ${i} is out of range for a vocabulary of ${V}`);
    }
    const x = this.embedding ? this.embedding.forward(ids, [B, T]) : oneHot(ids, [B, T], V, this.dtype);
    let out: Tensor;
    let next: LmState;
    if (this.rnn instanceof LSTM) {
      const s = state ?? this.beginState(B);
      if (s.c === undefined) throw new ValueError('RNNLM.forward: an LSTM state needs both h and c');
      const [o, [h, c]] = this.rnn.forward(x, [s.h, s.c]);
      out = o;
      next = { h, c };
    } else {
      const [o, h] = this.rnn.forward(x, state?.h);
      out = o;
      next = { h };
    }
    return [this.linear.forward(out), next];
  }

  /** The hyperparameters that rebuild this model (weights aside). */
  config(): LmModelConfig {
    return { cell: this.cell, vocabSize: this.vocabSize, embedDim: this.embedDim, hiddenSize: this.hiddenSize, numLayers: this.numLayers, dropout: this.dropout };
  }
}

export interface LmModelConfig {
  cell: LmCell;
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
}

/** One-hot rows of the identity: ids [B,T] → [B,T,V] (a constant; nothing to learn). */
export function oneHot(ids: ArrayLike<number>, shape: readonly number[], V: number, dtype: DType = 'float32'): Tensor {
  const n = ids.length;
  const d = dtype === 'float64' ? new Float64Array(n * V) : new Float32Array(n * V);
  for (let i = 0; i < n; i++) d[i * V + ids[i]!] = 1;
  return new Tensor(d, [...shape, V]);
}

// ---------------------------------------------------------------------------------------------
// Sampling and generation

export interface SampleOptions {
  /** Softmax temperature: p ∝ exp(logit / temperature). 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Sample only among the k most likely tokens (ties broken by lower id); default: all. */
  topK?: number;
}

function checkSample(o: SampleOptions): { temperature: number; topK: number } {
  const temperature = o.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new ValueError(`sample: temperature must be a finite number ≥ 0, got ${temperature}`);
  const topK = o.topK ?? Infinity;
  if (topK !== Infinity && (!Number.isInteger(topK) || topK < 1)) throw new ValueError(`sample: topK must be a positive integer, got ${topK}`);
  return { temperature, topK };
}

/** Index of the largest value (the lowest index among equal maxima). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * Draws the next token id from one row of logits: restrict to the top k, divide by the
 * temperature, softmax (max-subtracted), then one uniform draw u and the first id whose
 * cumulative probability exceeds u. Temperature 0 is argmax and draws nothing.
 */
export function sampleNext(logits: ArrayLike<number>, opts: SampleOptions = {}, generator: Generator = defaultGenerator): number {
  const { temperature, topK } = checkSample(opts);
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i]!)) throw new NonFiniteError(`sample: the model's logit for token ${i} is ${logits[i]}; its weights cannot generate text`);
  }
  if (temperature === 0 || topK === 1) return argmax(logits);
  let ids = Array.from({ length: logits.length }, (_, i) => i);
  if (topK < logits.length) ids = ids.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, topK);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, logits[i]!);
  const w = ids.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = w.reduce((a, b) => a + b, 0);
  const u = generator.random() * total;
  let acc = 0;
  for (let k = 0; k < ids.length; k++) {
    acc += w[k]!;
    if (u < acc) return ids[k]!;
  }
  return ids[ids.length - 1]!; // u within rounding of the total
}

export interface GenerateOptions extends SampleOptions {
  /** Number of tokens to generate after the prefix. */
  length: number;
  /** Source of the sampling draws (default: a Generator seeded with `seed`, default 0). */
  generator?: Generator;
  seed?: number;
}

/**
 * Warm up on the prefix (every prefix token but the last, in one pass), then feed the last token
 * and sample, feed the sample and sample again, `length` times (d2l's `predict_ch8`, free-running).
 * Returns the generated ids only.
 */
export function generateIds(model: LanguageModel, prefix: readonly number[], opts: GenerateOptions): number[] {
  if (prefix.length === 0) throw new ValueError('generate: the prefix is empty; give at least one token');
  if (!Number.isInteger(opts.length) || opts.length < 0) throw new ValueError(`generate: length must be an integer ≥ 0, got ${opts.length}`);
  const sample = checkSample(opts);
  const gen = opts.generator ?? new Generator(opts.seed ?? 0);
  const V = model.vocabSize;
  const wasTraining = model.training;
  model.eval();
  const out: number[] = [];
  try {
    noGrad(() => {
      let state = model.beginState(1);
      const n = prefix.length;
      if (n > 1) state = model.forward(prefix.slice(0, n - 1), [1, n - 1], state)[1];
      let last = prefix[n - 1]!;
      for (let i = 0; i < opts.length; i++) {
        const [logits, next] = model.forward([last], [1, 1], state);
        state = next;
        last = sampleNext(logits.data.subarray(0, V), sample, gen);
        out.push(last);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text ↔ tokens

export type LmLevel = 'char' | 'word';

/** How text becomes tokens. Line breaks are a token ('\n') so generated text keeps its lines. */
export interface LmTokenizer {
  level: LmLevel;
  /** 'zh': Chinese words come from the segmenter and detokenize without spaces; 'en': English words. */
  lang: 'zh' | 'en';
  lowercase: boolean;
}

/**
 * Splits one line into words: pass `tokenize` from 'rnnkit/text' (wink-nlp for English, jieba for
 * Chinese). It is passed in rather than imported so that the core package stays light and
 * browser-safe; char-level models never need it.
 */
export type WordTokenizer = (line: string, opts: { lang: 'zh' | 'en'; mode: 'word' }) => string[];

export const NEWLINE = '\n';
const RE_HAN = /\p{Script=Han}/u;

/** 'zh' when the text contains a Han character, else 'en'. */
export function detectLang(text: string): 'zh' | 'en' {
  return RE_HAN.test(text) ? 'zh' : 'en';
}

/**
 * Text → tokens. Each line has its whitespace runs collapsed to one space and trimmed; blank lines
 * are skipped. Char level: every code point is a token, spaces included (as d2l). Word level:
 * `words(line)` (in a browser `await initSegmenter()` from 'rnnkit/text' first, for jieba). A line
 * break after a non-blank line is the token '\n' (so a corpus whose last line ends in a newline
 * ends with '\n', and a prefix "床前明月光，\n" asks for a new line).
 */
export function lmTokenize(text: string, t: LmTokenizer, words?: WordTokenizer): string[] {
  if (t.level === 'word' && !words) {
    throw new ValueError("lmTokenize: word level needs a word tokenizer; pass `tokenize` from 'rnnkit/text'");
  }
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  let open = false;
  lines.forEach((raw, i) => {
    let line = raw.replace(/\s+/gu, ' ').trim();
    if (t.lowercase) line = line.toLowerCase();
    if (line !== '') {
      if (t.level === 'char') for (const ch of line) out.push(ch);
      else for (const w of words!(line, { lang: t.lang, mode: 'word' })) out.push(w);
      open = true;
    }
    if (i < lines.length - 1 && open) {
      out.push(NEWLINE);
      open = false;
    }
  });
  return out;
}

/** Tokens → text: chars and Chinese words are concatenated; English words are joined by spaces. */
export function lmDetokenize(tokens: readonly string[], t: LmTokenizer): string {
  if (t.level === 'char' || t.lang === 'zh') return tokens.join('');
  let s = '';
  for (const tok of tokens) {
    if (tok === NEWLINE || s === '' || s.endsWith(NEWLINE)) s += tok;
    else s += ' ' + tok;
  }
  return s;
}

/** Raised when a prefix holds tokens the model never saw; `tokens` lists them (first occurrence order). */
export class UnknownTokenError extends UserError {
  constructor(message: string, readonly tokens: string[]) {
    super(message);
    this.name = 'UnknownTokenError';
  }
}

export interface LmCorpusOptions {
  level: LmLevel;
  /** Default 'auto': 'zh' when the text has Han characters. */
  lang?: 'zh' | 'en' | 'auto';
  lowercase?: boolean;
  /** Words seen fewer times become '<unk>' (default 1: keep all). */
  minFreq?: number;
  /** At most this many vocabulary entries, '<unk>' included (the most frequent are kept). */
  maxSize?: number;
  /** Keep only the first maxTokens tokens, before the vocabulary is built (d2l's max_tokens). */
  maxTokens?: number;
  /** Required for word level: `tokenize` from 'rnnkit/text'. */
  wordTokenizer?: WordTokenizer;
}

export interface LmCorpus {
  tokenizer: LmTokenizer;
  tokens: string[];
  vocab: Vocab;
  ids: Int32Array;
}

/**
 * Tokenizes a corpus and builds its vocabulary: '<unk>' is id 0, then tokens by frequency
 * (ties in code-point order), so the same text always gives the same ids.
 */
export function buildLmCorpus(text: string, opts: LmCorpusOptions): LmCorpus {
  if (opts.level !== 'char' && opts.level !== 'word') throw new ValueError(`buildLmCorpus: level must be 'char' or 'word', got '${String(opts.level)}'`);
  const lang = opts.lang ?? 'auto';
  if (lang !== 'zh' && lang !== 'en' && lang !== 'auto') throw new ValueError(`buildLmCorpus: lang must be zh, en or auto, got '${String(lang)}'`);
  const tokenizer: LmTokenizer = { level: opts.level, lang: lang === 'auto' ? detectLang(text) : lang, lowercase: opts.lowercase ?? false };
  const tokens = lmTokenize(text, tokenizer, opts.wordTokenizer);
  if (opts.maxTokens !== undefined) {
    if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 1) throw new ValueError(`buildLmCorpus: maxTokens must be a positive integer, got ${opts.maxTokens}`);
    tokens.length = Math.min(tokens.length, opts.maxTokens);
  }
  if (tokens.length === 0) throw new ValueError('buildLmCorpus: the corpus is empty (no tokens after removing whitespace)');
  const vocab = Vocab.build([tokens], { specials: ['<unk>'], minFreq: opts.minFreq ?? 1, maxSize: opts.maxSize ?? Infinity });
  return { tokenizer, tokens, vocab, ids: Int32Array.from(vocab.encode(tokens)) };
}

// ---------------------------------------------------------------------------------------------
// A trained model with its vocabulary and tokenizer

export interface TextLMConfigJSON {
  tokenizer: LmTokenizer;
  model: LmModelConfig;
  vocab: VocabJSON;
  /** Free-form record of how the model was trained (hyperparameters, perplexities). */
  training?: Record<string, unknown>;
}

export interface TextGeneration {
  /** The prefix followed by the generated continuation, detokenized. */
  text: string;
  /** The generated tokens only. */
  tokens: string[];
  prefixTokens: string[];
}

export interface TextLMOptions {
  /** How the model was trained (hyperparameters, perplexities); saved in config.json. */
  training?: Record<string, unknown>;
  /** Required to encode prefixes of a word-level model: `tokenize` from 'rnnkit/text'. */
  wordTokenizer?: WordTokenizer;
}

/** A model with its vocabulary and tokenizer: text in, text out; saves to and loads from files. */
export class TextLM {
  training: Record<string, unknown>;
  readonly wordTokenizer: WordTokenizer | undefined;

  constructor(readonly model: RNNLM, readonly vocab: Vocab, readonly tokenizer: LmTokenizer, opts: TextLMOptions = {}) {
    this.training = opts.training ?? {};
    this.wordTokenizer = opts.wordTokenizer;
    if (vocab.size !== model.vocabSize) throw new ValueError(`TextLM: the vocabulary has ${vocab.size} tokens but the model ${model.vocabSize}`);
  }

  /** Prefix text → ids; tokens outside the vocabulary are an UnknownTokenError naming them. */
  encodePrefix(prefix: string): number[] {
    const toks = lmTokenize(prefix, this.tokenizer, this.wordTokenizer);
    if (toks.length === 0) throw new ValueError('generate: the prefix is empty; give at least one character or word');
    const unknown = [...new Set(toks.filter((t) => !this.vocab.has(t)))];
    if (unknown.length > 0) {
      const what = this.tokenizer.level === 'char' ? 'character' : 'word';
      const list = unknown.slice(0, 10).map((t) => JSON.stringify(t)).join(', ') + (unknown.length > 10 ? `, … (${unknown.length} in all)` : '');
      throw new UnknownTokenError(`the prefix has ${unknown.length} ${what}${unknown.length > 1 ? 's' : ''} not in the model's vocabulary of ${this.vocab.size}: ${list}`, unknown);
    }
    return toks.map((t) => this.vocab.id(t));
  }

  generate(prefix: string, opts: GenerateOptions): TextGeneration {
    const ids = this.encodePrefix(prefix);
    const gen = generateIds(this.model, ids, opts);
    const prefixTokens = this.vocab.decode(ids);
    const tokens = this.vocab.decode(gen);
    return { text: lmDetokenize([...prefixTokens, ...tokens], this.tokenizer), tokens, prefixTokens };
  }

  /** The model's configuration (tokenizer, sizes, vocabulary, training record) and its weights as safetensors bytes. */
  toConfig(): { config: Pick<TextLMConfigJSON, 'tokenizer' | 'model' | 'vocab' | 'training'>; weights: Uint8Array } {
    return {
      config: { tokenizer: this.tokenizer, model: this.model.config(), vocab: this.vocab.toJSON(), training: this.training },
      weights: saveSafetensorsBytes(this.model.stateDict(), { format: 'rnnkit-lm' }),
    };
  }

  /**
   * Rebuilds a TextLM from a parsed config (`toConfig().config` plus the directory's marker fields)
   * and its weights, read only after every field is validated and the model's memory is checked
   * against the cap. `source` names the directory in errors.
   */
  static fromConfig(c: Record<string, unknown>, weights: () => Uint8Array, opts: { source?: string; wordTokenizer?: WordTokenizer } = {}): TextLM {
    const where = `${opts.source ?? 'model'}/config.json`;
    const fail = (key: string, what: string, v: unknown): never => {
      throw new ValueError(oneLine(`${where}: "${key}" must be ${what}, got ${showValue(v)}`));
    };
    const obj = (key: string, v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : fail(key, 'an object', v));
    const m = obj('model', c.model);
    const int = (key: string, min: number, max: number): number => {
      const v = m[key];
      return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(`model.${key}`, `an integer in [${min}, ${max}]`, v);
    };
    const cell = LM_CELLS.includes(m.cell as LmCell) ? m.cell as LmCell : fail('model.cell', `one of ${LM_CELLS.join(', ')}`, m.cell);
    const V = int('vocabSize', 1, 10_000_000), E = int('embedDim', 0, 1 << 20), H = int('hiddenSize', 1, 1 << 20), L = int('numLayers', 1, 1024);
    const dropout = typeof m.dropout === 'number' && m.dropout >= 0 && m.dropout < 1 ? m.dropout : fail('model.dropout', 'a number in [0, 1)', m.dropout);
    const t = obj('tokenizer', c.tokenizer);
    if (t.level !== 'char' && t.level !== 'word') fail('tokenizer.level', '"char" or "word"', t.level);
    if (t.lang !== 'zh' && t.lang !== 'en') fail('tokenizer.lang', '"zh" or "en"', t.lang);
    if (typeof t.lowercase !== 'boolean') fail('tokenizer.lowercase', 'true or false', t.lowercase);
    const v = obj('vocab', c.vocab);
    if (!Array.isArray(v.tokens) || v.tokens.length !== V) fail('vocab.tokens', `a list of ${V} tokens (model.vocabSize)`, Array.isArray(v.tokens) ? `${v.tokens.length} tokens` : v.tokens);
    const params = lmParameters(cell, V, E, H, L);
    checkMemory(`${where}: a ${cell} language model with vocabulary ${V}, embedding ${E}, hidden ${H}, ${L} layer${L === 1 ? '' : 's'} (${params} parameters)`, params * 4 * 2);
    const vocab = Vocab.fromJSON(v);
    const bytes = weights();
    if (bytes.byteLength < params * 4) throw new ValueError(`${opts.source ?? 'model'}: the weights file has ${bytes.byteLength} bytes, too few for the ${params} float32 parameters config.json describes`);
    const tensors = loadSafetensorsBytes(bytes, `${opts.source ?? 'model'}/weights`).tensors;
    for (const [k, x] of Object.entries(tensors)) {
      if (!x.data.every(Number.isFinite)) throw new ValueError(`${opts.source ?? 'model'}: weight "${k}" holds non-finite values (NaN or ±Inf); refusing a model that cannot generate`);
    }
    const model = new RNNLM(V, { cell, hiddenSize: H, numLayers: L, embedDim: E, dropout, generator: new Generator(0) });
    try {
      model.loadStateDict(tensors);
    } catch (e) {
      throw new ValueError(`${opts.source ?? 'model'}: the weights do not fit config.json: ${(e as Error).message.split(/[\n\r\u2028\u2029]/)[0]}`);
    }
    const training = c.training !== null && typeof c.training === 'object' ? c.training as Record<string, unknown> : {};
    return new TextLM(model, vocab, { level: t.level as LmLevel, lang: t.lang as 'zh' | 'en', lowercase: t.lowercase as boolean }, { training, wordTokenizer: opts.wordTokenizer });
  }
}

/** Parameters of an RNNLM: embedding (E > 0), L recurrent layers of g gates (1, 4, 3), the head. */
export function lmParameters(cell: LmCell, V: number, E: number, H: number, L: number): number {
  const g = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const I = E > 0 ? E : V;
  return (E > 0 ? V * E : 0) + g * H * (I + H) + 2 * g * H + (L - 1) * (g * H * 2 * H + 2 * g * H) + H * V + V;
}
