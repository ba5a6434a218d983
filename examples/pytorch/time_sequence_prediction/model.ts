// The Sequence model of PyTorch's examples/time_sequence_prediction/train.py: two stacked
// LSTMCells (51 hidden units) and a Linear read-out, stepped one column at a time, then fed
// their own output for `future` steps. Float64 throughout, as upstream's `.double()`.
// Legend: B sequences, S steps (input columns), F future steps.
import { cat, nn, zeros, type Tensor } from '../../../src/node.js';

export class Sequence extends nn.Module {
  lstm1: nn.LSTMCell;
  lstm2: nn.LSTMCell;
  linear: nn.Linear;

  constructor() {
    super();
    this.lstm1 = new nn.LSTMCell(1, 51);
    this.lstm2 = new nn.LSTMCell(51, 51);
    this.linear = new nn.Linear(51, 1);
  }

  /** input [B,S] → outputs [B,S+F]: the prediction of each next value. */
  override forward(input: Tensor, future = 0): Tensor {
    const outputs: Tensor[] = [];
    let hT = zeros([input.size(0), 51], { dtype: 'float64' });
    let cT = zeros([input.size(0), 51], { dtype: 'float64' });
    let hT2 = zeros([input.size(0), 51], { dtype: 'float64' });
    let cT2 = zeros([input.size(0), 51], { dtype: 'float64' });

    let output: Tensor | undefined;
    for (const inputT of input.chunk(input.size(1), 1)) {
      [hT, cT] = this.lstm1.forward(inputT, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    for (let i = 0; i < future; i++) { // if we should predict the future
      [hT, cT] = this.lstm1.forward(output!, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    return cat(outputs, 1);
  }
}
