// Chinese word segmentation: jieba-wasm (default) or Intl.Segmenter (zero-dependency).
//
// jieba-wasm ships two builds behind package export conditions. Under Node (`node`/`require`) the
// CommonJS build loads its wasm synchronously and the module's `default` is the module object;
// under a bundler/browser (`browser`/`import`) `default` is an async `init()` that must be awaited
// before `cut` works. `initSegmenter()` covers both, so the rest of the pipeline can stay synchronous.
import * as jieba from 'jieba-wasm';
import { ValueError } from '../errors.js';

export type Segmenter = 'jieba' | 'intl';

let jiebaReady = typeof (jieba as unknown as { default?: unknown }).default !== 'function';
let jiebaInit: Promise<void> | undefined;

/** Prepare the Chinese segmenter. A no-op in Node; in a browser, await it once before `tokenize`. */
export function initSegmenter(): Promise<void> {
  const d = (jieba as unknown as { default?: unknown }).default;
  jiebaInit ??= typeof d === 'function'
    ? (d as () => Promise<unknown>)().then(() => { jiebaReady = true; })
    : Promise.resolve();
  return jiebaInit;
}

let intlSegmenter: Intl.Segmenter | undefined;

// ICU's dictionary segmentation of Chinese is quadratic in the length of a run without breaks
// (32,000 characters: 0.25 s, 64,000: 1.1 s, 80,000: over 100 s). A text longer than INTL_WINDOW
// code units is segmented a window at a time: the words of a window that end at least
// INTL_CONTEXT code units before its end are kept, and the next window starts where the first
// dropped word started, so every kept word but a window's first was seen with INTL_CONTEXT
// characters of right context (more than the longest dictionary word). Only a word longer than
// the window is cut, at the window's end. Text up to INTL_WINDOW is segmented in one call, as
// before. jieba is linear (1 MB of Chinese without punctuation in about 2 s) and sees the whole run.
const INTL_WINDOW = 1024;
const INTL_CONTEXT = 64;

function segmentIntl(seg: Intl.Segmenter, text: string, out: string[]): void {
  let from = 0;
  while (text.length - from > INTL_WINDOW) {
    let to = from + INTL_WINDOW;
    if (isHighSurrogate(text.charCodeAt(to - 1))) to -= 1;
    let next = -1;
    for (const s of seg.segment(text.slice(from, to))) {
      const end = s.index + s.segment.length;
      // Keep the words that end before the margin, and always the first: a word that fills the
      // window is cut at the window's end.
      if (end > to - from - INTL_CONTEXT && s.index > 0) break;
      if (s.segment.trim() !== '') out.push(s.segment);
      next = from + end;
    }
    from = next;
  }
  for (const s of seg.segment(text.slice(from))) if (s.segment.trim() !== '') out.push(s.segment);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * Segment a run of Chinese text into words. Whitespace is dropped; punctuation comes back as
 * tokens (the tokenizer decides whether to keep it). `hmm` enables jieba's HMM for unknown words.
 */
export function segmentChinese(text: string, segmenter: Segmenter = 'jieba', hmm = true): string[] {
  assertSegmenter(segmenter);
  if (segmenter === 'jieba') return jieba.cut(text, hmm).filter((w) => w.trim() !== '');
  const out: string[] = [];
  segmentIntl(getIntlSegmenter(), text, out);
  return out;
}

function assertSegmenter(segmenter: Segmenter): void {
  if (segmenter !== 'jieba' && segmenter !== 'intl') {
    throw new ValueError(`segmentChinese: unknown segmenter '${String(segmenter)}' (expected 'jieba' or 'intl')`);
  }
  if (segmenter === 'jieba' && !jiebaReady) {
    throw new ValueError("segmentChinese: jieba-wasm is not initialised; call `await initSegmenter()` once first (or use segmenter: 'intl')");
  }
}

function getIntlSegmenter(): Intl.Segmenter {
  intlSegmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  return intlSegmenter;
}

// A Chinese text with a Latin letter or digit every few characters has a Han run every few
// characters, and a segmenter call costs ~10 µs (jieba) to ~35 µs (Intl.Segmenter) however short
// the run. Runs are therefore joined by '\n' and segmented together: both segmenters break at a
// line break and segment the text between breaks on its own, so each run gets the words it gets
// alone (a property test checks this). Batches stay under BATCH code units; for Intl.Segmenter
// under INTL_WINDOW, and a longer run is segmented alone, so its windows are as above.
const BATCH = 1 << 16;

// A run of one code point needs no segmenter: a word boundary never falls inside a code point, so
// both give the run back whole (dropped if it is whitespace, U+3000). Mixed scripts without spaces
// are mostly such runs (a Han character between Latin, Cyrillic, …): 90 % of the runs of the
// benchmark's 'mixed scripts' case. A test checks the segmenters on every CJK punctuation mark and
// on Han characters from every block.
// A lone surrogate is not a code point: jieba (UTF-8 through wasm) gives it back as U+FFFD, so it
// goes to the segmenter like any other run.
function isOneCodePoint(run: string): boolean {
  if (run.length === 1) return (run.charCodeAt(0) & 0xf800) !== 0xd800;
  return run.length === 2 && isHighSurrogate(run.charCodeAt(0)) && (run.charCodeAt(1) & 0xfc00) === 0xdc00;
}

/** `runs.map((r) => segmentChinese(r, segmenter, hmm))`, in as few segmenter calls as possible. */
export function segmentChineseRuns(runs: string[], segmenter: Segmenter = 'jieba', hmm = true): string[][] {
  if (runs.length === 0) return [];
  assertSegmenter(segmenter);
  const out: string[][] = new Array(runs.length);
  const rest: number[] = []; // the runs a segmenter must read
  for (let i = 0; i < runs.length; i++) {
    if (isOneCodePoint(runs[i])) out[i] = runs[i].trim() === '' ? [] : [runs[i]];
    else rest.push(i);
  }
  const limit = segmenter === 'intl' ? INTL_WINDOW : BATCH;
  for (let i = 0; i < rest.length; ) {
    let j = i + 1;
    let length = runs[rest[i]].length;
    while (j < rest.length && length + 1 + runs[rest[j]].length <= limit) length += 1 + runs[rest[j++]].length;
    if (j === i + 1) out[rest[i]] = segmentChinese(runs[rest[i]], segmenter, hmm);
    else segmentJoined(rest.slice(i, j).map((k) => runs[k]), segmenter, hmm).forEach((words, k) => (out[rest[i + k]] = words));
    i = j;
  }
  return out;
}

function segmentJoined(runs: string[], segmenter: Segmenter, hmm: boolean): string[][] {
  const joined = runs.join('\n');
  let pieces: { index: number; segment: string }[];
  if (segmenter === 'jieba') {
    let index = 0;
    pieces = jieba.cut(joined, hmm).map((segment) => ({ index: (index += segment.length) - segment.length, segment }));
    if (index !== joined.length) return runs.map((r) => segmentChinese(r, segmenter, hmm)); // not a partition of the text
  } else {
    pieces = [...getIntlSegmenter().segment(joined)];
  }
  const out: string[][] = runs.map(() => []);
  let k = 0;
  let end = runs[0].length; // where run k ends in `joined`
  for (const { index, segment } of pieces) {
    while (index >= end + 1 && k + 1 < runs.length) end += 1 + runs[++k].length;
    if (segment.trim() === '') continue;
    // A word across a line break would mean the runs were not segmented apart: do them one by one.
    if (index + segment.length > end) return runs.map((r) => segmentChinese(r, segmenter, hmm));
    out[k].push(segment);
  }
  return out;
}
