// Stemming: Porter (the `stemmer` package, equal to NLTK/natural's Porter) or Porter2/Snowball
// (`wink-porter2-stemmer`). Stems are lower-case. Tokens without a Latin letter pass through unchanged.
import { stemmer } from 'stemmer';
import porter2 from 'wink-porter2-stemmer';
import { ValueError } from '../errors.js';

export type StemAlgorithm = 'porter' | 'porter2';

export interface StemOptions {
  /** 'porter' (default) or 'porter2'. */
  algorithm?: StemAlgorithm;
}

const RE_LATIN = /[A-Za-z]/;

/** Stem one word: generalization → gener (porter) / general (porter2). */
export function stem(word: string, options: StemOptions = {}): string {
  const algorithm = options.algorithm ?? 'porter';
  if (algorithm !== 'porter' && algorithm !== 'porter2') {
    throw new ValueError(`stem: unknown algorithm '${String(algorithm)}' (expected porter or porter2)`);
  }
  if (!RE_LATIN.test(word)) return word;
  return algorithm === 'porter' ? stemmer(word) : porter2(word.toLowerCase());
}

/** Stem every token. */
export function stemTokens(tokens: string[], options: StemOptions = {}): string[] {
  return tokens.map((t) => stem(t, options));
}
