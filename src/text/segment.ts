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

/**
 * Segment a run of Chinese text into words. Whitespace is dropped; punctuation comes back as
 * tokens (the tokenizer decides whether to keep it). `hmm` enables jieba's HMM for unknown words.
 */
export function segmentChinese(text: string, segmenter: Segmenter = 'jieba', hmm = true): string[] {
  if (segmenter === 'jieba') {
    if (!jiebaReady) {
      throw new ValueError("segmentChinese: jieba-wasm is not initialised; call `await initSegmenter()` once first (or use segmenter: 'intl')");
    }
    return jieba.cut(text, hmm).filter((w) => w.trim() !== '');
  }
  if (segmenter === 'intl') {
    intlSegmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
    const out: string[] = [];
    for (const s of intlSegmenter.segment(text)) if (s.segment.trim() !== '') out.push(s.segment);
    return out;
  }
  throw new ValueError(`segmentChinese: unknown segmenter '${String(segmenter)}' (expected 'jieba' or 'intl')`);
}
