// English tokens by wink-nlp's own rules, without wink's document machinery (issue 8: 1 MB of any
// text tokenized in under 1 s).
//
// A port of wink-nlp 2.x's `tokenizer.js` and `recursive-tokenizer.js`, driven by the same model
// data: the regexes (`trex`), the hyphenation exceptions (`preserve`), the lexicon and the
// contraction expansions of `wink-eng-lite-web-model`. Two things differ from reading text with
// `nlp.readDoc`:
//
// - wink adds every out-of-vocabulary token it meets to its lexicon, for the life of the process,
//   and its tokenizer asks that lexicon whether a piece "is a lexeme" (keep `foo-bar` whole, keep
//   the part before a trailing '.'); so what wink makes of a run depends on everything it read
//   before, and its memory grows with every new token (a 1 MB hostile line adds up to a million
//   lexemes). Here a lexeme is a word of the model's own lexicon, never one seen earlier: the tokens
//   of a whitespace-free run depend on that run alone. That makes each run's tokens cacheable
//   (RUN_CACHE) and any text's tokens independent of what was tokenized before.
// - Every new token costs wink a lexicon entry (features extracted and packed), ~2 µs; here it costs
//   an array slot. On the Brown news fixture both give the same tokens (test/text/wink-lexer.test.ts).
import model from 'wink-eng-lite-web-model';

type Rule = [re: RegExp, category: number];

interface Lexicon {
  /** Regexes that give a whole run its category (`ltc`), in wink's order. */
  ltc: Rule[];
  /** Regexes that cut a run into tokens, one level of recursion each (`rtc`). */
  rtc: Rule[];
  anyWithRP: RegExp;
  anyWithLP: RegExp;
  lpAnyRP: RegExp;
  splitter: RegExp;
  /** Word → its index in the model's lexicon (intrinsic lexemes only). */
  index: Lexemes;
  /** Index → the texts a contraction expands to (can't → ca, n't), or undefined. */
  expansion: (index: number) => string[] | undefined;
  prefix: Record<string, boolean>;
  suffix: Record<string, boolean>;
  cat: { unk: number; word: number; punctuation: number; wordRP: number };
}

interface CoreModel {
  trex: {
    ltc: [string, string, number][];
    rtc: [string, string, number][];
    helpers: Record<string, [string, string]>;
  };
  features: { lexeme: { list: string[]; intrinsicSize: number } };
  packing: { size: number; layout: Record<string, number[]> };
  lexicon: Uint32Array;
  xpansions: number[] | Uint32Array;
  preserve: { prefix: Record<string, boolean>; suffix: Record<string, boolean> };
  tcat: { hash: Record<string, number> };
}

/**
 * The model's words, with a Bloom filter in front of the map: hostile text asks about a word that
 * is not there several times per token, and a miss in a map of the lexicon's size costs a cache
 * miss or two (~250 ns on a loaded machine), the filter's two bits far less. A filter answers only
 * "certainly not" or "ask the map", so lookups give what the map gives.
 */
class Lexemes {
  private readonly map = new Map<string, number>();
  private readonly bits = new Int32Array(LEXEME_BITS >>> 5);
  private maxLength = 0;

  set(word: string, i: number): void {
    this.map.set(word, i);
    const h = hashWord(word);
    this.bits[(h & LEXEME_MASK) >>> 5] |= 1 << (h & 31);
    const h2 = Math.imul(h, 0x9e3779b1) >>> 7;
    this.bits[(h2 & LEXEME_MASK) >>> 5] |= 1 << (h2 & 31);
    this.maxLength = Math.max(this.maxLength, word.length);
  }

  get(word: string): number | undefined {
    if (word.length > this.maxLength) return undefined;
    const h = hashWord(word);
    if ((this.bits[(h & LEXEME_MASK) >>> 5] & (1 << (h & 31))) === 0) return undefined;
    const h2 = Math.imul(h, 0x9e3779b1) >>> 7;
    if ((this.bits[(h2 & LEXEME_MASK) >>> 5] & (1 << (h2 & 31))) === 0) return undefined;
    return this.map.get(word);
  }

  has(word: string): boolean {
    return this.get(word) !== undefined;
  }
}

const LEXEME_BITS = 1 << 21;
const LEXEME_MASK = LEXEME_BITS - 1;

/** FNV-1a over the UTF-16 code units. */
function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

let lexicon: Lexicon | undefined;

// wink-nlp's constants.js: an expansion is 4 numbers (lexeme, normal, lemma, pos); a contraction's
// lemma field holds a pointer (14 bits) and a count (5 bits) into the expansions.
const XP_SIZE = 4;
const XC_MASK = 0x1f;
const BITS4XP_POINTER = 14;

function getLexicon(): Lexicon {
  if (lexicon) return lexicon;
  // core() parses a private copy of the model (~0.2 s, once): wink's instances never touch it.
  const core = (model as unknown as { core: () => CoreModel }).core();
  const rules = (list: [string, string, number][]): Rule[] => list.map(([src, flags, c]) => [new RegExp(src, flags), c]);
  const helper = (name: string) => new RegExp(core.trex.helpers[name][0], core.trex.helpers[name][1]);
  const { list, intrinsicSize } = core.features.lexeme;
  const index = new Lexemes();
  for (let i = 0; i < intrinsicSize; i++) index.set(list[i], i);
  const { lexicon: packed, xpansions } = core;
  const pk = core.packing.size;
  const [cWord, cMask, cShift] = core.packing.layout.isContraction;
  const [lWord, lMask, lShift] = core.packing.layout.lemma;
  const expansion = (i: number): string[] | undefined => {
    if (((packed[cWord + i * pk] & cMask) >>> cShift) === 0) return undefined;
    const lemma = (packed[lWord + i * pk] & lMask) >>> lShift;
    const cx = lemma & 0x3fff;
    const cc = (lemma & (XC_MASK << BITS4XP_POINTER)) >> BITS4XP_POINTER;
    const out: string[] = [];
    for (let k = 0; k < cc; k += XP_SIZE) out.push(list[xpansions[cx + k]]);
    return out;
  };
  const h = core.tcat.hash;
  lexicon = {
    ltc: rules(core.trex.ltc),
    rtc: rules(core.trex.rtc),
    anyWithRP: helper('anyWithRP'),
    anyWithLP: helper('anyWithLP'),
    lpAnyRP: helper('LPanyRP'),
    splitter: helper('splitter'),
    index,
    expansion,
    prefix: core.preserve.prefix,
    suffix: core.preserve.suffix,
    cat: { unk: h.unk, word: h.word, punctuation: h.punctuation, wordRP: h.wordRP },
  };
  return lexicon;
}

/**
 * Tokens as parallel arrays, for a buffer that is reused from call to call: token i is `texts[i]`,
 * its lemma `lemmas[i]` (the text unless a lemmatizer filled it) and whether it is glued to the
 * previous one, `attached[i]`; `length` tokens are valid. An object per token, or arrays grown
 * anew for every text, cost more than cutting the tokens (a 1 MB line of punctuation is a million
 * tokens: 0.5 of 1.1 CPU s went to allocating and collecting them).
 */
/** Where tokens go, in order: `attached` when nothing separates a token from the previous one. */
export interface TokenSink {
  push(text: string, attached: boolean, lemma?: string): void;
}

export class TokenBuffer implements TokenSink {
  readonly texts: string[] = [];
  readonly lemmas: string[] = [];
  readonly attached: boolean[] = [];
  length = 0;

  push(text: string, attached: boolean, lemma = text): void {
    const n = this.length++;
    this.texts[n] = text;
    this.lemmas[n] = lemma;
    this.attached[n] = attached;
  }

  /** Empty it; past `keep` slots it lets go of its arrays, and of the strings in them. */
  clear(keep = 1 << 12): void {
    if (this.texts.length > keep) this.texts.length = this.lemmas.length = this.attached.length = 0;
    this.length = 0;
  }
}

// Tokens of each whitespace-free run already read (a run's tokens depend on the run alone; english.ts
// gives no run longer than MAX_RUN). Bounded: emptied when full, so memory stays flat whatever the
// input. A blank token (wink's tokens for line
// breaks and tabs, and U+0085) is stored as '' and marks a break.
const RUN_CACHE_SIZE = 1 << 16;
const runCache = new Map<string, string[]>();
// Runs with a contraction's expansion among their tokens (can't → ca n't): their tokens carry
// wink's fixed lemmas, which lemma mode must take from wink (english.ts).
const expandedRuns = new Set<string[]>();

// wink's `splitter` helper cuts at these; a text without any is one run (no split() array).
const RE_SPLITS = /[ \u00a0\u2002-\u2005\u2009\u200a\u202f\u205f\n\r\t]/;

/**
 * Append the tokens of `text` to `out`, exactly as wink-nlp's tokenizer cuts them with a lexicon
 * that holds only the model's words (see the header) and as english.ts reads wink's output: line
 * breaks and tabs are dropped, and a token is `attached` when neither spaces nor a line break
 * separate it from the previous one (the first token: when `attachedStart`). No run is cut: the
 * caller bounds run lengths (english.ts). The lemma is the text.
 */
export function lexTokens(text: string, attachedStart: boolean, out: TokenSink, seen?: { expansion: boolean }): void {
  const lx = getLexicon();
  if (!RE_SPLITS.test(text)) {
    if (text !== '') lexRun(lx, text, !attachedStart, out, seen);
    return;
  }
  const raw = text.split(lx.splitter);
  let afterSpace = !attachedStart;
  for (let r = 0; r < raw.length; r++) {
    const t = raw[r];
    if (t === '') continue;
    if (t.charCodeAt(0) === 32 || RE_NBSP.test(t)) {
      afterSpace = true;
      continue;
    }
    afterSpace = lexRun(lx, t, afterSpace, out, seen);
  }
}

/** The tokens of one run (cached); returns whether the next token follows a break. */
function lexRun(lx: Lexicon, t: string, afterSpace: boolean, out: TokenSink, seen: { expansion: boolean } | undefined): boolean {
  let texts = runCache.get(t);
  if (texts === undefined) {
    texts = [];
    const expanded = readRun(lx, t, texts);
    for (let i = 0; i < texts.length; i++) if (texts[i].trim() === '') texts[i] = '';
    if (runCache.size >= RUN_CACHE_SIZE) clearRunCache();
    runCache.set(t, texts);
    if (expanded) expandedRuns.add(texts);
    if (seen && expanded) seen.expansion = true;
  } else if (seen && expandedRuns.has(texts)) {
    seen.expansion = true;
  }
  for (let i = 0; i < texts.length; i++) {
    const s = texts[i];
    if (s === '') {
      afterSpace = true;
      continue;
    }
    out.push(s, !afterSpace);
    afterSpace = false;
  }
  return afterSpace;
}

/** Whether `word` is in the model's own lexicon (never a word learnt from text). */
export function isModelLexeme(word: string): boolean {
  return getLexicon().index.has(word);
}

/** Forget the runs read so far (benchmarks time first reads with it). */
export function clearRunCache(): void {
  runCache.clear();
  expandedRuns.clear();
}

const RE_NBSP = /[\u00a0\u2002-\u2005\u2009\u200a\u202f\u205f]/;

// ------------------------------------------------------------------------------------------------
// tokenizer.js: one whitespace-free run.

let expandedAny = false;

/** Cut one run into `out`; true when a contraction was expanded. */
function readRun(lx: Lexicon, t: string, out: string[]): boolean {
  expandedAny = false;
  if (!addIfLexeme(lx, t, out)) process(lx, t, category(lx, t), out);
  return expandedAny;
}

/** wink's `_addTokenIfInCache`: a lexeme (or a contraction's expansion) is added as is. */
function addIfLexeme(lx: Lexicon, t: string, out: string[]): boolean {
  const i = lx.index.get(t);
  if (i === undefined) return false;
  const xp = lx.expansion(i);
  if (xp === undefined) {
    out.push(t);
  } else {
    for (const x of xp) out.push(x);
    expandedAny = true;
  }
  return true;
}

function category(lx: Lexicon, t: string): number {
  for (const [re, c] of lx.ltc) if (re.test(t)) return c;
  return lx.cat.unk;
}

function process(lx: Lexicon, t: string, cat: number, out: string[]): void {
  if (cat === lx.cat.unk) processUnk(lx, t, out);
  else if (cat === lx.cat.wordRP) processWordRP(t, out);
  else out.push(t);
}

function processWordRP(t: string, out: string[]): void {
  // `^[a-z]\.$` arrives here instead of as a short form.
  if (t.length === 2 && t[1] === '.') {
    out.push(t);
  } else {
    out.push(t.slice(0, -1), t.slice(-1));
  }
}

function processUnk(lx: Lexicon, t: string, out: string[]): void {
  let m = lx.anyWithRP.exec(t);
  if (m) {
    if (!addIfLexeme(lx, m[1], out)) {
      const c = category(lx, m[1]);
      if (c === lx.cat.unk) return recursive(lx, t, out);
      process(lx, m[1], c, out);
    }
    out.push(m[2]);
    return;
  }
  m = lx.anyWithLP.exec(t);
  if (m) {
    if (lx.index.has(m[2])) {
      out.push(m[1]);
      addIfLexeme(lx, m[2], out);
    } else {
      const c = category(lx, m[2]);
      if (c === lx.cat.unk) return recursive(lx, t, out);
      out.push(m[1]);
      process(lx, m[2], c, out);
    }
    return;
  }
  m = lx.lpAnyRP.exec(t);
  if (m) {
    if (lx.index.has(m[2])) {
      out.push(m[1]);
      addIfLexeme(lx, m[2], out);
      out.push(m[3]);
    } else {
      const c = category(lx, m[2]);
      if (c === lx.cat.unk) return recursive(lx, t, out);
      out.push(m[1]);
      process(lx, m[2], c, out);
      out.push(m[3]);
    }
    return;
  }
  recursive(lx, t, out);
}

// ------------------------------------------------------------------------------------------------
// recursive-tokenizer.js: the rtc regexes in turn; matches are tokens, the text between them goes
// on to the next regex, and what no regex matches is one token.

const RE_SHORT_FORM_DOT = /^(?:(?:[A-Z])(?:\.))+$/i;
const RE_SHORT_FORM = /^(?:(?:[A-Z])(?:\.))+[a-z]?$/i;
const RE_HYPHENS = /[-–—]/g;
const RE_PERIOD = /[.]/g;
const RE_NUMBER = /[0-9]/;

function recursive(lx: Lexicon, text: string, out: string[]): void {
  recurse(lx, text, 0, out);
}

// wink cuts the text with `match()` and `split()` into an array of pieces (the text between
// matches, then each match), then reads them in order. Here one `exec()` loop reads them as they
// are found: the rtc regexes have the g flag, no capture groups and no empty matches, so the exec
// matches are split()'s separators and match()'s results, and the text between them is split()'s
// pieces. A deeper level uses other regex objects, so this level's lastIndex survives the recursion.
function recurse(lx: Lexicon, text: string, level: number, out: string[]): void {
  for (; level < lx.rtc.length; level++) {
    const sentence = text.trim();
    const [re, cat] = lx.rtc[level];
    re.lastIndex = 0;
    let m = re.exec(sentence);
    // No match: wink's cut gives the trimmed text alone, for the next regex.
    if (m === null) {
      if (sentence === '') return;
      text = sentence;
      continue;
    }
    let from = 0;
    do {
      const between = sentence.slice(from, m.index).trim();
      if (between !== '') recurse(lx, between, level + 1, out);
      if (cat === lx.cat.word) pushWord(lx, m[0], out);
      else addToken(lx, m[0], out);
      from = m.index + m[0].length;
      m = re.exec(sentence);
    } while (m !== null);
    const rest = sentence.slice(from).trim();
    if (rest !== '') recurse(lx, rest, level + 1, out);
    return;
  }
  out.push(text); // the true unknown, untrimmed as in wink
}

/** A token a regex found: a lexeme (or its expansion) as in addIfLexeme, else as it is. */
function addToken(lx: Lexicon, t: string, out: string[]): void {
  if (!addIfLexeme(lx, t, out)) out.push(t);
}

function pushWord(lx: Lexicon, tkn: string, out: string[]): void {
  if (lx.index.has(tkn) || RE_SHORT_FORM_DOT.test(tkn)) {
    addToken(lx, tkn, out);
    return;
  }
  const periods = tkn.match(RE_PERIOD);
  if (periods === null) {
    pushHyphenated(lx, tkn, out);
    return;
  }
  const words = tkn.split(RE_PERIOD);
  const keeps = (s: string) => RE_SHORT_FORM.test(s) || (lx.index.has(s) && s.length > 2);
  let curr = '';
  let next = '';
  for (let i = 0; i < words.length; i++) {
    next = curr + words[i];
    if (keeps(next) || curr === '') {
      curr = next;
    } else {
      pushHyphenated(lx, curr, out);
      curr = words[i];
      next = '';
    }
    if (i < periods.length) {
      next = curr + periods[i];
      if (keeps(next)) {
        curr = next;
      } else {
        pushHyphenated(lx, curr, out);
        addToken(lx, periods[i], out);
        curr = '';
        next = '';
      }
    }
  }
  if (curr !== '') pushHyphenated(lx, curr, out);
}

function pushHyphenated(lx: Lexicon, tkn: string, out: string[]): void {
  if (lx.index.has(tkn) || RE_NUMBER.test(tkn)) {
    addToken(lx, tkn, out);
    return;
  }
  const hyphens = tkn.match(RE_HYPHENS);
  if (hyphens === null) {
    addToken(lx, tkn, out);
    return;
  }
  const words = tkn.split(RE_HYPHENS);
  if (lx.prefix[words[0]] || lx.suffix[words[words.length - 1]]) {
    addToken(lx, tkn, out);
    return;
  }
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== '') addToken(lx, words[i], out);
    if (i < hyphens.length) addToken(lx, hyphens[i], out);
  }
}
