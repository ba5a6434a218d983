// runExperiment keys its results by model name in a prototype-free object: a model named
// __proto__ or constructor keeps its result, and two models with one name are an error instead of
// one result silently replacing the other.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/forecast/experiment.js';
import type { Forecaster } from '../../src/forecast/types.js';
import { ValueError } from '../../src/errors.js';

/** Persistence under any name: ŷ_t = y_{t−1}. */
function persistence(name: string): Forecaster {
  return {
    name,
    fit: () => [],
    predictOneStep: (s, start) => s.slice(start - 1, s.length - 1),
    forecast: (h, steps) => Array.from({ length: steps }, () => h.at(-1)!),
    toJSON: () => ({}),
  };
}

describe('runExperiment: results by model name', () => {
  const series = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('models named __proto__, constructor and toString keep their results', () => {
    const res = runExperiment(series, ['__proto__', 'constructor', 'toString'].map(persistence), { test: 2, scaler: 'none', forecastSteps: 1 });
    expect(Object.keys(res.models)).toEqual(['__proto__', 'constructor', 'toString']);
    for (const k of Object.keys(res.models)) {
      expect(res.models[k]!.name).toBe(k);
      expect(res.models[k]!.predictions).toEqual([8, 9]);
      expect(res.models[k]!.forecast).toEqual([10]);
    }
    expect(JSON.parse(JSON.stringify(res.models))['__proto__'].predictions).toEqual([8, 9]);
  });

  it('two models with one name are an error', () => {
    expect(() => runExperiment(series, [persistence('a'), persistence('a')], { test: 2 })).toThrow(ValueError);
    expect(() => runExperiment(series, [persistence('a'), persistence('a')], { test: 2 })).toThrow('runExperiment: model names must be distinct (results are keyed by name), got a, a');
  });
});
