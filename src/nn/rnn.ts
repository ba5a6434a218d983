// Elman RNN layers with PyTorch's options, semantics and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input  [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   h0     [L·D,B,H] ([L·D,H] unbatched), zeros when omitted
//   output [T,B,D·H] ([B,T,D·H] with batchFirst),  hN [L·D,B,H]
//   packed input (PackedSequence, data [N,I]) → packed output (data [N,D·H]); h0 and hN in the
//   original batch order, hN each sequence's state at its own last step
import * as E from '../autograd/ops/elementwise.js';
import { type Nonlinearity, rnnSequence } from '../autograd/ops/rnn.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PackedSequence } from './utils/rnn.js';
import { CellBase, type CellOptions, RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { ValueError } from '../errors.js';
import { builtinModule } from './module.js';

export type { Nonlinearity };

export interface RNNCellOptions extends CellOptions {
  nonlinearity?: Nonlinearity;
}

/** One step: h′ = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). Composed from primitives (the reference). */
export class RNNCell extends CellBase {
  static {
    builtinModule(this);
  }

  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('RNNCell', inputSize, hiddenSize, 1, opts);
    this.nonlinearity = checkNonlinearity(opts.nonlinearity ?? 'tanh', 'RNNCell');
  }

  /** x [B,I] or [I]; h [B,H] or [H] (zeros when omitted) → h′ of h's shape. */
  override forward(x: Tensor, h?: Tensor): Tensor {
    const { x: xb, states: [hb], unbatch } = this.prepare(x, [h], ['hidden state']);
    const [u, v] = this.projections(xb, hb!);
    const z = E.add(u, v);
    return unbatch(this.nonlinearity === 'tanh' ? E.tanh(z) : E.relu(z));
  }
}

export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: Nonlinearity;
}

/**
 * Multi-layer Elman RNN. Each layer and direction runs as one fused autograd op whose backward is
 * the hand-derived BPTT (src/autograd/ops/rnn.ts).
 */
export class RNN extends RecurrentBase {
  static {
    builtinModule(this);
  }

  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('RNN', inputSize, hiddenSize, 1, opts);
    this.nonlinearity = checkNonlinearity(opts.nonlinearity ?? 'tanh', 'RNN');
  }

  /** Runs the whole sequence; returns [output, hN] as described in the legend. */
  override forward(input: Tensor, h0?: Tensor): [Tensor, Tensor];
  override forward(input: PackedSequence, h0?: Tensor): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, h0?: Tensor): [Tensor | PackedSequence, Tensor] {
    const [out, [hN]] = this.scan(input, [h0], ['h0'], (x, [h], p, seq) => [
      rnnSequence(x, h!, p.wIh, p.wHh, p.bIh, p.bHh, { nonlinearity: this.nonlinearity, ...seq }),
    ]);
    return [out, hN!];
  }
}

function checkNonlinearity(n: string, op: string): Nonlinearity {
  if (n !== 'tanh' && n !== 'relu') throw new ValueError(`${op}: nonlinearity must be 'tanh' or 'relu', got '${n}'`);
  return n;
}
