export { fit, evaluate, TrainingError, type FitOptions, type FitResult, type ProgressEvent, type EpochEvent, type Trainable, type XY, type OptimizerName, type LossName } from './fit.js';
