// Elman RNN layers with PyTorch's options, semantics and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input  [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   h0     [L·D,B,H] ([L·D,H] unbatched), zeros when omitted
//   output [T,B,D·H] ([B,T,D·H] with batchFirst),  hN [L·D,B,H]
import * as E from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { type Nonlinearity, rnnSequence } from '../autograd/ops/rnn.js';
import { squeeze, unsqueeze } from '../autograd/ops/shape.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { Module, type Parameter } from './module.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent.js';

export type { Nonlinearity };

export interface RNNCellOptions {
  bias?: boolean;
  nonlinearity?: Nonlinearity;
  dtype?: DType;
  generator?: Generator;
}

/** One step: h′ = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). Composed from primitives (the reference). */
export class RNNCell extends Module {
  readonly weight_ih: Parameter; // [H,I]
  readonly weight_hh: Parameter; // [H,H]
  readonly bias_ih: Parameter | null; // [H]
  readonly bias_hh: Parameter | null; // [H]
  readonly nonlinearity: Nonlinearity;

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: RNNCellOptions = {}) {
    super();
    this.nonlinearity = checkNonlinearity(opts.nonlinearity ?? 'tanh', 'RNNCell');
    const k = 1 / Math.sqrt(hiddenSize);
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, opts.generator);
    this.weight_ih = this.registerParameter('weight_ih', u([hiddenSize, inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', u([hiddenSize, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? this.registerParameter('bias_ih', u([hiddenSize])) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', u([hiddenSize])) : null;
  }

  /** x [B,I] or [I]; h [B,H] or [H] (zeros when omitted) → h′ of h's shape. */
  forward(x: Tensor, h?: Tensor): Tensor {
    const { inputSize: I, hiddenSize: H } = this;
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== I) {
      throw new RangeError(`RNNCell.forward: input has shape ${fmtShape(x.shape)} but expects [B,${I}] or [${I}]`);
    }
    const unbatched = x.ndim === 1;
    const xb = unbatched ? unsqueeze(x, 0) : x;
    const B = xb.shape[0]!;
    let hb = h === undefined ? zeros([B, H], { dtype: x.dtype }) : unbatched ? unsqueeze(h, 0) : h;
    if (hb.ndim !== 2 || hb.shape[0] !== B || hb.shape[1] !== H) {
      throw new RangeError(`RNNCell.forward: hidden state has shape ${fmtShape(h!.shape)} but expects ${unbatched ? `[${H}]` : `[${B},${H}]`}`);
    }
    let z = E.add(matmul(xb, this.weight_ih, { transB: true }), matmul(hb, this.weight_hh, { transB: true }));
    if (this.bias_ih) z = E.add(z, this.bias_ih);
    if (this.bias_hh) z = E.add(z, this.bias_hh);
    hb = this.nonlinearity === 'tanh' ? E.tanh(z) : E.relu(z);
    return unbatched ? squeeze(hb, 0) : hb;
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
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('RNN', inputSize, hiddenSize, 1, opts);
    this.nonlinearity = checkNonlinearity(opts.nonlinearity ?? 'tanh', 'RNN');
  }

  /** Runs the whole sequence; returns [output, hN] as described in the legend. */
  forward(input: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const [out, [hN]] = this.scan(input, [h0], ['h0'], (x, [h], p, reverse, batchFirst) => [
      rnnSequence(x, h!, p.wIh, p.wHh, p.bIh, p.bHh, { nonlinearity: this.nonlinearity, reverse, batchFirst }),
    ]);
    return [out, hN!];
  }
}

function checkNonlinearity(n: string, op: string): Nonlinearity {
  if (n !== 'tanh' && n !== 'relu') throw new RangeError(`${op}: nonlinearity must be 'tanh' or 'relu', got '${n}'`);
  return n;
}
