// Pipeline: an ordered, serializable list of preprocessing stages. `fit` learns what needs data
// (the vocabulary) on a training corpus; `tokens`/`encode` then run the very same steps on new text,
// in Node or in a browser, so training and inference preprocess identically. toJSON/fromJSON
// carry the stages and the fitted vocabulary.
import { clean, rulesFromJSON, rulesToJSON, type CleanOptions } from './clean.js';
import { lemmatize } from './english.js';
import { ngrams, type NgramOptions } from './features.js';
import { stemTokens, type StemOptions } from './stem.js';
import { removeStopwords, type StopwordOptions } from './stopwords.js';
import { tokenize, type TokenizeOptions } from './tokenize.js';
import { Vocab, type VocabJSON, type VocabOptions } from './vocab.js';
import { ValueError } from '../errors.js';

export type PipelineStage =
  | ({ type: 'clean' } & CleanOptions)
  | ({ type: 'tokenize' } & TokenizeOptions)
  | { type: 'lowercase' }
  | ({ type: 'stopwords' } & StopwordOptions)
  | ({ type: 'stem' } & StemOptions)
  | { type: 'lemmatize' }
  | ({ type: 'ngrams' } & NgramOptions)
  | ({ type: 'vocab' } & VocabOptions);

export interface PipelineJSON {
  format: 'rnnkit.pipeline';
  version: 1;
  stages: unknown[];
  vocab: VocabJSON | null;
}

const TEXT_STAGES = new Set(['clean']);
const TOKEN_STAGES = new Set(['lowercase', 'stopwords', 'stem', 'lemmatize', 'ngrams']);
const ALL = new Set([...TEXT_STAGES, ...TOKEN_STAGES, 'tokenize', 'vocab']);

export class Pipeline {
  readonly stages: readonly PipelineStage[];
  private fitted: Vocab | null = null;

  constructor(stages: PipelineStage[]) {
    let tokenized = false;
    stages.forEach((s, i) => {
      const where = `Pipeline: stage ${i} ('${String(s?.type)}')`;
      if (!s || !ALL.has(s.type)) throw new ValueError(`${where} is not a known stage (expected one of ${[...ALL].join(', ')})`);
      if (TEXT_STAGES.has(s.type) && tokenized) throw new ValueError(`${where} works on text and must come before 'tokenize'`);
      if ((TOKEN_STAGES.has(s.type) || s.type === 'vocab') && !tokenized) throw new ValueError(`${where} works on tokens and must come after 'tokenize'`);
      if (s.type === 'tokenize') {
        if (tokenized) throw new ValueError(`${where}: a pipeline has at most one 'tokenize' stage`);
        tokenized = true;
      }
      if (s.type === 'vocab' && i !== stages.length - 1) throw new ValueError(`${where} must be the last stage`);
    });
    this.stages = stages.map((s) => ({ ...s }));
  }

  private get vocabStage(): ({ type: 'vocab' } & VocabOptions) | undefined {
    const last = this.stages[this.stages.length - 1];
    return last?.type === 'vocab' ? last : undefined;
  }

  /** The fitted vocabulary (null before `fit` or without a 'vocab' stage). */
  get vocab(): Vocab | null {
    return this.fitted;
  }

  /** Run the text stages only (everything before 'tokenize'). */
  text(text: string): string {
    let s = text;
    for (const st of this.stages) {
      if (st.type === 'tokenize') break;
      if (st.type === 'clean') {
        const { type: _t, ...o } = st;
        s = clean(s, o);
      }
    }
    return s;
  }

  /** Run every stage up to (not including) 'vocab' and return the tokens. */
  tokens(text: string): string[] {
    let s = text;
    let toks: string[] | null = null;
    for (const st of this.stages) {
      if (st.type === 'vocab') break;
      if (st.type === 'clean') {
        const { type: _t, ...o } = st;
        s = clean(s, o);
      } else if (st.type === 'tokenize') {
        const { type: _t, ...o } = st;
        toks = tokenize(s, o);
      } else if (toks) {
        toks = applyTokenStage(st, toks);
      }
    }
    if (toks === null) throw new ValueError("Pipeline.tokens: the pipeline has no 'tokenize' stage");
    return toks;
  }

  /** Learn the vocabulary from a corpus (one text per document). */
  fit(texts: readonly string[]): this {
    const vs = this.vocabStage;
    if (!vs) {
      this.fitted = null;
      return this;
    }
    const { type: _t, ...o } = vs;
    this.fitted = Vocab.build(texts.map((t) => this.tokens(t)), o);
    return this;
  }

  /** Text → ids with the fitted vocabulary. */
  encode(text: string, options: { bos?: boolean; eos?: boolean } = {}): number[] {
    if (!this.vocabStage) throw new ValueError("Pipeline.encode: the pipeline has no 'vocab' stage");
    if (!this.fitted) throw new ValueError('Pipeline.encode: call fit(corpus) first');
    return this.fitted.encode(this.tokens(text), options);
  }

  toJSON(): PipelineJSON {
    return {
      format: 'rnnkit.pipeline',
      version: 1,
      stages: this.stages.map((s) => (s.type === 'clean' ? { ...s, rules: rulesToJSON(s.rules) } : { ...s })),
      vocab: this.fitted ? this.fitted.toJSON() : null,
    };
  }

  static fromJSON(json: unknown): Pipeline {
    const j = json as Partial<PipelineJSON> | null;
    if (!j || j.format !== 'rnnkit.pipeline') throw new ValueError("Pipeline.fromJSON: not an rnnkit pipeline (missing format: 'rnnkit.pipeline')");
    if (j.version !== 1) throw new ValueError(`Pipeline.fromJSON: unsupported version ${String(j.version)} (expected 1)`);
    if (!Array.isArray(j.stages)) throw new ValueError('Pipeline.fromJSON: stages must be an array');
    const stages = j.stages.map((s) => {
      const st = s as PipelineStage & { rules?: unknown };
      return st.type === 'clean' ? { ...st, rules: rulesFromJSON(st.rules as Parameters<typeof rulesFromJSON>[0]) } : st;
    }) as PipelineStage[];
    const p = new Pipeline(stages);
    if (j.vocab) p.fitted = Vocab.fromJSON(j.vocab);
    return p;
  }
}

function applyTokenStage(st: PipelineStage, toks: string[]): string[] {
  switch (st.type) {
    case 'lowercase':
      return toks.map((t) => t.toLowerCase());
    case 'stopwords': {
      const { type: _t, ...o } = st;
      return removeStopwords(toks, o);
    }
    case 'stem': {
      const { type: _t, ...o } = st;
      return stemTokens(toks, o);
    }
    case 'lemmatize':
      return lemmatize(toks);
    case 'ngrams': {
      const { type: _t, ...o } = st;
      return ngrams(toks, o);
    }
    default:
      return toks;
  }
}
