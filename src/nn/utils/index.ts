// torch.nn.utils: gradient clipping, parameters as one vector, and the rnn helpers.
export { clipGradNorm_, clipGradValue_, hasNonFinite, type ClipGradNormOptions } from './clip.js';
export { parametersToVector, vectorToParameters } from './convert.js';
export * as rnn from './rnn.js';
