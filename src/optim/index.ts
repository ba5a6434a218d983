export { Optimizer, type ParamGroup, type Params, type OptimizerStateDict, type StateValue } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { LBFGS, type LBFGSOptions, type Closure } from './lbfgs.js';
export { clipGradNorm_, clipGradValue_, hasNonFinite, type ClipGradNormOptions } from './clip.js';
export { LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR } from './scheduler.js';
