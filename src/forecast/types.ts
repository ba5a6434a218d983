// The interface every forecaster shares (AR, MLP, RNN, persistence). Series are plain number
// arrays on the scale the model was fitted on (the caller applies and inverts the scaler).

export interface EpochRecord {
  epoch: number;
  train: number;
  val: number | null;
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
}
