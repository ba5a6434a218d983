// The messages between the page and its training worker (one worker instance per tab, one script).
// Legend: n series length, T time steps, H hidden units.

export type TsModel = 'rnn' | 'lstm' | 'gru' | 'mlp' | 'ar' | 'persistence' | 'output-recurrent';
export const TS_MODELS: readonly TsModel[] = ['rnn', 'lstm', 'gru', 'mlp', 'ar', 'persistence', 'output-recurrent'];
/** What the output-recurrent model is fed back in training (train.TrainingMode). */
export type TsMode = 'teacher-forcing' | 'free-running' | 'scheduled-sampling';
export const TS_MODES: readonly TsMode[] = ['teacher-forcing', 'free-running', 'scheduled-sampling'];

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
  /** Steps forecast past the end of the series (recursive). */
  horizon: number;
  /** Output-recurrent model: the training mode, and the lags p of the fed-back delay vector (z_t, …, z_{t−p+1}). */
  mode: TsMode;
  lags: number;
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
  /** The output step t whose connectivity ‖∂o_t/∂x_k‖ is shown (1 … T). */
  connStep: number;
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
  | { type: 'in-step'; step: number }
  /** Save: the worker answers with a 'file'. Open: one .safetensors file, or a model directory's files. */
  | { type: 'ts-save' }
  | { type: 'ts-open'; files: UploadedFile[]; test: number; horizon: number }
  | { type: 'in-save' }
  | { type: 'in-open'; files: UploadedFile[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' };

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

/** A file for the page to download. */
export interface FileMsg {
  type: 'file';
  name: string;
  bytes: Uint8Array;
}

/** The numeric kernels the worker's tensor ops run on. */
export interface KernelsMsg {
  type: 'kernels';
  simd: boolean;
  name: string;
}

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
  multi: MultiStep;
}

/** Multi-step forecasts, original units (see worker.ts). */
export interface MultiStep {
  /** rollout[i]: the recursive (free-running) prediction of values[testStart + i] from the test origin, fed its own outputs. */
  rollout: number[];
  /** future[h]: h + 1 steps past the end of the series, recursive from the last observation. */
  future: number[];
  /** Test RMSE of the one-step (fed the truth: teacher-forced) and the recursive predictions; their difference is the exposure-bias gap. */
  rmseOneStep: number;
  rmseRollout: number;
}

export interface TsDoneMsg {
  type: 'ts-done';
  /** One line: how training ended and the test scores on the original scale. */
  summary: string;
  testStart: number;
  predicted: number[];
  multi: MultiStep;
  closedForm: boolean;
  /** False for a model no CLI command reads (the output-recurrent one). */
  saveable: boolean;
  /** Set when the model came from a file: the form's settings that describe it. */
  loaded?: { model: TsModel; seqLen?: number; hidden?: number; layers?: number; arP?: number };
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
  /** RNNbow: ‖term k of ∂L/∂W_hh‖ for k = 1 … T (the term through step k's use of W_hh), and ‖∂L/∂W_hh‖. */
  contrib: number[];
  contribTotal: number;
  /** Distill connectivity: ‖∂o_t/∂x_k‖ for k = 1 … T, t = connStep; o_t's value. */
  conn: number[];
  connStep: number;
  connValue: number;
  /** x_k of the chosen sample: [value, marker]. */
  inputs: [number, number][];
  /** Set when the model came from a file: its configuration. */
  loaded?: InConfig;
}

export type FromWorker =
  | SeriesMsg
  | TsEpochMsg
  | TsDoneMsg
  | InStateMsg
  | FileMsg
  | KernelsMsg
  | { type: 'error'; message: string }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'reset' };
