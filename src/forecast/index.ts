export { mae, mape, metrics, rmse, type Metrics } from './metrics.js';
export type * from './types.js';
