// IRNN (Le, Jaitly & Hinton 2015): a ReLU Elman RNN whose recurrent matrix starts as the identity,
// so that with all units active h_t = h_{t−1} + W_ih x_t and ∂h_t/∂h_{t−1} = I: neither the state
// nor the gradient decays. Built here rather than in nn/init.ts, which nn/rnn.ts itself imports.
import { RNN, type RNNOptions } from '../nn/rnn.js';
import { irnn_, type IrnnOptions } from '../nn/init.js';

export interface IrnnModelOptions extends Omit<RNNOptions, 'nonlinearity'>, Omit<IrnnOptions, 'generator'> {}

/** An nn.RNN with nonlinearity 'relu', W_hh = scale·I, zero biases and W_ih ~ N(0, inputStd²). */
export function irnn(inputSize: number, hiddenSize: number, opts: IrnnModelOptions = {}): RNN {
  const { inputStd, scale, ...rnnOpts } = opts;
  const rnn = new RNN(inputSize, hiddenSize, { ...rnnOpts, nonlinearity: 'relu' });
  return irnn_(rnn, { inputStd, scale, generator: rnn.generator });
}
