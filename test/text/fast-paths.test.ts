// The tokenizer's fast paths give exactly what it gave before them. The oracle is a frozen copy of
// tokenize() from before the speed work (test/text/legacy/, commit 84da2de): on generated hostile
// text (runs of punctuation and symbols far past MAX_RUN, scripts mixed without spaces, emoji,
// marks, whitespace of every kind, lone surrogates), on the benchmark's own cases
// (bench/text-hostile.ts, cut to 8,000 code units), in every mode, tokens and lemmas must be equal.
//
// Lemma mode reads ordinary text with wink-nlp, which learns every new token it meets and may cut
// later text by it (src/text/wink-lexer.ts): the oracle has its own wink instances, and both sides
// read the same texts in the same order, so they have learnt the same. Nothing else in this file
// may tokenize with lemmas.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tokenize, type TokenizeOptions } from '../../src/text/tokenize.js';
import { initSegmenter, segmentChineseRuns } from '../../src/text/segment.js';
import { tokenize as legacyTokenize } from './legacy/tokenize.js';
import { segmentChinese as legacySegmentChinese } from './legacy/segment.js';
import { hostileCases } from '../../bench/text-hostile.js';

const MODES: [string, TokenizeOptions][] = [
  ['en', { lang: 'en' }],
  ['en lemma', { lang: 'en', lemma: true }],
  ['zh jieba', { lang: 'zh' }],
  ['zh intl', { lang: 'zh', segmenter: 'intl' }],
  ['auto', { lang: 'auto' }],
  ['char', { mode: 'char' }],
  ['en, clitics kept, hyphens split, lower case, no punctuation', { lang: 'en', contractions: 'keep', hyphens: 'split', lowercase: true, punctuation: false }],
  ['zh intl, lemmas, clitics kept', { lang: 'zh', segmenter: 'intl', lemma: true, contractions: 'keep' }],
  ['auto, user dictionary', { userDict: ['中文', 'a-b', '...', "n't", '北京'] }],
];

// What the lexer, the lemmatizer and the script splitter react to.
const PUNCT = [...'!?.,;:\'"()[]{}…—–-/\\*&^%$#@~`<>|=+_’‘“”«»¿¡§©°±×÷·•'];
const ATOMS = [
  ...PUNCT, '--', '...', '..', ':)', ':-(', ';)', '<3', '\\o/', '$5', 'US$', '#tag', '@user', "'s", "n't", "can't", "I'm", 'U.S.', 'e.g.',
  '3.5', '1,000', '10:30', '10th', '1990s', "'90s", 'a@b.com', 'http://x.org/a?b', 'www.x.com', 'state-of-the-art', 'anti-war', 'e-mail',
  'a', 'x', 'Z', 'the', 'cats', 'were', 'running', 'geese', 'better', 'abcXYZ012', 'é', 'ä', 'ß', 'д', 'ж', 'ب', 'ש', 'ก', '한', 'ア', '0', '9',
  '中', '文', '北京', '大学', '。', '，', '、', '「', '」', '（', '）', '　', '𠀀', '䏒',
  '😀', '👍🏽', '👨‍👩‍👧‍👦', '🇨🇳', '1️⃣', '❤️', '\u200d', '\ufe0f', '\u0301', '\u0316', '\u0489',
  ' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u2003', '\u3000', '\u2028', '\u0085', '\u000b', '\ufeff', '\u200b', '\ud800', '\udc00',
];
const unit = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...ATOMS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
/** Short texts, and long ones: a few pieces (punctuation runs among them) each repeated, no spaces needed. */
const shortText = fc.string({ unit, maxLength: 60 });
const punctRun = fc.string({ unit: fc.constantFrom(...PUNCT), minLength: 1, maxLength: 300 });
const longText = fc
  .array(fc.tuple(fc.oneof(fc.string({ unit, minLength: 1, maxLength: 6 }), punctRun), fc.integer({ min: 1, max: 80 })), { minLength: 1, maxLength: 8 })
  .map((pieces) => pieces.map(([p, n]) => p.repeat(n)).join('').slice(0, 3000));
const text = fc.oneof(shortText, longText, punctRun);
// Dense in what re-joins tokens: words, '-' and clitics with and without spaces between them.
const joinText = fc.string({ unit: fc.constantFrom('a', 'x', 'Cat', '9', '-', '-', ' ', ' ', "'s", "n't", '.', '中'), maxLength: 16 });

beforeAll(async () => {
  await initSegmenter();
});

describe('fast paths give what tokenize gave before them', () => {
  for (const [name, o] of MODES) {
    it(`${name}: generated hostile text`, () => {
      fc.assert(
        fc.property(text, (s) => {
          expect(tokenize(s, o)).toEqual(legacyTokenize(s, o));
        }),
        { numRuns: 120 },
      );
    });
  }

  it('every mode: words, hyphens and clitics, with and without spaces', () => {
    fc.assert(
      fc.property(joinText, (s) => {
        for (const [name, o] of MODES) expect(tokenize(s, o), name).toEqual(legacyTokenize(s, o));
      }),
      { numRuns: 400, examples: [['a- x'], ['a -x'], ['a-x- 9'], ["x-'s- a"], ["do n't-a"]] },
    );
  });

  // A text past 1,024 code units without long runs is checked whole in lemma mode (english.ts lemmaPiece):
  // every token context-free, or one that is not at the very end, hidden from the bare-word scan
  // ('x<running', 'can't'), or a bare word that is not ('sat'); past the 4,096-unit prefix probed first too.
  it('lemma mode, long texts of short runs: the whole-text check and its ways out', () => {
    const base = '<style a'.repeat(130);
    for (const s of [base, base + ' x<running', base + " can't", base + ' sat', 'sat ' + base, base + ' Cats<', base.replace(/ /g, '\n') + '\nthe cat sat.', base.repeat(5) + ' x<running', base.repeat(5) + " a<can't"]) {
      for (const [name, o] of MODES) expect(tokenize(s, o), `${name}: ${s.slice(-12)}`).toEqual(legacyTokenize(s, o));
    }
  });

  // 28 cases × 9 modes on 8,000 code units each.
  for (const c of hostileCases(8000)) {
    it(`benchmark case '${c.name}': every mode`, () => {
      for (const [name, o] of MODES) expect(tokenize(c.text, o), name).toEqual(legacyTokenize(c.text, o));
    });
  }
});

describe('a Chinese run of one code point is its own word', () => {
  // segmentChineseRuns answers these without a segmenter call. Every CJK and full-width
  // punctuation mark the script splitter puts in a Chinese run, and every 37th Han character of
  // the BMP blocks and of extension B, each as a run of its own, against the segmenters themselves.
  const RE_ZH = /^[\p{Script=Han}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]$/u;
  const singles: string[] = [];
  for (const [from, to, step] of [[0x3000, 0x303f, 1], [0xff01, 0xff65, 1], [0x2e80, 0x2fdf, 7], [0x3400, 0x4dbf, 37], [0x4e00, 0x9fff, 37], [0xf900, 0xfaff, 7], [0x20000, 0x2a6df, 37 * 16]]) {
    for (let c = from; c <= to; c += step) if (RE_ZH.test(String.fromCodePoint(c))) singles.push(String.fromCodePoint(c));
  }
  it(`${singles.length} runs, jieba (with and without HMM) and Intl.Segmenter`, () => {
    expect(singles.length).toBeGreaterThan(1000);
    for (const segmenter of ['jieba', 'intl'] as const) {
      for (const hmm of [true, false]) {
        expect(segmentChineseRuns(singles, segmenter, hmm)).toEqual(singles.map((s) => legacySegmentChinese(s, segmenter, hmm)));
      }
    }
  });
});
