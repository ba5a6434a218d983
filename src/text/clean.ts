// clean: normalise raw text before tokenization. Each rule is a switch; the order is fixed
// (NFKC → HTML → URLs → e-mails → emoji → control → user rules → digits → punctuation →
// lowercase → whitespace) so that, e.g., a URL is removed before punctuation stripping could
// break it into words.

import { ValueError } from '../errors.js';
/** A user rule: every match of `pattern` is replaced by `replacement` (default: a space). */
export interface CleanRule {
  pattern: RegExp | string;
  replacement?: string;
}

export interface CleanOptions {
  /** Unicode NFKC: full-width → half-width (ＡＢＣ１２３ → ABC123, ， → ,), ligatures, compatibility forms. Default true. */
  nfkc?: boolean;
  /** Strip HTML/XML tags, <script>/<style> bodies and comments; decode character entities. Default true. */
  html?: boolean;
  /** Remove http(s)/ftp URLs and bare www. addresses. Default true. */
  urls?: boolean;
  /** Remove e-mail addresses. Default true. */
  emails?: boolean;
  /** Remove emoji (Extended_Pictographic, flags, skin tones, ZWJ, variation selectors, keycaps). Default true. */
  emoji?: boolean;
  /** Remove control and format characters (Cc, Cf) other than whitespace. Default true. */
  control?: boolean;
  /** Remove decimal digits. Default false. */
  digits?: boolean;
  /** Replace punctuation and symbols (Unicode P and S) by spaces. Default false. */
  punctuation?: boolean;
  /** Lower-case (locale-independent). Default false. */
  lowercase?: boolean;
  /** Collapse runs of whitespace to one space and trim. Default true. */
  whitespace?: boolean;
  /** User rules, applied in order after the built-in removals and before digits/punctuation. */
  rules?: CleanRule[];
}

const RE_SCRIPT = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const RE_COMMENT = /<!--[\s\S]*?-->/g;
const RE_TAG = /<\/?[A-Za-z][^<>]*>/g;
const RE_ENTITY = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g;
const RE_URL = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'，。、！？「」（）]+/giu;
const RE_EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const RE_EMOJI =
  /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u200D\uFE0E\uFE0F\u20E3\u{E0020}-\u{E007F}]/gu;
const RE_CONTROL = /[^\P{Cc}\t\n\r\f\v]|\p{Cf}/gu;
const RE_DIGIT = /\p{Nd}/gu;
const RE_PUNCT = /[\p{P}\p{S}]/gu;
const RE_SPACE = /\s+/gu;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
};

function decodeEntity(match: string, body: string): string {
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  }
  return NAMED_ENTITIES[body] ?? match;
}

/** Normalise one string according to `options` (defaults: everything except digits, punctuation, lowercase). */
export function clean(text: string, options: CleanOptions = {}): string {
  if (typeof text !== 'string') throw new ValueError(`clean: expected a string, got ${typeof text}`);
  const o = { nfkc: true, html: true, urls: true, emails: true, emoji: true, control: true,
    digits: false, punctuation: false, lowercase: false, whitespace: true, ...options };
  let s = text;
  if (o.nfkc) s = s.normalize('NFKC');
  if (o.html) {
    s = s.replace(RE_SCRIPT, ' ').replace(RE_COMMENT, ' ').replace(RE_TAG, ' ').replace(RE_ENTITY, decodeEntity);
  }
  if (o.urls) s = s.replace(RE_URL, ' ');
  if (o.emails) s = s.replace(RE_EMAIL, ' ');
  if (o.emoji) s = s.replace(RE_EMOJI, '');
  if (o.control) s = s.replace(RE_CONTROL, '');
  for (const rule of o.rules ?? []) {
    const re = typeof rule.pattern === 'string' ? new RegExp(rule.pattern, 'gu') : globalize(rule.pattern);
    s = s.replace(re, rule.replacement ?? ' ');
  }
  if (o.digits) s = s.replace(RE_DIGIT, '');
  if (o.punctuation) s = s.replace(RE_PUNCT, ' ');
  if (o.lowercase) s = s.toLowerCase();
  if (o.whitespace) s = s.replace(RE_SPACE, ' ').trim();
  return s;
}

function globalize(re: RegExp): RegExp {
  return re.global ? re : new RegExp(re.source, re.flags + 'g');
}

/** The JSON form of a rule list (RegExp → {source, flags}), for Pipeline serialization. */
export function rulesToJSON(rules: CleanRule[] | undefined): { pattern: string; flags: string; replacement?: string }[] | undefined {
  return rules?.map((r) => ({
    pattern: typeof r.pattern === 'string' ? r.pattern : r.pattern.source,
    flags: typeof r.pattern === 'string' ? 'gu' : globalize(r.pattern).flags,
    ...(r.replacement === undefined ? {} : { replacement: r.replacement }),
  }));
}

export function rulesFromJSON(rules: { pattern: string; flags: string; replacement?: string }[] | undefined): CleanRule[] | undefined {
  return rules?.map((r) => ({ pattern: new RegExp(r.pattern, r.flags), ...(r.replacement === undefined ? {} : { replacement: r.replacement }) }));
}
