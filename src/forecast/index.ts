export { mae, mape, metrics, rmse, type Metrics } from './metrics.js';
export { runExperiment, type Covariate, type ExperimentOptions, type ExperimentResult, type ModelResult } from './experiment.js';
export { isMultivariate } from './types.js';
export type * from './types.js';

