// Long-range dependencies on the adding problem (tutorial §6): tanh RNN, IRNN, LSTM and GRU at
// T = 50, 100, 200, each trained for the same number of sequences, against the trivial MSE 1/6.
//
//   npx tsx bench/long-range.ts            full run (3 min on 2 idle cores; 2–3× that on a loaded machine),
//                                          writes bench/RESULTS-long-range.md
//   npx tsx bench/long-range.ts --quick    smoke run (≈ 30 s), prints only
//
// Each (model, T) pair is one job in its own process, two at a time (one per core): JavaScript is
// single-threaded, so a job's wall time is its own. Training batches are fresh draws (no sample is
// seen twice), the test set is a fixed 1,000 sequences. Adam, gradient-norm clipping at 1.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { data, Generator, nn, noGrad, optim, type Tensor } from '../src/index.js';
import { irnn } from '../src/diagnostics/index.js';

const MODELS = ['tanh RNN', 'IRNN', 'LSTM', 'GRU'] as const;
type ModelName = (typeof MODELS)[number];

interface Job {
  model: ModelName;
  T: number;
  steps: number;
  hidden: number;
  batch: number;
  lr: number;
  seed: number;
}

interface JobResult extends Job {
  /** Test MSE at every fifth of the run. */
  curve: { step: number; mse: number }[];
  finalMse: number;
  seconds: number;
  available: boolean;
}

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const HIDDEN = Number(flag('--hidden') ?? 32), BATCH = 32, LR = Number(flag('--lr') ?? 3e-3), TEST = 500, CLIP = 1;
/** Optimizer steps per T: the same for every model; fewer for longer sequences (a step costs ∝ T). */
const STEPS: Record<number, number> = quick ? { 50: 100 } : { 50: 5000, 100: 4000, 200: 3200 };
// --steps N and --lens 50,100 override the budget, --models LSTM,GRU the models (exploration runs; they do not write the results file)
const custom = ['--steps', '--lens', '--models', '--hidden', '--lr'].some((f) => argv.includes(f));
if (flag('--lens')) for (const T of Object.keys(STEPS)) if (!flag('--lens')!.split(',').includes(T)) delete STEPS[Number(T)];
for (const T of flag('--lens')?.split(',').map(Number) ?? []) STEPS[T] ??= 1000;
if (flag('--steps')) for (const T of Object.keys(STEPS)) STEPS[Number(T)] = Number(flag('--steps'));
const models = (flag('--models')?.split(',') ?? [...MODELS]) as ModelName[];

function makeRnn(model: ModelName, g: Generator): { forward(x: Tensor): [Tensor, unknown] } & nn.Module {
  const o = { batchFirst: true, generator: g };
  switch (model) {
    case 'tanh RNN': return new nn.RNN(2, HIDDEN, o);
    case 'IRNN': return irnn(2, HIDDEN, o);
    case 'LSTM': return new nn.LSTM(2, HIDDEN, o);
    case 'GRU': return new nn.GRU(2, HIDDEN, o);
  }
}

/** Trains one model on one sequence length; runs inside a worker process. */
function runJob(job: Job): JobResult {
  const g = new Generator(job.seed);
  const rnn = makeRnn(job.model, g);
  const head = new nn.Linear(HIDDEN, 1, { generator: g });
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: job.lr });
  const test = testSet(job.T);
  const predict = (x: Tensor) => head.forward(rnn.forward(x)[0].select(1, job.T - 1));
  const evalMse = () => noGrad(() => nn.functional.mseLoss(predict(test.x), test.y).item());
  const curve: JobResult['curve'] = [];
  const every = Math.max(1, Math.floor(job.steps / 5));
  const t0 = performance.now();
  for (let step = 1; step <= job.steps; step++) {
    const { x, y } = data.addingProblem(job.batch, job.T, { generator: g });
    opt.zeroGrad();
    const loss = nn.functional.mseLoss(predict(x), y);
    loss.backward();
    optim.clipGradNorm_(params, CLIP);
    opt.step();
    if (step % every === 0 || step === job.steps) curve.push({ step, mse: evalMse() });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { ...job, curve, finalMse: curve.at(-1)!.mse, seconds, available: true };
}

function runWorker(job: Job): Promise<JobResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--job', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // a job that fails (e.g. a model that does not load) is reported, not fatal to the others
      if (code !== 0) resolvePromise({ ...job, curve: [], finalMse: NaN, seconds: NaN, available: false });
      else resolvePromise(JSON.parse(out.trim().split('\n').at(-1)!) as JobResult);
    });
  });
}

async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

const fmt = (x: number) => x.toFixed(4);

const testSet = (T: number) => data.addingProblem(TEST, T, { generator: new Generator(1_000_000 + T) });

function trivialMse(T: number): number {
  const y = testSet(T).y.data;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - 1) ** 2;
  return s / y.length;
}

function table(results: JobResult[], lens: number[]): string {
  const by = (m: ModelName, T: number) => results.find((r) => r.model === m && r.T === T);
  const head = `| model | ${lens.map((T) => `T = ${T}: test MSE (time)`).join(' | ')} |`;
  const rule = `|---|${lens.map(() => '---').join('|')}|`;
  const rows = models.map((m) => `| ${m} | ${lens.map((T) => {
    const r = by(m, T);
    return r && r.available ? `${fmt(r.finalMse)} (${r.seconds.toFixed(0)} s)` : 'failed to run';
  }).join(' | ')} |`);
  // the constant 1 on the same test sets: the population value is 1/6, a finite test set differs a little
  const trivial = `| trivial (predict 1) | ${lens.map((T) => fmt(trivialMse(T))).join(' | ')} |`;
  return [head, rule, ...rows, trivial].join('\n');
}

async function main(): Promise<void> {
  const jobArg = process.argv.indexOf('--job');
  if (jobArg >= 0) {
    process.stdout.write(JSON.stringify(runJob(JSON.parse(process.argv[jobArg + 1]!) as Job)) + '\n');
    return;
  }
  const lens = Object.keys(STEPS).map(Number);
  const jobs: Job[] = lens.flatMap((T) => models.map((model) => ({ model, T, steps: STEPS[T]!, hidden: HIDDEN, batch: BATCH, lr: LR, seed: 0 })));
  // longest jobs first so the two lanes finish together
  const cost = (j: Job) => j.steps * j.T * (j.model === 'LSTM' ? 4 : j.model === 'GRU' ? 2 : 1);
  const order = [...jobs].sort((a, b) => cost(b) - cost(a));
  const t0 = performance.now();
  const done = await pool(order, 2, async (j) => {
    const r = await runWorker(j);
    if (!r.available) process.stderr.write(`${r.model} T=${r.T}: the job failed (see above)\n`);
    else process.stderr.write(`${r.model.padEnd(8)} T=${String(r.T).padEnd(3)} test MSE ${fmt(r.finalMse)}  (${r.seconds.toFixed(1)} s; curve ${r.curve.map((c) => c.mse.toFixed(3)).join(' ')})\n`);
    return r;
  });
  const wall = (performance.now() - t0) / 1000;
  const results = jobs.map((j) => done.find((r) => r.model === j.model && r.T === j.T)!);
  const md = [
    '# Long-range dependencies: the adding problem',
    '',
    `Run on 2026-11-28, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}; ` +
      `\`npx tsx bench/long-range.ts${quick ? ' --quick' : ''}\`, ${wall.toFixed(0)} s wall in all (two jobs at a time, one per core).`,
    '',
    `Adding problem (src/data/synthetic.ts): inputs [B, T, 2], target the sum of the two marked U[0,1) values; ` +
      `always predicting 1 gives MSE 1/6 ≈ 0.1667. Every model: 1 layer, hidden ${HIDDEN}, last state → Linear(${HIDDEN}, 1); ` +
      `Adam lr ${LR}, batch ${BATCH}, gradient-norm clipping at ${CLIP}, seed 0; fresh training batches every step; ` +
      `test MSE on a fixed set of ${TEST} sequences. Steps per T: ${lens.map((T) => `T = ${T}: ${STEPS[T]} (${STEPS[T]! * BATCH} sequences)`).join(', ')}. ` +
      'tanh RNN and LSTM/GRU use PyTorch\'s default initialisation U(±1/√H); IRNN is ReLU with W_hh = I, zero biases, W_ih ~ N(0, 0.001²) (Le et al. 2015).',
    '',
    table(results, lens),
    '',
    'Test MSE during training (every fifth of the run):',
    '',
    ...results.filter((r) => r.available).map((r) => `- ${r.model}, T = ${r.T}: ${r.curve.map((c) => fmt(c.mse)).join(' → ')}`),
    '',
  ].join('\n');
  process.stdout.write(md + '\n');
  if (!quick && !custom) writeFileSync(new URL('./RESULTS-long-range.md', import.meta.url), md);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
