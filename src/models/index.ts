export { TutorialRNN } from './tutorial-rnn.js';
export { MLPForecaster, RNNForecaster, TUTORIAL_DEFAULTS, type NeuralOptions } from './neural.js';
export * from './forecasters.js';
export {
  RNNLM, TextLM, UnknownTokenError, lmParameters, buildLmCorpus, lmTokenize, lmDetokenize, detectLang, generateIds, sampleNext, argmax, oneHot, LM_CELLS, NEWLINE,
  type LmCell, type RNNLMOptions, type LmModelConfig, type SampleOptions, type GenerateOptions, type LmLevel, type LmTokenizer, type WordTokenizer,
  type LmCorpusOptions, type LmCorpus, type TextLMConfigJSON, type TextGeneration, type TextLMOptions,
} from './lm.js';
export { OutputRecurrentRNN, type OutputRecurrentOptions } from './output-recurrent.js';
