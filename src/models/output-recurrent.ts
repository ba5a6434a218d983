// The RNN variant whose only recurrence runs from the previous output to the next hidden state
// (the tutorial's §3.2.1; Goodfellow et al. §10.2.1, figure 10.4):
//   h_t = f(U x_t + W_o y_{t−1} + b),   o_t = V h_t + c
// y_{t−1} is the truth (teacher forcing) or the model's own o_{t−1} (free running); see
// src/train/modes.ts. With nothing carried but the output, the model remembers only what o_t says.
// Legend: T time, B batch, I input features (0: no input), O outputs (fed back), H hidden.
// Parameters, as nn.Linear pieces:  i2h.weight = U [H,I] (absent when I = 0),
//   o2h.weight = W_o [H,O], o2h.bias = b [H],  h2o.weight = V [O,H], h2o.bias = c [O].
// (b sits on o2h so that a model with no input still has it.)
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { DType } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { freeRunning, type OutputFeedback } from '../train/modes.js';
import { ValueError } from '../errors.js';

export interface OutputRecurrentOptions {
  nonlinearity?: 'tanh' | 'relu';
  dtype?: DType;
  /** Generator for the initial weights (PyTorch's Linear init), default the global one. */
  generator?: Generator;
}

export class OutputRecurrentRNN extends Module implements OutputFeedback {
  readonly i2h: Linear | null; // U: I → H, no bias
  readonly o2h: Linear; // W_o, b: O → H
  readonly h2o: Linear; // V, c: H → O
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly outputSize: number, opts: OutputRecurrentOptions = {}) {
    super();
    for (const [name, v, min] of [['inputSize', inputSize, 0], ['hiddenSize', hiddenSize, 1], ['outputSize', outputSize, 1]] as const) {
      if (!Number.isInteger(v) || v < min) throw new ValueError(`OutputRecurrentRNN: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`OutputRecurrentRNN: nonlinearity must be 'tanh' or 'relu', got '${String(nl)}'`);
    this.nonlinearity = nl;
    const lin = { dtype: opts.dtype, generator: opts.generator ?? defaultGenerator };
    this.i2h = inputSize > 0 ? this.registerModule('i2h', new Linear(inputSize, hiddenSize, { ...lin, bias: false })) : null;
    this.o2h = this.registerModule('o2h', new Linear(outputSize, hiddenSize, lin));
    this.h2o = this.registerModule('h2o', new Linear(hiddenSize, outputSize, lin));
  }

  /**
   * One step, o_t from x_t [..., I] (null when inputSize is 0) and the fed-back y_{t−1} [..., O].
   * Any leading dims: teacher forcing calls it once on [T,B,…].
   */
  step(x: Tensor | null, prevY: Tensor): Tensor {
    const { inputSize: I, outputSize: O } = this;
    if (prevY.ndim === 0 || prevY.shape[prevY.ndim - 1] !== O) {
      throw new ValueError(`OutputRecurrentRNN.step: prevY has shape ${fmtShape(prevY.shape)} but expects [..., ${O}]`);
    }
    let z = this.o2h.forward(prevY);
    if (this.i2h) {
      if (x === null || x.ndim !== prevY.ndim || x.shape[x.ndim - 1] !== I || x.shape.slice(0, -1).some((s, i) => s !== prevY.shape[i])) {
        throw new ValueError(`OutputRecurrentRNN.step: x has shape ${x ? fmtShape(x.shape) : 'null'} but expects [${[...prevY.shape.slice(0, -1), I].join(',')}]`);
      }
      z = z.add(this.i2h.forward(x));
    } else if (x !== null) {
      throw new ValueError(`OutputRecurrentRNN.step: the model has no input (inputSize 0) but got x of shape ${fmtShape(x.shape)}`);
    }
    const h = this.nonlinearity === 'tanh' ? z.tanh() : z.relu();
    return this.h2o.forward(h);
  }

  /**
   * The sequence, free-running from y0 [B,O] (inference always feeds the model its own outputs):
   * o [T,B,O] for x [T,B,I], or for `steps` steps when the model has no input.
   */
  override forward(x: Tensor | null, y0: Tensor, steps?: number): Tensor {
    return freeRunning(this, { x, y0, steps });
  }
}
