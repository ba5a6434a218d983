// A recurrent sequence classifier: reads a whole variable-length sequence and names its class
// (many-to-one), or names a class at every step (many-to-many tagging), on one encoder.
//   [embedding] → RNN/LSTM/GRU (layers, bidirectional, packed by lengths) → pool → dropout → head
// Legend: B batch, T steps (padded), F features per step, H hidden, D directions (1 or 2),
// L layers, C classes. Parameter names are PyTorch's for the same module (`embedding.weight`,
// `rnn.weight_ih_l0`, `head.weight`), so a state_dict moves both ways unchanged.
//
// With lengths the batch runs packed: every sequence stops at its own last step, so padding never
// reaches the result. Pooling:
//   last  the final hidden state of the top layer: h at each sequence's last real step forwards,
//         and, bidirectional, the reverse direction's state after reading back to step 0 [B,D·H]
//   mean  the mean of the top layer's outputs over real steps
//   max   their maximum over real steps (padding is −∞ before the max)
import { cat } from '../autograd/ops/shape.js';
import { Embedding } from '../nn/embedding.js';
import { GRU } from '../nn/gru.js';
import { Dropout, Linear } from '../nn/layers.js';
import { LSTM } from '../nn/lstm.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { packPaddedSequence, padPackedSequence, type PackedSequence } from '../nn/utils/rnn.js';
import { tensor } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { showValue, ValueError } from '../errors.js';

export const CLASSIFIER_CELLS = ['rnn', 'lstm', 'gru'] as const;
export type ClassifierCell = (typeof CLASSIFIER_CELLS)[number];
export const POOLINGS = ['last', 'mean', 'max'] as const;
export type Pooling = (typeof POOLINGS)[number];

export interface SequenceClassifierOptions {
  /** Classes C (≥ 2). */
  numClasses: number;
  /** Features per step F; required without `embedding` (with it, the embedding dim is the input). */
  inputSize?: number;
  /** An Embedding front: x holds token ids [B,T] instead of features [B,T,F]. */
  embedding?: { numEmbeddings: number; embeddingDim: number; paddingIdx?: number };
  cell?: ClassifierCell;
  hiddenSize?: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout between recurrent layers and before the head, in [0, 1). */
  dropout?: number;
  pool?: Pooling;
  /** Many-to-many: a class for every step ([B,T,C] logits; score padding with ignoreIndex). */
  perStep?: boolean;
  /** The simple RNN's nonlinearity (default tanh). */
  nonlinearity?: 'tanh' | 'relu';
}

/** The architecture of a SequenceClassifier, every default filled in (what a model directory stores). */
export type ClassifierArch = Required<Omit<SequenceClassifierOptions, 'embedding' | 'inputSize'>> & {
  inputSize: number;
  embedding: { numEmbeddings: number; embeddingDim: number; paddingIdx: number | null } | null;
};

export class SequenceClassifier extends Module {
  readonly arch: ClassifierArch;
  embedding: Embedding | null;
  rnn: RNN | LSTM | GRU;
  drop: Dropout;
  head: Linear;

  constructor(opts: SequenceClassifierOptions) {
    super();
    this.arch = classifierArch(opts);
    const a = this.arch;
    this.embedding = a.embedding ? new Embedding(a.embedding.numEmbeddings, a.embedding.embeddingDim, { paddingIdx: a.embedding.paddingIdx ?? undefined }) : null;
    const recurrent = { numLayers: a.numLayers, bidirectional: a.bidirectional, dropout: a.numLayers > 1 ? a.dropout : 0, batchFirst: true };
    this.rnn = a.cell === 'lstm' ? new LSTM(a.inputSize, a.hiddenSize, recurrent)
      : a.cell === 'gru' ? new GRU(a.inputSize, a.hiddenSize, recurrent)
        : new RNN(a.inputSize, a.hiddenSize, { ...recurrent, nonlinearity: a.nonlinearity });
    this.drop = new Dropout(a.dropout);
    this.head = new Linear(a.hiddenSize * (a.bidirectional ? 2 : 1), a.numClasses);
  }

  /**
   * Logits [B,C] ([B,T,C] perStep) for x [B,T,F] (token ids [B,T] with an embedding); `lengths`
   * [B] gives each sequence's real steps (1..T), the rest of its row being padding.
   */
  override forward(x: Tensor, lengths?: Tensor | ArrayLike<number> | null): Tensor {
    const a = this.arch;
    const B = x.shape[0]!, T = x.shape[1]!;
    const want = a.embedding ? '[B,T] token ids' : `[B,T,${a.inputSize}]`;
    if (a.embedding ? x.ndim !== 2 : x.ndim !== 3 || x.shape[2] !== a.inputSize) {
      throw new ValueError(`SequenceClassifier.forward: x has shape ${fmtShape(x.shape)} but expects ${want}`);
    }
    const lens = lengths === undefined || lengths === null ? null : Array.from(lengths instanceof Tensor ? lengths.data : lengths);
    if (lens !== null && lens.length !== B) throw new ValueError(`SequenceClassifier.forward: lengths has ${lens.length} entries for a batch of ${B}`);
    const input = this.embedding ? this.embedding.forward(x) : x;
    // all lengths T is the unpacked computation exactly; packing would only add gathers
    const packed = lens !== null && lens.some((L) => L !== T) ? packPaddedSequence(input, lens, { batchFirst: true, enforceSorted: false }) : null;
    const run = this.rnn.forward.bind(this.rnn) as (i: Tensor | PackedSequence) => [Tensor | PackedSequence, Tensor | [Tensor, Tensor]];
    const [out, state] = run(packed ?? input);
    const hN = Array.isArray(state) ? state[0] : state;
    const outputs = (): Tensor => (packed ? padPackedSequence(out as PackedSequence, { batchFirst: true, totalLength: T })[0] : (out as Tensor));
    let features: Tensor;
    if (a.perStep) {
      features = outputs(); // [B,T,D·H]; padding steps are zeros, their targets ignored
    } else if (a.pool === 'last') {
      const L = a.numLayers;
      features = a.bidirectional ? cat([hN.select(0, 2 * L - 2), hN.select(0, 2 * L - 1)], 1) : hN.select(0, L - 1);
    } else {
      const o = outputs();
      if (a.pool === 'mean') {
        features = o.sum(1).div(lens === null ? tensor(T) : tensor(lens).reshape([B, 1]));
      } else {
        features = lens === null ? o.max(1)[0] : o.maskedFill(paddingMask(lens, B, T), -Infinity).max(1)[0];
      }
    }
    return this.head.forward(this.drop.forward(features));
  }
}

/** [B,T,1] mask: 1 at padding steps (t ≥ length). */
function paddingMask(lens: readonly number[], B: number, T: number): Tensor {
  const m = new Float32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = lens[b]!; t < T; t++) m[b * T + t] = 1;
  return tensor(m).reshape([B, T, 1]);
}

/** Validates the options and fills in every default. */
export function classifierArch(opts: SequenceClassifierOptions): ClassifierArch {
  const op = 'SequenceClassifier';
  const int = (name: string, v: unknown, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ValueError(`${op}: ${name} must be an integer ≥ ${min}, got ${showValue(v)}`);
    return v;
  };
  const numClasses = int('numClasses', opts.numClasses, 2);
  const cell = opts.cell ?? 'lstm';
  if (!CLASSIFIER_CELLS.includes(cell)) throw new ValueError(`${op}: cell must be one of ${CLASSIFIER_CELLS.join(', ')}, got ${showValue(cell)}`);
  const pool = opts.pool ?? 'last';
  if (!POOLINGS.includes(pool)) throw new ValueError(`${op}: pool must be one of ${POOLINGS.join(', ')}, got ${showValue(pool)}`);
  const dropout = opts.dropout ?? 0;
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) throw new ValueError(`${op}: dropout must be in [0, 1), got ${showValue(dropout)}`);
  const nonlinearity = opts.nonlinearity ?? 'tanh';
  if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new ValueError(`${op}: nonlinearity must be tanh or relu, got ${showValue(nonlinearity)}`);
  let embedding: ClassifierArch['embedding'] = null;
  let inputSize: number;
  if (opts.embedding) {
    const e = opts.embedding;
    embedding = { numEmbeddings: int('embedding.numEmbeddings', e.numEmbeddings, 1), embeddingDim: int('embedding.embeddingDim', e.embeddingDim, 1), paddingIdx: e.paddingIdx ?? null };
    inputSize = embedding.embeddingDim;
  } else {
    if (opts.inputSize === undefined) throw new ValueError(`${op}: inputSize (features per step) is required without an embedding`);
    inputSize = int('inputSize', opts.inputSize, 1);
  }
  return {
    numClasses, inputSize, embedding, cell, pool, dropout, nonlinearity,
    hiddenSize: int('hiddenSize', opts.hiddenSize ?? 64, 1),
    numLayers: int('numLayers', opts.numLayers ?? 1, 1),
    bidirectional: opts.bidirectional ?? false,
    perStep: opts.perStep ?? false,
  };
}
