// GRU layers with PyTorch's options, semantics, gate order (r, z, n) and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input      [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   h0         [L·D,B,H] ([L·D,H] unbatched), zeros when omitted
//   output     [T,B,D·H] ([B,T,D·H] with batchFirst),  hN [L·D,B,H]
//   packed input (PackedSequence, data [N,I]) → packed output (data [N,D·H]); h0 and hN in the
//   original batch order, hN each sequence's state at its own last step
//   weight_ih  [3H,I] (rows: W_ir, W_iz, W_in),  weight_hh [3H,H],  biases [3H]
import * as E from '../autograd/ops/elementwise.js';
import { gruSequence } from '../autograd/ops/gru.js';
import { slice } from '../autograd/ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PackedSequence } from './utils/rnn.js';
import { CellBase, type CellOptions, RecurrentBase, type RecurrentOptions } from './recurrent.js';
import { builtinModule } from './module.js';

export type GRUCellOptions = CellOptions;

/**
 * One step: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h.
 * Composed from primitives (the reference for the fused op).
 */
export class GRUCell extends CellBase {
  static {
    builtinModule(this);
  }

  constructor(inputSize: number, hiddenSize: number, opts: GRUCellOptions = {}) {
    super('GRUCell', inputSize, hiddenSize, 3, opts);
  }

  /** x [B,I] or [I]; h [B,H] or [H] (zeros when omitted) → h′ of h's shape. */
  override forward(x: Tensor, h?: Tensor): Tensor {
    const H = this.hiddenSize;
    const { x: xb, states: [hb], unbatch } = this.prepare(x, [h], ['hidden state']);
    const [u, v] = this.projections(xb, hb!);
    const gate = (t: Tensor, k: number) => slice(t, 1, k * H, (k + 1) * H);
    const r = E.sigmoid(E.add(gate(u, 0), gate(v, 0)));
    const z = E.sigmoid(E.add(gate(u, 1), gate(v, 1)));
    const n = E.tanh(E.add(gate(u, 2), E.mul(r, gate(v, 2))));
    // (1 − z) ⊙ n + z ⊙ h, in ATen's form (h − n) ⊙ z + n
    return unbatch(E.add(E.mul(E.sub(hb!, n), z), n));
  }
}

export type GRUOptions = RecurrentOptions;

/**
 * Multi-layer GRU. Each layer and direction runs as one fused autograd op whose backward is the
 * hand-derived BPTT (src/autograd/ops/gru.ts).
 */
export class GRU extends RecurrentBase {
  static {
    builtinModule(this);
  }

  constructor(inputSize: number, hiddenSize: number, opts: GRUOptions = {}) {
    super('GRU', inputSize, hiddenSize, 3, opts);
  }

  /** Runs the whole sequence; returns [output, hN] as described in the legend. */
  override forward(input: Tensor, h0?: Tensor): [Tensor, Tensor];
  override forward(input: PackedSequence, h0?: Tensor): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, h0?: Tensor): [Tensor | PackedSequence, Tensor] {
    const [out, [hN]] = this.scan(input, [h0], ['h0'], (x, [h], p, seq) => [gruSequence(x, h!, p.wIh, p.wHh, p.bIh, p.bHh, seq)]);
    return [out, hN!];
  }
}
