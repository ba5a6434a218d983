// The recurrent language model (d2l ch. 8-9):
//   ids → Embedding (or one-hot) → RNN / LSTM / GRU → Linear → logits over the vocabulary,
// trained with softmax cross entropy on next-token prediction (src/train/lm.ts).
// Legend: B batch, T time, V vocabulary, E embedding size (V for one-hot), H hidden, L layers.
import { Embedding } from '../nn/embedding.js';
import { GRU } from '../nn/gru.js';
import { Linear } from '../nn/layers.js';
import { LSTM } from '../nn/lstm.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { LanguageModel, LmState } from '../train/lm.js';
import { ValueError } from '../errors.js';

export type LmCell = 'rnn' | 'lstm' | 'gru';
export const LM_CELLS: readonly LmCell[] = ['rnn', 'lstm', 'gru'];

export interface RNNLMOptions {
  cell?: LmCell;
  hiddenSize: number;
  numLayers?: number;
  /** Size of the learned token embedding; 0 (default) feeds one-hot vectors, as d2l does. */
  embedDim?: number;
  /** Dropout between recurrent layers (numLayers > 1), in training mode. */
  dropout?: number;
  dtype?: DType;
  /** Generator for the initial weights (default: the global one). */
  generator?: Generator;
}

/**
 * The language model. Parameter names follow a PyTorch module with attributes `embedding`
 * (nn.Embedding, absent for one-hot input), `rnn` (nn.RNN/LSTM/GRU, batch_first=True) and
 * `linear` (nn.Linear(H, V)), so its state dict loads into that PyTorch model unchanged.
 */
export class RNNLM extends Module implements LanguageModel {
  readonly cell: LmCell;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly embedDim: number;
  readonly dropout: number;
  readonly embedding: Embedding | null;
  readonly rnn: RNN | LSTM | GRU;
  readonly linear: Linear;

  constructor(readonly vocabSize: number, opts: RNNLMOptions) {
    super();
    this.cell = opts.cell ?? 'rnn';
    this.hiddenSize = opts.hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    this.embedDim = opts.embedDim ?? 0;
    this.dropout = opts.dropout ?? 0;
    const checks: [string, number, number][] = [['vocabSize', vocabSize, 1], ['hiddenSize', this.hiddenSize, 1], ['numLayers', this.numLayers, 1], ['embedDim', this.embedDim, 0]];
    for (const [name, v, min] of checks) {
      if (!Number.isInteger(v) || v < min) throw new ValueError(`RNNLM: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
    if (!LM_CELLS.includes(this.cell)) throw new ValueError(`RNNLM: cell must be one of ${LM_CELLS.join(', ')}, got '${String(this.cell)}'`);
    const generator = opts.generator ?? defaultGenerator;
    const I = this.embedDim > 0 ? this.embedDim : vocabSize;
    this.embedding = this.embedDim > 0
      ? this.registerModule('embedding', new Embedding(vocabSize, this.embedDim, { dtype: opts.dtype, generator }))
      : null;
    const ro = { numLayers: this.numLayers, batchFirst: true, dropout: this.dropout, dtype: opts.dtype, generator };
    this.rnn = this.registerModule('rnn', this.cell === 'lstm' ? new LSTM(I, this.hiddenSize, ro) : this.cell === 'gru' ? new GRU(I, this.hiddenSize, ro) : new RNN(I, this.hiddenSize, ro));
    this.linear = this.registerModule('linear', new Linear(this.hiddenSize, vocabSize, { dtype: opts.dtype, generator }));
  }

  private get dtype(): DType {
    return this.linear.weight.dtype;
  }

  /** Zero state for a batch of B: h [L,B,H] (and c [L,B,H] for LSTM). */
  beginState(batchSize: number): LmState {
    const shape = [this.numLayers, batchSize, this.hiddenSize];
    const h = zeros(shape, { dtype: this.dtype });
    return this.cell === 'lstm' ? { h, c: zeros(shape, { dtype: this.dtype }) } : { h };
  }

  /** ids [B,T] (row-major, any array of integers) → logits [B,T,V] and the state after step T. */
  override forward(ids: ArrayLike<number>, shape: readonly [number, number], state?: LmState): [Tensor, LmState] {
    const [B, T] = shape;
    const V = this.vocabSize;
    if (ids.length !== B * T) throw new ValueError(`RNNLM.forward: ${ids.length} ids do not fill shape [${B},${T}]`);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= V) throw new ValueError(`RNNLM.forward: token id ${v} at position ${i} is out of range for a vocabulary of ${V}`);
    }
    const x = this.embedding ? this.embedding.forward(ids, [B, T]) : oneHot(ids, [B, T], V, this.dtype);
    let out: Tensor;
    let next: LmState;
    if (this.rnn instanceof LSTM) {
      const s = state ?? this.beginState(B);
      if (s.c === undefined) throw new ValueError('RNNLM.forward: an LSTM state needs both h and c');
      const [o, [h, c]] = this.rnn.forward(x, [s.h, s.c]);
      out = o;
      next = { h, c };
    } else {
      const [o, h] = this.rnn.forward(x, state?.h);
      out = o;
      next = { h };
    }
    return [this.linear.forward(out), next];
  }

  /** The hyperparameters that rebuild this model (weights aside). */
  config(): LmModelConfig {
    return { cell: this.cell, vocabSize: this.vocabSize, embedDim: this.embedDim, hiddenSize: this.hiddenSize, numLayers: this.numLayers, dropout: this.dropout };
  }
}

export interface LmModelConfig {
  cell: LmCell;
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
}

/** One-hot rows of the identity: ids [B,T] → [B,T,V] (a constant; nothing to learn). */
export function oneHot(ids: ArrayLike<number>, shape: readonly number[], V: number, dtype: DType = 'float32'): Tensor {
  const n = ids.length;
  const d = dtype === 'float64' ? new Float64Array(n * V) : new Float32Array(n * V);
  for (let i = 0; i < n; i++) d[i * V + ids[i]!] = 1;
  return new Tensor(d, [...shape, V]);
}

/** Parameters of an RNNLM: embedding (E > 0), L recurrent layers of g gates (1, 4, 3), the head. */
export function lmParameters(cell: LmCell, V: number, E: number, H: number, L: number): number {
  const g = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const I = E > 0 ? E : V;
  return (E > 0 ? V * E : 0) + g * H * (I + H) + 2 * g * H + (L - 1) * (g * H * 2 * H + 2 * g * H) + H * V + V;
}
