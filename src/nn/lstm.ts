// LSTM layers with PyTorch's options, semantics, gate order (i, f, g, o) and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input      [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   (h0, c0)   [L·D,B,H] each ([L·D,H] unbatched), zeros when omitted
//   output     [T,B,D·H] ([B,T,D·H] with batchFirst),  (hN, cN) [L·D,B,H] each
//   packed input (PackedSequence, data [N,I]) → packed output (data [N,D·H]); states in the
//   original batch order, (hN, cN) each sequence's at its own last step
//   weight_ih  [4H,I] (rows: W_ii, W_if, W_ig, W_io),  weight_hh [4H,H],  biases [4H]
import * as E from '../autograd/ops/elementwise.js';
import { lstmSequence } from '../autograd/ops/lstm.js';
import { slice } from '../autograd/ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PackedSequence } from './utils/rnn.js';
import { CellBase, type CellOptions, RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { ValueError } from '../errors.js';
import { builtinModule } from './module.js';

/** An LSTM's recurrent state: hidden and cell, as PyTorch's `(h, c)` tuple. */
export type LSTMState = [h: Tensor, c: Tensor];

export type LSTMCellOptions = CellOptions;

/**
 * One step: [i f g o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh; c′ = σ(f) ⊙ c + σ(i) ⊙ tanh(g);
 * h′ = σ(o) ⊙ tanh(c′). Composed from primitives (the reference for the fused op).
 */
export class LSTMCell extends CellBase {
  static {
    builtinModule(this);
  }

  constructor(inputSize: number, hiddenSize: number, opts: LSTMCellOptions = {}) {
    super('LSTMCell', inputSize, hiddenSize, 4, opts);
  }

  /** x [B,I] or [I]; state [h, c] of [B,H] or [H] each (zeros when omitted) → [h′, c′]. */
  override forward(x: Tensor, state?: LSTMState): LSTMState {
    const H = this.hiddenSize;
    const { x: xb, states: [h, c], unbatch } = this.prepare(x, [state?.[0], state?.[1]], ['h', 'c']);
    const [u, v] = this.projections(xb, h!);
    const a = E.add(u, v);
    const gate = (k: number) => slice(a, 1, k * H, (k + 1) * H);
    const i = E.sigmoid(gate(0)), f = E.sigmoid(gate(1)), g = E.tanh(gate(2)), o = E.sigmoid(gate(3));
    const c1 = E.add(E.mul(f, c!), E.mul(i, g));
    const h1 = E.mul(o, E.tanh(c1));
    return [unbatch(h1), unbatch(c1)];
  }
}

export type LSTMOptions = RecurrentOptions;

/**
 * Multi-layer LSTM. Each layer and direction runs as one fused autograd op whose backward is the
 * hand-derived BPTT (src/autograd/ops/lstm.ts). PyTorch's proj_size is not supported.
 */
export class LSTM extends RecurrentBase {
  static {
    builtinModule(this);
  }

  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    if ((opts as { projSize?: number }).projSize) throw new ValueError('LSTM: projSize (proj_size) is not supported');
    super('LSTM', inputSize, hiddenSize, 4, opts);
  }

  /** Runs the whole sequence; returns [output, [hN, cN]] as described in the legend. */
  override forward(input: Tensor, state?: LSTMState): [Tensor, LSTMState];
  override forward(input: PackedSequence, state?: LSTMState): [PackedSequence, LSTMState];
  override forward(input: Tensor | PackedSequence, state?: LSTMState): [Tensor | PackedSequence, LSTMState] {
    const [out, [hN, cN]] = this.scan(input, [state?.[0], state?.[1]], ['h0', 'c0'], (x, [h, c], p, seq) =>
      lstmSequence(x, h!, c!, p.wIh, p.wHh, p.bIh, p.bHh, seq));
    return [out, [hN!, cN!]];
  }
}
