// English tokenization and lemmatization via wink-nlp with its lite web model (runs in browsers).
// The model costs ~0.3 s to load, so it is created lazily and shared.
//
// Two wink instances: tokens alone need none of wink's annotation pipe (sentence boundaries, NER,
// negation, sentiment, POS), and skipping it halves the time per token; lemmas are contextual and
// need the POS tagger, which reads no other annotation, so `['pos']` gives the lemmas of the full pipe.
//
// wink-nlp splits text on spaces, tabs and line breaks and then runs regexes over each
// whitespace-free run; several of them backtrack over the whole run (its URL pattern nests
// `(?:[a-z…\d]-*)*[a-z…\d]+`, its e-mail pattern and `isAbbrev`'s /[a-z].*\.$/ scan to the end from
// every position), so a run of L characters costs O(L²) to O(L³): 16,000 characters of 'http://'
// took 80 s. A run longer than MAX_RUN characters is therefore cut into pieces of at most MAX_RUN
// before wink reads it (`cutLongRuns`): a token is never longer than MAX_RUN, and runs up to that
// length — every ordinary word, number, e-mail address and most URLs — are read exactly as before.
import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { isModelLexeme, lexTokens, TokenBuffer, type TokenSink } from './wink-lexer.js';

export type { TokenSink };

type Nlp = ReturnType<typeof winkNLP>;
let tokenizer: Nlp | undefined;
let tagger: Nlp | undefined;

function getNlp(withLemmas: boolean): Nlp {
  if (withLemmas) return (tagger ??= winkNLP(model, ['pos']));
  return (tokenizer ??= winkNLP(model, []));
}

/** A token from wink-nlp with the information the tokenizer needs to re-join pieces. */
export interface WinkToken {
  text: string;
  /** The lemma when asked for (`winkTokens(text, true)`), otherwise the text. */
  lemma: string;
  /** true when no whitespace separates this token from the previous one. */
  attached: boolean;
}

/**
 * Tokenize English text with wink-nlp: contractions split (were/n't), U.S., e-mail, 3.5, emails kept whole.
 * `withLemmas` also tags parts of speech and fills `lemma` (were → be); otherwise `lemma` is the text.
 */
export function winkTokens(raw: string, withLemmas = false): WinkToken[] {
  const out = tokenObjects();
  readPieces(raw, (piece, attached, buf) => readInto(piece, attached, withLemmas, buf), out);
  return out.tokens;
}

/**
 * The tokens `winkTokens(raw)` gives, by wink-nlp's rules but without its document machinery
 * (wink-lexer.ts): 5-10x faster, and independent of what was read before. `lemma` is the text.
 */
export function englishTokens(raw: string): WinkToken[] {
  const out = tokenObjects();
  englishInto(raw, false, out);
  return out.tokens;
}

/**
 * `winkTokens(raw, true)`, faster where it can be shown to give the same: a piece of a run longer
 * than MAX_RUN (hostile input: punctuation, markup, junk without spaces) whose tokens all have a
 * lemma that no part of speech can change is not read by wink's tagger; its tokens come from
 * englishTokens and their lemmas from `contextFreeLemma`. Any other piece is read by wink-nlp, as
 * before: ordinary text rarely passes (a plural or a verb in every sentence), so it goes straight
 * to wink rather than pay for the check.
 */
export function englishLemmaTokens(raw: string): WinkToken[] {
  const out = tokenObjects();
  englishInto(raw, true, out);
  return out.tokens;
}

/** englishTokens (`withLemmas` false) or englishLemmaTokens, pushed to `sink`: no object per token. */
export function englishInto(raw: string, withLemmas: boolean, sink: TokenSink): void {
  readPieces(raw, withLemmas ? lemmaPiece : lexPiece, sink);
}

const lexPiece: PieceReader = (piece, attachedStart, out) => lexTokens(piece, attachedStart, out);

// A cut piece, or a text longer than CHECK_WHOLE read whole, goes to the sink only once its lemmas
// are known to be context-free (else wink reads it). A shorter text (a line of prose) goes straight
// to wink, as does a long one with a bare word whose lemma tagging may change (RE_BARE_WORD: 'sat'
// may be 'sit'), found before anything is lexed; either way the tokens and lemmas are wink's.
const CHECK_WHOLE = 8 * 128;
const lemmaPiece: PieceReader = (piece, attachedStart, sink, cut) => {
  if (!cut && (piece.length <= CHECK_WHOLE || needsTagger(piece.slice(0, 4 * CHECK_WHOLE)))) return readInto(piece, attachedStart, true, sink);
  if (!cut) {
    // A long text: checked as it is lexed, stopped at the first token that needs the tagger.
    const checked = new CheckedTokens();
    try {
      lexTokens(piece, attachedStart, checked, checked.seen);
    } catch (e) {
      if (e !== NEEDS_TAGGER) throw e;
      return readInto(piece, attachedStart, true, sink);
    }
    const out = checked.tokens;
    for (let k = 0; k < out.length; k++) sink.push(out.texts[k], out.attached[k], out.lemmas[k]);
    return;
  }
  // A cut piece has at most MAX_RUN tokens: a reused buffer.
  const out = pieceTokens;
  out.clear();
  const seen = { expansion: false };
  lexTokens(piece, attachedStart, out, seen);
  if (!seen.expansion) {
    let i = 0;
    for (; i < out.length; i++) {
      const lemma = contextFreeLemma(out.texts[i]);
      if (lemma === undefined) break;
      out.lemmas[i] = lemma;
    }
    if (i === out.length) {
      for (let k = 0; k < out.length; k++) sink.push(out.texts[k], out.attached[k], out.lemmas[k]);
      return;
    }
  }
  readInto(piece, attachedStart, true, sink);
};

const NEEDS_TAGGER = new Error('a lemma needs the tagger');

/** Tokens with their context-free lemmas; throws NEEDS_TAGGER at the first token without one. */
class CheckedTokens implements TokenSink {
  readonly tokens = new TokenBuffer();
  readonly seen = { expansion: false };

  push(text: string, attached: boolean): void {
    // lexTokens sets `seen` before it pushes a run's tokens, and pushes only after caching them.
    if (this.seen.expansion) throw NEEDS_TAGGER;
    const lemma = contextFreeLemma(text);
    if (lemma === undefined) throw NEEDS_TAGGER;
    this.tokens.push(text, attached, lemma);
  }
}

/**
 * A hint read from the start of a long text (a prefix, cut anywhere: it decides only whether to try
 * the whole-text check, which then decides alone): a bare word or a token that needs the tagger.
 * Without it, text whose lemmas need the tagger would pay a scan and a split of its whole length
 * before going to wink ('many short lines': ~0.3 CPU s/MB).
 */
function needsTagger(prefix: string): boolean {
  if (hasTaggedBareWord(prefix)) return true;
  try {
    const checked = new CheckedTokens();
    lexTokens(prefix, false, checked, checked.seen);
  } catch (e) {
    if (e !== NEEDS_TAGGER) throw e;
    return true;
  }
  return false;
}

// A word of ASCII letters between whitespace (or the text's ends). Only a hint: whether such a
// word is one token is wink's business; a word that fails here only sends the text to wink.
const RE_BARE_WORD = /(?<![^ \n\r\t])[A-Za-z]+(?![^ \n\r\t])/g;

/**
 * Whether a bare word of `text` has a lower case that some tagging changes (wink must read the
 * text). No wink document is read here: a word this lets through is checked in full later.
 */
function hasTaggedBareWord(text: string): boolean {
  RE_BARE_WORD.lastIndex = 0;
  for (let m = RE_BARE_WORD.exec(text); m !== null; m = RE_BARE_WORD.exec(text)) {
    const lower = m[0].toLowerCase();
    let tagged = taggedWords.get(lower);
    if (tagged === undefined) {
      tagged = !unchangedByTagging(lower);
      if (taggedWords.size >= LEMMA_CACHE_SIZE) taggedWords.clear();
      taggedWords.set(lower, tagged);
    }
    if (tagged) return true;
  }
  return false;
}

function tokenObjects(): TokenSink & { tokens: WinkToken[] } {
  const tokens: WinkToken[] = [];
  return { tokens, push: (text, attached, lemma = text) => void tokens.push({ text, lemma, attached }) };
}

// wink-nlp's lemma of a token (its.lemma): a contraction's expansion has a fixed lemma; a word with
// a single lemma in the lexicon (isSLemma) has that one; otherwise the model's `lemmatize(normal,
// pos)`, and only that step reads the part of speech. `lemmatize` changes a word only through its
// WordNet exception lists and suffix rules (-s, -es, -ies, -ed, -ing, -er, -est, -men), and those
// apply only when the tagger says ADJ, NOUN or VERB and (for suffixes) the shorter form has that
// part of speech in the lexicon. Called with a lexicon that says yes to every such question, a
// normal that comes back unchanged for ADJ, NOUN and VERB is unchanged for every tagging: the
// token's lemma is the same in any context, and wink reading the token alone gives it. A token
// outside the model's lexicon whose lower case is outside it too has no single lemma and no mapped
// spelling in wink (cache.js: such properties of out-of-vocabulary lexemes are 0), and its normal is
// its lower case: that is then its lemma, with no need to ask wink.
const LEMMA_CACHE_SIZE = 1 << 16;
const lemmaCache = new Map<string, string | null>();
/** Lower-case words: whether some tagging changes them (hasTaggedBareWord). */
const taggedWords = new Map<string, boolean>();
const sayYes = { hasSamePOS: () => true };

/** Forget the lemmas found so far (benchmarks time first reads with it). */
export function clearLemmaCache(): void {
  lemmaCache.clear();
  taggedWords.clear();
}

/** The token's lemma if no context can change it (see above), else undefined. Cached. */
function contextFreeLemma(token: string): string | undefined {
  let lemma = lemmaCache.get(token);
  if (lemma === undefined) {
    lemma = readContextFreeLemma(token);
    if (lemmaCache.size >= LEMMA_CACHE_SIZE) lemmaCache.clear();
    lemmaCache.set(token, lemma);
  }
  return lemma ?? undefined;
}

function readContextFreeLemma(token: string): string | null {
  const lower = token.toLowerCase();
  if (!isModelLexeme(token) && !isModelLexeme(lower)) return unchangedByTagging(lower) ? lower : null;
  // Most words whose lemma tagging changes are caught here, without a wink document. A word this
  // turns away (its normal could in principle be a mapped spelling that tagging leaves alone) only
  // goes to wink's tagger: wink's lemmas are the reference either way.
  if (!unchangedByTagging(lower)) return null;
  const n = getNlp(true);
  const its = n.its as unknown as Record<string, ItsFunction<unknown>>;
  const doc = n.readDoc(token);
  if (doc.tokens().length() !== 1) return null;
  const [value] = doc.tokens().out(its.value) as string[];
  const [contraction] = doc.tokens().out(its.contractionFlag) as boolean[];
  if (value !== token || contraction) return null;
  const [normal] = doc.tokens().out(its.normal) as string[];
  if (!unchangedByTagging(normal)) return null;
  return (doc.tokens().out(its.lemma) as string[])[0];
}

const lemmatizeAs = (model as unknown as { addons: { lemmatize: (v: string, pos: string, cache: typeof sayYes) => string } }).addons.lemmatize;

function unchangedByTagging(normal: string): boolean {
  return lemmatizeAs(normal, 'ADJ', sayYes) === normal && lemmatizeAs(normal, 'NOUN', sayYes) === normal && lemmatizeAs(normal, 'VERB', sayYes) === normal;
}

/** `cut`: the text had a run longer than MAX_RUN, so it comes in pieces. */
type PieceReader = (piece: string, attachedStart: boolean, sink: TokenSink, cut: boolean) => void;

// The tokens of a cut piece in lemma mode, held until their lemmas are checked. Reused: a cut
// piece has at most MAX_RUN tokens. Other pieces go straight to the sink.
const pieceTokens = new TokenBuffer();

function readPieces(raw: string, read: PieceReader, sink: TokenSink): void {
  const text = raw.replace(RE_OTHER_SPACE, ' ');
  if (text.length <= MAX_RUN) {
    read(text, false, sink, false); // no run to cut
    return;
  }
  const cuts = cutLongRuns(text);
  let from = 0;
  for (const cut of cuts) {
    read(text.slice(from, cut), from > 0, sink, true);
    from = cut;
  }
  read(text.slice(from), from > 0, sink, cuts.length > 0);
}

// wink splits on spaces, no-break spaces, tabs and line breaks (its `splitter` helper); other
// whitespace (U+3000, U+2028, \v, \f, …) would end up inside tokens, so it becomes a space first.
const RE_OTHER_SPACE = /[^\S \u00a0\u2002-\u2005\u2009\u200a\u202f\u205f\n\r\t]/g;

function readInto(text: string, attachedStart: boolean, withLemmas: boolean, out: TokenSink): void {
  const n = getNlp(withLemmas);
  const its = n.its;
  const doc = n.readDoc(text);
  const texts = doc.tokens().out(its.value) as string[];
  const lemmas = withLemmas ? doc.tokens().out(its.lemma as unknown as ItsFunction<string>) as string[] : texts;
  const spaces = doc.tokens().out(its.precedingSpaces as unknown as ItsFunction<string>) as string[]; // wink's typings reject these its-functions
  // wink returns line breaks and tabs as tokens ('\n', '\t') and U+0085 as an empty one: dropped,
  // and the token after them is not attached.
  let afterSpace = !attachedStart;
  for (let i = 0; i < texts.length; i++) {
    if (texts[i].trim() === '') {
      afterSpace = true;
      continue;
    }
    out.push(texts[i], !afterSpace && spaces[i] === '', lemmas[i]);
    afterSpace = false;
  }
}

/** The longest whitespace-free run wink-nlp reads whole (characters, i.e. UTF-16 code units). */
export const MAX_RUN = 128;
const RE_LONG_RUN = /\S{129,}/g;
const RE_WORD_START = /[\p{L}\p{N}]/u;
// Delimiters wink never glues to a neighbouring word (CSV, JSON, code): a cut after one of them
// before a letter or digit splits no token. Not '.', '-', apostrophes, '@', '/', ':' and the like,
// which join numbers, abbreviations, clitics, e-mail addresses and URLs.
const DELIMITERS = new Set([',', ';', '"', '(', ')', '[', ']', '{', '}', '|']);

/**
 * Where to cut `text` so that no whitespace-free run is longer than MAX_RUN. A piece ends at the last
 * delimiter-then-word boundary in the second half of its window of MAX_RUN characters or, without
 * one, at MAX_RUN characters (one less rather than split a surrogate pair). Deterministic: it
 * depends on the text alone.
 */
export function cutLongRuns(text: string): number[] {
  const cuts: number[] = [];
  RE_LONG_RUN.lastIndex = 0;
  for (let m = RE_LONG_RUN.exec(text); m !== null; m = RE_LONG_RUN.exec(text)) {
    const end = m.index + m[0].length;
    let a = m.index;
    while (end - a > MAX_RUN) {
      let cut = -1;
      for (let c = a + MAX_RUN; c > a + MAX_RUN / 2; c--) {
        if (DELIMITERS.has(text[c - 1]) && RE_WORD_START.test(text[c])) {
          cut = c;
          break;
        }
      }
      if (cut < 0) cut = isSurrogatePair(text, a + MAX_RUN - 1) ? a + MAX_RUN - 1 : a + MAX_RUN;
      cuts.push(cut);
      a = cut;
    }
  }
  return cuts;
}

function isSurrogatePair(s: string, i: number): boolean {
  const hi = s.charCodeAt(i);
  const lo = s.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

/**
 * Lemmatize a token list (wink-nlp, context-aware: were → be, geese → goose, n't → not).
 * Tokens are re-read as one sentence so part-of-speech context is used; when wink splits the
 * joined text differently from the input, the tokens are lemmatized one by one instead.
 */
export function lemmatize(tokens: string[]): string[] {
  if (tokens.length === 0) return [];
  const wt = winkTokens(tokens.join(' '), true);
  if (wt.length === tokens.length && wt.every((t, i) => t.text === tokens[i])) return wt.map((t) => t.lemma);
  return tokens.map((tok) => {
    const one = winkTokens(tok, true);
    return one.length === 1 ? one[0].lemma : tok;
  });
}
