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
//
// Output heads (univariate, C = 1). Legend: H `outputSteps`, K values per step, Q levels.
//   point     K = 1, MSE (the tutorial's models when H = 1);
//   quantile  K = Q, one output per level, trained with the pinball loss (mean over levels and
//             elements); at prediction the Q values of a point are sorted (monotone rearrangement)
//             and the point forecast is the 0.5 level if it is one, else the mean of the levels;
//   gaussian  K = 2, mean μ and log-variance s (var = exp(s): any real output is a valid variance),
//             trained with the Gaussian NLL (PyTorch's gaussian_nll_loss, eps 1e-6, full=False);
//             the q-quantile is μ + Φ⁻¹(q)·√max(exp(s), eps).
// Direct multi-horizon (H > 1, Darts' BlockRNN): one forward pass of a window emits H·K values,
// the forecasts of x_t … x_{t+H−1}, read at the last step of a recurrent net (trained on that step
// only) or from the MLP's output layer. A forecast longer than H runs in blocks of H, each block's
// point forecasts fed back. With H = 1 and a quantile or Gaussian head the recurrent nets still
// train N→N (every step predicts the next value), and their free-running forecast feeds the point
// forecast back, so its quantiles beyond step 1 are conditional on that path (too narrow); the
// direct heads' quantiles at every step are the trained ones.
import { noGrad } from '../autograd/grad-mode.js';
import type { Columns, EpochRecord, FitOutcome, MultivariateForecaster, ProbabilisticForecaster } from '../forecast/types.js';
import { checkQuantiles, DEFAULT_LEVELS, normalQuantile } from '../forecast/intervals.js';
import { pinballLoss } from '../forecast/losses.js';
import { gaussianNllLoss } from '../nn/functional.js';
import { Linear, ReLU, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { LSTM } from '../nn/lstm.js';
import { GRU } from '../nn/gru.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type FitOptions, type FitResult, fit, NonFiniteError, type Objective, type StreamXY, type Trainable } from '../train/fit.js';
import { shuffleBuffer, streamWindowsNto1, type StreamWindow } from '../data/stream-loader.js';
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
  /** Shuffle the training windows every epoch (default true); false keeps their time order. */
  shuffle?: boolean;
  /** Divergence threshold: an epoch's monitored loss above this × the initial one stops training (default 100). */
  divergenceFactor?: number;
  callbacks?: FitOptions['callbacks'];
  /**
   * Quantile levels, increasing in (0, 1). With likelihood 'quantile' (the default when levels are
   * given) the net emits one output per level, trained with the pinball loss; with 'gaussian' they
   * are the levels read off the fitted normal (default 0.1, 0.5, 0.9).
   */
  quantiles?: readonly number[];
  /** 'quantile' (pinball loss) or 'gaussian' (mean and log-variance, Gaussian NLL); default: point forecasts (MSE), or 'quantile' with `quantiles`. */
  likelihood?: Likelihood;
  /** H, the values one window emits at once (direct multi-horizon); default 1. */
  outputSteps?: number;
  /**
   * Sampled paths behind a recursive (H = 1) quantile or Gaussian forecast beyond step 1 (default
   * 1000; 0: the old, too narrow quantiles conditional on the fed-back point forecast). Seeded by `seed`.
   */
  samplePaths?: number;
}

/** Paths a recursive probabilistic forecast simulates by default (see `samplePaths`). */
export const DEFAULT_SAMPLE_PATHS = 1000;

export type Likelihood = 'quantile' | 'gaussian';
export const LIKELIHOODS: readonly Likelihood[] = ['quantile', 'gaussian'];
/** The Gaussian head's variance floor, PyTorch's gaussian_nll_loss default. */
const VAR_EPS = 1e-6;

/** The tutorial's hyperparameters: seqLen 6, hidden 10, batch 4, Adam 0.01, 20 epochs, summed MSE. */
export const TUTORIAL_DEFAULTS = { seqLen: 6, hidden: 10, layers: 1, epochs: 20, lr: 0.01, batchSize: 4, seed: 0, optimizer: 'adam', reduction: 'sum' } as const;

abstract class NeuralForecaster implements MultivariateForecaster, ProbabilisticForecaster {
  abstract readonly name: string;
  readonly opts: Required<Pick<NeuralOptions, 'inputSize' | 'seqLen' | 'hidden' | 'layers' | 'epochs' | 'lr' | 'batchSize' | 'seed' | 'reduction' | 'outputSteps'>> & NeuralOptions;
  abstract readonly model: Trainable;
  lastFit: FitResult | null = null;
  /** The head's kind: point (MSE), quantile (pinball) or gaussian (NLL). */
  readonly head: 'point' | Likelihood;
  /** The quantile levels the model forecasts; null for a point head. */
  readonly levels: readonly number[] | null;

  get fitMessage(): string | null {
    return this.lastFit?.message ?? null;
  }

  get fitOutcome(): FitOutcome | null {
    const f = this.lastFit;
    return f ? { diverged: f.diverged, divergedAtEpoch: f.divergedAtEpoch, keptEpoch: f.keptEpoch } : null;
  }

  constructor(opts: NeuralOptions) {
    this.opts = { ...TUTORIAL_DEFAULTS, inputSize: 1, outputSteps: 1, ...opts };
    for (const k of ['inputSize', 'seqLen', 'hidden', 'layers', 'epochs', 'batchSize', 'outputSteps'] as const) {
      const v = this.opts[k];
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${k} must be a positive integer, got ${v}`);
    }
    const sp = this.opts.samplePaths;
    if (sp !== undefined && !(Number.isInteger(sp) && sp >= 0 && sp <= 1_000_000)) throw new ValueError(`samplePaths must be an integer in [0, 1000000], got ${sp}`);
    if (!(this.opts.lr > 0)) throw new ValueError(`lr must be positive, got ${this.opts.lr}`);
    const p = this.opts.dropout ?? 0;
    if (!(p >= 0 && p < 1)) throw new ValueError(`dropout must be in [0, 1), got ${p}`);
    const lik = opts.likelihood;
    if (lik !== undefined && !LIKELIHOODS.includes(lik)) throw new ValueError(`likelihood must be one of ${LIKELIHOODS.join(', ')}, got ${String(lik)}`);
    if (opts.quantiles !== undefined) checkQuantiles(opts.quantiles, 'quantiles');
    this.head = lik ?? (opts.quantiles !== undefined ? 'quantile' : 'point');
    this.levels = this.head === 'point' ? null : [...(opts.quantiles ?? DEFAULT_LEVELS)];
    if (!this.simple && this.opts.inputSize !== 1) {
      throw new ValueError(`quantiles, likelihood and outputSteps > 1 need a univariate model (inputSize 1), got inputSize ${this.opts.inputSize}`);
    }
  }

  /** True when forecastQuantiles beyond step 1 come from sampled paths (a recursive quantile or Gaussian head, samplePaths > 0). */
  get sampling(): boolean {
    return this.head !== 'point' && this.opts.outputSteps === 1 && (this.opts.samplePaths ?? DEFAULT_SAMPLE_PATHS) > 0;
  }

  /** H, the values one forward pass emits (1: one step, forecast recursively). */
  get outputSteps(): number {
    return this.opts.outputSteps;
  }

  /** K, the values the head emits per step ahead: 1 (point), Q (quantile) or 2 (gaussian: μ, log σ²). */
  get perStep(): number {
    return this.head === 'point' ? 1 : this.head === 'gaussian' ? 2 : this.levels!.length;
  }

  /** The output layer's width: C for the tutorial's point models, else H·K. */
  get outputSize(): number {
    return this.simple ? this.opts.inputSize : this.opts.outputSteps * this.perStep;
  }

  /** The tutorial's models (point head, one step): every code path and number as before. */
  protected get simple(): boolean {
    return this.head === 'point' && this.opts.outputSteps === 1;
  }

  /** Recurrent nets with H = 1 train N→N (every step); the MLP and H > 1 train on the window's last output. */
  protected abstract get everyStep(): boolean;

  /** The training objective of the head; y has no K dimension. */
  protected objective(): Objective | 'mse' {
    if (this.head === 'point') return 'mse';
    const count = (y: Tensor) => y.numel();
    if (this.head === 'quantile') {
      const q = this.levels!;
      return { loss: (p, y, r) => pinballLoss(p, y, q, r), count };
    }
    const d = (p: Tensor) => p.ndim - 1;
    return { loss: (p, y, r) => gaussianNllLoss(p.select(d(p), 0), y, p.select(d(p), 1).exp(), { eps: VAR_EPS, reduction: r }), count };
  }

  /** A window's last output [W, H·K] as the targets' shape: [W, H] (K = 1) or [W, H, K]. */
  protected directTarget(o: Tensor): Tensor {
    const H = this.opts.outputSteps, K = this.perStep;
    return this.lastStep(o).reshape(K === 1 ? [-1, H] : [-1, H, K]);
  }

  /** Windows ending at `ends` and their H targets x_t … x_{t+H−1} (univariate). */
  protected directSet(series: readonly number[], ends: readonly number[]) {
    const H = this.opts.outputSteps;
    const y = new Float32Array(ends.length * H);
    ends.forEach((t, r) => { for (let h = 0; h < H; h++) y[r * H + h] = series[t + h]!; });
    return { x: this.inputs([series], ends), y: new Tensor(y, [ends.length, H]), outputToTarget: (o: Tensor) => this.directTarget(o) };
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
    const H = this.opts.outputSteps;
    if (n <= L + H - 1) throw new ValueError(`${this.name}: the training span has ${n} values, need more than seqLen ${L}${H > 1 ? ` + outputSteps ${H} − 1` : ''}`);
    let set: { x: Tensor; y: Tensor; outputToTarget?: (o: Tensor) => Tensor };
    let valSet: typeof set | null = null;
    const nv = val === undefined || val.length === 0 ? 0 : this.checkColumns('fit (validation)', val);
    if (!this.simple) {
      const series = train[0]!;
      set = this.everyStep ? this.trainingSet(train) : this.directSet(series, Array.from({ length: n - L - H + 1 }, (_, i) => i + L));
      // validation windows end in the validation span, with all H targets inside it
      if (nv >= H) valSet = this.directSet([...series, ...val![0]!], Array.from({ length: nv - H + 1 }, (_, i) => n + i));
    } else set = this.trainingSet(train);
    if (this.simple && nv > 0) {
      const all = train.map((c, j) => [...c, ...val![j]!]);
      const ends = Array.from({ length: nv }, (_, i) => n + i);
      const y = new Float32Array(nv * C);
      for (let i = 0; i < nv; i++) for (let c = 0; c < C; c++) y[i * C + c] = val![c]![i]!;
      valSet = { x: this.inputs(all, ends), y: new Tensor(y, [nv, C]), outputToTarget: (o: Tensor) => this.lastStep(o) };
    }
    const o = this.opts;
    this.lastFit = fit(this.model, { train: set, val: valSet }, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, seed: o.seed, optimizer: o.optimizer, reduction: o.reduction, loss: this.objective(),
      clipGradNorm: o.clipGradNorm, earlyStopping: o.earlyStopping, divergenceFactor: o.divergenceFactor, callbacks: o.callbacks, outputToTarget: set.outputToTarget,
      shuffle: o.shuffle,
    });
    const h = this.lastFit.history;
    return h.train.map((t, i) => ({ epoch: i + 1, train: t, val: h.val ? h.val[i]! : null }));
  }

  /**
   * Trains from a series read afresh on every pass instead of held (issue 14): `train()` yields the
   * (scaled) training span in time order, `val()` the seqLen values before the validation span and
   * then that span. The windows and targets are those of `fit`; training windows pass through a
   * seeded shuffle buffer of `shuffleBuffer` windows (0: time order, which with `shuffle: false`
   * gives `fit`'s weights exactly; a buffer is a different order than fit's full permutation).
   * Validation is evaluated in order, batch by batch. Point head, one step, one column only.
   */
  fitStream(train: () => Iterable<number>, val: (() => Iterable<number>) | null, opts: { trainValues: number; shuffleBuffer?: number }): EpochRecord[] {
    const L = this.opts.seqLen, B = this.opts.batchSize;
    if (!this.simple || this.opts.inputSize !== 1) throw new ValueError(`${this.name}: a streamed fit takes a point model of one column (no quantiles, likelihood or outputSteps)`);
    const W = opts.trainValues - L;
    if (W < 1) throw new ValueError(`${this.name}: the training span has ${opts.trainValues} values, need more than seqLen ${L}`);
    const sb = opts.shuffleBuffer ?? 0;
    if (!Number.isInteger(sb) || sb < 0) throw new ValueError(`${this.name}: shuffleBuffer must be an integer ≥ 0, got ${sb}`);
    const every = this.everyStep;
    const shape = (b: number) => (every ? [b, L, 1] : [b, L]);
    // N→N targets (recurrent): step j of window x_i … x_{i+L−1} is trained on x_{i+j+1}
    const batches = function* (windows: Iterable<StreamWindow>, nToN: boolean): IterableIterator<Tensor[]> {
      let ws: StreamWindow[] = [];
      const emit = (): Tensor[] => {
        const b = ws.length, x = new Float32Array(b * L), y = new Float32Array(b * (nToN ? L : 1));
        ws.forEach((w, r) => {
          x.set(w.x, r * L);
          if (nToN) {
            y.set(w.x.subarray(1), r * L);
            y[r * L + L - 1] = w.y;
          } else y[r] = w.y;
        });
        ws = [];
        return [new Tensor(x, shape(b)), new Tensor(y, nToN ? [b, L] : [b, 1])];
      };
      for (const w of windows) {
        ws.push(w);
        if (ws.length === B) yield emit();
      }
      if (ws.length > 0) yield emit();
    };
    const trainSet: StreamXY = {
      batches: (gen) => batches(sb > 0 ? shuffleBuffer(streamWindowsNto1(train(), L), sb, gen) : streamWindowsNto1(train(), L), every),
      length: Math.ceil(W / B),
      outputToTarget: every ? (o: Tensor) => o.squeeze(-1) : undefined,
    };
    const valSet: StreamXY | null = val ? { batches: () => batches(streamWindowsNto1(val(), L), false), length: 0, outputToTarget: (o: Tensor) => this.lastStep(o) } : null;
    const o = this.opts;
    this.lastFit = fit(this.model, { train: trainSet, val: valSet }, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, seed: o.seed, optimizer: o.optimizer, reduction: o.reduction, loss: this.objective(),
      clipGradNorm: o.clipGradNorm, earlyStopping: o.earlyStopping, divergenceFactor: o.divergenceFactor, callbacks: o.callbacks, outputToTarget: trainSet.outputToTarget,
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
    if (!this.simple) {
      const p = this.run('predictOneStep', cols, ends, (r) => `for position ${start + r}`);
      return [ends.map((_, r) => this.pointAt(p, r, 0))];
    }
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
    if (!this.simple) return [this.roll(history[0]!, steps).points];
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

  /** The quantiles of the one-step predictions for positions start … length−1: result[j][t − start]. */
  predictOneStepQuantiles(series: readonly number[], start: number): number[][] {
    const levels = this.checkLevels('predictOneStepQuantiles');
    const L = this.opts.seqLen, n = this.checkColumns('predictOneStepQuantiles', [series]);
    if (start < L) throw new ValueError(`${this.name}: one-step predictions need ${L} values of history; start ${start} is too early`);
    const ends = Array.from({ length: n - start }, (_, i) => start + i);
    const out = levels.map(() => [] as number[]);
    if (ends.length === 0) return out;
    const p = this.run('predictOneStepQuantiles', [series], ends, (r) => `for position ${start + r}`);
    ends.forEach((_, r) => this.quantilesAt(p, r, 0).forEach((v, j) => out[j]!.push(v)));
    return out;
  }

  /**
   * The quantiles of the forecast of `steps` values after `history`: result[j][k]. A direct model
   * (H > 1) gives its trained quantiles for steps 1 … H; a recursive one (H = 1) its own at step 1
   * and, from step 2 on, the empirical quantiles of `samplePaths` simulated paths (`samplePaths`).
   */
  forecastQuantiles(history: readonly number[], steps: number): number[][] {
    const levels = this.checkLevels('forecastQuantiles');
    const L = this.opts.seqLen, n = this.checkColumns('forecastQuantiles', [history]);
    if (n < L) throw new ValueError(`${this.name}: forecasting needs at least seqLen ${L} values of history, got ${n}`);
    const rolled = this.roll(history, steps);
    if (!this.sampling || steps < 2) return rolled.quantiles;
    // step 1 is the same for every path: the model's own quantiles; later steps from the draws
    pathQuantiles(this.samplePaths(history, steps), levels, rolled.quantiles, 1);
    return rolled.quantiles;
  }

  /**
   * N simulated paths of `steps` values after `history` (result[i][k], the model's scaled axis) for
   * a recursive probabilistic model (H = 1): at every step each path draws its next value from the
   * distribution the model predicts from that path's own window, and feeds the draw back, so the
   * spread of step k carries the uncertainty of steps 1 … k − 1 (a median fed back carries none).
   * Gaussian head: μ + σ·z. Quantile head: the quantile function through the Q levels, linear in
   * the normal score Φ⁻¹(q) between levels and extended linearly in it beyond the outer ones (exact
   * for normal quantiles); one level gives no spread. z ~ N(0, 1) from Generator(seed + 1).
   */
  samplePaths(history: readonly number[], steps: number, paths = this.opts.samplePaths ?? DEFAULT_SAMPLE_PATHS, seed = this.opts.seed + 1): number[][] {
    const levels = this.checkLevels('samplePaths');
    if (this.opts.outputSteps !== 1) throw new ValueError(`${this.name}.samplePaths: a direct model (outputSteps ${this.opts.outputSteps}) forecasts its quantiles directly; sample paths are for recursive models`);
    if (!Number.isInteger(paths) || paths < 1) throw new ValueError(`${this.name}.samplePaths: paths must be a positive integer, got ${paths}`);
    if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`${this.name}.samplePaths: steps must be a non-negative integer, got ${steps}`);
    const L = this.opts.seqLen, n = this.checkColumns('samplePaths', [history]);
    if (n < L) throw new ValueError(`${this.name}: forecasting needs at least seqLen ${L} values of history, got ${n}`);
    const g = new Generator(seed);
    const scores = levels.map((q) => normalQuantile(q));
    const out = Array.from({ length: paths }, () => new Array<number>(steps));
    // each path's last L values, laid end to end: path i's window ends at (i + 1)·L
    const flat = new Array<number>(paths * L);
    for (let i = 0; i < paths; i++) for (let j = 0; j < L; j++) flat[i * L + j] = history[n - L + j]!;
    const ends = Array.from({ length: paths }, (_, i) => (i + 1) * L);
    for (let k = 0; k < steps; k++) {
      const p = this.run('forecast', [flat], ends, () => `at forecast step ${k + 1} of a sampled path`);
      for (let i = 0; i < paths; i++) {
        const z = g.normal();
        let v: number;
        if (this.head === 'gaussian') {
          const base = i * 2;
          v = p[base]! + Math.sqrt(Math.max(Math.exp(p[base + 1]!), VAR_EPS)) * z;
        } else v = quantileAtScore(this.quantilesAt(p, i, 0), scores, z);
        out[i]![k] = v;
        for (let j = 0; j < L - 1; j++) flat[i * L + j] = flat[i * L + j + 1]!;
        flat[i * L + L - 1] = v;
      }
    }
    return out;
  }

  /** Forward passes in blocks of H, each block's point forecasts fed back; a block is one forward pass. */
  private roll(history: readonly number[], steps: number): { points: number[]; quantiles: number[][] } {
    const H = this.opts.outputSteps;
    const s = [...history];
    const points: number[] = [];
    const quantiles = (this.levels ?? []).map(() => [] as number[]);
    for (let k = 0; k < steps; k += H) {
      const p = this.run('forecast', [s], [s.length], () => `at forecast step ${k + 1}`);
      for (let h = 0; h < H && k + h < steps; h++) {
        const v = this.pointAt(p, 0, h);
        points.push(v);
        if (this.levels) this.quantilesAt(p, 0, h).forEach((x, j) => quantiles[j]!.push(x));
      }
      s.push(...points.slice(k));
    }
    return { points, quantiles };
  }

  /** One forward pass (eval mode, no graph) of the windows ending at `ends`: [W·H·K] values, checked finite. */
  private run(op: string, cols: Columns, ends: readonly number[], where: (row: number) => string): ArrayLike<number> {
    this.checkWeights(op);
    this.model.eval();
    const x = this.inputs(cols, ends);
    const p = noGrad(() => this.lastStep(this.model.forward(x)).data);
    this.checkFinite(op, p, x, where, this.outputSize);
    return p;
  }

  /** The point forecast of step h of row r: the value, the median level (or the levels' mean), or μ. */
  private pointAt(p: ArrayLike<number>, r: number, h: number): number {
    const K = this.perStep, base = (r * this.opts.outputSteps + h) * K;
    if (this.head !== 'quantile') return p[base]!;
    const q = this.quantilesAt(p, r, h);
    const m = this.levels!.indexOf(0.5);
    return m >= 0 ? q[m]! : q.reduce((a, b) => a + b, 0) / q.length;
  }

  /** The quantiles (increasing) of step h of row r. */
  private quantilesAt(p: ArrayLike<number>, r: number, h: number): number[] {
    const K = this.perStep, base = (r * this.opts.outputSteps + h) * K;
    if (this.head === 'gaussian') {
      const mu = p[base]!, sd = Math.sqrt(Math.max(Math.exp(p[base + 1]!), VAR_EPS));
      return this.levels!.map((q) => mu + normalQuantile(q) * sd);
    }
    return Array.from({ length: K }, (_, j) => p[base + j]!).sort((a, b) => a - b);
  }

  private checkLevels(op: string): readonly number[] {
    if (this.levels === null) throw new ValueError(`${this.name}.${op}: a point model has no quantiles; build it with { quantiles } or { likelihood: 'gaussian' }`);
    return this.levels;
  }

  /** NaN weights need not show in the output (a ReLU maps NaN to 0), so they are refused up front. */
  private checkWeights(op: string): void {
    const bad = [...this.model.namedParameters()].filter(([, w]) => w.hasNonFinite()).map(([k]) => k);
    if (bad.length === 0) return;
    const fit = this.lastFit?.diverged ? `; its training diverged: ${this.lastFit.message}` : '';
    throw new NonFiniteError(`${this.name}.${op}: the model's weights hold NaN/Inf values (${bad.join(', ')})${fit}`);
  }

  /** Throws rather than return a NaN/Inf prediction; says whether the input or the weights are to blame. */
  private checkFinite(op: string, p: ArrayLike<number>, x: Tensor, where: (row: number) => string, C = this.opts.inputSize): void {
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

/** Writes into out[j][k], k ≥ from, the levels[j] empirical quantiles of paths[·][k]. */
export function pathQuantiles(paths: readonly (readonly number[])[], levels: readonly number[], out: number[][], from = 0): number[][] {
  const N = paths.length, steps = N === 0 ? 0 : paths[0]!.length;
  const col = new Array<number>(N);
  for (let k = from; k < steps; k++) {
    for (let i = 0; i < N; i++) col[i] = paths[i]![k]!;
    col.sort((a, b) => a - b);
    levels.forEach((q, j) => { out[j]![k] = empiricalQuantile(col, q); });
  }
  return out;
}

/** The q-quantile of sorted values: linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default). */
export function empiricalQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new ValueError('empiricalQuantile: no values');
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The value at normal score z of the quantile function through (scores[j], values[j]) (increasing):
 * linear between neighbouring scores, extended linearly beyond the outer ones; one level: its value.
 */
export function quantileAtScore(values: readonly number[], scores: readonly number[], z: number): number {
  const Q = values.length;
  if (Q === 1) return values[0]!;
  let j = 0;
  while (j < Q - 2 && z > scores[j + 1]!) j++;
  const s0 = scores[j]!, s1 = scores[j + 1]!;
  return values[j]! + ((z - s0) / (s1 - s0)) * (values[j + 1]! - values[j]!);
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
    this.model = new Sequential(new Linear(L * C, h, { generator: g }), new ReLU(), new Linear(h, this.outputSize, { generator: g }));
  }

  protected get everyStep(): boolean {
    return false;
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

  /** `outputSize` (default inputSize): the linear layer's width, H·K for the direct and probabilistic heads. */
  constructor(readonly cell: RecurrentCell, inputSize: number, hiddenSize: number, numLayers: number, generator: Generator, dropout = 0, outputSize = inputSize) {
    super();
    const o = { numLayers, batchFirst: true, generator, dropout };
    const net = cell === 'lstm' ? new LSTM(inputSize, hiddenSize, o) : cell === 'gru' ? new GRU(inputSize, hiddenSize, o) : new RNN(inputSize, hiddenSize, o);
    this.rnn = this.registerModule('rnn', net);
    this.linear = this.registerModule('linear', new Linear(hiddenSize, outputSize, { generator }));
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
    this.model = new RecurrentNet(cell, this.opts.inputSize, this.opts.hidden, this.opts.layers, new Generator(this.opts.seed), this.opts.dropout ?? 0, this.outputSize);
  }

  protected get everyStep(): boolean {
    return this.opts.outputSteps === 1;
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
    // a quantile or Gaussian head: output [W,L,K] against targets [W,L] (the objective reads K)
    if (!this.simple) return { x, y: new Tensor(y, [W, L]), outputToTarget: (o: Tensor) => o };
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
