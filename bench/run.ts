// `npm run bench`: rnnkit against TensorFlow.js (cpu and wasm backends, one thread) and PyTorch
// (tools/reference/bench_torch.py, run in the same run when /usr/bin/python3 can import torch: one
// thread, then two for the large RNN) on the same math, with brain.js figures quoted from
// /work/shared/reference/peers-results.md. Without torch the stored PyTorch figures are printed
// with the machine and date they come from, and no ratio. See bench/RESULTS.md.
//
//   npm run bench                         full run (a few minutes), human-readable table
//   npm run bench -- --quick              smoke test (few iterations)
//   npm run bench -- --only medium        some workloads (tutorial | medium | medium-lstm | medium-gru |
//                                         large | generate | charlm | matmul; repeatable, or a,b)
//   npm run bench -- --json               one JSON object on stdout (progress goes to stderr)
//   npm run bench -- --markdown           the tables of bench/RESULTS.md, in markdown
//   npm run bench -- --from a.json b.json [--markdown]
//                                         combine saved --json runs: median of each figure over runs
//   npm run bench -- --torch PATH         stored PyTorch figures, used when torch cannot run here
//                                         (default bench/torch-results.json)
//   npm run bench -- --no-torch           do not run PyTorch (print the stored figures)
//   npm run bench -- --from ... --save-torch bench/torch-results.json
//                                         store the runs' 1-thread PyTorch medians (CPU and dates kept)
//   npm run bench -- --wait-idle [S]      before each figure, wait up to S s (default 60) until
//                                         other processes use < 0.25 cores (shared machines)
//
// The process exits 0 whatever the targets say; a target is a figure to read, not a test.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsKernels, kernels, setNumThreads } from '../dist/node.js';
import { charLmWeights, checkMatmul, makeInit, rnnkitCharLm, rnnkitGemm, rnnkitGenerator, rnnkitMatmul, rnnkitTrainer } from './rnnkit-workloads.js';
import { type Plan, type Timing, gflops, median, relDiff, setProcStatReader, startLoadProbe, timeSteps, waitForQuiet } from './timing.js';
import { CHARLM, GENERATE, MATMUL_N, RNN_SPECS, type RnnSpec, TUTORIAL, WORKLOADS, type WorkloadName, charCorpus } from './workloads.js';

// ---------------------------------------------------------------------------------------------
// Report shape (also the --json output and the --from input)

type Unit = 'ms/step' | 'ms/token' | 'ms/epoch' | 'GFLOP/s';
/** measured: in this run, on this machine; stored: PyTorch figures from a file (other machine or date); quoted: from a document. */
type Source = 'measured' | 'stored' | 'quoted';
type Framework = 'rnnkit' | 'rnnkit-2t' | 'rnnkit-gemm' | 'tfjs-cpu' | 'tfjs-wasm' | 'pytorch' | 'pytorch-2t' | 'brainjs';
const UNITS: Record<WorkloadName, Unit> = {
  tutorial: 'ms/step', medium: 'ms/step', 'medium-lstm': 'ms/step', 'medium-gru': 'ms/step', large: 'ms/step',
  generate: 'ms/token', charlm: 'ms/epoch', matmul: 'GFLOP/s',
};
type SpecName = RnnSpec['name'];

interface Row {
  workload: WorkloadName;
  framework: Framework;
  source: Source;
  unit: Unit;
  /** ms per train step, or GFLOP/s for matmul. With --from, the median over runs. */
  value: number;
  /** The value of each run (--from), in input order. */
  perRun?: number[];
  timing?: Timing;
  /** Cores' worth of CPU other processes used while this row was timed (noise indicator). */
  foreignCores?: number | null;
  note?: string;
}

interface LossCheck {
  workload: SpecName | 'generate';
  steps: number;
  /** Loss before each of `steps` Adam updates, from identical weights and data. */
  losses: { rnnkit: number[]; 'tfjs-cpu': number[]; 'tfjs-wasm': number[] };
  /** |rnnkit − tfjs-cpu| / max at the first step (before any update). */
  firstRelDiff: number;
  /** Largest relative difference to either tfjs backend over all steps (float32 drift). */
  maxRelDiff: number;
  same: boolean;
}

interface Report {
  meta: {
    date: string;
    dates?: string[];
    command: string;
    quick: boolean;
    workloads: WorkloadName[];
    runs: number;
    node: string;
    /** /proc/cpuinfo's model name, family and model: figures from different CPUs are never combined. */
    cpu: string;
    nproc: number;
    /** Compute threads of each framework's figures (PyTorch: pytorch-2t rows use 2). */
    threads: { rnnkit: string; tfjs: number; pytorch: number[] | null };
    /** PyTorch in this run (version), or why not and which stored figures are printed instead. */
    pytorch: string;
    tfjs: string;
    tfjsWasmBackend: string;
    /** rnnkit's active kernels: 'js' (plain JS) or 'wasm' (anything else, i.e. the SIMD build). */
    rnnkitKernels: string;
    /** sha1 of src/**\/*.ts, 12 hex digits: runs with different rnnkit code must not be combined. */
    srcHash: string;
    /** Cores' worth of CPU other processes used during the whole run (2 cores: ≥ 0.3 is noisy). */
    foreignCores: number | null;
    torchFile: string | null;
    /** Largest relative error of rnnkit's `matmul` and raw gemm against a plain loop (37×29×41). */
    matmulCheckRelErr: { op: number; gemm: number };
    /** rnnkit-2t: whether 2 threads gave the bits of 1 (first-step losses, a split product); null: not run. */
    rnnkit2tSameBits?: boolean | null;
  };
  checks: LossCheck[];
  rows: Row[];
  targets: TargetResult[];
}

interface TargetResult {
  label: string;
  need: number;
  got: number | null;
  status: 'PASS' | 'MISS' | 'n/a';
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  only: WorkloadName[];
  json: boolean;
  markdown: boolean;
  from: string[];
  torch: string;
  /** Seconds to wait for a quiet machine before each figure; 0: don't wait. */
  waitIdle: number;
  noTorch: boolean;
  saveTorch: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, only: [], json: false, markdown: false, from: [], torch: 'bench/torch-results.json', waitIdle: 0, noTorch: false, saveTorch: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--no-torch') o.noTorch = true;
    else if (a === '--save-torch') o.saveTorch = argv[++i] ?? die('--save-torch needs a path');
    else if (a === '--markdown' || a === '--md') o.markdown = true;
    else if (a === '--only') {
      for (const w of (argv[++i] ?? '').split(',')) {
        if (!WORKLOADS.includes(w as WorkloadName)) die(`--only: unknown workload '${w}' (expected ${WORKLOADS.join(' | ')})`);
        o.only.push(w as WorkloadName);
      }
    } else if (a === '--torch') o.torch = argv[++i] ?? die('--torch needs a path');
    else if (a === '--wait-idle') {
      const next = argv[i + 1];
      o.waitIdle = next !== undefined && /^\d+(\.\d+)?$/.test(next) ? Number(argv[++i]) : 60;
    } else if (a === '--from') {
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) o.from.push(argv[++i]!);
      if (o.from.length === 0) die('--from needs one or more JSON files written by --json');
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 25).map((l) => l.slice(3)).join('\n') + '\n');
      process.exit(0);
    } else die(`unknown option '${a}' (try --help)`);
  }
  if (o.json && o.markdown) die('choose one of --json and --markdown');
  return o;
}

function die(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Iteration plans. tfjs-cpu takes ~0.5–2 s per medium step and ~0.5 s per 512³ matmul, so it gets
// few iterations; per-step times that long are stable. tfjs-cpu does not run the large RNN or the
// char-LM epoch (minutes per figure).

type Runner = 'rnnkit' | 'rnnkit-2t' | 'rnnkit-gemm' | 'tfjs-cpu' | 'tfjs-wasm';

function planFor(w: WorkloadName, fw: Runner, quick: boolean): Plan | null {
  const p = (warmup: number, timed: number, repeats: number): Plan => ({ warmup, timed, repeats });
  if (fw === 'rnnkit-gemm' && w !== 'matmul') return null;
  if (fw === 'rnnkit-2t' && w !== 'large' && w !== 'matmul') return null;
  if (fw === 'tfjs-cpu' && (w === 'large' || w === 'charlm')) return null;
  if (quick) {
    const q: Record<WorkloadName, Plan> = {
      tutorial: p(50, 200, 3), medium: p(1, 2, 1), 'medium-lstm': p(1, 1, 1), 'medium-gru': p(1, 1, 1), large: p(1, 1, 1),
      generate: p(10, 20, 3), charlm: p(0, 1, 1), matmul: p(1, 2, 1),
    };
    return fw.startsWith('tfjs') && w === 'tutorial' ? p(20, 50, 3) : q[w];
  }
  const tfCpu = fw === 'tfjs-cpu', tf = fw.startsWith('tfjs');
  switch (w) {
    case 'tutorial': return tf ? p(200, 500, 5) : p(2000, 2000, 5);
    case 'medium': return tfCpu ? p(1, 1, 3) : tf ? p(2, 3, 3) : p(3, 10, 5);
    // tfjs-cpu: ~2-7 s a step; tfjs-wasm: the large step and a char-LM epoch take tens of seconds
    case 'medium-lstm': case 'medium-gru': return tfCpu ? p(1, 1, 2) : tf ? p(2, 3, 3) : p(3, 10, 5);
    case 'large': return tf ? p(1, 1, 2) : p(1, 3, 3);
    case 'generate': return tfCpu ? p(20, 50, 3) : p(50, 200, 5);
    case 'charlm': return tf ? p(0, 1, 1) : p(1, 1, 3);
    case 'matmul': return tfCpu ? p(1, 2, 3) : fw === 'tfjs-wasm' ? p(5, 20, 3) : p(2, 5, 3);
  }
}

const SEED = 2026;

/** A product big enough to be split over threads (≥ 2²¹ multiply-adds), into c [64,300]. */
function productProbe(c: Float32Array): void {
  const M = 64, N = 300, K = 500;
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.37));
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.11));
  kernels().gemm(M, N, K, a, 0, K, 1, b, 0, N, 1, c, 0, N, false);
}
/** Adam steps whose losses are compared before timing (the large RNN: none, tfjs takes seconds a step). */
const CHECK_STEPS: Partial<Record<SpecName, number>> = { tutorial: 5, medium: 1, 'medium-lstm': 1, 'medium-gru': 1 };
/** Generated tokens compared between rnnkit and tfjs from the same weights. */
const CHECK_TOKENS = 20;
/** The loss before any update must agree to this (float32 sums in a different order). */
const SAME_LOSS_TOL = 1e-5;
const MATMUL_TOL = 1e-5;
/** Other processes' load below which the machine counts as quiet (--wait-idle). */
const QUIET_CORES = 0.25;
const PYTHON = '/usr/bin/python3';

// ---------------------------------------------------------------------------------------------
// Figures not measured here

const BRAINJS_QUOTED: Partial<Record<WorkloadName, { value: number; note: string }>> = {
  tutorial: { value: 0.120, note: 'brain.js 2.0.0-beta.24 RNNTimeStep, 4 sequences per step (peers-results.md §3)' },
  medium: { value: 460, note: 'brain.js 2.0.0-beta.24 RNNTimeStep (peers-results.md §4)' },
};

/** tools/reference/bench_torch.py's output (also what bench/torch-results.json stores). */
interface TorchRun {
  workloads: Partial<Record<WorkloadName, { value: number; unit: Unit; repeats: number[] }>>;
  torch_version: string;
  threads: number;
  date: string;
  cpu_model: string | null;
  quick?: boolean;
}

/** The stored figures of an earlier PyTorch run: printed with their machine and date, never as a ratio. */
function storedTorchRows(path: string, workloads: WorkloadName[]): Row[] {
  if (!existsSync(path)) {
    log(`bench: no stored PyTorch figures at ${path}`);
    return [];
  }
  const t = JSON.parse(readFileSync(path, 'utf8')) as TorchRun & { tutorial_step_ms?: number; medium_step_ms?: number; matmul_512_gflops?: number };
  // the first format (2026-11-28) had one key per figure
  const figures: TorchRun['workloads'] = t.workloads ?? {
    ...(t.tutorial_step_ms !== undefined ? { tutorial: { value: t.tutorial_step_ms, unit: 'ms/step', repeats: [] } } : {}),
    ...(t.medium_step_ms !== undefined ? { medium: { value: t.medium_step_ms, unit: 'ms/step', repeats: [] } } : {}),
    ...(t.matmul_512_gflops !== undefined ? { matmul: { value: t.matmul_512_gflops, unit: 'GFLOP/s', repeats: [] } } : {}),
  };
  const cpu = (t as { cpu_model?: string | null }).cpu_model ?? 'unknown CPU';
  const note = `stored, not this run: PyTorch ${t.torch_version ?? '?'}, ${t.threads ?? 1} thread, ${cpu}, ${t.date ?? 'undated'}`;
  const rows: Row[] = [];
  for (const w of workloads) {
    const f = figures[w];
    if (f) rows.push({ workload: w, framework: 'pytorch', source: 'stored', unit: UNITS[w], value: f.value, note });
  }
  return rows;
}

/** Whether /usr/bin/python3 can import torch here (and its version). */
function torchHere(): string | null {
  if (!existsSync(PYTHON)) return null;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Runs bench_torch.py on `threads` threads for `workloads`; its figures as rows of this run. */
function runTorch(threads: number, workloads: WorkloadName[], quick: boolean, charlmPath: string | null): { rows: Row[]; run: TorchRun | null } {
  const args = ['tools/reference/bench_torch.py', '--threads', String(threads), '--only', workloads.join(',')];
  if (quick) args.push('--quick');
  if (charlmPath) args.push('--charlm', charlmPath);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    log(`bench: WARNING bench_torch.py failed (exit ${r.status}); no PyTorch figures this run`);
    return { rows: [], run: null };
  }
  const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchRun;
  const fw: Framework = threads === 1 ? 'pytorch' : 'pytorch-2t';
  const note = `PyTorch ${run.torch_version}, ${run.threads} thread${run.threads === 1 ? '' : 's'} (OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=${threads}, torch.set_num_threads(${threads})), this run`;
  const rows: Row[] = [];
  for (const w of workloads) {
    const f = run.workloads[w];
    if (!f) continue;
    const repeatsMs = f.unit === 'GFLOP/s' ? f.repeats.map((g) => (2 * MATMUL_N ** 3) / (g * 1e6)) : f.repeats;
    rows.push({ workload: w, framework: fw, source: 'measured', unit: f.unit, value: f.value, timing: { warmup: 0, timed: 0, repeats: repeatsMs.length, ms: median(repeatsMs), repeatsMs }, note });
  }
  return { rows, run };
}

/** Stores the report's 1-thread PyTorch figures (medians over its runs) as the fallback for machines without torch. */
function saveTorch(r: Report, path: string): void {
  const workloads: TorchRun['workloads'] = {};
  for (const row of r.rows) {
    if (row.framework === 'pytorch' && row.source === 'measured') workloads[row.workload] = { value: row.value, unit: row.unit, repeats: row.perRun ?? [row.value] };
  }
  if (Object.keys(workloads).length === 0) die('--save-torch: the runs have no PyTorch figures measured in them');
  const version = /PyTorch (\S+)/.exec(r.meta.pytorch ?? '')?.[1] ?? '?';
  const dates = r.meta.dates ?? [r.meta.date];
  const out = {
    workloads, torch_version: version, threads: 1, date: dates[dates.length - 1], dates, cpu_model: r.meta.cpu, nproc: r.meta.nproc,
    foreign_cores: r.meta.foreignCores,
    note: `median of ${r.meta.runs} run(s) of \`${r.meta.command}\` (OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1, torch.set_num_threads(1))`,
  };
  writeFileSync(path, JSON.stringify(out, null, 2) + '\n');
  log(`bench: stored ${Object.keys(workloads).length} PyTorch figures in ${path}`);
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function measure(o: Options): Promise<Report> {
  const workloads = o.only.length ? WORKLOADS.filter((w) => o.only.includes(w)) : [...WORKLOADS];
  const rnnSpecs = RNN_SPECS.filter((s) => workloads.includes(s.name));
  const inits = new Map(rnnSpecs.map((s) => [s.name, makeInit(s, SEED)] as const));
  const rows: Row[] = [];
  const t0 = performance.now();
  const runProbe = startLoadProbe();
  const hashAtStart = srcHash();
  const corpus = workloads.includes('charlm') ? charCorpus(readFileSync(new URL('../data/brown-categories.tsv', import.meta.url), 'utf8'), CHARLM) : null;

  // Importing tfjs is deferred so `--from` runs without it; the import also registers the backends.
  const tfjs = await import('./peers-tfjs.js');

  // 1. Same math: identical weights and batch → the same loss, before timing anything.
  const checks: LossCheck[] = [];
  const checkSpecs = [TUTORIAL, ...rnnSpecs.filter((s) => s.name !== 'tutorial')].filter((s) => CHECK_STEPS[s.name] !== undefined);
  const checkInits = new Map(inits);
  if (!checkInits.has('tutorial')) checkInits.set('tutorial', makeInit(TUTORIAL, SEED));
  const losses = new Map<string, LossCheck['losses']>();
  for (const spec of checkSpecs) {
    const n = CHECK_STEPS[spec.name]!;
    const tr = rnnkitTrainer(spec, checkInits.get(spec.name)!);
    losses.set(spec.name, { rnnkit: Array.from({ length: n }, () => tr.stepWithLoss()), 'tfjs-cpu': [], 'tfjs-wasm': [] });
  }
  const gen = workloads.includes('generate') ? rnnkitGenerator(GENERATE, SEED) : null;
  const tokens = gen ? { rnnkit: gen.tokens(CHECK_TOKENS), 'tfjs-cpu': [] as number[], 'tfjs-wasm': [] as number[] } : null;
  let wasmLabel = 'wasm';
  for (const backend of ['cpu', 'wasm'] as const) {
    const label = await tfjs.useBackend(backend);
    if (backend === 'wasm') wasmLabel = label;
    for (const spec of checkSpecs) {
      const n = CHECK_STEPS[spec.name]!;
      const tr = tfjs.tfjsTrainer(spec, checkInits.get(spec.name)!);
      losses.get(spec.name)![`tfjs-${backend}`] = Array.from({ length: n }, () => tr.stepWithLoss());
      tr.dispose();
    }
    if (gen && tokens) {
      const g = tfjs.tfjsGenerator(GENERATE, gen.weights);
      tokens[`tfjs-${backend}`] = g.tokens(CHECK_TOKENS);
      g.dispose();
    }
  }
  for (const spec of checkSpecs) {
    const l = losses.get(spec.name)!;
    const firstRelDiff = relDiff(l.rnnkit[0]!, l['tfjs-cpu'][0]!);
    let maxRelDiff = 0;
    for (let i = 0; i < l.rnnkit.length; i++) {
      maxRelDiff = Math.max(maxRelDiff, relDiff(l.rnnkit[i]!, l['tfjs-cpu'][i]!), relDiff(l.rnnkit[i]!, l['tfjs-wasm'][i]!));
    }
    const same = firstRelDiff <= SAME_LOSS_TOL && relDiff(l.rnnkit[0]!, l['tfjs-wasm'][0]!) <= SAME_LOSS_TOL;
    checks.push({ workload: spec.name, steps: l.rnnkit.length, losses: l, firstRelDiff, maxRelDiff, same });
    log(`same loss (${spec.name}): ${same ? 'yes' : 'NO'} — rnnkit ${l.rnnkit[0]!.toPrecision(8)}, tfjs-cpu ${l['tfjs-cpu'][0]!.toPrecision(8)}, tfjs-wasm ${l['tfjs-wasm'][0]!.toPrecision(8)}`);
  }
  if (tokens) {
    const same = tokens.rnnkit.join() === tokens['tfjs-cpu'].join() && tokens.rnnkit.join() === tokens['tfjs-wasm'].join();
    checks.push({ workload: 'generate', steps: CHECK_TOKENS, losses: tokens, firstRelDiff: 0, maxRelDiff: 0, same });
    log(`same tokens (generate, ${CHECK_TOKENS} greedy tokens): ${same ? 'yes' : 'NO'} — rnnkit ${tokens.rnnkit.join(',')}; tfjs-cpu ${tokens['tfjs-cpu'].join(',')}; tfjs-wasm ${tokens['tfjs-wasm'].join(',')}`);
  }
  // The kernel interface is young; a signature change must not turn into timing garbage.
  const matmulCheck = checkMatmul();
  const opOk = matmulCheck.op < MATMUL_TOL, gemmOk = matmulCheck.gemm < MATMUL_TOL;
  if (!opOk) log(`bench: WARNING rnnkit \`matmul\` disagrees with a plain loop (rel err ${matmulCheck.op}); timing it anyway`);
  if (!gemmOk) log(`bench: WARNING raw kernels().gemm disagrees with a plain loop (rel err ${matmulCheck.gemm}); has its signature changed? Skipping its row`);

  const quiet = async () => {
    if (o.waitIdle <= 0) return;
    const w = await waitForQuiet(QUIET_CORES, o.waitIdle);
    if (w.load !== null && w.load >= QUIET_CORES) log(`  (machine still busy after ${w.waitedS.toFixed(0)} s: other load ${w.load.toFixed(2)} cores; timing anyway)`);
  };
  // 2. rnnkit.
  const record = async (workload: WorkloadName, framework: Runner, step: () => void, note?: string) => {
    const plan = planFor(workload, framework, o.quick);
    if (plan === null) return;
    await quiet();
    const unit = UNITS[workload];
    const probe = startLoadProbe();
    const timing = timeSteps(step, plan);
    const foreignCores = probe.foreignCores();
    const value = unit === 'GFLOP/s' ? gflops(MATMUL_N, timing.ms) : timing.ms;
    rows.push({ workload, framework, source: 'measured', unit, value, timing, foreignCores, ...(note ? { note } : {}) });
    const load = foreignCores === null ? '' : `, other load ${foreignCores.toFixed(2)} cores`;
    log(`  ${workload.padEnd(11)} ${framework.padEnd(11)} ${fmtValue(value, unit)}  (${((performance.now() - t0) / 1000).toFixed(1)} s${load})`);
  };
  log('rnnkit');
  for (const spec of rnnSpecs) {
    const tr = rnnkitTrainer(spec, inits.get(spec.name)!);
    await record(spec.name, 'rnnkit', tr.step);
  }
  if (gen) await record('generate', 'rnnkit', gen.step, 'models.RNNLM forward [1,1] under noGrad + argmax');
  if (corpus) {
    const epoch = rnnkitCharLm(CHARLM, corpus.ids, corpus.V, SEED);
    await record('charlm', 'rnnkit', () => void epoch(), `V=${corpus.V}, ${CHARLM.batches} batches of [${CHARLM.B},${CHARLM.T}]`);
  }
  if (workloads.includes('matmul')) {
    const mm = rnnkitMatmul(MATMUL_N, SEED);
    await record('matmul', 'rnnkit', mm, 'matmul(a, b) on tensors');
    const gemm = rnnkitGemm(MATMUL_N, SEED);
    if (gemmOk) await record('matmul', 'rnnkit-gemm', gemm, 'kernels().gemm into a preallocated C');
  }
  // rnnkit on two threads (setNumThreads(2): large GEMMs split over a worker), for the workloads
  // big enough to split; its results must be the bits of one thread's, checked before timing
  const twoThreadChecks: Record<string, boolean> = {};
  const twoT = workloads.filter((w) => planFor(w, 'rnnkit-2t', o.quick) !== null);
  if (twoT.length > 0) {
    const before = (kernels() as { threads?: () => number }).threads?.() ?? 1;
    const oneLoss = (spec: RnnSpec) => rnnkitTrainer(spec, inits.get(spec.name)!).stepWithLoss();
    const oneProduct = () => { const c = new Float32Array(64 * 300); productProbe(c); return c; };
    const want = { losses: rnnSpecs.filter((s) => twoT.includes(s.name)).map(oneLoss), product: oneProduct() };
    setNumThreads(2);
    kernels();
    for (let i = 0; i < 500 && ((kernels() as { threads?: () => number }).threads?.() ?? 1) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const started = (kernels() as { threads?: () => number }).threads?.() ?? 1;
    if (started < 2) log(`bench: WARNING setNumThreads(2) started ${started} thread(s) (no worker spawner?); rnnkit-2t rows are 1 thread`);
    log(`rnnkit, ${started} threads`);
    const got = { losses: rnnSpecs.filter((s) => twoT.includes(s.name)).map(oneLoss), product: oneProduct() };
    const same = got.losses.every((l, i) => Object.is(l, want.losses[i])) && got.product.every((v, i) => Object.is(v, want.product[i]));
    twoThreadChecks.sameBitsAsOneThread = same;
    if (!same) log('bench: WARNING rnnkit on 2 threads does not give the bits of 1 thread (first-step losses or a 64×300×500 product)');
    for (const spec of rnnSpecs) {
      if (!twoT.includes(spec.name)) continue;
      const tr = rnnkitTrainer(spec, inits.get(spec.name)!);
      await record(spec.name, 'rnnkit-2t', tr.step, `setNumThreads(${started})`);
    }
    if (twoT.includes('matmul')) await record('matmul', 'rnnkit-2t', rnnkitMatmul(MATMUL_N, SEED), `matmul(a, b) on tensors, setNumThreads(${started})`);
    setNumThreads(before);
  }

  // 3. tfjs, cpu then wasm.
  for (const backend of ['cpu', 'wasm'] as const) {
    const fw = `tfjs-${backend}` as const;
    const label = await tfjs.useBackend(backend);
    log(`tfjs ${tfjs.tfjsVersion}, backend ${label}`);
    for (const spec of rnnSpecs) {
      if (planFor(spec.name, fw, o.quick) === null) continue;
      const tr = tfjs.tfjsTrainer(spec, inits.get(spec.name)!);
      await record(spec.name, fw, tr.step, 'tf-op loop + optimizer.minimize (tf.train.adam)');
      // Adam creates its moment variables on the first step; after that a step must leave nothing.
      const before = tfjs.tfjsTensorCount();
      tr.step();
      const leaked = tfjs.tfjsTensorCount() - before;
      if (leaked !== 0) log(`bench: WARNING ${fw} ${spec.name} leaks ${leaked} tensors per step`);
      tr.dispose();
    }
    if (gen) {
      const g = tfjs.tfjsGenerator(GENERATE, gen.weights);
      await record('generate', fw, g.step, 'tf-op LSTM cells in tf.tidy + dataSync of the logits');
      g.dispose();
    }
    if (corpus && planFor('charlm', fw, o.quick) !== null) {
      const c = tfjs.tfjsCharLm(CHARLM, corpus.ids, corpus.V, charLmWeights(CHARLM, corpus.V, SEED));
      await record('charlm', fw, () => void c.epoch(), 'tf-op LSTM loop + softmaxCrossEntropy + optimizer.minimize');
      c.dispose();
    }
    if (workloads.includes('matmul')) {
      const mm = tfjs.tfjsMatmul(MATMUL_N);
      await record('matmul', fw, mm.run, 'tf.matMul + dataSync');
      mm.dispose();
    }
  }

  // 4. PyTorch in this run when it can run here, else its stored figures (labelled, no ratio).
  const torchVersion = o.noTorch ? null : torchHere();
  let pytorch: string;
  let torchThreads: number[] | null = null;
  if (torchVersion) {
    const dir = mkdtempSync(join(os.tmpdir(), 'rnnkit-bench-'));
    const charlmPath = corpus ? join(dir, 'charlm.json') : null;
    if (charlmPath && corpus) writeFileSync(charlmPath, JSON.stringify({ ids: Array.from(corpus.ids), V: corpus.V }));
    log(`PyTorch ${torchVersion} (${PYTHON}), 1 thread`);
    await quiet();
    const one = runTorch(1, workloads, o.quick, charlmPath);
    rows.push(...one.rows);
    torchThreads = [1];
    if (workloads.includes('large')) {
      log('PyTorch, 2 threads (large RNN)');
      await quiet();
      rows.push(...runTorch(2, ['large'], o.quick, null).rows);
      torchThreads.push(2);
    }
    rmSync(dir, { recursive: true, force: true });
    pytorch = `PyTorch ${torchVersion}, ${PYTHON}, measured in this run`;
  } else {
    rows.push(...storedTorchRows(o.torch, workloads));
    pytorch = `not run here (${o.noTorch ? '--no-torch' : `${PYTHON} cannot import torch`}); stored figures from ${o.torch}`;
  }
  for (const w of workloads) {
    const q = BRAINJS_QUOTED[w];
    if (q) rows.push({ workload: w, framework: 'brainjs', source: 'quoted', unit: 'ms/step', value: q.value, note: q.note });
  }

  const report: Report = {
    meta: {
      date: new Date().toISOString(),
      command: ['npm run bench --', ...process.argv.slice(2)].join(' '),
      quick: o.quick,
      workloads,
      runs: 1,
      node: process.version,
      cpu: cpuModel(),
      nproc: os.availableParallelism(),
      threads: { rnnkit: String((kernels() as { threads?: () => number }).threads?.() ?? 1) + (rows.some((r) => r.framework === 'rnnkit-2t') ? ' (rnnkit-2t rows: 2)' : ''), tfjs: 1, pytorch: torchThreads },
      pytorch,
      tfjs: tfjs.tfjsVersion,
      tfjsWasmBackend: wasmLabel,
      rnnkitKernels: kernels() === jsKernels ? 'js' : 'wasm',
      srcHash: hashAtStart,
      foreignCores: runProbe.foreignCores(),
      torchFile: torchVersion ? null : existsSync(o.torch) ? o.torch : null,
      matmulCheckRelErr: matmulCheck,
      rnnkit2tSameBits: twoThreadChecks.sameBitsAsOneThread ?? null,
    },
    checks,
    rows,
    targets: [],
  };
  report.targets = evaluateTargets(report);
  log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return report;
}

function srcHash(): string {
  const h = createHash('sha1');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(e.name).update(readFileSync(p));
    }
  };
  try {
    walk(fileURLToPath(new URL('../src', import.meta.url)));
    return h.digest('hex').slice(0, 12);
  } catch {
    return '?';
  }
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const name = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? '?';
    const fam = /^cpu family\s*:\s*(.*)$/m.exec(info)?.[1];
    const model = /^model\s*:\s*(.*)$/m.exec(info)?.[1];
    return fam && model ? `${name} (family ${fam}, model ${model})` : name;
  } catch {
    return os.cpus()[0]?.model ?? '?';
  }
}

// ---------------------------------------------------------------------------------------------
// Combining saved runs (--from): the median of each figure over runs.

function combine(paths: string[]): Report {
  const reports = paths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as Report);
  const first = reports[0]!;
  const cpus = new Set(reports.map((x) => x.meta.cpu));
  if (cpus.size > 1) die(`--from: the runs come from different CPUs (${[...cpus].join('; ')}); RESULTS.md keeps one table per CPU model`);
  const hashes = new Set(reports.map((x) => x.meta.srcHash ?? '?'));
  if (hashes.size > 1) log(`bench: WARNING the runs measured different rnnkit sources (src hashes ${[...hashes].join(', ')}); their medians mix code versions`);
  const rows: Row[] = [];
  for (const r of first.rows) {
    const same = reports.map((x) => x.rows.find((y) => y.workload === r.workload && y.framework === r.framework)).filter((y): y is Row => !!y);
    const values = same.map((y) => y.value);
    const loads = same.map((y) => y.foreignCores).filter((x): x is number => typeof x === 'number');
    rows.push({
      workload: r.workload, framework: r.framework, source: r.source, unit: r.unit, value: median(values), perRun: values,
      ...(loads.length ? { foreignCores: Math.max(...loads) } : {}), ...(r.note ? { note: r.note } : {}),
    });
  }
  const checks = first.checks.map((c) => {
    const all = reports.map((x) => x.checks.find((y) => y.workload === c.workload)).filter((y): y is LossCheck => !!y);
    return { ...c, same: all.every((y) => y.same), firstRelDiff: Math.max(...all.map((y) => y.firstRelDiff)), maxRelDiff: Math.max(...all.map((y) => y.maxRelDiff)) };
  });
  const report: Report = {
    meta: { ...first.meta, srcHash: [...hashes].join('+'), runs: reports.length, dates: reports.map((x) => x.meta.date), quick: reports.some((x) => x.meta.quick) },
    checks,
    rows,
    targets: [],
  };
  report.targets = evaluateTargets(report);
  return report;
}

// ---------------------------------------------------------------------------------------------
// Ratios and targets

function find(r: Report, workload: WorkloadName, framework: Framework): Row | undefined {
  return r.rows.find((x) => x.workload === workload && x.framework === framework);
}

/** How many times faster rnnkit is than `peer` (below 1: slower). */
function speedup(rnnkit: Row, peer: Row): number {
  return rnnkit.unit === 'GFLOP/s' ? rnnkit.value / peer.value : peer.value / rnnkit.value;
}

/** Targets of issue 11 ("Speed: at or past PyTorch"), against PyTorch measured in the same run only. */
function evaluateTargets(r: Report): TargetResult[] {
  const vs = (workload: WorkloadName, peer: Framework, need: number, label: string, best?: Framework, ours: Framework = 'rnnkit'): TargetResult => {
    const a = find(r, workload, ours);
    const peers = [find(r, workload, peer), ...(best ? [find(r, workload, best)] : [])].filter((x): x is Row => !!x);
    // the peer's best figure (of 1 and 2 threads where asked)
    const b = peers.sort((x, y) => (x.unit === 'GFLOP/s' ? y.value - x.value : x.value - y.value))[0];
    if (!a || !b) return { label, need, got: null, status: 'n/a', note: !a ? `${workload} not run` : `no ${peer} figure` };
    if (b.source !== 'measured') return { label, need, got: null, status: 'n/a', note: 'PyTorch not measured in this run (stored figures are from another machine or date)' };
    const got = speedup(a, b);
    const bound = a.unit === 'GFLOP/s' ? `needs rnnkit ≥ ${fmtValue(b.value * need, a.unit)}` : `needs rnnkit ≤ ${fmtValue(b.value / need, a.unit)}`;
    return { label, need, got, status: got >= need ? 'PASS' : 'MISS', note: bound };
  };
  /** An absolute GFLOP/s floor for one framework's measured figure. */
  const gflopsTarget = (workload: WorkloadName, fw: Framework, need: number, label: string): TargetResult => {
    const a = find(r, workload, fw);
    if (!a) return { label, need, got: null, status: 'n/a', note: `no ${fw} figure` };
    return { label, need, got: a.value, status: a.value >= need ? 'PASS' : 'MISS', note: `needs ≥ ${fmtValue(need, a.unit)}` };
  };
  return [
    vs('tutorial', 'pytorch', 30, 'tutorial step ≥ 30× faster than PyTorch'),
    vs('generate', 'pytorch', 1, 'LSTM generation per token ≤ PyTorch'),
    vs('medium', 'pytorch', 1, 'medium RNN step ≤ PyTorch'),
    vs('medium-lstm', 'pytorch', 1, 'medium LSTM step ≤ PyTorch'),
    vs('medium-gru', 'pytorch', 1, 'medium GRU step ≤ PyTorch'),
    vs('large', 'pytorch', 0.5, 'large RNN step, one thread, within 2× of PyTorch (1 thread)'),
    vs('large', 'pytorch', 1 / 1.5, 'large RNN step within 1.5× of PyTorch\'s best of 1 and 2 threads', 'pytorch-2t'),
    vs('large', 'pytorch', 1 / 1.5, 'large RNN step, rnnkit 2 threads, within 1.5× of PyTorch\'s best of 1 and 2 threads', 'pytorch-2t', 'rnnkit-2t'),
    gflopsTarget('matmul', 'rnnkit-2t', 35, 'matmul (sgemm 512³) ≥ 35 GFLOP/s on two threads'),
    vs('matmul', 'tfjs-wasm', 1.5, 'sgemm 512³ ≥ 1.5× tfjs-wasm'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Output

const LABELS: Record<Framework, string> = {
  rnnkit: 'rnnkit',
  'rnnkit-2t': 'rnnkit 2 threads',
  'rnnkit-gemm': 'rnnkit raw `kernels().gemm`',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
  pytorch: 'PyTorch 1 thread',
  'pytorch-2t': 'PyTorch 2 threads',
  brainjs: 'brain.js (quoted, not run)',
};

function fmtNum(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : a >= 0.1 ? v.toFixed(3) : v.toPrecision(2);
}

function fmtValue(v: number, unit: Unit): string {
  return `${fmtNum(v)} ${unit}`;
}

function fmtRatio(x: number): string {
  return x >= 1 ? `${fmtNum(x)}× faster` : `${fmtNum(1 / x)}× slower`;
}

function spread(row: Row): string {
  if (row.source !== 'measured') return '';
  const xs = row.perRun ?? row.timing?.repeatsMs.map((ms) => (row.unit === 'GFLOP/s' ? gflops(MATMUL_N, ms) : ms));
  if (!xs || xs.length < 2) return '';
  return `${fmtNum(Math.min(...xs))}–${fmtNum(Math.max(...xs))}`;
}

function tableRows(r: Report): string[][] {
  const out: string[][] = [];
  for (const w of r.meta.workloads) {
    const base = find(r, w, 'rnnkit');
    for (const fw of ['rnnkit', 'rnnkit-2t', 'rnnkit-gemm', 'tfjs-cpu', 'tfjs-wasm', 'pytorch', 'pytorch-2t', 'brainjs'] as Framework[]) {
      const row = find(r, w, fw);
      if (!row) continue;
      // a stored figure comes from another machine or date: never a same-machine ratio
      const ratio = row.source === 'stored' ? `(${row.note})` : base && fw !== 'rnnkit' && fw !== 'rnnkit-gemm' ? fmtRatio(speedup(base, row)) : '';
      const load = typeof row.foreignCores === 'number' ? row.foreignCores.toFixed(2) : '';
      const label = row.source === 'stored' ? `${LABELS[fw]} (stored)` : row.source === 'quoted' ? LABELS[fw] : LABELS[fw];
      out.push([w, label, fmtValue(row.value, row.unit), spread(row), ratio, load]);
    }
  }
  return out;
}

const HEAD = ['workload', 'framework', 'median', 'spread (min–max)', 'rnnkit is', 'other load'];
const TARGET_HEAD = ['target', 'measured', 'result'];

function targetCells(t: TargetResult): string[] {
  const got = t.got === null ? '—' : t.label.startsWith('matmul') ? `${fmtNum(t.got)} GFLOP/s` : `${fmtNum(t.got)}×`;
  return [t.label, got + (t.note && t.status !== 'n/a' && t.status === 'MISS' ? ` (${t.note})` : t.status === 'n/a' ? ` (${t.note})` : ''), t.status];
}

function sameLossLines(r: Report): string[] {
  return r.checks.map((c) => {
    const l = c.losses;
    if (c.workload === 'generate') {
      return `same tokens (generate, ${c.steps} greedy tokens from identical weights): ${c.same ? 'yes' : 'NO'} — rnnkit ${l.rnnkit.join(',')}` +
        (c.same ? '' : `; tfjs-cpu ${l['tfjs-cpu'].join(',')}; tfjs-wasm ${l['tfjs-wasm'].join(',')}`);
    }
    return `same loss (${c.workload}, rnnkit vs tfjs from identical weights and batch): ${c.same ? 'yes' : 'NO'}` +
      ` — first step rnnkit ${l.rnnkit[0]!.toPrecision(8)}, tfjs-cpu ${l['tfjs-cpu'][0]!.toPrecision(8)}, tfjs-wasm ${l['tfjs-wasm'][0]!.toPrecision(8)}` +
      ` (rel diff ${c.firstRelDiff.toExponential(1)}, tolerance ${SAME_LOSS_TOL})` +
      (c.steps > 1 ? `; over ${c.steps} Adam steps the largest rel diff is ${c.maxRelDiff.toExponential(1)}` : '');
  });
}

function metaLine(r: Report): string {
  const m = r.meta;
  const runs = m.runs > 1 ? `median of ${m.runs} runs (${(m.dates ?? []).join(', ')})` : `1 run, ${m.date}`;
  const load = m.foreignCores === null || m.foreignCores === undefined ? '' : `; other processes used ${m.foreignCores.toFixed(2)} cores on average${m.runs > 1 ? ' (first run)' : ''}`;
  const rk = m.rnnkitKernels ? `; rnnkit kernels: ${m.rnnkitKernels}${m.srcHash ? `, src ${m.srcHash}` : ''}` : '';
  const th = m.threads ? `; threads: rnnkit ${m.threads.rnnkit}, tfjs ${m.threads.tfjs}, PyTorch ${m.threads.pytorch ? m.threads.pytorch.join(' and ') : '—'}` : '';
  const pt = m.pytorch ? `; ${m.pytorch}` : '';
  return `${m.cpu}, ${m.nproc} CPUs${th}${pt}; Node ${m.node}; tfjs ${m.tfjs}, wasm backend: ${m.tfjsWasmBackend}${rk}; ${runs}${load}${m.quick ? '; QUICK (smoke test, not for reporting)' : ''}`;
}

function textTable(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(head: string[], rows: string[][], align: string[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function printText(r: Report): void {
  const out = [
    '',
    metaLine(r),
    ...sameLossLines(r),
    '',
    textTable(HEAD, tableRows(r)),
    '',
    'PyTorch: tools/reference/bench_torch.py in this run (1 thread; large also 2), or stored figures marked with their machine and date. brain.js: quoted from peers-results.md, not run, different math.',
    'spread: min–max over repeats (one run) or over runs (--from). other load: cores used by other processes while timing (max over runs).',
    '',
    'targets (issue 11, "Speed: at or past PyTorch"), against PyTorch measured in this run:',
    textTable(TARGET_HEAD, r.targets.map(targetCells)),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

function printMarkdown(r: Report): void {
  const out = [
    `<!-- generated by \`npm run bench -- ${process.argv.slice(2).join(' ')}\`${r.meta.runs > 1 ? ` from runs of \`${r.meta.command}\`` : ''} -->`,
    `Machine and run: ${metaLine(r)}.`,
    '',
    ...sameLossLines(r).map((l) => `- ${l}`),
    '',
    mdTable(HEAD, tableRows(r), ['---', '---', '--:', '--:', '--:', '--:']),
    '',
    mdTable(TARGET_HEAD, r.targets.map(targetCells), ['---', '--:', ':-:']),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

// ---------------------------------------------------------------------------------------------

setProcStatReader(() => readFileSync('/proc/stat', 'utf8'));
const opts = parseArgs(process.argv.slice(2));
if (opts.json) {
  // stdout carries one JSON object; anything a library prints goes to stderr.
  console.log = console.error;
  console.info = console.error;
}
const report = opts.from.length ? combine(opts.from) : await measure(opts);
if (opts.saveTorch) saveTorch(report, opts.saveTorch);
if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
else if (opts.markdown) printMarkdown(report);
else printText(report);
