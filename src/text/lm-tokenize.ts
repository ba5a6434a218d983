// Text ↔ tokens for language models: char- or word-level tokens with line breaks kept as a
// token, the inverse join, and a corpus with its deterministic vocabulary. Browser-safe; the word
// tokenizer is passed in so this file (part of the core bundle through models) stays light.
import { ValueError } from '../errors.js';
import { Vocab } from './vocab.js';

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
