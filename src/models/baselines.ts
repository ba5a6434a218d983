// The two other benchmark forecasts of Hyndman & Athanasopoulos (fpp3 §5.2), beside persistence:
//   seasonal naive  ŷ_{T+h|T} = y_{T+h−m(k+1)},  k = ⌊(h−1)/m⌋  (the value one season earlier)
//   drift           ŷ_{T+h|T} = y_T + h · (y_T − y_1)/(T − 1)  (the line through the first and last observations)
// Neither learns anything at fit time: each forecast reads only the history it is given, so a
// one-step prediction of y_t uses y_0 … y_{t−1} and no more.
import type { EpochRecord, Forecaster } from '../forecast/types.js';
import { showValue, ValueError } from '../errors.js';

export class SeasonalNaiveForecaster implements Forecaster {
  readonly name = 'seasonal-naive';
  readonly m: number;

  constructor(opts: { m: number }) {
    if (!Number.isInteger(opts.m) || opts.m < 1) throw new ValueError(`SeasonalNaive: the season m must be a positive integer, got ${showValue(opts.m)}`);
    this.m = opts.m;
  }

  fit(train: readonly number[], _val?: readonly number[]): EpochRecord[] {
    if (train.length < this.m) throw new ValueError(`SeasonalNaive.fit: season m = ${this.m} needs at least ${this.m} training values, got ${train.length}`);
    return [];
  }

  /** ŷ_t = series[t − m] for t = start … length−1. */
  predictOneStep(series: readonly number[], start: number): number[] {
    if (!Number.isInteger(start) || start < this.m || start > series.length) {
      throw new ValueError(`SeasonalNaive.predictOneStep: start must be an integer in [m = ${this.m}, ${series.length}] (the first season has no value one season earlier), got ${start}`);
    }
    return series.slice(start - this.m, series.length - this.m);
  }

  /** The last observed season, repeated. */
  forecast(history: readonly number[], steps: number): number[] {
    checkSteps('SeasonalNaive', steps);
    const T = history.length, m = this.m;
    if (T < m) throw new ValueError(`SeasonalNaive.forecast: needs at least m = ${m} history values, got ${T}`);
    return Array.from({ length: steps }, (_, i) => history[T + i - m * (Math.floor(i / m) + 1)]!);
  }

  toJSON(): { name: 'seasonal-naive'; m: number } {
    return { name: 'seasonal-naive', m: this.m };
  }

  static fromJSON(json: unknown): SeasonalNaiveForecaster {
    const o = json as { name?: unknown; m?: unknown } | null;
    if (o?.name !== 'seasonal-naive') throw new ValueError(`SeasonalNaive.fromJSON: not a seasonal-naive model (name ${JSON.stringify(o?.name)})`);
    return new SeasonalNaiveForecaster({ m: o.m as number });
  }
}

export class DriftForecaster implements Forecaster {
  readonly name = 'drift';

  fit(train: readonly number[], _val?: readonly number[]): EpochRecord[] {
    if (train.length < 2) throw new ValueError(`Drift.fit: needs at least 2 training values to draw a line, got ${train.length}`);
    return [];
  }

  /** ŷ_t = y_{t−1} + (y_{t−1} − y_0)/(t − 1), the drift forecast from y_0 … y_{t−1}. */
  predictOneStep(series: readonly number[], start: number): number[] {
    if (!Number.isInteger(start) || start < 2 || start > series.length) {
      throw new ValueError(`Drift.predictOneStep: start must be an integer in [2, ${series.length}] (a slope needs two earlier values), got ${start}`);
    }
    const out: number[] = [];
    for (let t = start; t < series.length; t++) out.push(series[t - 1]! + (series[t - 1]! - series[0]!) / (t - 1));
    return out;
  }

  forecast(history: readonly number[], steps: number): number[] {
    checkSteps('Drift', steps);
    const T = history.length;
    if (T < 2) throw new ValueError(`Drift.forecast: needs at least 2 history values, got ${T}`);
    const last = history[T - 1]!, slope = (last - history[0]!) / (T - 1);
    return Array.from({ length: steps }, (_, i) => last + (i + 1) * slope);
  }

  toJSON(): { name: 'drift' } {
    return { name: 'drift' };
  }

  static fromJSON(json: unknown): DriftForecaster {
    const name = (json as { name?: unknown } | null)?.name;
    if (name !== 'drift') throw new ValueError(`Drift.fromJSON: not a drift model (name ${JSON.stringify(name)})`);
    return new DriftForecaster();
  }
}

function checkSteps(op: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`${op}.forecast: steps must be a non-negative integer, got ${steps}`);
}
