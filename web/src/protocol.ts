// The messages between the page and its training worker (one worker instance per tab, one script).
// Legend: n series length, T time steps, H hidden units.

export type TsModel = 'rnn' | 'lstm' | 'gru' | 'mlp' | 'ar' | 'persistence';
export const TS_MODELS: readonly TsModel[] = ['rnn', 'lstm', 'gru', 'mlp', 'ar', 'persistence'];

export interface TsConfig {
  model: TsModel;
  seqLen: number;
  hidden: number;
  layers: number;
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** Held-out points at the end (count). */
  test: number;
  /** Validation points just before the test span (count). */
  val: number;
  /** AR order p. */
  arP: number;
  /** Clip the gradient norm to this (0: no clipping). */
  clip: number;
}

export type InInit = 'default' | 'orthogonal' | 'irnn';

export interface InConfig {
  /** T, the adding problem's sequence length. */
  seqLen: number;
  hidden: number;
  init: InInit;
  clip: boolean;
  /** The norm clipping rescales to, when on. */
  clipNorm: number;
  lr: number;
  epochs: number;
  seed: number;
  /** Which training sequence the views show. */
  sample: number;
}

export type ToWorker =
  | { type: 'ts-load'; source: 'gs10' }
  | { type: 'ts-load'; source: 'csv'; text: string; name: string }
  | { type: 'ts-train'; config: TsConfig }
  | { type: 'in-setup'; config: InConfig }
  | { type: 'in-train'; config: InConfig }
  | { type: 'in-sample'; sample: number }
  | { type: 'in-clip'; clip: boolean; clipNorm: number }
  | { type: 'in-radius'; radius: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' };

export interface SeriesMsg {
  type: 'series';
  source: 'gs10' | 'csv';
  name: string;
  dates: string[];
  values: number[];
}

export interface EpochRecord {
  epoch: number;
  train: number;
  val: number | null;
}

/** The epochs since the last message (the worker posts at most every ~100 ms, so the page is not flooded). */
export interface TsEpochMsg {
  type: 'ts-epoch';
  records: EpochRecord[];
  epochs: number;
  /** First index of the test span; predicted[i] is the one-step prediction of values[testStart + i]. */
  testStart: number;
  predicted: number[];
}

export interface TsDoneMsg {
  type: 'ts-done';
  /** One line: how training ended and the test scores on the original scale. */
  summary: string;
  testStart: number;
  predicted: number[];
  closedForm: boolean;
}

export interface InStateMsg {
  type: 'in-state';
  epoch: number;
  epochs: number;
  /** Mean training loss of the last epoch (null before training). */
  loss: number | null;
  /** ρ(W_hh), the spectral radius of the recurrent weights. */
  radius: number;
  /** ‖∂L/∂h_t‖ for t = 1 … T, for the chosen sample. */
  gradNorms: number[];
  /** hidden[t][j], the chosen sample's h_t, T×H. */
  hidden: number[][];
  nonlinearity: 'tanh' | 'relu';
  sample: number;
  samples: number;
  /** The chosen sample's marked positions (0-based) and target. */
  marked: [number, number];
  target: number;
  seed: number;
}

export type FromWorker =
  | SeriesMsg
  | TsEpochMsg
  | TsDoneMsg
  | InStateMsg
  | { type: 'error'; message: string }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'reset' };
