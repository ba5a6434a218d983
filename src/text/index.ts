// rnnkit/text: preprocessing and word embeddings. Browser-safe (no node: imports).
export { clean, type CleanOptions, type CleanRule } from './clean.js';
export { tokenize, type Lang, type TokenizeOptions } from './tokenize.js';
export { initSegmenter, segmentChinese, type Segmenter } from './segment.js';
export { lemmatize } from './english.js';
export { removeStopwords, stopwordList, stopwordSet, type StopwordLang, type StopwordOptions } from './stopwords.js';
export { stem, stemTokens, type StemAlgorithm, type StemOptions } from './stem.js';
export { Vocab, DEFAULT_SPECIALS, type VocabJSON, type VocabOptions } from './vocab.js';
export { textSequences, PAD, UNK, type TextSequences, type TextSequencesOptions } from './sequences.js';
export { buildLmCorpus, lmTokenize, lmDetokenize, detectLang, NEWLINE, type LmLevel, type LmTokenizer, type WordTokenizer, type LmCorpusOptions, type LmCorpus } from './lm-tokenize.js';
export {
  bagOfWords, bagOfWordsDense, charNgrams, countNgrams, ngrams, toDense,
  type BagOfWordsOptions, type NgramOptions, type SparseMatrix,
} from './features.js';
export { TfidfVectorizer, type TfidfJSON, type TfidfOptions } from './tfidf.js';
export { trainWord2Vec, type Word2VecOptions, type Word2VecResult } from './word2vec.js';
export { trainGlove, cooccurrence, type Cooccurrence, type GloveOptions, type GloveResult } from './glove.js';
export type { TrainProgress } from './corpus.js';
export { WordVectors, embeddingWeights, type EmbeddingWeights, type Neighbour } from './vectors.js';
export { Pipeline, type PipelineJSON, type PipelineStage } from './pipeline.js';
export { Rng } from './rng.js';
