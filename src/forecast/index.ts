export { mae, mape, metrics, rmse, type Metrics } from './metrics.js';
export { runExperiment, type ExperimentOptions, type ExperimentResult, type ModelResult } from './experiment.js';
export type * from './types.js';
