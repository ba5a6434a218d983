// Sliding windows over a series, as the tutorial builds them (§5). Legend: S series length,
// L seqLen, W = S − L windows.
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

/** N→1: features [W,L] (x_i … x_{i+L−1}) and targets [W,1] (x_{i+L}), the MLP setup. */
export function windowsNto1(series: ArrayLike<number>, seqLen: number): { x: Tensor; y: Tensor } {
  const W = checkWindows(series, seqLen);
  const x = new Float32Array(W * seqLen), y = new Float32Array(W);
  for (let i = 0; i < W; i++) {
    for (let j = 0; j < seqLen; j++) x[i * seqLen + j] = series[i + j]!;
    y[i] = series[i + seqLen]!;
  }
  return { x: new Tensor(x, [W, seqLen]), y: new Tensor(y, [W, 1]) };
}

/** N→N: inputs [W,L,1] (x_i … x_{i+L−1}) and targets [W,L] (x_{i+1} … x_{i+L}), the RNN setup. */
export function windowsNtoN(series: ArrayLike<number>, seqLen: number): { x: Tensor; y: Tensor } {
  const W = checkWindows(series, seqLen);
  const x = new Float32Array(W * seqLen), y = new Float32Array(W * seqLen);
  for (let i = 0; i < W; i++) {
    for (let j = 0; j < seqLen; j++) {
      x[i * seqLen + j] = series[i + j]!;
      y[i * seqLen + j] = series[i + j + 1]!;
    }
  }
  return { x: new Tensor(x, [W, seqLen, 1]), y: new Tensor(y, [W, seqLen]) };
}

function checkWindows(series: ArrayLike<number>, seqLen: number): number {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new ValueError(`windows: seqLen must be a positive integer, got ${seqLen}`);
  if (series.length <= seqLen) throw new ValueError(`windows: a series of ${series.length} values is too short for seqLen ${seqLen}`);
  return series.length - seqLen;
}
