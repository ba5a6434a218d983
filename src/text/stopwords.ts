// Stop-word removal with the `stopword` package's lists (eng: 108 words, zho: 78) plus user lists.
import { eng, zho } from 'stopword';
import { ValueError } from '../errors.js';

export type StopwordLang = 'en' | 'zh';

const LISTS: Record<StopwordLang, readonly string[]> = { en: eng, zh: zho };

/** The built-in list for a language (a copy). */
export function stopwordList(lang: StopwordLang): string[] {
  const l = LISTS[lang];
  if (!l) throw new ValueError(`stopwordList: unknown language '${String(lang)}' (expected en or zh)`);
  return [...l];
}

export interface StopwordOptions {
  /** Which built-in lists: 'en', 'zh', 'auto' (both; default) or 'none'. */
  lang?: StopwordLang | 'auto' | 'none';
  /** Extra stop words added to the built-in lists. */
  extra?: string[];
}

/** Remove stop words. Matching is case-insensitive (the list and the tokens are lower-cased). */
export function removeStopwords(tokens: string[], options: StopwordOptions = {}): string[] {
  const set = stopwordSet(options);
  return tokens.filter((t) => !set.has(t.toLowerCase()));
}

const cache = new Map<string, Set<string>>();

/** The set `removeStopwords` uses, lower-cased. */
export function stopwordSet(options: StopwordOptions = {}): Set<string> {
  const lang = options.lang ?? 'auto';
  if (!['en', 'zh', 'auto', 'none'].includes(lang)) {
    throw new ValueError(`removeStopwords: unknown language '${String(lang)}' (expected en, zh, auto or none)`);
  }
  const key = lang + '\u0000' + (options.extra ?? []).join('\u0000');
  let set = cache.get(key);
  if (!set) {
    const words = lang === 'none' ? [] : lang === 'auto' ? [...eng, ...zho] : [...LISTS[lang]];
    set = new Set([...words, ...(options.extra ?? [])].map((w) => w.toLowerCase()));
    if (cache.size > 32) cache.clear();
    cache.set(key, set);
  }
  return set;
}
