// LSTM layers with PyTorch's options, semantics, gate order (i, f, g, o) and parameter names.
// Legend: T time, B batch, I input_size, H hidden_size, L num_layers, D directions (1 or 2).
//   input      [T,B,I] ([B,T,I] with batchFirst; [T,I] unbatched)
//   (h0, c0)   [L·D,B,H] each ([L·D,H] unbatched), zeros when omitted
//   output     [T,B,D·H] ([B,T,D·H] with batchFirst),  (hN, cN) [L·D,B,H] each
//   weight_ih  [4H,I] (rows: W_ii, W_if, W_ig, W_io),  weight_hh [4H,H],  biases [4H]
import * as E from '../autograd/ops/elementwise.js';
import { lstmSequence } from '../autograd/ops/lstm.js';
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

export interface LSTMOptions {
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
 * Multi-layer LSTM. Each layer and direction runs as one fused autograd op whose backward is the
 * hand-derived BPTT (src/autograd/ops/lstm.ts). PyTorch's proj_size is not supported.
 */
export class LSTM extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly generator: Generator;
  private readonly cells: LayerParams[] = []; // index l·D + d

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: LSTMOptions = {}) {
    super();
    if ((opts as { projSize?: number }).projSize) throw new RangeError('LSTM: projSize (proj_size) is not supported');
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    checkSizes('LSTM', inputSize, hiddenSize, this.numLayers);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`LSTM: dropout must be in [0, 1], got ${this.dropout}`);
    const H = hiddenSize, D = this.numDirections;
    const k = 1 / Math.sqrt(H);
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, this.generator);
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? inputSize : H * D;
        this.cells.push({
          wIh: this.registerParameter(`weight_ih${sfx}`, u([4 * H, inSize])),
          wHh: this.registerParameter(`weight_hh${sfx}`, u([4 * H, H])),
          bIh: this.bias ? this.registerParameter(`bias_ih${sfx}`, u([4 * H])) : null,
          bHh: this.bias ? this.registerParameter(`bias_hh${sfx}`, u([4 * H])) : null,
        });
      }
    }
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Runs the whole sequence; returns [output, [hN, cN]] as described in the legend. */
  forward(input: Tensor, state?: LSTMState): [Tensor, LSTMState] {
    const { inputSize: I, hiddenSize: H, numLayers: L, numDirections: D } = this;
    const layout = this.batchFirst ? `[B,T,${I}]` : `[T,B,${I}]`;
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== I) {
      throw new RangeError(`LSTM.forward: input has shape ${fmtShape(input.shape)} but expects ${layout} or [T,${I}] (unbatched)`);
    }
    const p0 = this.cells[0]!.wIh;
    if (input.dtype !== p0.dtype) {
      throw new TypeError(`LSTM.forward: input is ${input.dtype} but the parameters are ${p0.dtype}; convert one with .to()`);
    }
    const unbatched = input.ndim === 2;
    // unbatched input is [T,I] whatever batchFirst says, as in PyTorch
    const bf = this.batchFirst && !unbatched;
    const timeDim = bf ? 1 : 0;
    let x = unbatched ? unsqueeze(input, 1) : input;
    const B = x.shape[bf ? 0 : 1]!;
    const want = unbatched ? [L * D, H] : [L * D, B, H];
    const [h, c] = (state ?? [zeros(want, { dtype: input.dtype }), zeros(want, { dtype: input.dtype })]).map((s, i) => {
      if (s.ndim !== want.length || s.shape.some((d, k) => d !== want[k])) {
        throw new RangeError(`LSTM.forward: ${i ? 'c0' : 'h0'} has shape ${fmtShape(s.shape)} but expects ${fmtShape(want)}`);
      }
      return unbatched ? unsqueeze(s, 1) : s;
    }) as LSTMState;
    const T = x.shape[timeDim]!;
    const hFinals: Tensor[] = [], cFinals: Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const p = this.cells[l * D + d]!;
        const pick = (s: Tensor) => (L * D === 1 ? reshapeTo(s, [B, H]) : select(s, 0, l * D + d));
        const hd = pick(h);
        const [seq, cN] = lstmSequence(x, hd, pick(c), p.wIh, p.wHh, p.bIh, p.bHh, { reverse: d === 1, batchFirst: bf });
        outs.push(seq);
        hFinals.push(T > 0 ? select(seq, timeDim, d === 1 ? 0 : T - 1) : hd);
        cFinals.push(cN);
      }
      x = D === 1 ? outs[0]! : cat(outs, 2);
      if (l < L - 1 && this.dropout > 0) x = dropout(x, this.dropout, this.training, this.generator);
    }
    const hN = hFinals.length === 1 ? unsqueeze(hFinals[0]!, 0) : stack(hFinals, 0);
    const cN = cFinals.length === 1 ? unsqueeze(cFinals[0]!, 0) : stack(cFinals, 0);
    if (unbatched) return [squeeze(x, 1), [squeeze(hN, 1), squeeze(cN, 1)]];
    return [x, [hN, cN]];
  }
}

function checkSizes(op: string, inputSize: number, hiddenSize: number, numLayers: number): void {
  for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', numLayers]] as const) {
    if (!Number.isInteger(v) || v < (name === 'inputSize' ? 0 : 1)) throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
}
