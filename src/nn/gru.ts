// GRU layers with PyTorch's options, semantics, gate order (r, z, n) and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input      [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   h0         [L·D,B,H] ([L·D,H] unbatched), zeros when omitted
//   output     [T,B,D·H] ([B,T,D·H] with batchFirst),  hN [L·D,B,H]
//   weight_ih  [3H,I] (rows: W_ir, W_iz, W_in),  weight_hh [3H,H],  biases [3H]
import * as E from '../autograd/ops/elementwise.js';
import { gruSequence } from '../autograd/ops/gru.js';
import { matmul } from '../autograd/ops/matmul.js';
import { cat, reshape as reshapeTo, select, slice, squeeze, stack, unsqueeze } from '../autograd/ops/shape.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { dropout } from './functional.js';
import { uniform_ } from './init.js';
import { Module, type Parameter } from './module.js';

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

export interface GRUOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
  /** Generator for the initial weights and the inter-layer dropout masks (default: the global one). */
  generator?: Generator;
}

interface LayerParams {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

/**
 * Multi-layer GRU. Each layer and direction runs as one fused autograd op whose backward is the
 * hand-derived BPTT (src/autograd/ops/gru.ts).
 */
export class GRU extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly generator: Generator;
  private readonly cells: LayerParams[] = []; // index l·D + d

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: GRUOptions = {}) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    checkSizes('GRU', inputSize, hiddenSize, this.numLayers);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`GRU: dropout must be in [0, 1], got ${this.dropout}`);
    const H = hiddenSize, D = this.numDirections;
    const k = 1 / Math.sqrt(H);
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, this.generator);
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? inputSize : H * D;
        this.cells.push({
          wIh: this.registerParameter(`weight_ih${sfx}`, u([3 * H, inSize])),
          wHh: this.registerParameter(`weight_hh${sfx}`, u([3 * H, H])),
          bIh: this.bias ? this.registerParameter(`bias_ih${sfx}`, u([3 * H])) : null,
          bHh: this.bias ? this.registerParameter(`bias_hh${sfx}`, u([3 * H])) : null,
        });
      }
    }
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Runs the whole sequence; returns [output, hN] as described in the legend. */
  forward(input: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { inputSize: I, hiddenSize: H, numLayers: L, numDirections: D } = this;
    const layout = this.batchFirst ? `[B,T,${I}]` : `[T,B,${I}]`;
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== I) {
      throw new RangeError(`GRU.forward: input has shape ${fmtShape(input.shape)} but expects ${layout} or [T,${I}] (unbatched)`);
    }
    const p0 = this.cells[0]!.wIh;
    if (input.dtype !== p0.dtype) {
      throw new TypeError(`GRU.forward: input is ${input.dtype} but the parameters are ${p0.dtype}; convert one with .to()`);
    }
    const unbatched = input.ndim === 2;
    // unbatched input is [T,I] whatever batchFirst says, as in PyTorch
    const bf = this.batchFirst && !unbatched;
    const timeDim = bf ? 1 : 0;
    let x = unbatched ? unsqueeze(input, 1) : input;
    const B = x.shape[bf ? 0 : 1]!;
    let h: Tensor;
    if (h0 === undefined) h = zeros([L * D, B, H], { dtype: input.dtype });
    else {
      const want = unbatched ? [L * D, H] : [L * D, B, H];
      if (h0.ndim !== want.length || h0.shape.some((s, i) => s !== want[i])) {
        throw new RangeError(`GRU.forward: h0 has shape ${fmtShape(h0.shape)} but expects ${fmtShape(want)}`);
      }
      h = unbatched ? unsqueeze(h0, 1) : h0;
    }
    const T = x.shape[timeDim]!;
    const finals: Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const p = this.cells[l * D + d]!;
        const hd = L * D === 1 ? reshapeTo(h, [B, H]) : select(h, 0, l * D + d);
        const seq = gruSequence(x, hd, p.wIh, p.wHh, p.bIh, p.bHh, { reverse: d === 1, batchFirst: bf });
        outs.push(seq);
        finals.push(T > 0 ? select(seq, timeDim, d === 1 ? 0 : T - 1) : hd);
      }
      x = D === 1 ? outs[0]! : cat(outs, 2);
      if (l < L - 1 && this.dropout > 0) x = dropout(x, this.dropout, this.training, this.generator);
    }
    const hN = finals.length === 1 ? unsqueeze(finals[0]!, 0) : stack(finals, 0);
    if (unbatched) return [squeeze(x, 1), squeeze(hN, 1)];
    return [x, hN];
  }
}

function checkSizes(op: string, inputSize: number, hiddenSize: number, numLayers: number): void {
  for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', numLayers]] as const) {
    if (!Number.isInteger(v) || v < (name === 'inputSize' ? 0 : 1)) throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
}
