// GRU layers with PyTorch's options, semantics, gate order (r, z, n) and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input      [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   h0         [L·D,B,H] ([L·D,H] unbatched), zeros when omitted
//   output     [T,B,D·H] ([B,T,D·H] with batchFirst),  hN [L·D,B,H]
//   weight_ih  [3H,I] (rows: W_ir, W_iz, W_in),  weight_hh [3H,H],  biases [3H]
import * as E from '../autograd/ops/elementwise.js';
import { gruSequence } from '../autograd/ops/gru.js';
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

export interface GRUCellOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * One step: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h.
 * Composed from primitives (the reference for the fused op).
 */
export class GRUCell extends Module {
  readonly weight_ih: Parameter; // [3H,I]
  readonly weight_hh: Parameter; // [3H,H]
  readonly bias_ih: Parameter | null; // [3H]
  readonly bias_hh: Parameter | null; // [3H]

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: GRUCellOptions = {}) {
    super();
    checkSizes('GRUCell', inputSize, hiddenSize, 1);
    const k = 1 / Math.sqrt(hiddenSize), G = 3 * hiddenSize;
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, opts.generator);
    this.weight_ih = this.registerParameter('weight_ih', u([G, inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', u([G, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? this.registerParameter('bias_ih', u([G])) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', u([G])) : null;
  }

  /** x [B,I] or [I]; h [B,H] or [H] (zeros when omitted) → h′ of h's shape. */
  forward(x: Tensor, h?: Tensor): Tensor {
    const { inputSize: I, hiddenSize: H } = this;
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== I) {
      throw new RangeError(`GRUCell.forward: input has shape ${fmtShape(x.shape)} but expects [B,${I}] or [${I}]`);
    }
    const unbatched = x.ndim === 1;
    const xb = unbatched ? unsqueeze(x, 0) : x;
    const B = xb.shape[0]!;
    const hb = h === undefined ? zeros([B, H], { dtype: x.dtype }) : unbatched ? unsqueeze(h, 0) : h;
    if (hb.ndim !== 2 || hb.shape[0] !== B || hb.shape[1] !== H) {
      throw new RangeError(`GRUCell.forward: hidden state has shape ${fmtShape(h!.shape)} but expects ${unbatched ? `[${H}]` : `[${B},${H}]`}`);
    }
    let u = matmul(xb, this.weight_ih, { transB: true });
    if (this.bias_ih) u = E.add(u, this.bias_ih);
    let v = matmul(hb, this.weight_hh, { transB: true });
    if (this.bias_hh) v = E.add(v, this.bias_hh);
    const gate = (t: Tensor, k: number) => slice(t, 1, k * H, (k + 1) * H);
    const r = E.sigmoid(E.add(gate(u, 0), gate(v, 0)));
    const z = E.sigmoid(E.add(gate(u, 1), gate(v, 1)));
    const n = E.tanh(E.add(gate(u, 2), E.mul(r, gate(v, 2))));
    // (1 − z) ⊙ n + z ⊙ h, in ATen's form (h − n) ⊙ z + n
    const h1 = E.add(E.mul(E.sub(hb, n), z), n);
    return unbatched ? squeeze(h1, 0) : h1;
  }
}

export type GRUOptions = RecurrentOptions;

/**
 * Multi-layer GRU. Each layer and direction runs as one fused autograd op whose backward is the
 * hand-derived BPTT (src/autograd/ops/gru.ts).
 */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, opts: GRUOptions = {}) {
    super('GRU', inputSize, hiddenSize, 3, opts);
  }

  /** Runs the whole sequence; returns [output, hN] as described in the legend. */
  forward(input: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const [out, [hN]] = this.scan(input, [h0], ['h0'], (x, [h], p, reverse, batchFirst) => [
      gruSequence(x, h!, p.wIh, p.wHh, p.bIh, p.bHh, { reverse, batchFirst }),
    ]);
    return [out, hN!];
  }
}
