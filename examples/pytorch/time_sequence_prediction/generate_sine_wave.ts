// generate_sine_wave.py of PyTorch's examples/time_sequence_prediction: N sine waves of period
// 2πT, each shifted by a random integer in [−4T, 4T). Upstream saves them to traindata.pt and
// train.py loads the file; here main.ts calls this function. rnnkit's Generator stands in for
// np.random.seed(2) and np.random.randint, so the shifts differ from NumPy's; the test uses
// the exact data PyTorch's run saw (written into its fixture).
import { Generator, arange, tensor, type Tensor } from '../../../src/node.js';

export interface SineWaveOptions {
  /** Upstream: T = 20, L = 1000, N = 100. */
  T?: number;
  L?: number;
  N?: number;
  seed?: number;
}

/** [N,L] float64: sin((l + shift_n) / T). */
export function generateSineWave(opts: SineWaveOptions = {}): Tensor {
  const T = opts.T ?? 20, L = opts.L ?? 1000, N = opts.N ?? 100;
  const g = new Generator(opts.seed ?? 2);
  const shifts = Array.from({ length: N }, () => -4 * T + g.int(8 * T)); // randint(-4T, 4T, N)
  const x = arange(0, L, 1, { dtype: 'float64' }).reshape(1, L).add(tensor(shifts, { dtype: 'float64' }).reshape(N, 1));
  return x.div(1.0).div(T).sin();
}
