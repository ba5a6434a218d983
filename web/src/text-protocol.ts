// Tab 3's messages between the page and its worker (text-worker.ts): the text pipeline stage by
// stage, and a character-level language model trained on a corpus, sampled as it trains.

export type StemAlgorithm = 'porter' | 'porter2';
export type Segmenter = 'jieba' | 'intl';
/** Which form of each kept token the vocabulary and the vectors are built from. */
export type Normalise = 'stem' | 'lemma' | 'none';

export interface StageOptions {
  segmenter: Segmenter;
  lowercase: boolean;
  punctuation: boolean;
  stemmer: StemAlgorithm;
  normalise: Normalise;
}

/** One document (a line of the input) through every stage. */
export interface DocStages {
  input: string;
  /** text.clean(input) */
  cleaned: string;
  /** text.tokenize(cleaned, { segmenter, lowercase, punctuation }) */
  tokens: string[];
  /** text.removeStopwords(tokens) */
  kept: string[];
  /** text.stemTokens(kept, { algorithm }) */
  stems: string[];
  /** text.lemmatize(kept) */
  lemmas: string[];
  /** stems, lemmas or kept, per `normalise`: the terms the vocabulary and vectors use. */
  terms: string[];
  /** vocab.encode(terms) */
  ids: number[];
  /** text.ngrams(terms, { n: 2 }) */
  bigrams: string[];
}

export interface StagesMsg {
  type: 'text-stages';
  seq: number;
  docs: DocStages[];
  /** Vocab.build(terms of every document): ids in order (reserved tokens first). */
  vocab: string[];
  /** vocab counts, in id order. */
  counts: number[];
  /** bagOfWordsDense(terms, vocab): one row per document, one column per vocabulary id. */
  bow: number[][];
  /** Vocab.build(bigrams, { specials: [] }) and bagOfWordsDense over it. */
  bigramVocab: string[];
  bigramBow: number[][];
  /** TfidfVectorizer().fit(terms).transform(terms): features sorted by code point, rows l2-normalised. */
  tfidfFeatures: string[];
  tfidf: number[][];
  ms: number;
}

export type Cell = 'rnn' | 'lstm' | 'gru';
export type CorpusName = 'brown' | 'tang' | 'custom';

export interface LmConfig {
  corpus: CorpusName;
  /** The pasted text (corpus 'custom'). */
  custom: string;
  cell: Cell;
  hidden: number;
  /** 0: one-hot input. */
  embed: number;
  seqLen: number;
  batchSize: number;
  lr: number;
  clip: number;
  epochs: number;
  /** Percent of the text (its end) held out for perplexity. */
  heldOut: number;
  seed: number;
  /** Draw a sample every this many steps. */
  sampleEvery: number;
  sampleLength: number;
  temperature: number;
  prefix: string;
}

export type TextToWorker =
  | { type: 'text-stages'; seq: number; text: string; options: StageOptions }
  | { type: 'lm-setup'; config: LmConfig }
  | { type: 'lm-train'; config: LmConfig }
  | { type: 'lm-sample'; temperature: number; prefix: string; length: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' };

export interface LmStepRecord {
  step: number;
  loss: number;
}

export interface LmEpochRecord {
  epoch: number;
  /** exp(mean CE over the epoch's training predictions). */
  trainPerplexity: number;
  /** train.evaluatePerplexity on the held-out end of the text. */
  valPerplexity: number;
}

export interface LmStateMsg {
  type: 'lm-state';
  steps: LmStepRecord[];
  epochs: LmEpochRecord[];
  epoch: number;
  totalEpochs: number;
  step: number;
  stepsPerEpoch: number;
  /** The last step's mean cross entropy (NaN before training). */
  loss: number;
  /** Held-out perplexity of the current weights. */
  valPerplexity: number;
  vocabSize: number;
  trainTokens: number;
  valTokens: number;
  parameters: number;
  seed: number;
  trainMs: number;
  done: boolean;
}

export interface LmSampleMsg {
  type: 'lm-sample';
  step: number;
  epoch: number;
  temperature: number;
  seed: number;
  prefix: string;
  /** The prefix followed by the generated characters ('' with `error`). */
  text: string;
  /** Why no sample came (a prefix with characters outside the vocabulary). */
  error?: string;
}

export type TextFromWorker =
  | StagesMsg
  | LmStateMsg
  | LmSampleMsg
  | { type: 'error'; message: string }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'reset' };
