// `npm run bench`: rnnkit against TensorFlow.js (cpu and wasm backends, one thread) on the same
// math, with PyTorch figures from tools/reference/bench_torch.py (run separately, one thread) and
// brain.js figures quoted from /work/shared/reference/peers-results.md. See bench/RESULTS.md.
//
//   npm run bench                         full run (~1 min), human-readable table
//   npm run bench -- --quick              smoke test (few iterations)
//   npm run bench -- --only medium        one workload (tutorial | medium | matmul; repeatable, or a,b)
//   npm run bench -- --json               one JSON object on stdout (progress goes to stderr)
//   npm run bench -- --markdown           the tables of bench/RESULTS.md, in markdown
//   npm run bench -- --from a.json b.json [--markdown]
//                                         combine saved --json runs: median of each figure over runs
//   npm run bench -- --torch PATH         PyTorch figures (default bench/torch-results.json)
//   npm run bench -- --wait-idle [S]      before each figure, wait up to S s (default 60) until
//                                         other processes use < 0.25 cores (shared machines)
//
// The process exits 0 whatever the targets say; a target is a figure to read, not a test.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsKernels, kernels } from '../dist/index.js';
import { checkMatmul, makeInit, rnnkitGemm, rnnkitMatmul, rnnkitTrainer } from './rnnkit-workloads.js';
import { type Plan, type Timing, gflops, median, relDiff, setProcStatReader, startLoadProbe, timeSteps, waitForQuiet } from './timing.js';
import { MATMUL_N, MEDIUM, type RnnSpec, TUTORIAL, WORKLOADS, type WorkloadName } from './workloads.js';

// ---------------------------------------------------------------------------------------------
// Report shape (also the --json output and the --from input)

type Unit = 'ms/step' | 'GFLOP/s';
type Source = 'measured' | 'pytorch' | 'quoted';
type Framework = 'rnnkit' | 'rnnkit-gemm' | 'tfjs-cpu' | 'tfjs-wasm' | 'pytorch' | 'brainjs';

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
  workload: 'tutorial' | 'medium';
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
    cpu: string;
    nproc: number;
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
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, only: [], json: false, markdown: false, from: [], torch: 'bench/torch-results.json', waitIdle: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
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
      process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 16).map((l) => l.slice(3)).join('\n') + '\n');
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
// Iteration plans. tfjs-cpu takes ~0.9 s per medium step and ~0.5 s per 512³ matmul, so it gets
// few iterations; per-step times that long are stable.

type PlanKey = `${'tutorial' | 'medium' | 'matmul'}:${'rnnkit' | 'rnnkit-gemm' | 'tfjs-cpu' | 'tfjs-wasm'}`;

function plans(quick: boolean): Record<PlanKey, Plan> {
  const p = (warmup: number, timed: number, repeats: number): Plan => ({ warmup, timed, repeats });
  if (quick) {
    return {
      'tutorial:rnnkit': p(50, 200, 3), 'tutorial:tfjs-cpu': p(50, 50, 3), 'tutorial:tfjs-wasm': p(50, 50, 3),
      'tutorial:rnnkit-gemm': p(0, 0, 0),
      'medium:rnnkit': p(1, 3, 1), 'medium:tfjs-cpu': p(0, 1, 1), 'medium:tfjs-wasm': p(1, 2, 1),
      'medium:rnnkit-gemm': p(0, 0, 0),
      'matmul:rnnkit': p(1, 2, 1), 'matmul:rnnkit-gemm': p(1, 2, 1), 'matmul:tfjs-cpu': p(0, 1, 1), 'matmul:tfjs-wasm': p(2, 5, 1),
    };
  }
  return {
    'tutorial:rnnkit': p(2000, 2000, 5), 'tutorial:tfjs-cpu': p(200, 500, 5), 'tutorial:tfjs-wasm': p(200, 500, 5),
    'tutorial:rnnkit-gemm': p(0, 0, 0),
    'medium:rnnkit': p(3, 20, 3), 'medium:tfjs-cpu': p(1, 1, 3), 'medium:tfjs-wasm': p(2, 5, 3),
    'medium:rnnkit-gemm': p(0, 0, 0),
    'matmul:rnnkit': p(2, 5, 3), 'matmul:rnnkit-gemm': p(2, 5, 3), 'matmul:tfjs-cpu': p(1, 2, 3), 'matmul:tfjs-wasm': p(5, 20, 3),
  };
}

const SEED = 2026;
const CHECK_STEPS = { tutorial: 5, medium: 1 } as const;
/** The loss before any update must agree to this (float32 sums in a different order). */
const SAME_LOSS_TOL = 1e-5;
const MATMUL_TOL = 1e-5;
/** Other processes' load below which the machine counts as quiet (--wait-idle). */
const QUIET_CORES = 0.25;

// ---------------------------------------------------------------------------------------------
// Figures not measured here

const BRAINJS_QUOTED: Partial<Record<WorkloadName, { value: number; note: string }>> = {
  tutorial: { value: 0.120, note: 'brain.js 2.0.0-beta.24 RNNTimeStep, 4 sequences per step (peers-results.md §3)' },
  medium: { value: 460, note: 'brain.js 2.0.0-beta.24 RNNTimeStep (peers-results.md §4)' },
};

interface TorchFile {
  tutorial_step_ms?: number;
  medium_step_ms?: number;
  matmul_512_gflops?: number;
  tutorial_step_ms_repeats?: number[];
  medium_step_ms_repeats?: number[];
  torch_version?: string;
  date?: string;
}

function torchRows(path: string, workloads: WorkloadName[]): Row[] {
  if (!existsSync(path)) {
    log(`bench: no PyTorch figures at ${path} (run: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/bench_torch.py --out ${path})`);
    return [];
  }
  const t = JSON.parse(readFileSync(path, 'utf8')) as TorchFile;
  const note = `PyTorch ${t.torch_version ?? '?'}, 1 thread, measured separately by tools/reference/bench_torch.py${t.date ? ` (${t.date})` : ''}`;
  const rows: Row[] = [];
  const add = (workload: WorkloadName, unit: Unit, value: number | undefined) => {
    if (value !== undefined && workloads.includes(workload)) rows.push({ workload, framework: 'pytorch', source: 'pytorch', unit, value, note });
  };
  add('tutorial', 'ms/step', t.tutorial_step_ms);
  add('medium', 'ms/step', t.medium_step_ms);
  add('matmul', 'GFLOP/s', t.matmul_512_gflops);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function measure(o: Options): Promise<Report> {
  const workloads = o.only.length ? WORKLOADS.filter((w) => o.only.includes(w)) : [...WORKLOADS];
  const P = plans(o.quick);
  const rnnSpecs = [TUTORIAL, MEDIUM].filter((s) => workloads.includes(s.name));
  const inits = new Map(rnnSpecs.map((s) => [s.name, makeInit(s, SEED)] as const));
  const rows: Row[] = [];
  const t0 = performance.now();
  const runProbe = startLoadProbe();
  const hashAtStart = srcHash();

  // Importing tfjs is deferred so `--from` runs without it; the import also registers the backends.
  const tfjs = await import('./peers-tfjs.js');

  // 1. Same math: identical weights and batch → the same loss, before timing anything.
  const checks: LossCheck[] = [];
  const checkSpecs = workloads.includes('tutorial') ? rnnSpecs : [TUTORIAL, ...rnnSpecs];
  const checkInits = new Map(inits);
  if (!checkInits.has('tutorial')) checkInits.set('tutorial', makeInit(TUTORIAL, SEED));
  const losses = new Map<string, LossCheck['losses']>();
  for (const spec of checkSpecs) {
    const n = CHECK_STEPS[spec.name];
    const tr = rnnkitTrainer(spec, checkInits.get(spec.name)!);
    losses.set(spec.name, { rnnkit: Array.from({ length: n }, () => tr.stepWithLoss()), 'tfjs-cpu': [], 'tfjs-wasm': [] });
  }
  let wasmLabel = 'wasm';
  for (const backend of ['cpu', 'wasm'] as const) {
    const label = await tfjs.useBackend(backend);
    if (backend === 'wasm') wasmLabel = label;
    for (const spec of checkSpecs) {
      const n = CHECK_STEPS[spec.name];
      const tr = tfjs.tfjsTrainer(spec, checkInits.get(spec.name)!);
      losses.get(spec.name)![`tfjs-${backend}`] = Array.from({ length: n }, () => tr.stepWithLoss());
      tr.dispose();
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
  // The kernel interface is young; a signature change must not turn into timing garbage.
  const matmulCheck = checkMatmul();
  const opOk = matmulCheck.op < MATMUL_TOL, gemmOk = matmulCheck.gemm < MATMUL_TOL;
  if (!opOk) log(`bench: WARNING rnnkit \`matmul\` disagrees with a plain loop (rel err ${matmulCheck.op}); timing it anyway`);
  if (!gemmOk) log(`bench: WARNING raw kernels().gemm disagrees with a plain loop (rel err ${matmulCheck.gemm}); has its signature changed? Skipping its row`);

  // 2. rnnkit.
  const record = async (workload: WorkloadName, framework: Framework, unit: Unit, time: () => Timing, note?: string) => {
    if (o.waitIdle > 0) {
      const w = await waitForQuiet(QUIET_CORES, o.waitIdle);
      if (w.load !== null && w.load >= QUIET_CORES) log(`  (machine still busy after ${w.waitedS.toFixed(0)} s: other load ${w.load.toFixed(2)} cores; timing anyway)`);
    }
    const probe = startLoadProbe();
    const timing = time();
    const foreignCores = probe.foreignCores();
    const value = unit === 'GFLOP/s' ? gflops(MATMUL_N, timing.ms) : timing.ms;
    rows.push({ workload, framework, source: 'measured', unit, value, timing, foreignCores, ...(note ? { note } : {}) });
    const load = foreignCores === null ? '' : `, other load ${foreignCores.toFixed(2)} cores`;
    log(`  ${workload.padEnd(8)} ${framework.padEnd(11)} ${fmtValue(value, unit)}  (${((performance.now() - t0) / 1000).toFixed(1)} s${load})`);
  };
  log('rnnkit');
  for (const spec of rnnSpecs) {
    const tr = rnnkitTrainer(spec, inits.get(spec.name)!);
    await record(spec.name, 'rnnkit', 'ms/step', () => timeSteps(tr.step, P[`${spec.name}:rnnkit`]));
  }
  if (workloads.includes('matmul')) {
    const mm = rnnkitMatmul(MATMUL_N, SEED);
    await record('matmul', 'rnnkit', 'GFLOP/s', () => timeSteps(mm, P['matmul:rnnkit']), 'matmul(a, b) on tensors');
    const gemm = rnnkitGemm(MATMUL_N, SEED);
    if (gemmOk) await record('matmul', 'rnnkit-gemm', 'GFLOP/s', () => timeSteps(gemm, P['matmul:rnnkit-gemm']), 'kernels().gemm into a preallocated C');
  }

  // 3. tfjs, cpu then wasm.
  for (const backend of ['cpu', 'wasm'] as const) {
    const fw = `tfjs-${backend}` as const;
    const label = await tfjs.useBackend(backend);
    log(`tfjs ${tfjs.tfjsVersion}, backend ${label}`);
    for (const spec of rnnSpecs) {
      const tr = tfjs.tfjsTrainer(spec, inits.get(spec.name)!);
      await record(spec.name, fw, 'ms/step', () => timeSteps(tr.step, P[`${spec.name}:${fw}`]), 'tf-op loop + optimizer.minimize (tf.train.adam)');
      // Adam creates its moment variables on the first step; after that a step must leave nothing.
      const before = tfjs.tfjsTensorCount();
      tr.step();
      const leaked = tfjs.tfjsTensorCount() - before;
      if (leaked !== 0) log(`bench: WARNING ${fw} ${spec.name} leaks ${leaked} tensors per step`);
      tr.dispose();
    }
    if (workloads.includes('matmul')) {
      const mm = tfjs.tfjsMatmul(MATMUL_N);
      await record('matmul', fw, 'GFLOP/s', () => timeSteps(mm.run, P[`matmul:${fw}`]), 'tf.matMul + dataSync');
      mm.dispose();
    }
  }

  // 4. Figures from elsewhere.
  rows.push(...torchRows(o.torch, workloads));
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
      tfjs: tfjs.tfjsVersion,
      tfjsWasmBackend: wasmLabel,
      rnnkitKernels: kernels() === jsKernels ? 'js' : 'wasm',
      srcHash: hashAtStart,
      foreignCores: runProbe.foreignCores(),
      torchFile: existsSync(o.torch) ? o.torch : null,
      matmulCheckRelErr: matmulCheck,
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
  return rnnkit.unit === 'ms/step' ? peer.value / rnnkit.value : rnnkit.value / peer.value;
}

function evaluateTargets(r: Report): TargetResult[] {
  const vs = (workload: WorkloadName, peer: Framework, need: number, label: string): TargetResult => {
    const a = find(r, workload, 'rnnkit'), b = find(r, workload, peer);
    if (!a || !b) return { label, need, got: null, status: 'n/a', note: !a ? `${workload} not run` : `no ${peer} figure` };
    const got = speedup(a, b);
    return { label, need, got, status: got >= need ? 'PASS' : 'MISS', note: `needs rnnkit ≤ ${fmtValue(b.value / need, 'ms/step')}` };
  };
  const mm = find(r, 'matmul', 'rnnkit');
  return [
    vs('tutorial', 'pytorch', 30, 'tutorial step ≥ 30× faster than PyTorch'),
    vs('tutorial', 'brainjs', 2, 'tutorial step ≥ 2× faster than brain.js'),
    vs('medium', 'tfjs-cpu', 20, 'medium step ≥ 20× faster than tfjs-cpu'),
    vs('medium', 'tfjs-wasm', 4, 'medium step ≥ 4× faster than tfjs-wasm'),
    mm
      ? { label: 'matmul 512³ ≥ 3 GFLOP/s (rnnkit `matmul`)', need: 3, got: mm.value, status: mm.value >= 3 ? 'PASS' : 'MISS' }
      : { label: 'matmul 512³ ≥ 3 GFLOP/s (rnnkit `matmul`)', need: 3, got: null, status: 'n/a', note: 'matmul not run' },
  ];
}

// ---------------------------------------------------------------------------------------------
// Output

const LABELS: Record<Framework, string> = {
  rnnkit: 'rnnkit',
  'rnnkit-gemm': 'rnnkit raw `kernels().gemm`',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
  pytorch: 'PyTorch (measured separately, bench_torch.py)',
  brainjs: 'brain.js (quoted, not run)',
};

function fmtNum(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : a >= 0.1 ? v.toFixed(3) : v.toPrecision(2);
}

function fmtValue(v: number, unit: Unit): string {
  return `${fmtNum(v)} ${unit === 'ms/step' ? 'ms/step' : 'GFLOP/s'}`;
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
    for (const fw of ['rnnkit', 'rnnkit-gemm', 'tfjs-cpu', 'tfjs-wasm', 'pytorch', 'brainjs'] as Framework[]) {
      const row = find(r, w, fw);
      if (!row) continue;
      const ratio = base && fw !== 'rnnkit' && fw !== 'rnnkit-gemm' ? fmtRatio(speedup(base, row)) : '';
      const load = typeof row.foreignCores === 'number' ? row.foreignCores.toFixed(2) : '';
      out.push([w, LABELS[fw], fmtValue(row.value, row.unit), spread(row), ratio, load]);
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
  return `${m.cpu}, ${m.nproc} CPUs; Node ${m.node}; tfjs ${m.tfjs}, wasm backend: ${m.tfjsWasmBackend}${rk}; ${runs}${load}${m.quick ? '; QUICK (smoke test, not for reporting)' : ''}`;
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
    'PyTorch: measured separately by tools/reference/bench_torch.py (1 thread). brain.js: quoted from peers-results.md, not run, different math.',
    'spread: min–max over repeats (one run) or over runs (--from). other load: cores used by other processes while timing (max over runs).',
    '',
    'targets (issue 2, "Speed"):',
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
if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
else if (opts.markdown) printMarkdown(report);
else printText(report);
