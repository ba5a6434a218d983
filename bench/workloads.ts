// The benchmark workloads, described once so rnnkit, tfjs and PyTorch run the same math from the
// same numbers. Legend: B batch, T time, I input, H hidden, G gates (1 RNN, 4 LSTM, 3 GRU),
// V vocabulary; x [B,T,I], y [B,T,1] (batch first).
// Sequence models: h_t = cell(x_t, h_{t−1}) with PyTorch's RNN (tanh), LSTM (i f g o) or GRU
//        (r z n, b_hn inside r ⊙ (·)) equations, h_0 = 0;
//        ŷ_t = act(h_t) W_linᵀ + b_lin with act = relu (tutorial) or identity (the others);
//        loss = Σ or mean of (ŷ − y)²; Adam(lr, β = (0.9, 0.999), ε = 1e-8).
// generate: Embedding(V,E) → 2-layer LSTM(H) → Linear(H,V), B = 1, one token at a time without
//        gradients, the next token the argmax of the logits (what `lm generate` does greedily).
// charlm: one epoch of a character LM: one-hot(V) → LSTM(V,H) → Linear(H,V), the corpus cut into
//        B streams read T characters at a time (state carried and detached between batches),
//        mean cross entropy, Adam.

export type WorkloadName = 'tutorial' | 'medium' | 'medium-lstm' | 'medium-gru' | 'large' | 'generate' | 'charlm' | 'matmul';
export const WORKLOADS: readonly WorkloadName[] = ['tutorial', 'medium', 'medium-lstm', 'medium-gru', 'large', 'generate', 'charlm', 'matmul'];

export type Cell = 'rnn' | 'lstm' | 'gru';
export const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };

export interface RnnSpec {
  name: 'tutorial' | 'medium' | 'medium-lstm' | 'medium-gru' | 'large';
  cell: Cell;
  B: number;
  T: number;
  I: number;
  H: number;
  /** relu between the RNN output and the head (the tutorial's model). */
  relu: boolean;
  reduction: 'sum' | 'mean';
  lr: number;
}

export const TUTORIAL: RnnSpec = { name: 'tutorial', cell: 'rnn', B: 4, T: 6, I: 1, H: 10, relu: true, reduction: 'sum', lr: 0.01 };
export const MEDIUM: RnnSpec = { name: 'medium', cell: 'rnn', B: 32, T: 50, I: 8, H: 128, relu: false, reduction: 'mean', lr: 1e-3 };
export const MEDIUM_LSTM: RnnSpec = { ...MEDIUM, name: 'medium-lstm', cell: 'lstm' };
export const MEDIUM_GRU: RnnSpec = { ...MEDIUM, name: 'medium-gru', cell: 'gru' };
export const LARGE: RnnSpec = { name: 'large', cell: 'rnn', B: 64, T: 100, I: 32, H: 512, relu: false, reduction: 'mean', lr: 1e-3 };
export const RNN_SPECS: readonly RnnSpec[] = [TUTORIAL, MEDIUM, MEDIUM_LSTM, MEDIUM_GRU, LARGE];
export const MATMUL_N = 512;

export interface GenerateSpec {
  V: number;
  E: number;
  H: number;
  layers: number;
  /** The prompt token; generation then feeds back its own argmax. */
  start: number;
}
export const GENERATE: GenerateSpec = { V: 64, E: 64, H: 256, layers: 2, start: 1 };

export interface CharLmSpec {
  B: number;
  T: number;
  H: number;
  /** Batches in the epoch: the corpus is B·T·batches + 1 characters. */
  batches: number;
  lr: number;
}
export const CHARLM: CharLmSpec = { B: 32, T: 35, H: 256, batches: 20, lr: 2e-3 };

/** Initial weights (PyTorch layout and init, drawn by rnnkit) and one batch of data. */
export interface RnnInit {
  wIh: Float32Array; // [G·H,I]
  wHh: Float32Array; // [G·H,H]
  bIh: Float32Array; // [G·H]
  bHh: Float32Array; // [G·H]
  linW: Float32Array; // [1,H]
  linB: Float32Array; // [1]
  x: Float32Array; // [B,T,I]
  y: Float32Array; // [B,T,1]
}

/** Named weights in PyTorch's state-dict keys and layout, as flat arrays with their shapes. */
export type Weights = Record<string, { data: Float32Array; shape: number[] }>;

/**
 * The char-LM corpus: the first B·T·batches + 1 characters of the Brown passages bundled in
 * data/brown-categories.tsv (the text column, lower-cased, every character outside a–z and space
 * read as a space), as ids into the sorted character set.
 */
export function charCorpus(tsv: string, spec: CharLmSpec): { ids: Int32Array; V: number } {
  const need = spec.B * spec.T * spec.batches + 1;
  let text = '';
  for (const line of tsv.split('\n').slice(1)) {
    const cols = line.split('\t');
    text += ' ' + (cols[cols.length - 1] ?? '').toLowerCase().replace(/[^a-z ]/g, ' ').replace(/ +/g, ' ');
    if (text.length >= need) break;
  }
  if (text.length < need) throw new Error(`charCorpus: the corpus has ${text.length} characters, the epoch needs ${need}`);
  text = text.slice(0, need);
  const chars = [...new Set(text)].sort();
  const id = new Map(chars.map((c, i) => [c, i] as const));
  return { ids: Int32Array.from(text, (c) => id.get(c)!), V: chars.length };
}

/** Batch k of the epoch: inputs and targets [B,T] (row-major) from B contiguous streams. */
export function charBatch(ids: Int32Array, spec: CharLmSpec, k: number): { x: Int32Array; y: Int32Array } {
  const { B, T, batches } = spec;
  const stream = T * batches;
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const p = b * stream + k * T + t;
      x[b * T + t] = ids[p]!;
      y[b * T + t] = ids[p + 1]!;
    }
  }
  return { x, y };
}
