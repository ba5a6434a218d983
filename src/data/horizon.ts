// N→h windows for direct multi-step forecasting. Legend: S series length, L seqLen, h horizon,
// W = S − L − h + 1 windows.
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

/**
 * Features [W,L] (x_i … x_{i+L−1}) and targets [W,h] (x_{i+L} … x_{i+L+h−1}). With h = 1 these
 * are `windowsNto1`'s windows.
 */
export function windowsHorizon(series: ArrayLike<number>, seqLen: number, horizon: number): { x: Tensor; y: Tensor } {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new ValueError(`windowsHorizon: seqLen must be a positive integer, got ${seqLen}`);
  if (!Number.isInteger(horizon) || horizon < 1) throw new ValueError(`windowsHorizon: horizon must be a positive integer, got ${horizon}`);
  const W = series.length - seqLen - horizon + 1;
  if (W < 1) {
    throw new ValueError(`windowsHorizon: a series of ${series.length} values is too short for seqLen ${seqLen} + horizon ${horizon} (needs ${seqLen + horizon})`);
  }
  const x = new Float32Array(W * seqLen), y = new Float32Array(W * horizon);
  for (let i = 0; i < W; i++) {
    for (let j = 0; j < seqLen; j++) x[i * seqLen + j] = series[i + j]!;
    for (let k = 0; k < horizon; k++) y[i * horizon + k] = series[i + seqLen + k]!;
  }
  return { x: new Tensor(x, [W, seqLen]), y: new Tensor(y, [W, horizon]) };
}
