// The text pipeline loads wink-nlp's English model and jieba (~0.5 s, ~40 MB), so the CLI loads it
// only when a text, embed or lm command runs: `rnnkit forecast` and every refusal stay fast.
import type * as TextModule from '../text/index.js';

let mod: typeof TextModule | undefined;

/** Loads the text module once; commands that need it call this in a preAction hook. */
export async function loadText(): Promise<void> {
  mod ??= await import('../text/index.js');
}

/** The loaded text module (after `loadText`). */
export function textModule(): typeof TextModule {
  if (mod === undefined) throw new Error('the text module is used before loadText() ran');
  return mod;
}
