// A language model's part of a model directory (./model-dir.ts): its config.json fields (tokenizer,
// model sizes, vocabulary, training record) and its weights as safetensors bytes, and the way back
// with every field validated before a tensor is built.
import { oneLine, showValue, ValueError } from '../errors.js';
import { checkMemory } from '../memory.js';
import { TextLM, type TextLMConfigJSON } from '../models/lm.js';
import { LM_CELLS, lmParameters, RNNLM, type LmCell } from '../models/rnnlm.js';
import { Generator } from '../tensor/random.js';
import type { LmLevel, WordTokenizer } from '../text/lm-tokenize.js';
import { Vocab } from '../text/vocab.js';
import { loadSafetensorsBytes, saveSafetensorsBytes } from './tensors.js';

/** The model's configuration (tokenizer, sizes, vocabulary, training record) and its weights as safetensors bytes. */
export function lmToConfig(lm: TextLM): { config: Pick<TextLMConfigJSON, 'tokenizer' | 'model' | 'vocab' | 'training'>; weights: Uint8Array } {
  return {
    config: { tokenizer: lm.tokenizer, model: lm.model.config(), vocab: lm.vocab.toJSON(), training: lm.training },
    weights: saveSafetensorsBytes(lm.model.stateDict(), { format: 'rnnkit-lm' }),
  };
}

/**
 * Rebuilds a TextLM from a parsed config (`lmToConfig(lm).config` plus the directory's marker
 * fields) and its weights, read only after every field is validated and the model's memory is
 * checked against the cap. `source` names the directory in errors.
 */
export function lmFromConfig(c: Record<string, unknown>, weights: () => Uint8Array, opts: { source?: string; wordTokenizer?: WordTokenizer } = {}): TextLM {
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
