// The closed-form forecasters (no training loop): AR(p) by least squares, and persistence.
export { ARForecaster, type AROptions } from './ar.js';
export { PersistenceForecaster } from './persistence.js';
