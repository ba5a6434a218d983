// The persistence (naive, random-walk) baseline: the forecast of tomorrow is today's value. Any
// model worth training must beat it on the test span.
import type { EpochRecord, Forecaster } from '../forecast/types.js';
import { ValueError } from '../errors.js';

export class PersistenceForecaster implements Forecaster {
  readonly name = 'persistence';

  /** Nothing to learn; returns an empty history. */
  fit(train: readonly number[], _val?: readonly number[]): EpochRecord[] {
    if (train.length === 0) throw new ValueError('Persistence.fit: empty training span');
    return [];
  }

  /** ŷ_t = series[t−1] for t = start … length−1. */
  predictOneStep(series: readonly number[], start: number): number[] {
    if (!Number.isInteger(start) || start < 1 || start > series.length) {
      throw new ValueError(`Persistence.predictOneStep: start must be an integer in [1, ${series.length}] (position 0 has no previous value), got ${start}`);
    }
    return series.slice(start - 1, series.length - 1);
  }

  /** The last value, repeated `steps` times. */
  forecast(history: readonly number[], steps: number): number[] {
    if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`Persistence.forecast: steps must be a non-negative integer, got ${steps}`);
    if (history.length === 0) throw new ValueError('Persistence.forecast: empty history');
    return new Array<number>(steps).fill(history[history.length - 1]!);
  }

  toJSON(): { name: 'persistence' } {
    return { name: 'persistence' };
  }

  static fromJSON(json: unknown): PersistenceForecaster {
    const name = (json as { name?: unknown } | null)?.name;
    if (name !== 'persistence') throw new ValueError(`Persistence.fromJSON: not a persistence model (name ${JSON.stringify(name)})`);
    return new PersistenceForecaster();
  }
}
