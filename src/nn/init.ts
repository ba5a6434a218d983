// Parameter initialisers. PyTorch's defaults: Linear and the recurrent layers draw every weight and
// bias from U(−1/√fan, 1/√fan) (fan = in_features for Linear, hidden_size for RNN/LSTM/GRU).
import type { Tensor } from '../tensor/tensor.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';

export function uniform_(t: Tensor, low: number, high: number, generator: Generator = defaultGenerator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * generator.random();
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
