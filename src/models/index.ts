export { TutorialRNN } from './tutorial-rnn.js';
export { MLPForecaster, RNNForecaster, TUTORIAL_DEFAULTS, type NeuralOptions } from './neural.js';
export * from './forecasters.js';
