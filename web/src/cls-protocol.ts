// Tab 4's messages between the page and its worker (cls-worker.ts): the digits-as-rows classifier.
// Legend: T = 8 rows (steps), F = 8 pixels a row, H hidden units, D directions, C = 10 classes.

export type ClsCell = 'rnn' | 'lstm' | 'gru';
export type ClsPool = 'last' | 'mean' | 'max';

export interface ClsConfig {
  cell: ClsCell;
  hidden: number;
  bidirectional: boolean;
  pool: ClsPool;
  epochs: number;
  lr: number;
  weightDecay: number;
  batchSize: number;
  seed: number;
  /** Training images move by up to ±shift pixels each way (0: off). */
  shift: number;
}

export type ClsToWorker =
  | { type: 'cls-setup'; config: ClsConfig }
  | { type: 'cls-train'; config: ClsConfig }
  /** 64 pixels in [0, 1], row-major: the drawing pad. */
  | { type: 'cls-classify'; pixels: number[]; seq: number }
  | { type: 'cls-sample'; index: number }
  /** Save answers with a 'file' (the classifier as the CLI saves it, in one safetensors file). */
  | { type: 'cls-save' }
  /** One .safetensors model file, or a CLI model directory's config.json and weights file. */
  | { type: 'cls-open'; files: { name: string; bytes: Uint8Array }[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' };

export interface ClsEpochRecord {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export interface ClsStateMsg {
  type: 'cls-state';
  /** The epochs since the last message (empty for an untrained model). */
  records: ClsEpochRecord[];
  epoch: number;
  epochs: number;
  /** [C][C] counts on the test half: rows true class, columns predicted. */
  confusion: number[][];
  testAccuracy: number;
  trainSize: number;
  testSize: number;
  seed: number;
  /** Milliseconds of training so far in this run (worker clock). */
  trainMs: number;
  /** Set when the model came from a file: its name and architecture. */
  loaded?: { name: string; cell: ClsCell; hidden: number; bidirectional: boolean; pool: ClsPool };
}

export interface ClsProbsMsg {
  type: 'cls-probs';
  seq: number;
  /** prefix[t][c]: P(class c) after reading rows 1 … t+1 only (T×C). */
  prefix: number[][];
  /** hidden[t][j]: the top layer's output after row t+1, T×(D·H) (forward units first, then reverse). */
  hidden: number[][];
  directions: number;
  /** The recurrent cell's output range: tanh-bounded for RNN/GRU/LSTM outputs. */
  cell: ClsCell;
}

export interface ClsSampleMsg {
  type: 'cls-sample';
  index: number;
  label: number;
  pixels: number[];
}

export type ClsFromWorker =
  | ClsStateMsg
  | ClsProbsMsg
  | ClsSampleMsg
  | { type: 'file'; name: string; bytes: Uint8Array }
  | { type: 'error'; message: string }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'reset' };
