// Crash test for model directories (issue 8): SIGKILLs `rnnkit train --save DIR` at random moments
// and checks that DIR is always a complete model afterwards, never a mixture or a partial folder.
//
//   npx tsx tools/crash-test.ts [--runs 60] [--seed N] [--epochs E] [--kinds uniform,tail,save] [--keep] [--quiet]
//
// Needs the built CLI (dist/cli/main.js: `npm run build`); it builds nothing itself.
//
// Each run gets a fresh parent folder with DIR = <parent>/model. In half of the runs DIR first
// receives an old complete model from an uncut in-process `train --save` with another --seed. Then
// `node dist/cli/main.js train ... --save DIR -q` is spawned and killed with SIGKILL. The kill
// moment is one of three kinds, so kills land across the whole run:
//   uniform  a delay in [0, 1.1 × T], T the run time: measured on uncut runs first, then tracked
//            (runs that finish first, and when each run's save started) as the machine's load moves;
//   tail     a delay in [0.85 × T, 1.1 × T] (the end of the run and past it);
//   save     a delay in [0, 1.5 × the measured save time], most of them early (u² × …), after the
//            save's first file-system event (fs.watch on the parent and on DIR), so the save's own
//            few milliseconds are hit: `train` saves after training and before it writes the
//            report (--out), so the save is not at the very end of the run.
// Old-model runs and kinds (50 / 20 / 30 %) are stratified, so both halves get every kind, and
// shuffled by the seeded RNG that also draws the delays.
// After the kill: with an old model DIR must load (loadModel, and `forecast --json` through runCli
// gives 3 finite values) and be the old model or the new one; without one DIR is absent or a
// complete new model. A kill is classed by what it left: `before` (nothing changed), `during`
// (a temp folder, temp or unreferenced weight files, or the old weights still beside the new
// config) or `after` (the new model and nothing else). One more uncut in-process save into DIR must
// then succeed and leave no `.rnnkit-tmp` names in the parent or DIR and no weights file other
// than the one config.json names.
//
// `crashTest(opts)` is what test/cli/crash.test.ts runs with a small count; `main` runs only when
// this file is executed directly.
import { spawn } from 'node:child_process';
import { watch, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from '../src/cli/program.js';
import { loadModel } from '../src/io/model-files.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const GS10 = join(ROOT, 'data', 'GS10.csv');
const TMP_NAME = 'rnnkit-tmp';

export interface CrashTestOptions {
  /** Kills (runs); half of them with an old model in DIR. Default 60. */
  runs?: number;
  /** Seed of the RNG that picks old-model runs, kill kinds and delays. Default: from the clock. */
  seed?: number;
  /** --epochs of the killed training run. Default 5. */
  epochs?: number;
  /** Uncut runs measured before the kills. Default 2. */
  calibrationRuns?: number;
  /** Only these kinds of kill (default: all three, uniform 50 %, tail 20 %, save 30 %). */
  kinds?: KillKind[];
  /** Keep the temporary folder (it is always kept when a check fails). */
  keep?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export type KillKind = 'uniform' | 'tail' | 'save';
export type Phase = 'before' | 'during' | 'after';
export type Outcome = 'old' | 'new' | 'absent';

export interface RunRecord {
  run: number;
  oldModel: boolean;
  kind: KillKind;
  /** ms after the spawn (uniform, tail) or after the save's first event (save); null: the save never started. */
  delayMs: number | null;
  /** The process finished before the kill was sent. */
  completed: boolean;
  phase: Phase;
  outcome: Outcome;
  /** Leftovers of the killed save (temp folders beside DIR, temp or unreferenced files in it). */
  leftovers: string[];
  failures: string[];
}

export interface CrashTestSummary {
  seed: number;
  runs: number;
  withOldModel: number;
  /** Uncut runs measured first; `finalRunMs`: the estimate of T at the end (it follows the machine's load). */
  calibration: { runMs: number[]; saveStartMs: number[]; saveMs: number[]; finalRunMs: number };
  kinds: Record<KillKind, number>;
  phases: Record<Phase, number>;
  /** Runs whose process finished before the kill (counted in phases.after). */
  completedBeforeKill: number;
  outcomes: { oldKept: number; newModel: number; absent: number };
  /** Leftovers of killed saves, all of which the next save must remove. */
  staleLeft: number;
  staleCleaned: number;
  failures: string[];
  tmp: string;
  records: RunRecord[];
  seconds: number;
}

/** mulberry32: a small seeded generator in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const silent = { stdout: (): void => {}, stderr: (): void => {} };

/** runCli with its output captured. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

function trainArgs(dir: string, out: string, seed: number, epochs: number): string[] {
  return ['train', '--data', GS10, '--model', 'rnn', '--epochs', String(epochs), '--seed', String(seed), '--save', dir, '--out', out, '-q'];
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Temp names of saves into `dir`: siblings `.<name>.rnnkit-tmp-*` in the parent, any `.rnnkit-tmp` name inside. */
function tempNames(dir: string): string[] {
  const parent = dirname(dir);
  return [
    ...list(parent).filter((n) => n.includes(TMP_NAME)).map((n) => join(parent, n)),
    ...list(dir).filter((n) => n.includes(TMP_NAME)).map((n) => join(dir, n)),
  ];
}

interface ModelState {
  config: string;
  weights: string;
  seed: number;
}

/**
 * Checks that `dir` holds a complete model: config.json parses and names a weights file that
 * exists, loadModel succeeds, and `forecast --steps 3 --json` gives 3 finite values. Returns the
 * state or throws with the reason.
 */
async function completeModel(dir: string): Promise<ModelState> {
  const config = readFileSync(join(dir, 'config.json'), 'utf8');
  const json = JSON.parse(config) as { format?: unknown; weights?: unknown; training?: { seed?: unknown } };
  if (json.format !== 'rnnkit-model') throw new Error(`config.json format ${JSON.stringify(json.format)}`);
  if (typeof json.weights !== 'string' || !existsSync(join(dir, json.weights))) throw new Error(`config.json names weights ${JSON.stringify(json.weights)}, which is missing`);
  const m = loadModel(dir);
  if (m.kind !== 'forecaster' || m.model.name !== 'rnn') throw new Error(`loadModel gave a ${m.kind} ${m.kind === 'forecaster' ? m.model.name : ''}`);
  const f = await cli(['forecast', '--model', dir, '--data', GS10, '--steps', '3', '--json']);
  if (f.code !== 0) throw new Error(`forecast exited ${f.code}: ${f.stderr.trim()}`);
  const rows = (JSON.parse(f.stdout) as { forecast: { value: number }[] }).forecast;
  if (rows.length !== 3 || !rows.every((r) => Number.isFinite(r.value))) throw new Error(`forecast gave ${JSON.stringify(rows)}`);
  return { config, weights: json.weights, seed: Number(json.training?.seed) };
}

/** An uncut in-process save into `dir`, checked: a complete model, config.json and its weights only, no temp names. */
async function saveAndCheck(dir: string, out: string, seed: number): Promise<ModelState> {
  const r = await cli(trainArgs(dir, out, seed, 1));
  if (r.code !== 0) throw new Error(`train --save exited ${r.code}: ${r.stderr.trim()}`);
  const state = await completeModel(dir);
  if (state.seed !== seed) throw new Error(`saved with --seed ${seed} but config.json says ${state.seed}`);
  const files = list(dir);
  const extra = files.filter((n) => n !== 'config.json' && n !== state.weights);
  if (extra.length > 0) throw new Error(`files besides config.json and ${state.weights}: ${extra.join(', ')}`);
  const temps = tempNames(dir);
  if (temps.length > 0) throw new Error(`temp names left: ${temps.join(', ')}`);
  return state;
}

interface Spawned {
  /** ms from spawn to exit. */
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms from spawn to the first file-system event of the save, and to the last one; null: none seen. */
  saveStart: number | null;
  saveEnd: number | null;
  /** The kill was sent (the process had not exited yet). */
  killed: boolean;
  /** For kind 'save': the drawn delay after the first event. */
  delayMs: number | null;
}

/**
 * Spawns the CLI's train --save into `dir`, watching the parent and DIR for the save's file events.
 * `kill` says when to SIGKILL it: never, after a delay from the spawn, or after a delay from the
 * save's first event.
 */
function spawnTrain(
  dir: string, out: string, seed: number, epochs: number,
  kill: { after: 'spawn' | 'save'; ms: number } | null,
): Promise<Spawned> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const watchers: FSWatcher[] = [];
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...trainArgs(dir, out, seed, epochs)], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => void (stderr += s));
    let saveStart: number | null = null;
    let saveEnd: number | null = null;
    let exited = false;
    let killed = false;
    let delayMs: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    const sendKill = (): void => {
      if (exited || killed) return;
      killed = child.kill('SIGKILL');
    };
    const onEvent = (): void => {
      const t = performance.now() - t0;
      saveEnd = t;
      if (saveStart !== null) return;
      saveStart = t;
      if (kill?.after === 'save') {
        delayMs = kill.ms;
        if (kill.ms < 0.05) sendKill(); // at once, in this callback
        else if (kill.ms < 1) setImmediate(sendKill);
        else timer = setTimeout(sendKill, kill.ms);
      }
    };
    const parent = dirname(dir);
    const name = `.${dir.slice(parent.length + 1)}.`;
    watchers.push(watch(parent, (_ev, f) => {
      if (f && (f === dir.slice(parent.length + 1) || f.startsWith(name))) onEvent();
    }));
    if (existsSync(dir)) watchers.push(watch(dir, () => onEvent()));
    if (kill?.after === 'spawn') timer = setTimeout(sendKill, kill.ms);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      const ms = performance.now() - t0;
      if (timer) clearTimeout(timer);
      // events of the save may still be queued: let them arrive before closing the watchers
      setTimeout(() => {
        for (const w of watchers) w.close();
        if (signal === null && code !== 0) reject(new Error(`train exited ${code}: ${stderr.split('\n').find((l) => /error/i.test(l))?.trim() ?? stderr.trim().split('\n')[0]}`));
        else resolvePromise({ ms, code, signal, saveStart, saveEnd, killed: killed && signal === 'SIGKILL', delayMs });
      }, 20);
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function crashTest(opts: CrashTestOptions = {}): Promise<CrashTestSummary> {
  const started = performance.now();
  const runs = opts.runs ?? 60;
  const seed = opts.seed ?? (Date.now() % 1_000_000);
  const epochs = opts.epochs ?? 5;
  const log = opts.log ?? ((): void => {});
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (npm run build, or npx tsc -p tsconfig.build.json)`);
  const random = rng(seed);
  const tmp = mkdtempSync(join(tmpdir(), 'rnnkit-crash-'));
  const failures: string[] = [];
  const records: RunRecord[] = [];

  // 1. Uncut runs: the run time T and when the save happens (create first, then replace)
  const calib = { runMs: [] as number[], saveStartMs: [] as number[], saveMs: [] as number[], finalRunMs: 0 };
  const calibDir = join(tmp, 'calibration', 'model');
  mkdirSync(dirname(calibDir), { recursive: true });
  for (let i = 0; i < (opts.calibrationRuns ?? 2); i++) {
    const s = await spawnTrain(calibDir, join(tmp, 'calibration', `out-${i}`), i, epochs, null);
    calib.runMs.push(Math.round(s.ms));
    if (s.saveStart !== null && s.saveEnd !== null) {
      calib.saveStartMs.push(Math.round(s.saveStart));
      calib.saveMs.push(+(s.saveEnd - s.saveStart).toFixed(2));
    }
    await completeModel(calibDir);
  }
  // T follows the load of a shared machine: the median of the last 8 samples, each an uncut run's
  // time or, for a run that reached its save before the kill, the save's start scaled by the
  // calibration's ratio of save start to run time
  const ratio = calib.saveStartMs.length === calib.runMs.length && calib.runMs.length > 0 ? median(calib.saveStartMs.map((t, i) => t / calib.runMs[i]!)) : null;
  const samples = [...calib.runMs];
  let T = median(samples);
  const saveMs = calib.saveMs.length > 0 ? Math.max(1, median(calib.saveMs)) : 5;
  log(`calibration: uncut runs ${calib.runMs.join(', ')} ms; save starts at ${calib.saveStartMs.join(', ')} ms and takes ${calib.saveMs.join(', ')} ms`);

  // 2. The plan, stratified so that every count has both halves and every kind of kill in each:
  //    half of the runs (rounded up) with an old model, and within each half the kinds in proportion
  //    (uniform 50 %, tail 20 %, save 30 % of the kinds allowed), all shuffled by the seeded RNG
  const allowed = opts.kinds ?? (['uniform', 'tail', 'save'] as KillKind[]);
  const weight: Record<KillKind, number> = { uniform: 0.5, tail: 0.2, save: 0.3 };
  const total = allowed.reduce((a, k) => a + weight[k], 0);
  const kindsFor = (n: number): KillKind[] => {
    const ks: KillKind[] = [];
    for (const k of allowed.slice(1)) for (let i = Math.round((n * weight[k]) / total); i > 0 && ks.length < n; i--) ks.push(k);
    while (ks.length < n) ks.push(allowed[0]!);
    return ks;
  };
  const nOld = Math.ceil(runs / 2);
  const plan = [
    ...kindsFor(nOld).map((kind) => ({ oldModel: true, kind })),
    ...kindsFor(runs - nOld).map((kind) => ({ oldModel: false, kind })),
  ];
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }

  let staleLeft = 0;
  let staleCleaned = 0;
  for (let run = 0; run < runs; run++) {
    const parent = join(tmp, `run-${String(run + 1).padStart(3, '0')}`);
    const dir = join(parent, 'model');
    mkdirSync(parent);
    const out = (k: string): string => join(tmp, 'out', `${run}-${k}`);
    const { oldModel, kind } = plan[run]!;
    const rec: RunRecord = { run: run + 1, oldModel, kind, delayMs: null, completed: false, phase: 'before', outcome: 'absent', leftovers: [], failures: [] };
    const fail = (msg: string): void => void rec.failures.push(msg);
    const newSeed = 0;
    try {
      let old: ModelState | null = null;
      if (oldModel) old = await saveAndCheck(dir, out('old'), 1000 + run);
      const before = list(dir);
      const delay = kind === 'uniform' ? random() * 1.1 * T : kind === 'tail' ? (0.85 + random() * 0.25) * T : random() ** 2 * 1.5 * saveMs; // most of them early in the save
      if (kind !== 'save') rec.delayMs = +delay.toFixed(2);
      const s = await spawnTrain(dir, out('killed'), newSeed, epochs, { after: kind === 'save' ? 'save' : 'spawn', ms: delay });
      rec.delayMs = kind === 'save' ? s.delayMs : delay;
      if (rec.delayMs !== null) rec.delayMs = +rec.delayMs.toFixed(2);
      rec.completed = !s.killed;
      if (rec.completed) samples.push(s.ms);
      else if (s.saveStart !== null && ratio !== null) samples.push(s.saveStart / ratio);
      T = median(samples.slice(-8));

      // what the kill left
      const temps = tempNames(dir);
      const present = existsSync(dir);
      let state: ModelState | null = null;
      if (present) {
        try {
          state = await completeModel(dir);
        } catch (e) {
          fail(`DIR is not a complete model after the kill: ${(e as Error).message}`);
        }
      } else if (oldModel) fail('DIR is absent after the kill, though an old model was there');
      if (state) {
        if (old && state.config === old.config) rec.outcome = 'old';
        else if (state.seed === newSeed) rec.outcome = 'new';
        else fail(`DIR holds neither the old model nor the new one (seed ${state.seed})`);
      }
      const files = present ? list(dir) : [];
      const unreferenced = state ? files.filter((n) => n !== 'config.json' && n !== state.weights && !n.includes(TMP_NAME)) : [];
      rec.leftovers = [...temps, ...unreferenced.map((n) => join(dir, n))];
      if (rec.leftovers.length === 0 && (oldModel ? rec.outcome === 'old' && files.join() === before.join() : !present)) rec.phase = 'before';
      else if (rec.leftovers.length === 0 && rec.outcome === 'new') rec.phase = 'after';
      else rec.phase = 'during';
      if (rec.completed && rec.phase !== 'after') fail(`the process finished uncut but DIR is ${rec.phase === 'before' ? 'unchanged' : 'mid-save'}`);

      // the next save must succeed and clear every leftover of the killed one
      staleLeft += rec.leftovers.length;
      try {
        await saveAndCheck(dir, out('next'), 2000 + run);
        staleCleaned += rec.leftovers.filter((p) => !existsSync(p)).length;
      } catch (e) {
        fail(`the next save: ${(e as Error).message}`);
      }
    } catch (e) {
      fail((e as Error).message);
    }
    rmSync(join(tmp, 'out'), { recursive: true, force: true });
    records.push(rec);
    for (const f of rec.failures) failures.push(`run ${run + 1} (${oldModel ? 'old model' : 'no old model'}, ${kind} kill at ${rec.delayMs} ms): ${f}`);
    log(`run ${String(run + 1).padStart(3)}/${runs}: ${oldModel ? 'old' : 'new'} DIR, ${kind.padEnd(7)} ${rec.delayMs === null ? '(save never started)' : `${rec.delayMs} ms`} → ${rec.completed ? 'finished first' : 'killed'}, ${rec.phase} the save, DIR ${rec.outcome}${rec.leftovers.length ? `, ${rec.leftovers.length} leftover(s)` : ''}${rec.failures.length ? `  FAIL: ${rec.failures.join('; ')}` : ''}`);
  }

  const count = <K extends string>(keys: readonly K[], f: (r: RunRecord) => K): Record<K, number> =>
    Object.fromEntries(keys.map((k) => [k, records.filter((r) => f(r) === k).length])) as Record<K, number>;
  const summary: CrashTestSummary = {
    seed, runs, withOldModel: records.filter((r) => r.oldModel).length, calibration: { ...calib, finalRunMs: Math.round(T) },
    kinds: count(['uniform', 'tail', 'save'] as const, (r) => r.kind),
    phases: count(['before', 'during', 'after'] as const, (r) => r.phase),
    completedBeforeKill: records.filter((r) => r.completed).length,
    outcomes: { oldKept: records.filter((r) => r.outcome === 'old').length, newModel: records.filter((r) => r.outcome === 'new').length, absent: records.filter((r) => r.outcome === 'absent').length },
    staleLeft, staleCleaned, failures, tmp, records, seconds: +((performance.now() - started) / 1000).toFixed(1),
  };
  if (failures.length === 0 && !opts.keep) rmSync(tmp, { recursive: true, force: true });
  return summary;
}

export function formatSummary(s: CrashTestSummary): string {
  const killed = s.runs - s.completedBeforeKill;
  return [
    `crash test: ${s.runs} runs (seed ${s.seed}), ${s.withOldModel} with an old model in DIR, ${s.seconds} s`,
    `  run time T: ${s.calibration.runMs.join(', ')} ms uncut at the start, ${s.calibration.finalRunMs} ms at the end; the save takes ${s.calibration.saveMs.join(', ')} ms`,
    `  kills sent: ${killed} (kinds: uniform ${s.kinds.uniform}, tail ${s.kinds.tail}, save-triggered ${s.kinds.save}); ${s.completedBeforeKill} run(s) finished before the kill`,
    `  landed: before the save ${s.phases.before}, during the save ${s.phases.during}, after the save ${s.phases.after} (incl. the ${s.completedBeforeKill} finished)`,
    `  DIR afterwards: old model kept ${s.outcomes.oldKept}, new model ${s.outcomes.newModel}, absent ${s.outcomes.absent}`,
    `  stale leftovers of killed saves: ${s.staleLeft}, removed by the next save: ${s.staleCleaned}`,
    `  failures: ${s.failures.length}`,
    ...s.failures.map((f) => `    ${f}`),
    ...(s.failures.length > 0 ? [`  kept for inspection: ${s.tmp}`] : []),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const opts: CrashTestOptions = { log: (l) => console.log(l) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--runs') opts.runs = num();
    else if (a === '--seed') opts.seed = num();
    else if (a === '--epochs') opts.epochs = num();
    else if (a === '--kinds') opts.kinds = (argv[++i] ?? '').split(',') as KillKind[];
    else if (a === '--keep') opts.keep = true;
    else if (a === '--quiet') opts.log = undefined;
    else throw new Error(`unknown argument ${a} (usage: npx tsx tools/crash-test.ts [--runs 60] [--seed N] [--epochs 5] [--kinds uniform,tail,save] [--keep] [--quiet])`);
  }
  const s = await crashTest(opts);
  console.log(formatSummary(s));
  return s.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => void (process.exitCode = code),
    (e: unknown) => {
      console.error(`crash-test: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
