// `rnnkit modes`: exposure bias made visible. The output-recurrent RNN (o_{t−1} → h_t) is trained on
// a noisy sine in each training mode, then every model forecasts the held-out span free-running
// (as inference always does) and the RMSE is measured at every horizon 1..H.
//
// Task: s_t = sin(2πt/24) + 0.2·ε_t, ε_t ~ N(0, 1), 480 points (GS10's 59 are too few for
// multi-step windows); the last 120 are the test span; standardised with the training statistics.
// The fed-back vector is the delay vector y_t = (z_t, …, z_{t−lags+1}), by default the pair
// (z_t, z_{t−1}): a scalar alone cannot tell a rising sine from a falling one. The model has no
// other input (inputSize 0), so the fed-back vector is all it knows of the past.
// Legend: n series length, W training window, N windows, H horizon, R forecast origins.
import type { Command } from 'commander';
import { Generator, models, noGrad, type Tensor, tensor, train, data } from '../index.js';
import { CliError } from './errors.js';
import { intOption } from './options.js';
import { checkMemory } from '../memory.js';

type Out = (s: string) => void;

export interface ModesComparisonOptions {
  epochs: number;
  horizon: number;
  seed: number;
  /** Hidden units (default 16). */
  hidden?: number;
  /** Lags in the fed-back vector y_t = (z_t, …, z_{t−lags+1}) (default 2). */
  lags?: number;
}

export interface ModeRow {
  /** 'teacher-forcing', 'free-running', 'scheduled-sampling (…)', or a baseline: 'train mean', 'persistence' (the last observed value). */
  name: string;
  /** RMSE (original units) of the free-running forecast k steps ahead, k = 1..H. */
  rmseByHorizon: number[];
  /** RMSE over all horizons 1..H and all origins. */
  rmse: number;
  /** Mean squared error per element in the last epoch, as trained (scaled units); null for the baselines. */
  trainLoss: number | null;
}

export interface ModesComparison {
  task: { series: string; n: number; period: number; noise: number; train: number; test: number; window: number; windows: number; origins: number; epochs: number; horizon: number; hidden: number; lags: number; seed: number; iterations: number };
  rows: ModeRow[];
}

export const MODES_TASK = { n: 480, period: 24, noise: 0.2, test: 120, window: 24, batchSize: 32, lr: 0.01 } as const;

/** Trains one model per mode (same initial weights, same window order) and scores the forecasts. */
export function runModesComparison(opts: ModesComparisonOptions): ModesComparison {
  const { epochs, horizon: Hz, seed } = opts;
  const hidden = opts.hidden ?? 16;
  const P = opts.lags ?? 2;
  const { n, period, noise, test, window: W, batchSize, lr } = MODES_TASK;
  if (!Number.isInteger(Hz) || Hz < 1 || Hz > test) throw new CliError(`--horizon must be an integer in [1, ${test}], got ${Hz}`);
  if (!Number.isInteger(P) || P < 1 || P > W) throw new CliError(`--lags must be an integer in [1, ${W}], got ${P}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new CliError(`--epochs must be an integer ≥ 1, got ${epochs}`);
  if (!Number.isInteger(hidden) || hidden < 1) throw new CliError(`--hidden must be an integer ≥ 1, got ${hidden}`);

  // the series, the split and the scaler (fitted on the training span only)
  const g = new Generator(seed);
  const s = Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / period) + noise * g.normal());
  const split = data.timeSplit(n, { test });
  const scaler = new data.StandardScaler().fit(s.slice(0, split.train[1]));
  const z = scaler.transform(s);
  const pair = (t: number) => Array.from({ length: P }, (_, j) => z[t - j]!); // y_t, the fed-back delay vector

  // training windows: targets y_a..y_{a+W−1} inside the training span, fed y_{a−1} first
  const starts: number[] = [];
  for (let a = P; a + W <= split.train[1]; a++) starts.push(a);
  const N = starts.length;
  const y = new Float32Array(W * N * P), y0 = new Float32Array(N * P);
  starts.forEach((a, i) => {
    y0.set(pair(a - 1), i * P);
    for (let t = 0; t < W; t++) y.set(pair(a + t), (t * N + i) * P);
  });
  const windows = { x: null, y: tensor(y, { shape: [W, N, P] }), y0: tensor(y0, { shape: [N, P] }) };
  const iterations = epochs * Math.ceil(N / batchSize);

  // forecast origins τ in the test span: fed y_{τ−1} (observed), forecast s_τ..s_{τ+H−1}
  const origins: number[] = [];
  for (let tau = split.test[0]; tau + Hz <= n; tau++) origins.push(tau);
  const R = origins.length;
  const start = tensor(Float32Array.from(origins.flatMap((tau) => pair(tau - 1))), { shape: [R, P] });
  const score = (pred: (k: number, r: number) => number): Pick<ModeRow, 'rmseByHorizon' | 'rmse'> => {
    const byK: number[] = [];
    let all = 0;
    for (let k = 0; k < Hz; k++) {
      let se = 0;
      for (let r = 0; r < R; r++) se += (pred(k, r) - s[origins[r]! + k]!) ** 2;
      byK.push(Math.sqrt(se / R));
      all += se;
    }
    return { rmseByHorizon: byK, rmse: Math.sqrt(all / (R * Hz)) };
  };

  const half = iterations / 2;
  const runs: { name: string; mode: train.TrainingMode; schedule?: train.Schedule }[] = [
    { name: 'teacher-forcing', mode: 'teacher-forcing' },
    { name: 'free-running', mode: 'free-running' },
    // each schedule lets ε_i, the teacher-forcing probability, fall to ½ halfway through training
    { name: 'scheduled-sampling (linear)', mode: 'scheduled-sampling', schedule: train.linearDecay({ k: 1, c: 1 / iterations }) },
    { name: 'scheduled-sampling (exponential)', mode: 'scheduled-sampling', schedule: train.exponentialDecay({ k: Math.pow(0.5, 1 / half) }) },
    { name: 'scheduled-sampling (inverse sigmoid)', mode: 'scheduled-sampling', schedule: train.inverseSigmoidDecay({ k: inverseSigmoidK(half) }) },
  ];
  const rows: ModeRow[] = [];
  const mean = scaler.inverseTransform([0])[0]!;
  rows.push({ name: 'train mean', ...score(() => mean), trainLoss: null });
  rows.push({ name: 'persistence', ...score((_, r) => s[origins[r]! - 1]!), trainLoss: null });
  for (const run of runs) {
    const model = new models.OutputRecurrentRNN(0, hidden, P, { generator: new Generator(seed + 1) });
    const fit = train.trainFeedback(model, windows, { mode: run.mode, schedule: run.schedule, epochs, batchSize, lr, seed: seed + 2, clipGradNorm: 1 });
    model.eval();
    const o: Tensor = noGrad(() => model.forward(null, start, Hz)); // [H,R,P], free running
    const pred = scaler.inverseTransform(Array.from({ length: Hz * R }, (_, i) => o.data[i * P]!));
    rows.push({ name: run.name, ...score((k, r) => pred[k * R + r]!), trainLoss: fit.loss[fit.loss.length - 1]! });
  }
  return {
    task: { series: `noisy sine, period ${period}, noise sd ${noise}`, n, period, noise, train: split.train[1], test, window: W, windows: N, origins: R, epochs, horizon: Hz, hidden, lags: P, seed, iterations },
    rows,
  };
}

/** The k ≥ 1 with k·ln k = i, where the inverse sigmoid k/(k + e^{i/k}) crosses ½. */
function inverseSigmoidK(i: number): number {
  let lo = 1, hi = Math.max(2, i);
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (mid * Math.log(mid) < i) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The comparison as a text table: RMSE at a few horizons and over 1..H. */
export function formatModesTable(c: ModesComparison): string {
  const H = c.task.horizon;
  const ks = [...new Set([1, Math.round(H / 4), Math.round(H / 2), H].filter((k) => k >= 1))].sort((a, b) => a - b);
  const head = ['training mode', ...ks.map((k) => `h=${k}`), `RMSE 1..${H}`, 'train MSE'];
  const body = c.rows.map((r) => [r.name, ...ks.map((k) => r.rmseByHorizon[k - 1]!.toFixed(3)), r.rmse.toFixed(3), r.trainLoss === null ? '—' : r.trainLoss.toFixed(4)]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j]!.length)));
  const line = (cells: string[]) => cells.map((v, j) => (j === 0 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join('  ');
  const t = c.task;
  return [
    `${t.series}: ${t.n} points, train ${t.train}, test ${t.test}; ${t.windows} training windows of ${t.window} steps, ${t.epochs} epochs (${t.iterations} iterations), hidden ${t.hidden}, lags ${t.lags}, seed ${t.seed}`,
    `free-running forecasts from ${t.origins} origins in the test span; RMSE in original units (the noise alone gives ${t.noise})`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
  ].join('\n');
}

export function registerModesCommands(program: Command, io: { stdout: Out; stderr: Out }): void {
  program
    .command('modes')
    .description('teacher forcing vs free running vs scheduled sampling: multi-step forecast error of an output-recurrent RNN (exposure bias)')
    .option('--epochs <n>', 'training epochs per mode', intOption('epochs'), 30)
    .option('--horizon <n>', 'forecast horizon H (RMSE at 1..H)', intOption('horizon'), 24)
    .option('--seed <n>', 'seed for the series, the weights and the sampling', intOption('seed', 0), 0)
    .option('--hidden <n>', 'hidden units', intOption('hidden'), 16)
    .option('--lags <n>', 'lags in the fed-back vector (z_t, …, z_{t−lags+1})', intOption('lags'), 2)
    .option('--json', 'print one JSON object')
    .action((o: { epochs: number; horizon: number; seed: number; hidden: number; lags: number; json?: boolean }) => {
      // four models' weights with gradients and Adam state, and a batch's activations over the window
      const H = o.hidden;
      checkMemory(`--hidden ${H}`, 4 * (H * H + H * (o.lags + 2) + o.lags * (H + 1)) * 4 * 4 + MODES_TASK.batchSize * MODES_TASK.window * H * 4 * 4);
      const res = runModesComparison({ epochs: o.epochs, horizon: o.horizon, seed: o.seed, hidden: o.hidden, lags: o.lags });
      io.stdout(o.json ? JSON.stringify(res) + '\n' : formatModesTable(res));
    });
}
