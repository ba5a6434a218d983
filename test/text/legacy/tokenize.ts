// tokenize: English words (wink-nlp), characters, and Chinese words (jieba-wasm or Intl.Segmenter),
// with mixed Chinese/English text split into script runs so each run goes to the right tokenizer.
import { segmentChineseRuns, type Segmenter } from './segment.js';
import { englishLemmaTokens, englishTokens, type WinkToken } from './english.js';
import { ValueError } from '../../../src/errors.js';

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
    // change them (englishLemmaTokens).
    const english = parts.filter((p): p is string => typeof p === 'string');
    const wink = english.map(options.lemma === true ? englishLemmaTokens : englishTokens);
    let k = 0;
    for (const p of parts) {
      if (typeof p === 'string') pushEnglish(wink[k++], options, tokens);
      else for (const w of p) tokens.push(w);
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

function pushEnglish(wt: WinkToken[], o: TokenizeOptions, out: string[]): void {
  const useLemma = o.lemma === true;
  const keepClitics = o.contractions === 'keep';
  const joinHyphens = (o.hyphens ?? 'keep') === 'keep';
  let i = 0;
  while (i < wt.length) {
    let surface = wt[i].text;
    let lemma = wt[i].lemma;
    let j = i + 1;
    for (;;) {
      // word-word (no spaces between) joined through '-' tokens, e.g. state - of - the - art.
      if (joinHyphens && j + 1 < wt.length && wt[j].text === '-' && wt[j].attached && wt[j + 1].attached && isWordy(surface) && isWordy(wt[j + 1].text)) {
        surface += '-' + wt[j + 1].text;
        lemma += '-' + wt[j + 1].lemma;
        j += 2;
        continue;
      }
      if (keepClitics && j < wt.length && wt[j].attached && isClitic(wt[j].text)) {
        surface += wt[j].text;
        lemma += ' ' + wt[j].lemma;
        j += 1;
        continue;
      }
      break;
    }
    if (useLemma) {
      for (const piece of lemma.split(' ')) out.push(piece);
    } else if (!joinHyphens && surface.length > 1 && surface.includes('-') && isWordy(surface)) {
      for (const piece of surface.split(/(-)/)) if (piece !== '') out.push(piece);
    } else {
      out.push(surface);
    }
    i = j;
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
