// tokenize: English words (wink-nlp), characters, and Chinese words (jieba-wasm or Intl.Segmenter),
// with mixed Chinese/English text split into script runs so each run goes to the right tokenizer.
import { segmentChineseRuns, type Segmenter } from './segment.js';
import { englishInto, type TokenSink } from './english.js';
import { ValueError } from '../errors.js';

export type Lang = 'en' | 'zh' | 'auto';

export interface TokenizeOptions {
  /** 'en': English only; 'zh': Chinese runs are segmented, other runs tokenized as English; 'auto' (default): 'zh' when the text contains Han characters. */
  lang?: Lang;
  /** 'word' (default) or 'char' (every non-space code point is a token). */
  mode?: 'word' | 'char';
  /** Chinese segmenter: 'jieba' (default, jieba-wasm) or 'intl' (Intl.Segmenter, zero-dependency, ICU-dependent). */
  segmenter?: Segmenter;
  /** jieba's HMM for out-of-dictionary words. Default true. */
  hmm?: boolean;
  /** Words that are always one token (Chinese or English), matched longest first before segmentation. */
  userDict?: string[];
  /** Lower-case every token. Default false. */
  lowercase?: boolean;
  /** Keep punctuation/symbol tokens. Default true. */
  punctuation?: boolean;
  /** 'split' (default): they'd → they 'd, weren't → were n't; 'keep': re-join clitics to their word. */
  contractions?: 'split' | 'keep';
  /** 'keep' (default): state-of-the-art is one token; 'split': words and '-' are separate tokens. */
  hyphens?: 'keep' | 'split';
  /** Emit English lemmas instead of surface forms (wink-nlp, context-aware). Default false. */
  lemma?: boolean;
}

const LANGS: readonly string[] = ['en', 'zh', 'auto'];
const RE_HAN = /\p{Script=Han}/u;
// A "Chinese run": Han characters plus CJK and full-width punctuation between them.
const RE_ZH_RUN = /[\p{Script=Han}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]+/gu;
const RE_PUNCT_ONLY = /^[\p{P}\p{S}]+$/u;

export function assertLang(lang: string, where: string): asserts lang is Lang {
  if (!LANGS.includes(lang)) throw new ValueError(`${where}: unknown language '${lang}' (expected zh, en or auto)`);
}

/**
 * Tokenize one text. Whitespace never appears in a token, except inside a user-dictionary entry.
 * Time is linear in the length of the text, whatever it holds: for English, a run of more than
 * 128 characters without whitespace (MAX_RUN in english.ts) is cut into pieces of at most 128,
 * after a delimiter such as ',' or '"' where there is one, so no English token is longer than 128
 * characters; Intl.Segmenter reads Chinese runs longer than 1,024 characters in overlapping
 * windows (segment.ts). Shorter runs are tokenized as a whole, as they always were.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  if (typeof text !== 'string') throw new ValueError(`tokenize: expected a string, got ${typeof text}`);
  const lang = options.lang ?? 'auto';
  assertLang(lang, 'tokenize');
  const mode = options.mode ?? 'word';
  if (mode !== 'word' && mode !== 'char') throw new ValueError(`tokenize: unknown mode '${String(mode)}' (expected word or char)`);

  let tokens: string[] = [];
  if (mode === 'char') {
    for (const ch of text) if (ch.trim() !== '') tokens.push(ch);
  } else {
    const parts: Part[] = [];
    const zh: ChineseRuns = { runs: [], words: [] };
    const dict = options.userDict?.filter((w) => w.length > 0) ?? [];
    if (dict.length === 0) {
      splitScripts(text, lang, parts, zh);
    } else {
      // Cut at user-dictionary matches first (longest alternative first ⇒ leftmost-longest).
      const alts = [...new Set(dict)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escapeRe);
      const re = new RegExp(alts.join('|'), 'gu');
      let last = 0;
      for (const m of text.matchAll(re)) {
        splitScripts(text.slice(last, m.index), lang, parts, zh);
        parts.push([m[0]]);
        last = m.index + m[0].length;
      }
      splitScripts(text.slice(last), lang, parts, zh);
    }
    const segmented = segmentChineseRuns(zh.runs, options.segmenter ?? 'jieba', options.hmm ?? true);
    for (let i = 0; i < segmented.length; i++) for (const w of segmented[i]) zh.words[i].push(w);
    // Each English part is tokenized on its own (no token or hyphen/clitic join crosses a part).
    // By wink-nlp's rules in englishTokens (wink-lexer.ts: no per-call cost, and a part's tokens
    // depend on that part alone); lemmas from wink's part-of-speech tagger where the context can
    // change them (englishLemmaTokens). Parts are read in order, after the Chinese runs, as wink
    // learns from what it reads (lemma mode).
    const joiner = new Joiner(options, tokens);
    for (const p of parts) {
      if (typeof p === 'string') {
        englishInto(p, options.lemma === true, joiner);
        joiner.end();
      } else {
        for (const w of p) tokens.push(w);
      }
    }
  }
  if (options.punctuation === false) tokens = tokens.filter((t) => !RE_PUNCT_ONLY.test(t));
  if (options.lowercase) tokens = tokens.map((t) => t.toLowerCase());
  return tokens;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A text for the English tokenizer, or finished tokens (a user-dictionary entry, Chinese words). */
type Part = string | string[];
/** Chinese runs, segmented all at once after splitting; `words[i]` is the part run i fills. */
interface ChineseRuns {
  runs: string[];
  words: string[][];
}

function splitScripts(text: string, lang: Lang, parts: Part[], zh: ChineseRuns): void {
  if (text.trim() === '') return;
  const chinese = lang === 'zh' || (lang === 'auto' && RE_HAN.test(text));
  if (!chinese) {
    parts.push(text);
    return;
  }
  let last = 0;
  for (const m of text.matchAll(RE_ZH_RUN)) {
    if (m.index > last) pushEnglishPart(text.slice(last, m.index), parts);
    const words: string[] = [];
    parts.push(words);
    zh.runs.push(m[0]);
    zh.words.push(words);
    last = m.index + m[0].length;
  }
  if (last < text.length) pushEnglishPart(text.slice(last), parts);
}

function pushEnglishPart(text: string, parts: Part[]): void {
  if (text.trim() !== '') parts.push(text);
}

/**
 * English tokens as they come, re-joined and pushed to `out`: word-word (no spaces between)
 * through '-' tokens (state - of - the - art → state-of-the-art) unless hyphens are split, and
 * clitics to their word when contractions are kept. A token at a time, so a part's tokens are never
 * all held at once: deciding a join needs at most the open group and one '-' after it.
 */
class Joiner implements TokenSink {
  private readonly useLemma: boolean;
  private readonly keepClitics: boolean;
  private readonly joinHyphens: boolean;
  /** The open group (surface and lemma), if any. */
  private surface: string | undefined;
  private lemma = '';
  /** An attached '-' after a wordy open group: joins if the next token is attached and wordy. */
  private hyphen: string | undefined;

  constructor(o: TokenizeOptions, private readonly out: string[]) {
    this.useLemma = o.lemma === true;
    this.keepClitics = o.contractions === 'keep';
    this.joinHyphens = (o.hyphens ?? 'keep') === 'keep';
  }

  push(text: string, attached: boolean, lemma = text): void {
    if (this.hyphen !== undefined) {
      const hyphenLemma = this.hyphen;
      this.hyphen = undefined;
      if (attached && isWordy(text)) {
        this.surface += '-' + text;
        this.lemma += '-' + lemma;
        return;
      }
      this.emit();
      this.surface = '-';
      this.lemma = hyphenLemma;
    }
    if (this.surface !== undefined) {
      if (this.joinHyphens && text === '-' && attached && isWordy(this.surface)) {
        this.hyphen = lemma;
        return;
      }
      if (this.keepClitics && attached && isClitic(text)) {
        this.surface += text;
        this.lemma += ' ' + lemma;
        return;
      }
      this.emit();
    }
    this.surface = text;
    this.lemma = lemma;
  }

  /** The end of a part: nothing joins across it. */
  end(): void {
    if (this.hyphen !== undefined) {
      this.emit();
      this.surface = '-';
      this.lemma = this.hyphen;
      this.hyphen = undefined;
    }
    if (this.surface !== undefined) this.emit();
    this.surface = undefined;
  }

  private emit(): void {
    const surface = this.surface as string;
    const out = this.out;
    if (this.useLemma) {
      // Lemmas joined with a kept clitic hold a space; the rest need no split() array.
      if (this.lemma.indexOf(' ') < 0) out.push(this.lemma);
      else for (const piece of this.lemma.split(' ')) out.push(piece);
    } else if (!this.joinHyphens && surface.length > 1 && surface.includes('-') && isWordy(surface)) {
      for (const piece of surface.split(/(-)/)) if (piece !== '') out.push(piece);
    } else {
      out.push(surface);
    }
  }
}

const RE_WORDY = /[\p{L}\p{N}]/u;
function isWordy(s: string): boolean {
  return RE_WORDY.test(s);
}
function isClitic(s: string): boolean {
  const l = s.toLowerCase();
  return l === "n't" || l === "'s" || l === "'d" || l === "'ll" || l === "'re" || l === "'ve" || l === "'m" || l === "’s";
}
