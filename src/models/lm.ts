// A trained language model with its vocabulary and tokenizer: text in, text out. The pieces live
// in their own files: the module (./rnnlm.ts), sampling and generation (./generate.ts),
// tokenization and the corpus (../text/lm-tokenize.ts); saving and loading is ../io/lm-config.ts.
import type { VocabJSON, Vocab } from '../text/vocab.js';
import { lmDetokenize, lmTokenize, type LmTokenizer, type WordTokenizer } from '../text/lm-tokenize.js';
import { UserError, ValueError } from '../errors.js';
import { generateIds, type GenerateOptions } from './generate.js';
import type { LmModelConfig, RNNLM } from './rnnlm.js';

/** Raised when a prefix holds tokens the model never saw; `tokens` lists them (first occurrence order). */
export class UnknownTokenError extends UserError {
  constructor(message: string, readonly tokens: string[]) {
    super(message);
    this.name = 'UnknownTokenError';
  }
}

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

/** A model with its vocabulary and tokenizer: text in, text out (saved and loaded by io's lmToConfig / lmFromConfig). */
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
}
