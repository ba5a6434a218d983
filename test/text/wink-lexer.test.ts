// englishTokens (src/text/wink-lexer.ts, wink-nlp's rules without its document machinery) against
// wink-nlp itself: on the Brown news fixture as the corpus gives it (tokens separated by spaces)
// and as running prose (punctuation and clitics glued back), and on generated text made of Brown
// words and the things wink's rules react to (contractions, abbreviations, numbers, URLs, e-mails,
// emoticons, hashtags, mentions, hyphens, currency, ordinals, decades) joined with and without spaces,
// and on short hostile strings. The oracle is wink with a fresh lexicon per text (wink-oracle.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cutLongRuns, englishLemmaTokens, englishTokens, MAX_RUN, winkTokens } from '../../src/text/english.js';
import { tokenize } from '../../src/text/tokenize.js';
import { freshWinkTokens, learntLexemes } from './wink-oracle.js';

const brown = readFileSync(new URL('../fixtures/text/brown-news.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);
/** The Brown sentence as running text: "election , " → "election, ", "Atlanta 's" stays as the corpus has it. */
const prose = (l: string) => l.replace(/ ([,.;:?!)\]}%]|n't\b|'(?:s|re|ll|d|ve|m)\b)/g, '$1').replace(/([([{$]) /g, '$1').replace(/" ([^"]*?) "/g, '"$1"');
const mine = (t: string) => englishTokens(t).map(({ text, attached }) => ({ text, attached }));
// wink's own splitting: other whitespace becomes a space first (english.ts does the same).
const RE_OTHER_SPACE = /[^\S \u00a0\u2002-\u2005\u2009\u200a\u202f\u205f\n\r\t]/g;
const oracle = (t: string) => freshWinkTokens(t.replace(RE_OTHER_SPACE, ' '));
const noLongRun = (t: string) => !new RegExp(`\\S{${MAX_RUN + 1}}`).test(t);

const ATOMS = ["n't", "'s", "'re", "'ll", "'d", "'ve", "'m", "can't", "won't", "I'm", "They'd", "y'all", 'U.S.', 'e.g.', 'Dr.', 'Mr.', 'a.m.', 'p.m.',
  '3.5', '1,000', '-3', '+1', '10:30', '12/5/2020', '10th', '21st', '1990s', "'90s", '$5', '£3', 'USD', 'US$', 'http://example.com/a?b=c',
  'https://www.x.org', 'www.google.com', 'a@b.com', 'x.y@mail.example.org', '@user', '#tag', ':)', ':-(', ';)', '<3', ':D', '>:(', '\\o/',
  '😀', '👍🏽', 'state-of-the-art', 'e-mail', 'co-operate', 'well-known', 'anti-war', '--', '...', '…', '—', '–', '(', ')', '"', "'", '’', '‘', '“', '”',
  '[', ']', '{', '}', ',', '.', '!', '?', ';', ':', '/', '&', '%', '*', '=', '+', '<', '>', '|', '~', '^', '#', '@', '&lt', 'é', 'naïve', 'café',
  'Zürich', '中文', 'д', '\n', '\t', '\r\n'];
const SEPS = [' ', ' ', ' ', '', '', '  ', '\n', '\u00a0', '\t'];

describe('englishTokens: the tokens wink-nlp gives', () => {
  it('on the Brown news fixture, as tokenized by the corpus and as running prose (9,246 texts)', () => {
    let n = 0;
    for (const line of brown) {
      for (const t of [line, prose(line)]) {
        expect(mine(t), t).toEqual(oracle(t));
        n++;
      }
    }
    expect(n).toBe(2 * brown.length);
  });

  it('on generated ordinary text: Brown words and what wink treats specially, with and without spaces', () => {
    const words = [...new Set(brown.join(' ').split(' '))];
    const unit = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...words) }, { weight: 3, arbitrary: fc.constantFrom(...ATOMS) });
    const text = fc.array(fc.tuple(unit, fc.constantFrom(...SEPS)), { maxLength: 30 }).map((xs) => xs.map(([u, s]) => u + s).join('')).filter(noLongRun);
    fc.assert(fc.property(text, (t) => {
      expect(mine(t)).toEqual(oracle(t));
    }), { numRuns: 3000 });
  });

  it('on short hostile strings (any code points, lone surrogates, marks, odd whitespace)', () => {
    const unit = fc.oneof(fc.constantFrom(...ATOMS, '\u0085', '\u2028', '\u3000', '\ufeff', '\u000b', '\u200d', '\u0301', '\ud800', 'ﬁ', '$%^OOV^%$'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(fc.property(fc.array(unit, { maxLength: 20 }).map((xs) => xs.join('')), (t) => {
      expect(mine(t)).toEqual(oracle(t));
    }), { numRuns: 2000 });
  });

  it('runs longer than MAX_RUN are cut where winkTokens cuts them, and each piece is read as wink reads it', () => {
    for (const t of ['x'.repeat(1000), 'a.'.repeat(300), '{"key":"value","n":[1,2.5,-3]},'.repeat(20), 'http://'.repeat(50), '-'.repeat(500), 'ab ' + 'c@d.'.repeat(100)]) {
      const bounds = [0, ...cutLongRuns(t), t.length];
      expect(bounds.length).toBeGreaterThan(2);
      const expected = bounds.slice(1).flatMap((end, i) => oracle(t.slice(bounds[i], end)).map((tok, j) => (i > 0 && j === 0 ? { ...tok, attached: true } : tok)));
      expect(mine(t)).toEqual(expected);
    }
  });
});

// With lemmas, a piece of text whose every token has a lemma no tagging can change skips wink's
// tagger (english.ts, contextFreeLemma); anything else is read by wink. Both must give what wink
// gives. The oracle is wink itself in this process, so it has learnt lexemes (see the header of
// wink-lexer.ts) and may cut a text otherwise ('&lt' whole after it has read '&lt,'): where its
// tokens differ, the tokens must be the fresh-lexicon ones, and the lemmas are compared where the
// tokens agree. A fixed seed keeps what wink has learnt the same from run to run.
function expectWinkLemmas(t: string): boolean {
  const ours = englishLemmaTokens(t);
  const wink = winkTokens(t, true);
  if (ours.length === wink.length && ours.every((x, i) => x.text === wink[i].text)) {
    expect(ours).toEqual(wink);
    return true;
  }
  expect(ours.map(({ text, attached }) => ({ text, attached }))).toEqual(oracle(t));
  return false;
}
describe('englishLemmaTokens: the tokens and lemmas wink-nlp gives', () => {
  it('on the Brown news fixture as running prose (4,623 texts)', () => {
    let same = 0;
    for (const line of brown) if (expectWinkLemmas(prose(line))) same++;
    expect(same).toBeGreaterThan(brown.length - 10);
  });

  it('on generated text, ordinary and hostile, short and with runs past MAX_RUN', () => {
    const words = ['the', 'cat', 'sat', 'geese', 'were', 'flying', 'studies', 'better', 'a', 'an', 'x', 'lt', 'style', 'www', 'http', 'key', 'value', 'true', 'mice', 'running', 'ran', 'men', 'women', 'est', 'er', 'ed', 'ing', 's'];
    const unit = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...words) }, { weight: 3, arbitrary: fc.constantFrom(...ATOMS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) });
    const short = fc.array(fc.tuple(unit, fc.constantFrom(...SEPS)), { maxLength: 20 }).map((xs) => xs.map(([u, s]) => u + s).join(''));
    const long = fc.array(unit, { minLength: 60, maxLength: 200 }).map((xs) => xs.join(''));
    let same = 0;
    fc.assert(fc.property(fc.oneof(short, long.filter(noLongRun), long), (t) => {
      if (expectWinkLemmas(t)) same++;
    }), { numRuns: 1000, seed: 8 });
    expect(same).toBeGreaterThan(950);
  });

  it('hostile pieces without a tagging-dependent lemma skip the tagger and still match', () => {
    for (const t of ['!?.,;'.repeat(60), '<a'.repeat(200), '{"key":"value","n":[1,2.5,-3],"ok":true},'.repeat(10), "can't won't I'm", '//a-'.repeat(100)]) {
      expect(expectWinkLemmas(t)).toBe(true);
    }
    expect(tokenize("They weren't running", { lemma: true, lowercase: true })).toEqual(['they', 'be', 'not', 'run']);
  });
});

describe('englishTokens: what differs from wink-nlp, by design', () => {
  it('a text is cut the same whatever was read before (wink learns lexemes and cuts later text by them)', () => {
    const before = mine("Mickey's");
    expect(before.map((t) => t.text)).toEqual(['Mickey', "'s"]);
    winkTokens("Mickey's, Mickey's"); // wink learns "Mickey's" from the first run…
    expect(winkTokens("Mickey's").map((t) => t.text)).toEqual(["Mickey's"]); // …and keeps it whole from then on
    expect(mine("Mickey's")).toEqual(before);
    expect(tokenize("Mickey's", { lang: 'en' })).toEqual(['Mickey', "'s"]);
  });

  it('reading text teaches the oracle new lexemes but not englishTokens', () => {
    oracle('zqxv-wrtp, zqxv-wrtp');
    expect(learntLexemes()).toBeGreaterThan(0);
    expect(mine('zqxv-wrtp')).toEqual(oracle('zqxv-wrtp'));
  });
});
