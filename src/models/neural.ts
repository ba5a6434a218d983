// The tutorial's two neural forecasters (§5), behind the Forecaster interface, and the gated cells:
//   MLP  Linear(L·C,h) → ReLU → Linear(h,C) on N→1 windows (features x_{t−L..t−1}, target x_t);
//   RNN  Linear(relu(RNN(x))) with input size C and C outputs, trained N→N (targets
//        x_{i+1..i+L}), predicting from its last step;
//   LSTM, GRU  the same with nn.LSTM / nn.GRU in place of nn.RNN (`dropout` between layers, as PyTorch).
// Legend: L seqLen, h hidden, W windows, C input columns (`inputSize`, default 1). Series are on
// the scaled axis (the caller scales).
//
// Multivariate (C > 1): every step reads all C columns and the model predicts all C columns at the
// next step, trained on the MSE over all of them; column 0 is the target by the experiment's
// convention, but the models treat the columns alike. Feeding all predicted columns back gives a
// free-running forecast. With C = 1 the models, their parameters and their numbers are exactly the
// univariate ones (the MLP's features are time-major, x_{t−L}[0..C−1], …, x_{t−1}[0..C−1]).
import { noGrad } from '../autograd/grad-mode.js';
import type { Columns, EpochRecord, FitOutcome, MultivariateForecaster } from '../forecast/types.js';
import { Linear, ReLU, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { LSTM } from '../nn/lstm.js';
import { GRU } from '../nn/gru.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type FitOptions, type FitResult, fit, NonFiniteError, type Trainable } from '../train/fit.js';
import { ValueError } from '../errors.js';

export interface NeuralOptions {
  /** C, the number of input columns read and predicted at every step (default 1: univariate). */
  inputSize?: number;
  seqLen?: number;
  hidden?: number;
  layers?: number;
  /** Dropout between recurrent layers (RNN, LSTM, GRU with layers > 1), in [0, 1); default 0. */
  dropout?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  optimizer?: FitOptions['optimizer'];
  /** The tutorial sums the squared errors of a batch ('sum'); 'mean' averages them. */
  reduction?: 'mean' | 'sum';
  clipGradNorm?: number;
  earlyStopping?: FitOptions['earlyStopping'];
  /** Divergence threshold: an epoch's monitored loss above this × the initial one stops training (default 100). */
  divergenceFactor?: number;
  callbacks?: FitOptions['callbacks'];
}

/** The tutorial's hyperparameters: seqLen 6, hidden 10, batch 4, Adam 0.01, 20 epochs, summed MSE. */
export const TUTORIAL_DEFAULTS = { seqLen: 6, hidden: 10, layers: 1, epochs: 20, lr: 0.01, batchSize: 4, seed: 0, optimizer: 'adam', reduction: 'sum' } as const;

abstract class NeuralForecaster implements MultivariateForecaster {
  abstract readonly name: string;
  readonly opts: Required<Pick<NeuralOptions, 'inputSize' | 'seqLen' | 'hidden' | 'layers' | 'epochs' | 'lr' | 'batchSize' | 'seed' | 'reduction'>> & NeuralOptions;
  abstract readonly model: Trainable;
  lastFit: FitResult | null = null;

  get fitMessage(): string | null {
    return this.lastFit?.message ?? null;
  }

  get fitOutcome(): FitOutcome | null {
    const f = this.lastFit;
    return f ? { diverged: f.diverged, divergedAtEpoch: f.divergedAtEpoch, keptEpoch: f.keptEpoch } : null;
  }

  constructor(opts: NeuralOptions) {
    this.opts = { ...TUTORIAL_DEFAULTS, inputSize: 1, ...opts };
    for (const k of ['inputSize', 'seqLen', 'hidden', 'layers', 'epochs', 'batchSize'] as const) {
      const v = this.opts[k];
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${k} must be a positive integer, got ${v}`);
    }
    if (!(this.opts.lr > 0)) throw new ValueError(`lr must be positive, got ${this.opts.lr}`);
    const p = this.opts.dropout ?? 0;
    if (!(p >= 0 && p < 1)) throw new ValueError(`dropout must be in [0, 1), got ${p}`);
  }

  get inputSize(): number {
    return this.opts.inputSize;
  }

  /** Model input for the window ending just before each position in `ends` (x_{t−L..t−1}, all columns). */
  protected abstract inputs(cols: Columns, ends: readonly number[]): Tensor;
  /** The model's one-step prediction of all C columns per input row: [W,C]. */
  protected abstract lastStep(out: Tensor): Tensor;
  protected abstract trainingSet(train: Columns): { x: Tensor; y: Tensor; outputToTarget?: (o: Tensor) => Tensor };

  fit(train: readonly number[], val: readonly number[] = []): EpochRecord[] {
    this.checkUnivariate('fit');
    return this.fitMultivariate([train], [val]);
  }

  predictOneStep(series: readonly number[], start: number): number[] {
    this.checkUnivariate('predictOneStep');
    return this.predictOneStepMultivariate([series], start)[0]!;
  }

  forecast(history: readonly number[], steps: number): number[] {
    this.checkUnivariate('forecast');
    return this.forecastMultivariate([history], steps)[0]!;
  }

  fitMultivariate(train: Columns, val?: Columns): EpochRecord[] {
    const L = this.opts.seqLen, C = this.opts.inputSize;
    const n = this.checkColumns('fit', train);
    if (n <= L) throw new ValueError(`${this.name}: the training span has ${n} values, need more than seqLen ${L}`);
    const set = this.trainingSet(train);
    let valSet = null;
    const nv = val === undefined || val.length === 0 ? 0 : this.checkColumns('fit (validation)', val);
    if (nv > 0) {
      const all = train.map((c, j) => [...c, ...val![j]!]);
      const ends = Array.from({ length: nv }, (_, i) => n + i);
      const y = new Float32Array(nv * C);
      for (let i = 0; i < nv; i++) for (let c = 0; c < C; c++) y[i * C + c] = val![c]![i]!;
      valSet = { x: this.inputs(all, ends), y: new Tensor(y, [nv, C]), outputToTarget: (o: Tensor) => this.lastStep(o) };
    }
    const o = this.opts;
    this.lastFit = fit(this.model, { train: set, val: valSet }, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, seed: o.seed, optimizer: o.optimizer, reduction: o.reduction,
      clipGradNorm: o.clipGradNorm, earlyStopping: o.earlyStopping, divergenceFactor: o.divergenceFactor, callbacks: o.callbacks, outputToTarget: set.outputToTarget,
    });
    const h = this.lastFit.history;
    return h.train.map((t, i) => ({ epoch: i + 1, train: t, val: h.val ? h.val[i]! : null }));
  }

  predictOneStepMultivariate(cols: Columns, start: number): number[][] {
    const L = this.opts.seqLen, C = this.opts.inputSize;
    const n = this.checkColumns('predictOneStep', cols);
    if (start < L) throw new ValueError(`${this.name}: one-step predictions need ${L} values of history; start ${start} is too early`);
    const ends = Array.from({ length: n - start }, (_, i) => start + i);
    const out = Array.from({ length: C }, () => [] as number[]);
    if (ends.length === 0) return out;
    this.checkWeights('predictOneStep');
    this.model.eval();
    const x = this.inputs(cols, ends);
    const p = noGrad(() => this.lastStep(this.model.forward(x)).data);
    this.checkFinite('predictOneStep', p, x, (r) => `for position ${start + r}`);
    for (let r = 0; r < ends.length; r++) for (let c = 0; c < C; c++) out[c]!.push(p[r * C + c]!);
    return out;
  }

  forecastMultivariate(history: Columns, steps: number): number[][] {
    const L = this.opts.seqLen, C = this.opts.inputSize;
    const n = this.checkColumns('forecast', history);
    if (n < L) throw new ValueError(`${this.name}: forecasting needs at least seqLen ${L} values of history, got ${n}`);
    const s = history.map((c) => [...c]);
    const out = Array.from({ length: C }, () => [] as number[]);
    this.checkWeights('forecast');
    this.model.eval();
    noGrad(() => {
      for (let k = 0; k < steps; k++) {
        const x = this.inputs(s, [s[0]!.length]);
        const p = this.lastStep(this.model.forward(x)).data;
        this.checkFinite('forecast', p, x, () => `at forecast step ${k + 1}`);
        // every predicted column is fed back, so the next window is complete
        for (let c = 0; c < C; c++) {
          out[c]!.push(p[c]!);
          s[c]!.push(p[c]!);
        }
      }
    });
    return out;
  }

  toJSON(): Record<string, unknown> {
    const { callbacks: _c, ...opts } = this.opts;
    return { name: this.name, options: opts };
  }

  /** NaN weights need not show in the output (a ReLU maps NaN to 0), so they are refused up front. */
  private checkWeights(op: string): void {
    const bad = [...this.model.namedParameters()].filter(([, w]) => w.hasNonFinite()).map(([k]) => k);
    if (bad.length === 0) return;
    const fit = this.lastFit?.diverged ? `; its training diverged: ${this.lastFit.message}` : '';
    throw new NonFiniteError(`${this.name}.${op}: the model's weights hold NaN/Inf values (${bad.join(', ')})${fit}`);
  }

  /** Throws rather than return a NaN/Inf prediction; says whether the input or the weights are to blame. */
  private checkFinite(op: string, p: ArrayLike<number>, x: Tensor, where: (row: number) => string): void {
    const C = this.opts.inputSize;
    for (let i = 0; i < p.length; i++) {
      if (Number.isFinite(p[i]!)) continue;
      // the weights are finite (checkWeights): either the input or an overflow is to blame
      const cause = x.hasNonFinite() ? 'its input window holds NaN/Inf values' : 'its weights overflow on this input';
      throw new NonFiniteError(`${this.name}.${op}: the model predicted ${p[i]} ${where(Math.floor(i / C))}: ${cause}`);
    }
  }

  private checkUnivariate(op: string): void {
    if (this.opts.inputSize !== 1) {
      throw new ValueError(`${this.name}.${op}: the model reads ${this.opts.inputSize} columns; use ${op}Multivariate with ${this.opts.inputSize} columns`);
    }
  }

  /** Checks there are C columns of one length; returns the length. */
  private checkColumns(op: string, cols: Columns): number {
    const C = this.opts.inputSize;
    if (cols.length !== C) throw new ValueError(`${this.name}.${op}: expected ${C} column${C === 1 ? '' : 's'}, got ${cols.length}`);
    const n = cols[0]!.length;
    cols.forEach((c, j) => {
      if (c.length !== n) throw new ValueError(`${this.name}.${op}: column ${j} has ${c.length} values but column 0 has ${n}`);
    });
    return n;
  }
}

/** Time-major windows: row r holds x_{t−L}[0..C−1], …, x_{t−1}[0..C−1] for t = ends[r]. */
function windowInputs(cols: Columns, ends: readonly number[], L: number): Float32Array {
  const C = cols.length;
  const x = new Float32Array(ends.length * L * C);
  ends.forEach((t, r) => {
    for (let j = 0; j < L; j++) for (let c = 0; c < C; c++) x[(r * L + j) * C + c] = cols[c]![t - L + j]!;
  });
  return x;
}

export class MLPForecaster extends NeuralForecaster {
  readonly name = 'mlp';
  readonly model: Sequential;

  constructor(opts: NeuralOptions = {}) {
    super(opts);
    const g = new Generator(this.opts.seed);
    const { seqLen: L, hidden: h, inputSize: C } = this.opts;
    this.model = new Sequential(new Linear(L * C, h, { generator: g }), new ReLU(), new Linear(h, C, { generator: g }));
  }

  protected inputs(cols: Columns, ends: readonly number[]): Tensor {
    const L = this.opts.seqLen;
    return new Tensor(windowInputs(cols, ends, L), [ends.length, L * cols.length]);
  }

  protected lastStep(out: Tensor): Tensor {
    return out; // [W,C]
  }

  protected trainingSet(train: Columns) {
    // N→1: the window x_{i..i+L−1} (all columns) predicts x_{i+L} (all columns)
    const L = this.opts.seqLen, C = train.length, W = train[0]!.length - L;
    const ends = Array.from({ length: W }, (_, i) => i + L);
    const y = new Float32Array(W * C);
    for (let i = 0; i < W; i++) for (let c = 0; c < C; c++) y[i * C + c] = train[c]![i + L]!;
    return { x: this.inputs(train, ends), y: new Tensor(y, [W, C]) };
  }
}

export type RecurrentCell = 'rnn' | 'lstm' | 'gru';

/**
 * y = Linear(relu(cell(x))) at every step; x [B,T,C] → y [B,T,C]. With cell 'rnn' and no dropout
 * this is the tutorial's TutorialRNN: the same attribute names (`rnn`, `linear`), the same
 * initialization order from one generator, so the same weights for a seed.
 */
export class RecurrentNet extends Module {
  readonly rnn: RNN | LSTM | GRU;
  readonly linear: Linear;

  constructor(readonly cell: RecurrentCell, inputSize: number, hiddenSize: number, numLayers: number, generator: Generator, dropout = 0) {
    super();
    const o = { numLayers, batchFirst: true, generator, dropout };
    const net = cell === 'lstm' ? new LSTM(inputSize, hiddenSize, o) : cell === 'gru' ? new GRU(inputSize, hiddenSize, o) : new RNN(inputSize, hiddenSize, o);
    this.rnn = this.registerModule('rnn', net);
    this.linear = this.registerModule('linear', new Linear(hiddenSize, inputSize, { generator }));
  }

  override forward(x: Tensor): Tensor {
    // one call per cell type: the three forward signatures (state types differ) do not unify
    const r = this.rnn;
    const output = r instanceof LSTM ? r.forward(x)[0] : r instanceof GRU ? r.forward(x)[0] : r.forward(x)[0];
    return this.linear.forward(output.relu());
  }
}

abstract class RecurrentForecaster extends NeuralForecaster {
  readonly model: RecurrentNet;

  constructor(cell: RecurrentCell, opts: NeuralOptions) {
    super(opts);
    this.model = new RecurrentNet(cell, this.opts.inputSize, this.opts.hidden, this.opts.layers, new Generator(this.opts.seed), this.opts.dropout ?? 0);
  }

  protected inputs(cols: Columns, ends: readonly number[]): Tensor {
    const L = this.opts.seqLen;
    return new Tensor(windowInputs(cols, ends, L), [ends.length, L, cols.length]);
  }

  protected lastStep(out: Tensor): Tensor {
    return out.select(1, out.shape[1]! - 1); // [W,T,C] → [W,C]
  }

  protected trainingSet(train: Columns) {
    // N→N: every step's output (all columns) is trained on the next value (all columns)
    const L = this.opts.seqLen, C = train.length, W = train[0]!.length - L;
    const ends = Array.from({ length: W }, (_, i) => i + L);
    const x = this.inputs(train, ends);
    const y = new Float32Array(W * L * C);
    for (let i = 0; i < W; i++) for (let j = 0; j < L; j++) for (let c = 0; c < C; c++) y[(i * L + j) * C + c] = train[c]![i + j + 1]!;
    // C = 1 keeps the tutorial's shapes: targets [W,L], output [W,L,1] squeezed
    if (C === 1) return { x, y: new Tensor(y, [W, L]), outputToTarget: (o: Tensor) => o.squeeze(-1) };
    return { x, y: new Tensor(y, [W, L, C]) };
  }
}

export class RNNForecaster extends RecurrentForecaster {
  readonly name: string = 'rnn';
  constructor(opts: NeuralOptions = {}) {
    super('rnn', opts);
  }
}

export class LSTMForecaster extends RecurrentForecaster {
  readonly name: string = 'lstm';
  constructor(opts: NeuralOptions = {}) {
    super('lstm', opts);
  }
}

export class GRUForecaster extends RecurrentForecaster {
  readonly name: string = 'gru';
  constructor(opts: NeuralOptions = {}) {
    super('gru', opts);
  }
}
