// The tutorial's two neural forecasters (§5), behind the Forecaster interface:
//   MLP  Linear(L,h) → ReLU → Linear(h,1) on N→1 windows (features x_{t−L..t−1}, target x_t);
//   RNN  Linear(relu(RNN(x))) trained N→N (targets x_{i+1..i+L}), predicting from its last step.
// Legend: L seqLen, h hidden, W windows. Series are on the scaled axis (the caller scales).
import { noGrad } from '../autograd/grad-mode.js';
import { windowsNto1, windowsNtoN } from '../data/windows.js';
import type { EpochRecord, Forecaster } from '../forecast/types.js';
import { Linear, ReLU, Sequential } from '../nn/layers.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type FitOptions, type FitResult, fit, type Trainable } from '../train/fit.js';
import { TutorialRNN } from './tutorial-rnn.js';

export interface NeuralOptions {
  seqLen?: number;
  hidden?: number;
  layers?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  optimizer?: FitOptions['optimizer'];
  /** The tutorial sums the squared errors of a batch ('sum'); 'mean' averages them. */
  reduction?: 'mean' | 'sum';
  clipGradNorm?: number;
  earlyStopping?: FitOptions['earlyStopping'];
  callbacks?: FitOptions['callbacks'];
}

/** The tutorial's hyperparameters: seqLen 6, hidden 10, batch 4, Adam 0.01, 20 epochs, summed MSE. */
export const TUTORIAL_DEFAULTS = { seqLen: 6, hidden: 10, layers: 1, epochs: 20, lr: 0.01, batchSize: 4, seed: 0, optimizer: 'adam', reduction: 'sum' } as const;

abstract class NeuralForecaster implements Forecaster {
  abstract readonly name: string;
  readonly opts: Required<Pick<NeuralOptions, 'seqLen' | 'hidden' | 'layers' | 'epochs' | 'lr' | 'batchSize' | 'seed' | 'reduction'>> & NeuralOptions;
  abstract readonly model: Trainable;
  lastFit: FitResult | null = null;

  constructor(opts: NeuralOptions) {
    this.opts = { ...TUTORIAL_DEFAULTS, ...opts };
    for (const k of ['seqLen', 'hidden', 'layers', 'epochs', 'batchSize'] as const) {
      const v = this.opts[k];
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
    }
    if (!(this.opts.lr > 0)) throw new RangeError(`lr must be positive, got ${this.opts.lr}`);
  }

  /** Model input for the window ending just before each position in `ends` (x_{t−L..t−1}). */
  protected abstract inputs(series: readonly number[], ends: readonly number[]): Tensor;
  /** The model's one-step prediction per input row. */
  protected abstract lastStep(out: Tensor): Tensor;
  protected abstract trainingSet(train: readonly number[]): { x: Tensor; y: Tensor; outputToTarget?: (o: Tensor) => Tensor };

  fit(train: readonly number[], val: readonly number[] = []): EpochRecord[] {
    const L = this.opts.seqLen;
    if (train.length <= L) throw new RangeError(`${this.name}: the training span has ${train.length} values, need more than seqLen ${L}`);
    const set = this.trainingSet(train);
    let valSet = null;
    if (val.length > 0) {
      const all = [...train, ...val];
      const ends = val.map((_, i) => train.length + i);
      valSet = { x: this.inputs(all, ends), y: new Tensor(Float32Array.from(val), [val.length, 1]), outputToTarget: (o: Tensor) => this.lastStep(o) };
    }
    const o = this.opts;
    this.lastFit = fit(this.model, { train: set, val: valSet }, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, seed: o.seed, optimizer: o.optimizer, reduction: o.reduction,
      clipGradNorm: o.clipGradNorm, earlyStopping: o.earlyStopping, callbacks: o.callbacks, outputToTarget: set.outputToTarget,
    });
    const h = this.lastFit.history;
    return h.train.map((t, i) => ({ epoch: i + 1, train: t, val: h.val ? h.val[i]! : null }));
  }

  predictOneStep(series: readonly number[], start: number): number[] {
    const L = this.opts.seqLen;
    if (start < L) throw new RangeError(`${this.name}: one-step predictions need ${L} values of history; start ${start} is too early`);
    const ends = Array.from({ length: series.length - start }, (_, i) => start + i);
    if (ends.length === 0) return [];
    this.model.eval();
    return noGrad(() => Array.from(this.lastStep(this.model.forward(this.inputs(series, ends))).data));
  }

  forecast(history: readonly number[], steps: number): number[] {
    const L = this.opts.seqLen;
    if (history.length < L) throw new RangeError(`${this.name}: forecasting needs at least seqLen ${L} values of history, got ${history.length}`);
    const s = [...history];
    const out: number[] = [];
    this.model.eval();
    noGrad(() => {
      for (let k = 0; k < steps; k++) {
        const v = this.lastStep(this.model.forward(this.inputs(s, [s.length]))).data[0]!;
        out.push(v);
        s.push(v);
      }
    });
    return out;
  }

  toJSON(): Record<string, unknown> {
    const { callbacks: _c, ...opts } = this.opts;
    return { name: this.name, options: opts };
  }
}

export class MLPForecaster extends NeuralForecaster {
  readonly name = 'mlp';
  readonly model: Sequential;

  constructor(opts: NeuralOptions = {}) {
    super(opts);
    const g = new Generator(this.opts.seed);
    const { seqLen: L, hidden: h } = this.opts;
    this.model = new Sequential(new Linear(L, h, { generator: g }), new ReLU(), new Linear(h, 1, { generator: g }));
  }

  protected inputs(series: readonly number[], ends: readonly number[]): Tensor {
    const L = this.opts.seqLen;
    const x = new Float32Array(ends.length * L);
    ends.forEach((t, r) => { for (let j = 0; j < L; j++) x[r * L + j] = series[t - L + j]!; });
    return new Tensor(x, [ends.length, L]);
  }

  protected lastStep(out: Tensor): Tensor {
    return out; // [W,1]
  }

  protected trainingSet(train: readonly number[]) {
    return windowsNto1(train, this.opts.seqLen);
  }
}

export class RNNForecaster extends NeuralForecaster {
  readonly name = 'rnn';
  readonly model: TutorialRNN;

  constructor(opts: NeuralOptions = {}) {
    super(opts);
    this.model = new TutorialRNN(1, this.opts.hidden, this.opts.layers, new Generator(this.opts.seed));
  }

  protected inputs(series: readonly number[], ends: readonly number[]): Tensor {
    const L = this.opts.seqLen;
    const x = new Float32Array(ends.length * L);
    ends.forEach((t, r) => { for (let j = 0; j < L; j++) x[r * L + j] = series[t - L + j]!; });
    return new Tensor(x, [ends.length, L, 1]);
  }

  protected lastStep(out: Tensor): Tensor {
    return out.select(1, out.shape[1]! - 1); // [W,T,1] → [W,1]
  }

  protected trainingSet(train: readonly number[]) {
    // N→N: every step's output is trained on the next value
    return { ...windowsNtoN(train, this.opts.seqLen), outputToTarget: (o: Tensor) => o.squeeze(-1) };
  }
}
