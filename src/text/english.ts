// English tokenization and lemmatization via wink-nlp with its lite web model (runs in browsers).
// The model costs ~0.3 s to load, so it is created lazily and shared.
import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

type Nlp = ReturnType<typeof winkNLP>;
let nlp: Nlp | undefined;

function getNlp(): Nlp {
  nlp ??= winkNLP(model);
  return nlp;
}

/** A token from wink-nlp with the information the tokenizer needs to re-join pieces. */
export interface WinkToken {
  text: string;
  lemma: string;
  /** true when no whitespace separates this token from the previous one. */
  attached: boolean;
}

/** Tokenize English text with wink-nlp: contractions split (were/n't), U.S., e-mail, 3.5, emails kept whole. */
export function winkTokens(text: string): WinkToken[] {
  const n = getNlp();
  const its = n.its;
  const doc = n.readDoc(text);
  const texts = doc.tokens().out(its.value) as string[];
  const lemmas = doc.tokens().out(its.lemma as unknown as ItsFunction<string>) as string[];
  const spaces = doc.tokens().out(its.precedingSpaces as unknown as ItsFunction<string>) as string[]; // wink's typings reject these its-functions
  const out: WinkToken[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = { text: texts[i], lemma: lemmas[i], attached: i > 0 && spaces[i] === '' };
  return out;
}

/**
 * Lemmatize a token list (wink-nlp, context-aware: were → be, geese → goose, n't → not).
 * Tokens are re-read as one sentence so part-of-speech context is used; when wink splits the
 * joined text differently from the input, the tokens are lemmatized one by one instead.
 */
export function lemmatize(tokens: string[]): string[] {
  if (tokens.length === 0) return [];
  const wt = winkTokens(tokens.join(' '));
  if (wt.length === tokens.length && wt.every((t, i) => t.text === tokens[i])) return wt.map((t) => t.lemma);
  return tokens.map((tok) => {
    const one = winkTokens(tok);
    return one.length === 1 ? one[0].lemma : tok;
  });
}
