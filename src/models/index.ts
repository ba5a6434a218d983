export { TutorialRNN } from './tutorial-rnn.js';
export { MLPForecaster, RNNForecaster, LSTMForecaster, GRUForecaster, RecurrentNet, TUTORIAL_DEFAULTS, LIKELIHOODS, type Likelihood, type NeuralOptions, type RecurrentCell } from './neural.js';
export * from './forecasters.js';
export { RNNLM, lmParameters, oneHot, LM_CELLS, type LmCell, type RNNLMOptions, type LmModelConfig } from './rnnlm.js';
export { generateIds, sampleNext, argmax, type SampleOptions, type GenerateOptions } from './generate.js';
export { TextLM, UnknownTokenError, type TextLMConfigJSON, type TextGeneration, type TextLMOptions } from './lm.js';
// re-exported for compatibility: tokenization lives in the text layer
export {
  buildLmCorpus, lmTokenize, lmDetokenize, detectLang, NEWLINE,
  type LmLevel, type LmTokenizer, type WordTokenizer, type LmCorpusOptions, type LmCorpus,
} from '../text/lm-tokenize.js';
export { OutputRecurrentRNN, type OutputRecurrentOptions } from './output-recurrent.js';
export { BowClassifier, fitBowClassifier, bowLoss, type BowClassifierOptions } from './bow-classifier.js';
export { SequenceClassifier, classifierArch, CLASSIFIER_CELLS, POOLINGS, type SequenceClassifierOptions, type ClassifierArch, type ClassifierCell, type Pooling } from './classifier.js';
