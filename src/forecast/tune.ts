// Hyperparameter search with a rolling-origin backtest as the objective (fpp3 §5.10; the usual
// train / validation / test protocol of Bergstra & Bengio 2012 for random search). Legend: n points,
// T test points (the last), V validation points (just before them).
//
// The search never sees the test span: it is handed y_0 … y_{n−T−1} only, and each configuration
// is backtested with its origins among the last V of those (fitted on everything before each
// origin, as `backtest` does). Configurations are ranked by the validation MASE (scale-free, so it
// compares across transforms; lower is better). Only then is the best configuration scored once on
// the test span by the caller, with the same backtest over the full series.
import { ValueError } from '../errors.js';
import { Generator } from '../tensor/random.js';
import { backtest, backtestPlan, type BacktestModel, type BacktestOptions } from './backtest.js';
import type { Metrics } from './metrics.js';

export type ParamValue = number | string;
/** One configuration: parameter name → value, in the order the space declares them. */
export type Config = Record<string, ParamValue>;

/** A parameter's candidates: a list, or (random search only) a range sampled uniformly. */
export type ParamSpace = { values: ParamValue[] } | { low: number; high: number; log?: boolean; integer?: boolean };

export interface TuneOptions extends Omit<BacktestOptions, 'test' | 'onModelStart' | 'onFit'> {
  /** Test points at the end, never read by the search (a count, or a fraction of n). */
  test: number;
  /** Validation points just before the test span: the backtest origins of the search (a count, or a fraction of n). */
  val: number;
  /** Called after each configuration with the trials done, the total, and the trial. */
  onTrial?: (done: number, total: number, trial: Trial) => void;
}

export interface Trial {
  config: Config;
  /** The objective: backtest MASE on the validation span (NaN when the configuration failed). */
  objective: number;
  /** Every validation metric of the scored (last) points. */
  metrics: Metrics | null;
  seconds: number;
  /** Why the configuration could not be scored (a diverged fit, a non-finite forecast). */
  error?: string;
}

export interface TuneResult {
  /** Trials sorted by objective (best first; failed trials last), ties in search order. */
  trials: Trial[];
  best: Trial;
  /** Positions [start, end): the data the search fitted on, its validation span, and the unseen test span. */
  split: { train: [number, number]; val: [number, number]; test: [number, number] };
}

function span(x: number, n: number, name: string, allowZero = false): number {
  if (!Number.isFinite(x) || x < 0 || (x === 0 && !allowZero) || (x >= 1 && !Number.isInteger(x))) {
    throw new ValueError(`tune: ${name} must be a count ≥ 1 or a fraction in (0, 1), got ${x}`);
  }
  return x < 1 ? Math.ceil(x * n - 1e-9) : x;
}

/** The train / validation / test positions for a series of n points; one-line errors when they do not fit. */
export function tuneSplit(n: number, test: number, val: number): TuneResult['split'] {
  const T = span(test, n, 'test'), V = span(val, n, 'val');
  if (T + V >= n) throw new ValueError(`tune: a test span of ${T} and a validation span of ${V} leave no training data out of ${n} points`);
  return { train: [0, n - T - V], val: [n - T - V, n - T], test: [n - T, n] };
}

/** Every combination of the lists, the last parameter varying fastest. Ranges are refused: they need random search. */
export function gridConfigs(space: Record<string, ParamSpace>): Config[] {
  let out: Config[] = [{}];
  for (const [name, s] of Object.entries(space)) {
    if (!('values' in s)) throw new ValueError(`tune: ${name} is a range (${s.low}..${s.high}); a grid needs a list of values (or use random search)`);
    if (s.values.length === 0) throw new ValueError(`tune: ${name} has no values`);
    out = out.flatMap((c) => s.values.map((v) => ({ ...c, [name]: v })));
  }
  return out;
}

/**
 * `count` configurations drawn with a seeded generator: a list gives one of its values uniformly;
 * a range a uniform draw in [low, high] (log-uniform with `log`, rounded with `integer`).
 * Duplicates are kept out while the space has room (at most 20 draws per configuration).
 */
export function randomConfigs(space: Record<string, ParamSpace>, count: number, seed: number): Config[] {
  if (!Number.isInteger(count) || count < 1) throw new ValueError(`tune: the number of random configurations must be a positive integer, got ${count}`);
  for (const [name, s] of Object.entries(space)) {
    if ('values' in s) {
      if (s.values.length === 0) throw new ValueError(`tune: ${name} has no values`);
    } else if (!(Number.isFinite(s.low) && Number.isFinite(s.high) && s.low <= s.high) || (s.log && s.low <= 0)) {
      throw new ValueError(`tune: ${name}: the range ${s.low}..${s.high} must have low ≤ high${s.log ? ' and low > 0 (log-uniform)' : ''}`);
    }
  }
  const rng = new Generator(seed);
  const draw = (): Config => Object.fromEntries(Object.entries(space).map(([name, s]): [string, ParamValue] => {
    if ('values' in s) return [name, s.values[Math.floor(rng.random() * s.values.length)]!];
    const u = rng.random();
    let v = s.log ? Math.exp(Math.log(s.low) + u * (Math.log(s.high) - Math.log(s.low))) : s.low + u * (s.high - s.low);
    v = s.integer ? Math.min(s.high, Math.max(s.low, Math.round(v))) : Number(v.toPrecision(3));
    return [name, v];
  }));
  const seen = new Set<string>();
  const out: Config[] = [];
  for (let tries = 0; out.length < count && tries < 20 * count; tries++) {
    const c = draw();
    const key = JSON.stringify(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/**
 * Backtests `make(config)` for each configuration on the validation span and ranks them by MASE.
 * The test span is sliced off before anything runs: no configuration can read it.
 */
export function tune(series: readonly number[], make: (config: Config) => BacktestModel, configs: readonly Config[], opts: TuneOptions): TuneResult {
  if (configs.length === 0) throw new ValueError('tune: no configurations to try');
  const split = tuneSplit(series.length, opts.test, opts.val);
  const seen = series.slice(0, split.test[0]);
  const V = split.val[1] - split.val[0];
  const { onTrial, test: _test, val: _val, ...bt } = opts;
  try {
    backtestPlan(seen.length, { ...bt, test: V }); // a horizon longer than the validation span is refused before any fit
  } catch (e) {
    if (e instanceof ValueError) throw new ValueError(`tune: ${e.message.replace(/^backtest: /, '').replace('the test span', 'the validation span')}`);
    throw e;
  }
  const trials: Trial[] = [];
  configs.forEach((config, i) => {
    const t0 = Date.now();
    let trial: Trial;
    try {
      const spec = make(config);
      const res = backtest(seen, [spec], { ...bt, test: V });
      const m = res.models[spec.name]!.metrics;
      trial = { config, objective: m.mase, metrics: m, seconds: (Date.now() - t0) / 1000 };
    } catch (e) {
      // a configuration that cannot be scored (too few points for its window, a non-finite forecast) loses
      if (!(e instanceof ValueError)) throw e;
      trial = { config, objective: NaN, metrics: null, seconds: (Date.now() - t0) / 1000, error: e.message };
    }
    trials.push(trial);
    onTrial?.(i + 1, configs.length, trial);
  });
  const rank = (x: number): number => (Number.isFinite(x) ? x : Infinity);
  const sorted = trials.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t.objective) - rank(b.t.objective) || a.i - b.i).map(({ t }) => t);
  const best = sorted[0]!;
  if (!Number.isFinite(best.objective)) throw new ValueError(`tune: no configuration could be scored on the validation span (first error: ${best.error ?? 'MASE is not finite'})`);
  return { trials: sorted, best, split };
}
