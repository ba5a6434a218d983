// LSTM layers with PyTorch's options, semantics, gate order (i, f, g, o) and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input      [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   (h0, c0)   [L·D,B,H] each ([L·D,H] unbatched), zeros when omitted
//   output     [T,B,D·H] ([B,T,D·H] with batchFirst),  (hN, cN) [L·D,B,H] each
//   weight_ih  [4H,I] (rows: W_ii, W_if, W_ig, W_io),  weight_hh [4H,H],  biases [4H]
import * as E from '../autograd/ops/elementwise.js';
import { lstmSequence } from '../autograd/ops/lstm.js';
import { matmul } from '../autograd/ops/matmul.js';
import { slice, squeeze, unsqueeze } from '../autograd/ops/shape.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { Module, type Parameter } from './module.js';
import { checkSizes, RecurrentBase, type RecurrentOptions } from './recurrent.js';

/** An LSTM's recurrent state: hidden and cell, as PyTorch's `(h, c)` tuple. */
export type LSTMState = [h: Tensor, c: Tensor];

export interface LSTMCellOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * One step: [i f g o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh; c′ = σ(f) ⊙ c + σ(i) ⊙ tanh(g);
 * h′ = σ(o) ⊙ tanh(c′). Composed from primitives (the reference for the fused op).
 */
export class LSTMCell extends Module {
  readonly weight_ih: Parameter; // [4H,I]
  readonly weight_hh: Parameter; // [4H,H]
  readonly bias_ih: Parameter | null; // [4H]
  readonly bias_hh: Parameter | null; // [4H]

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: LSTMCellOptions = {}) {
    super();
    checkSizes('LSTMCell', inputSize, hiddenSize, 1);
    const k = 1 / Math.sqrt(hiddenSize), G = 4 * hiddenSize;
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, opts.generator);
    this.weight_ih = this.registerParameter('weight_ih', u([G, inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', u([G, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? this.registerParameter('bias_ih', u([G])) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', u([G])) : null;
  }

  /** x [B,I] or [I]; state [h, c] of [B,H] or [H] each (zeros when omitted) → [h′, c′]. */
  forward(x: Tensor, state?: LSTMState): LSTMState {
    const { inputSize: I, hiddenSize: H } = this;
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== I) {
      throw new RangeError(`LSTMCell.forward: input has shape ${fmtShape(x.shape)} but expects [B,${I}] or [${I}]`);
    }
    const unbatched = x.ndim === 1;
    const xb = unbatched ? unsqueeze(x, 0) : x;
    const B = xb.shape[0]!;
    const want = unbatched ? [H] : [B, H];
    const [h, c] = (state ?? [zeros(want, { dtype: x.dtype }), zeros(want, { dtype: x.dtype })]).map((s, i) => {
      if (s.ndim !== want.length || s.shape.some((d, k) => d !== want[k])) {
        throw new RangeError(`LSTMCell.forward: ${i ? 'c' : 'h'} has shape ${fmtShape(s.shape)} but expects ${fmtShape(want)}`);
      }
      return unbatched ? unsqueeze(s, 0) : s;
    }) as LSTMState;
    let a = E.add(matmul(xb, this.weight_ih, { transB: true }), matmul(h, this.weight_hh, { transB: true }));
    if (this.bias_ih) a = E.add(a, this.bias_ih);
    if (this.bias_hh) a = E.add(a, this.bias_hh);
    const gate = (k: number) => slice(a, 1, k * H, (k + 1) * H);
    const i = E.sigmoid(gate(0)), f = E.sigmoid(gate(1)), g = E.tanh(gate(2)), o = E.sigmoid(gate(3));
    const c1 = E.add(E.mul(f, c), E.mul(i, g));
    const h1 = E.mul(o, E.tanh(c1));
    return unbatched ? [squeeze(h1, 0), squeeze(c1, 0)] : [h1, c1];
  }
}

export type LSTMOptions = RecurrentOptions;

/**
 * Multi-layer LSTM. Each layer and direction runs as one fused autograd op whose backward is the
 * hand-derived BPTT (src/autograd/ops/lstm.ts). PyTorch's proj_size is not supported.
 */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    if ((opts as { projSize?: number }).projSize) throw new RangeError('LSTM: projSize (proj_size) is not supported');
    super('LSTM', inputSize, hiddenSize, 4, opts);
  }

  /** Runs the whole sequence; returns [output, [hN, cN]] as described in the legend. */
  forward(input: Tensor, state?: LSTMState): [Tensor, LSTMState] {
    const [out, [hN, cN]] = this.scan(input, [state?.[0], state?.[1]], ['h0', 'c0'], (x, [h, c], p, reverse, batchFirst) =>
      lstmSequence(x, h!, c!, p.wIh, p.wHh, p.bIh, p.bHh, { reverse, batchFirst }));
    return [out, [hN!, cN!]];
  }
}
