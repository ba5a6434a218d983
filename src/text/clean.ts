// clean: normalise raw text before tokenization. Each rule is a switch; the order is fixed
// (NFKC → HTML → URLs → e-mails → emoji → control → user rules → digits → punctuation →
// lowercase → whitespace) so that, e.g., a URL is removed before punctuation stripping could
// break it into words.
//
// Every built-in step is linear in the length of the text, whatever the text (issue 8: a 42,000-
// character line of Chinese took 34 s here). A backtracking regex that scans ahead from each
// start position and then fails — `[class]+@…` over a long run of letters, `<script\b[^>]*>` or
// `<!--[\s\S]*?-->` with no closing, ICU's canonical reordering of a long run of combining marks —
// costs O(n²); those steps are hand-written scanners below that match exactly what the regex
// matched, each position looked at a bounded number of times. User rules run as given.

import { ValueError } from '../errors.js';
/** A user rule: every match of `pattern` is replaced by `replacement` (default: a space). */
export interface CleanRule {
  pattern: RegExp | string;
  replacement?: string;
}

export interface CleanOptions {
  /**
   * Unicode NFKC: full-width → half-width (ＡＢＣ１２３ → ABC123, ， → ,), ligatures, compatibility forms.
   * A run of more than 30 combining marks is normalised in blocks of 30 (UAX #15's stream-safe bound).
   * Default true.
   */
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

const RE_TAG = /<\/?[A-Za-z][^<>]*>/g;
const RE_ENTITY = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g;
const RE_URL = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'，。、！？「」（）]+/giu;
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
  if (o.nfkc) s = nfkc(s);
  if (o.html) s = removeComments(removeScripts(s)).replace(RE_TAG, ' ').replace(RE_ENTITY, decodeEntity);
  if (o.urls) s = s.replace(RE_URL, ' ');
  if (o.emails) s = removeEmails(s);
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

// NFKC. Canonical reordering sorts each run of non-starters by combining class, and ICU sorts by
// insertion: O(k²) for a run of k marks of mixed classes ('a' + 500,000 × U+0301 U+0316 took
// minutes). Unicode's Stream-Safe Text Format (UAX #15) bounds such runs at 30 non-starters; we
// normalise a longer run in blocks of 30, so marks are reordered within a block, never across.
// Every code point whose decomposition starts with a non-starter is in \p{M} or is U+FF9E/U+FF9F
// (checked over all of Unicode); text without such runs is normalised in one call, as before.
const MAX_NON_STARTERS = 30;
const RE_MARK_RUN = /[\p{M}\uFF9E\uFF9F]{31,}/gu;

function nfkc(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(RE_MARK_RUN)) {
    let pos = m.index;
    let k = 0;
    for (const ch of m[0]) {
      pos += ch.length;
      if (++k % MAX_NON_STARTERS === 0 && pos < m.index + m[0].length) {
        out += s.slice(last, pos).normalize('NFKC');
        last = pos;
      }
    }
  }
  return last === 0 ? s.normalize('NFKC') : out + s.slice(last).normalize('NFKC');
}

// What /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi removed, in linear time. The regex scans to
// the end of the text from every '<script' when no '>' or no closing tag follows. Here the first
// '>' and the first closing tag of each name are remembered: both only move forward, and once one
// is missing no later opening tag can match either.
const RE_SCRIPT_OPEN = /<(script|style)\b/gi;
const RE_SCRIPT_CLOSE: Record<string, RegExp> = { script: /<\/script\s*>/gi, style: /<\/style\s*>/gi };

function removeScripts(s: string): string {
  let out = '';
  let last = 0;
  let gt = -1; // the first '>' at or after the current opening tag's name; -1 before the first search
  const close: Record<string, { at: number; end: number }> = { script: { at: -1, end: -1 }, style: { at: -1, end: -1 } };
  RE_SCRIPT_OPEN.lastIndex = 0;
  for (let m = RE_SCRIPT_OPEN.exec(s); m !== null; m = RE_SCRIPT_OPEN.exec(s)) {
    const afterName = m.index + m[0].length;
    if (gt < afterName) gt = s.indexOf('>', afterName);
    if (gt < 0) break; // no '>' from here on: no opening tag can complete
    const name = m[1].toLowerCase();
    const c = close[name];
    if (c.at === Infinity) continue; // no closing tag of this name after an earlier opening one
    if (c.at <= gt) {
      const re = RE_SCRIPT_CLOSE[name];
      re.lastIndex = gt + 1;
      const cm = re.exec(s);
      c.at = cm ? cm.index : Infinity;
      c.end = cm ? cm.index + cm[0].length : -1;
      if (!cm) continue;
    }
    out += s.slice(last, m.index) + ' ';
    last = c.end;
    RE_SCRIPT_OPEN.lastIndex = c.end;
  }
  return last === 0 ? s : out + s.slice(last);
}

// What /<!--[\s\S]*?-->/g removed: without a '-->' after an opening, no later opening closes either.
function removeComments(s: string): string {
  let out = '';
  let last = 0;
  for (let p = s.indexOf('<!--'); p >= 0; p = s.indexOf('<!--', last)) {
    const q = s.indexOf('-->', p + 4);
    if (q < 0) break;
    out += s.slice(last, p) + ' ';
    last = q + 3;
  }
  return last === 0 ? s : out + s.slice(last);
}

// What /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu removed, in linear time.
// The regex tried every position of a long run of letters (Chinese, digits, '_', …) as the start
// of a local part and scanned the run to its end looking for '@': O(n²). The leftmost match always
// starts where a maximal run of local-part characters starts (or where the previous match ended),
// so each run is read once; then the domain is read label by label after its '@'. Runs and
// domains of different '@'s don't overlap.
const RE_LOCAL_RUN = /[\p{L}\p{N}._%+-]+/gu;
const RE_LABEL = /[\p{L}\p{N}-]+/uy;
const RE_TLD = /\p{L}{2,}/uy;

function removeEmails(s: string): string {
  if (!s.includes('@')) return s;
  let out = '';
  let last = 0;
  RE_LOCAL_RUN.lastIndex = 0;
  for (let m = RE_LOCAL_RUN.exec(s); m !== null; m = RE_LOCAL_RUN.exec(s)) {
    const at = m.index + m[0].length;
    if (s.charCodeAt(at) !== 0x40) continue;
    const end = domainEnd(s, at + 1);
    if (end < 0) continue;
    out += s.slice(last, m.index) + ' ';
    last = end;
    RE_LOCAL_RUN.lastIndex = end;
  }
  return last === 0 ? s : out + s.slice(last);
}

// The end of `label(.label)*.\p{L}{2,}` at `from`, or -1. Backtracking makes the regex take the
// rightmost label after a dot that starts with two letters, and as many letters of it as there are.
function domainEnd(s: string, from: number): number {
  RE_LABEL.lastIndex = from;
  if (!RE_LABEL.test(s)) return -1;
  let p = RE_LABEL.lastIndex;
  let end = -1;
  while (s.charCodeAt(p) === 0x2e) {
    RE_LABEL.lastIndex = p + 1;
    if (!RE_LABEL.test(s)) break;
    RE_TLD.lastIndex = p + 1;
    if (RE_TLD.test(s)) end = RE_TLD.lastIndex;
    p = RE_LABEL.lastIndex;
  }
  return end;
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
