// The tutorial's RNN forecaster (§5.2): y = Linear(relu(RNN(x))) at every step.
// Legend: B batch, T time, H hidden, C inputSize, K outputSize (both 1 in the tutorial).
// x [B,T,C] → y [B,T,K]. Attribute names `rnn` and `linear`
// match the tutorial's PyTorch class, so its state_dict loads with no renaming.
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import type { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

export class TutorialRNN extends Module {
  readonly rnn: RNN;
  readonly linear: Linear;

  constructor(readonly inputSize = 1, readonly hiddenSize = 10, readonly numLayers = 1, generator?: Generator, readonly outputSize = 1) {
    super();
    this.rnn = this.registerModule('rnn', new RNN(inputSize, hiddenSize, { numLayers, batchFirst: true, generator }));
    this.linear = this.registerModule('linear', new Linear(hiddenSize, outputSize, { generator }));
  }

  override forward(x: Tensor, h0?: Tensor): Tensor {
    const [output] = this.rnn.forward(x, h0);
    return this.linear.forward(output.relu());
  }
}
