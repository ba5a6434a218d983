// The closed-form forecasters (no training loop): AR(p) by least squares, and the benchmarks:
// persistence, seasonal naive, drift.
export { ARForecaster, ARLeastSquares, type AROptions } from './ar.js';
export { PersistenceForecaster } from './persistence.js';
export { SeasonalNaiveForecaster, DriftForecaster } from './baselines.js';
