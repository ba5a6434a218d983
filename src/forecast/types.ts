// The interface every forecaster shares (AR, MLP, RNN, persistence), and the multivariate
// extension the neural models add. Series are plain number arrays on the scale the model was
// fitted on (the caller applies and inverts the scalers).

export interface EpochRecord {
  epoch: number;
  train: number;
  val: number | null;
}

/** How the last fit of a model trained by epochs ended (see FitResult in src/train/fit.ts). */
export interface FitOutcome {
  /** Training stopped because the loss or weights became NaN/Inf or the loss blew past the divergence threshold. */
  diverged: boolean;
  /** The 1-based epoch in which it diverged, else null. */
  divergedAtEpoch: number | null;
  /** The epoch whose weights the model holds; 0 = the initial (untrained) weights. */
  keptEpoch: number;
}

export interface Forecaster {
  /** 'ar' | 'mlp' | 'rnn' | 'persistence' | … */
  readonly name: string;
  /**
   * Fits on `train` (the training span, in time order). `val` (optional) is the validation span
   * that directly follows it, used by neural models for validation loss / early stopping.
   * Returns the per-epoch history (empty for closed-form models).
   */
  fit(train: readonly number[], val?: readonly number[]): EpochRecord[];
  /**
   * One-step-ahead predictions for positions start … series.length−1 of `series`: the prediction
   * for position t uses only the true values series[0..t−1] (statsmodels AutoReg dynamic=False).
   */
  predictOneStep(series: readonly number[], start: number): number[];
  /** Free-running forecast of `steps` values after the end of `history` (each prediction fed back). */
  forecast(history: readonly number[], steps: number): number[];
  /** Serializable configuration + learned state (numbers only), for model directories. */
  toJSON(): Record<string, unknown>;
  /** Why the last fit stopped before its last epoch (early stopping, divergence) and what it kept, else null. */
  readonly fitMessage?: string | null;
  /** How the last fit ended, for models trained by epochs; null before the first fit. */
  readonly fitOutcome?: FitOutcome | null;
}

/**
 * Several aligned series as columns: `columns[c][t]` is column c at time t, every column the same
 * length. In a forecasting experiment column 0 is the target and columns 1 … C−1 are covariates.
 */
export type Columns = readonly (readonly number[])[];

/**
 * A forecaster that can take C ≥ 1 input columns at every step and predicts all C of them at the
 * next step (the neural models). Because it predicts every column, its free-running forecast can
 * feed all of them back. With `inputSize` 1 the multivariate methods are the univariate ones on
 * `[series]`; with `inputSize` > 1 the univariate methods throw (there is no single series to use).
 */
export interface MultivariateForecaster extends Forecaster {
  /** C, the number of columns the model reads (and predicts) at every step. */
  readonly inputSize: number;
  /** Fits on C training columns (and C validation columns that directly follow them); the loss is over all columns. */
  fitMultivariate(train: Columns, val?: Columns): EpochRecord[];
  /** One-step-ahead predictions of every column for positions start … length−1: result[c][t − start]. */
  predictOneStepMultivariate(columns: Columns, start: number): number[][];
  /** Free-running forecast of every column, `steps` past the end (all predicted columns fed back): result[c][k]. */
  forecastMultivariate(history: Columns, steps: number): number[][];
}

/** True when `m` implements the multivariate methods (whatever its `inputSize`). */
export function isMultivariate(m: Forecaster): m is MultivariateForecaster {
  const o = m as Partial<MultivariateForecaster>;
  return typeof o.inputSize === 'number' && typeof o.fitMultivariate === 'function' && typeof o.predictOneStepMultivariate === 'function' && typeof o.forecastMultivariate === 'function';
}

/**
 * A forecaster that also forecasts quantiles (intervals) at fixed `levels`: a network trained with
 * the pinball loss (one output per level), a Gaussian head (mean and variance, quantiles read off
 * the normal), or AR's analytic interval. Values are on the model's (scaled) axis, like the point
 * methods; result[j][t] is the levels[j]-quantile.
 */
export interface ProbabilisticForecaster extends Forecaster {
  /** Increasing levels in (0, 1); null when the model forecasts points only. */
  readonly levels: readonly number[] | null;
  /** The quantiles of the one-step-ahead predictions for positions start … length−1. */
  predictOneStepQuantiles(series: readonly number[], start: number): number[][];
  /** The quantiles of a `steps`-step forecast after `history` (see each model for what steps > 1 mean). */
  forecastQuantiles(history: readonly number[], steps: number): number[][];
}

/** True when `m` forecasts quantiles (it has the methods and its `levels` are set). */
export function isProbabilistic(m: Forecaster): m is ProbabilisticForecaster {
  const o = m as Partial<ProbabilisticForecaster>;
  return Array.isArray(o.levels) && typeof o.predictOneStepQuantiles === 'function' && typeof o.forecastQuantiles === 'function';
}
