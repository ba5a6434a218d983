// Quantile forecasts on the original scale. The transforms and scalers are increasing maps, so one
// step's quantile inverts to the same quantile; but a difference's inverse adds up the steps, and a
// sum of quantiles is not the quantile of the sum. A model that samples paths (a recursive neural
// net with a quantile or Gaussian head) therefore has every path inverted on its own and the
// quantiles taken over the inverted paths; step 1 (one draw's worth of uncertainty, the model's own
// quantiles) is inverted level by level. Every other model's levels are inverted one by one.
import type { ProbabilisticForecaster } from './types.js';
import { pathQuantiles } from '../models/neural.js';

/** A forecaster that can simulate paths (see NeuralForecaster.samplePaths). */
export interface PathSampler {
  readonly sampling: boolean;
  samplePaths(history: readonly number[], steps: number): number[][];
}

export function isPathSampler(m: unknown): m is PathSampler {
  const o = m as Partial<PathSampler>;
  return typeof o.samplePaths === 'function' && o.sampling === true;
}

/**
 * The quantiles (result[j][k], original scale) of a `steps`-step forecast after the scaled history
 * `z`; `invert` maps one scaled forecast path back to the original scale.
 */
export function originalQuantiles(m: ProbabilisticForecaster, z: readonly number[], steps: number, invert: (path: number[]) => number[]): number[][] {
  const levels = m.levels ?? [];
  if (steps === 0) return levels.map(() => []);
  if (!isPathSampler(m) || steps < 2) return m.forecastQuantiles(z, steps).map(invert);
  const q = m.forecastQuantiles(z, 1).map((first) => [invert(first)[0]!, ...new Array<number>(steps - 1)]);
  return pathQuantiles(m.samplePaths(z, steps).map(invert), levels, q, 1);
}
