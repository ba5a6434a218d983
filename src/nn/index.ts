export { Module, Parameter, StateDictError, type StateDict, type LoadResult, type TensorLike } from './module.js';
export { Linear, ReLU, Tanh, Sigmoid, Identity, Dropout, Sequential, type LinearOptions, type Layer } from './layers.js';
export { RNN, RNNCell, type RNNOptions, type RNNCellOptions, type Nonlinearity } from './rnn.js';
export { MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, type LossOptions } from './loss.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { LSTM, LSTMCell, type LSTMOptions, type LSTMCellOptions, type LSTMState } from './lstm.js';
export { GRU, GRUCell, type GRUOptions, type GRUCellOptions } from './gru.js';
export { Embedding, type EmbeddingOptions, type FromPretrainedOptions, type PretrainedVectors } from './embedding.js';
