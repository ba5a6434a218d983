// Test oracle: wink-nlp itself, reading each text as a fresh process would. wink adds every
// out-of-vocabulary token it meets to its lexicon for good, and later texts are cut differently
// ("Mickey's" alone: Mickey + 's; after wink has read "Mickey's,": one token). Before each text the
// lexicon here is reset to the model's own words, which is what src/text/wink-lexer.ts implements.
// Only tokens are read (no annotation pipe), so the packed features of forgotten lexemes, which
// tokenization never reads, need no reset.
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

interface LexemeFeature {
  list: string[];
  hash: Record<string, number>;
  intrinsicSize: number;
  index: number;
}
type Core = { features: { lexeme: LexemeFeature } };

const m = model as unknown as typeof model & { core: () => Core };
const core = m.core();
const nlp = winkNLP({ ...m, core: () => core } as unknown as typeof model, []);
const lexeme = core.features.lexeme;

function forget(): void {
  for (let i = lexeme.intrinsicSize; i < lexeme.list.length; i++) delete lexeme.hash[lexeme.list[i]];
  lexeme.list.length = lexeme.intrinsicSize;
  lexeme.index = lexeme.intrinsicSize;
}

/** How many lexemes wink has learnt since the last reset (0 right after `freshWinkTokens`' reset). */
export function learntLexemes(): number {
  return lexeme.list.length - lexeme.intrinsicSize;
}

/**
 * wink-nlp's tokens of `text` in a fresh lexicon, read as english.ts reads wink's output (line
 * breaks and tabs dropped; `attached` when no space or line break precedes). `text` must hold no
 * whitespace wink does not split on and no run longer than MAX_RUN (english.ts handles those).
 */
export function freshWinkTokens(text: string): { text: string; attached: boolean }[] {
  forget();
  const doc = nlp.readDoc(text);
  const texts = doc.tokens().out(nlp.its.value) as string[];
  const spaces = doc.tokens().out(nlp.its.precedingSpaces as never) as string[];
  const out: { text: string; attached: boolean }[] = [];
  let afterSpace = true;
  for (let i = 0; i < texts.length; i++) {
    if (texts[i].trim() === '') {
      afterSpace = true;
      continue;
    }
    out.push({ text: texts[i], attached: !afterSpace && spaces[i] === '' });
    afterSpace = false;
  }
  return out;
}
