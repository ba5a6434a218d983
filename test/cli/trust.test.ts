// What a careful user checks first: rnnkit never destroys a path it did not create, never reports
// a false result, and refuses absurd sizes at once in one line. Commands run in process
// (runCli), so each refusal is measured in milliseconds.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportError, runCli } from '../../src/cli/program.js';
import { UserError } from '../../src/errors.js';
import { loadModel } from '../../src/io/model-files.js';
import { RNNForecaster } from '../../src/models/neural.js';
import { setMemoryLimit } from '../../src/memory.js';
import { FIXTURES } from '../helpers.js';

const ROOT = join(FIXTURES, '..', '..');
const GS10 = join(ROOT, 'data/GS10.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-trust-'));

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const t0 = performance.now();
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

/** A refusal: exit 2, exactly one stderr line that names `path`, nothing on stdout. */
function refused(r: { code: number; stdout: string; stderr: string }, path: string, re: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2).toBe(true);
  expect(r.stderr).toContain(path);
  expect(r.stderr).toMatch(re);
}

/** Every path under dir with its bytes (or link target), to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out[p] = st.isSymbolicLink() ? `link` : readFileSync(p, 'base64');
    }
  };
  walk(dir);
  return out;
}

const QUICK = ['--epochs', '2', '-q'];

afterEach(() => setMemoryLimit(null));

describe('--save and --out never destroy what rnnkit did not create', () => {
  it('refuses a file, a folder with other content, a symlink, a device and the folder holding --data; all stay untouched', async () => {
    const d = tmp();
    const file = join(d, 'notes.txt');
    writeFileSync(file, 'my notes\n');
    const folder = join(d, 'thesis');
    mkdirSync(folder);
    writeFileSync(join(folder, 'chapter1.md'), '# one\n');
    const dataDir = join(d, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'GS10.csv'), readFileSync(GS10));
    const link = join(d, 'link');
    symlinkSync(folder, link);
    const before = snapshot(d);
    const cases: [string, RegExp][] = [
      [file, /it is a file/],
      [folder, /a folder with other content \(1 entry\) and no rnnkit model in it/],
      [link, /it is a symbolic link/],
      ['/dev/null', /not a regular file or directory \(a device, socket or pipe\)/],
      [dataDir, /a folder with other content/],
    ];
    for (const [path, re] of cases) {
      const r = await rnnkit('train', '--data', join(dataDir, 'GS10.csv'), '--model', 'rnn', '--save', path, '--out', join(d, 'report'), ...QUICK);
      refused(r, path, re);
      expect(r.ms).toBeLessThan(1000); // refused before any training
      const lm = await rnnkit('lm', 'train', join(dataDir, 'GS10.csv'), '--out', path, '--epochs', '1', '-q');
      refused(lm, path, re);
    }
    expect(snapshot(d)).toEqual(before);
    expect(existsSync(join(d, 'report'))).toBe(false);
  });

  it('uses an empty folder, replaces its own model in place, keeps the user files beside it, and forecasts from it', async () => {
    const d = tmp();
    const dir = join(d, 'model');
    mkdirSync(dir);
    const r1 = await rnnkit('train', '--data', GS10, '--model', 'rnn', '--save', dir, '--out', join(d, 'out'), '--seed', '1', ...QUICK);
    expect(r1.code).toBe(0);
    const c1 = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(c1).toMatchObject({ format: 'rnnkit-model', version: 2, kind: 'forecaster', model: 'rnn' });
    writeFileSync(join(dir, 'README.txt'), 'trained on GS10\n');
    const r2 = await rnnkit('train', '--data', GS10, '--model', 'mlp', '--save', dir, '--out', join(d, 'out'), '--seed', '2', ...QUICK);
    expect(r2.code).toBe(0);
    const c2 = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(c2.model).toBe('mlp');
    expect(c2.weights).not.toBe(c1.weights);
    // the old weights are gone, the user's file stays
    expect(readdirSync(dir).sort()).toEqual(['README.txt', 'config.json', c2.weights].sort());
    const f = await rnnkit('forecast', '--model', dir, '--data', GS10, '--steps', '3', '--json');
    expect(f.code).toBe(0);
    const j = JSON.parse(f.stdout);
    expect(j.model).toBe('mlp');
    expect(j.forecast.map((x: { date: string }) => x.date)).toEqual(['2023-01-01', '2023-02-01', '2023-03-01']);
    for (const x of j.forecast) expect(Number.isFinite(x.value)).toBe(true);
  });

  it('removes stale temporary folders and files of killed saves, and only those', async () => {
    const d = tmp();
    const dir = join(d, 'm');
    const deadPid = 2 ** 22 + 12345; // above pid_max's default: no such process
    const staleSibling = join(d, `.m.rnnkit-tmp-${deadPid}-abcdef`);
    mkdirSync(staleSibling);
    writeFileSync(join(staleSibling, '.rnnkit-tmp'), '');
    writeFileSync(join(staleSibling, 'weights-00000000aaaaaaaa.safetensors'), 'partial');
    const notOurs = join(d, `.m.rnnkit-tmp-${deadPid}-123456`); // our name, but no marker and content
    mkdirSync(notOurs);
    writeFileSync(join(notOurs, 'diary.txt'), 'dear diary\n');
    expect((await rnnkit('train', '--data', GS10, '--model', 'ar', '--save', dir, '--out', join(d, 'out'), '-q')).code).toBe(0);
    expect(existsSync(staleSibling)).toBe(false);
    expect(readFileSync(join(notOurs, 'diary.txt'), 'utf8')).toBe('dear diary\n');
    // inside the model: a dead save's temp file and an orphan weights file
    writeFileSync(join(dir, `.rnnkit-tmp-${deadPid}-abcdef-config.json`), '{');
    writeFileSync(join(dir, 'weights-0123456789abcdef0123456789abcdef.safetensors'), 'orphan');
    expect((await rnnkit('train', '--data', GS10, '--model', 'rnn', '--save', dir, '--out', join(d, 'out'), ...QUICK)).code).toBe(0);
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(readdirSync(dir).sort()).toEqual(['config.json', c.weights].sort());
  });

  it('a report folder never overwrites files rnnkit did not write', async () => {
    const d = tmp();
    writeFileSync(join(d, 'report.html'), '<p>my page</p>');
    const r = await rnnkit('train', '--data', GS10, '--model', 'ar', '--out', d, '-q');
    refused(r, d, /refusing to overwrite report.html there, which rnnkit did not write/);
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toBe('<p>my page</p>');
    // a folder with an earlier rnnkit report is ours to update
    const e = tmp();
    expect((await rnnkit('train', '--data', GS10, '--model', 'ar', '--out', e, '-q')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(e, 'results.json'), 'utf8')).format).toBe('rnnkit-report');
    expect((await rnnkit('train', '--data', GS10, '--model', 'ar', '--out', e, '-q')).code).toBe(0);
  });
});

describe('never a false result', () => {
  it('--lr 1e30 diverges, says so, and keeps exactly the initial weights', async () => {
    const d = tmp();
    const dir = join(d, 'm');
    const r = await rnnkit('train', '--data', GS10, '--model', 'rnn', '--lr', '1e30', '--save', dir, '--out', join(d, 'out'), '--json', '-q');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout).models.rnn;
    expect(m).toMatchObject({ diverged: true, divergedAtEpoch: 1, keptEpoch: 0 });
    expect(m.message).toMatch(/^training diverged at epoch 1, batch \d+: the training loss became (Infinity|NaN); restored the initial weights \(no epoch improved on them\)$/);
    // the saved weights are the initial ones, bit for bit (same seed, same construction)
    const saved = loadModel(dir);
    if (saved.kind !== 'forecaster') throw new Error('expected a forecaster');
    const initial = new RNNForecaster({ seed: 0 }).model.stateDict();
    const loaded = (saved.model as RNNForecaster).model.stateDict();
    for (const k of Object.keys(initial)) expect([...loaded[k]!.data]).toEqual([...initial[k]!.data]);
    expect(saved.training).toMatchObject({ diverged: true, keptEpoch: 0 });
    // and the human output carries the same note
    const h = await rnnkit('train', '--data', GS10, '--model', 'rnn', '--lr', '1e6', '--out', join(d, 'out'), '-q');
    expect(h.stdout).toMatch(/note \(rnn\): training diverged at epoch 1: the validation loss \S+ exceeded 100 × the initial \S+; restored the initial weights \(no epoch improved on them\)/);
  });

  it('forecast reuses the fill mode saved with the model', async () => {
    const d = tmp();
    const csv = join(d, 'gaps.csv');
    const lines = readFileSync(GS10, 'utf8').trim().split('\n');
    lines[10] = lines[10]!.replace(/,.*/, ',.'); // FRED's missing-value marker
    writeFileSync(csv, lines.join('\n') + '\n');
    const dir = join(d, 'm');
    expect((await rnnkit('train', '--data', csv, '--model', 'ar', '--fill', 'ffill', '--save', dir, '--out', join(d, 'out'), '-q')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).fill).toBe('ffill');
    const f = await rnnkit('forecast', '--model', dir, '--data', csv, '--steps', '2', '--json');
    expect(f.stderr).toBe('');
    expect(JSON.parse(f.stdout).fill).toBe('ffill');
  });

  it('an AR run reports no validation span and no scaler it did not use', async () => {
    const d = tmp();
    const r = await rnnkit('train', '--data', GS10, '--model', 'ar', '--out', d, '--json', '-q');
    const j = JSON.parse(r.stdout);
    expect(j.split.val[0]).toBe(j.split.val[1]);
    expect(j.scaler).toEqual({ kind: 'none' });
    const html = readFileSync(join(d, 'report.html'), 'utf8');
    expect(html).not.toMatch(/validation/i);
    expect(html).not.toMatch(/scaler/i);
  });
});

describe('absurd sizes are refused at once, naming the flag and the bytes', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--data', GS10, '--model', 'rnn', '--hidden', '100000'], /^rnnkit: --model rnn --hidden 100000 --layers 1 --seq-len 6 \(10000400001 parameters\) needs about 149 GiB, over the memory limit of 4\.00 GiB/],
    [['modes', '--hidden', '100000'], /^rnnkit: --hidden 100000 needs about \d+ GiB, over the memory limit/],
    [['diagnose', '--hidden', '100000'], /^rnnkit: --hidden 100000 --seq-len 50 --samples 1024 --batch-size 32 needs about \d+ GiB/],
    [['lm', 'generate', '--model', 'nowhere', '--prefix', 'a', '--length', '100000000'], /^rnnkit: --length 100000000 needs about 5\.96 GiB/],
    [['embed', 'train', join(ROOT, 'README.md'), '--out', join(tmpdir(), 'never-written.vec'), '--dim', '100000000', '--min-count', '1'], /^rnnkit: trainWord2Vec: dim 100000000 for \d+ words \(two matrices\) needs about \d+ GiB/],
    [['train', '--data', GS10, '--model', 'rnn', '--hidden', '1e8'], /^rnnkit: --hidden must be an integer ≥ 1, got '1e8'/],
  ];
  for (const [args, re] of cases) {
    it(args.slice(0, 2).join(' ') + ' ' + args.slice(-2).join(' '), async () => {
      const r = await rnnkit(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(re);
      // the message comes from the size check that runs before any allocation; this bound only
      // catches a run that allocated and worked for minutes (not a speed test: the machine is shared)
      expect(r.ms).toBeLessThan(20_000);
    });
  }

  it('--max-memory raises or lowers the cap', async () => {
    const low = await rnnkit('--max-memory', '1M', 'train', '--data', GS10, '--model', 'rnn', '--hidden', '1000');
    expect(low.stderr).toMatch(/needs about .* over the memory limit of 1\.00 MiB/);
    const bad = await rnnkit('--max-memory', 'lots', 'demo');
    expect(bad.stderr).toBe("rnnkit: --max-memory must be a positive size such as 4G, 512M or 1e9 (bytes), got 'lots'\n");
  });
});

describe('one line for every error', () => {
  it('parser errors are one line with exit 2', async () => {
    for (const args of [['train', '--bogus'], ['frobnicate'], ['train', '--data'], ['forecast']]) {
      const r = await rnnkit(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(/^rnnkit: .* \(see --help\)\n$/);
    }
  });

  it('exactly UserErrors are exit 2; anything else is an internal error that asks for a report', () => {
    let out = '';
    expect(reportError(new UserError('bad thing\nsecond line'), (s) => void (out += s))).toBe(2);
    expect(out).toBe('rnnkit: bad thing\n');
    out = '';
    expect(reportError(new RangeError('Invalid typed array length'), (s) => void (out += s))).toBe(1);
    expect(out).toMatch(/^rnnkit: internal error: Invalid typed array length \(this is a bug in rnnkit; please report it with the command line\)/);
  });

  it('a hostile config.json is one line, at once', async () => {
    const d = tmp();
    const dir = join(d, 'm');
    expect((await rnnkit('train', '--data', GS10, '--model', 'rnn', '--save', dir, '--out', join(d, 'out'), ...QUICK)).code).toBe(0);
    const good = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const cases: [object, RegExp][] = [
      [{ ...good, options: { ...good.options, layers: 1e6 } }, /"layers" must be an integer in \[1, 1024\], got 1000000/],
      [{ ...good, options: { ...good.options, hidden: 1e9 } }, /"hidden" must be an integer in \[1, 1048576\], got 1000000000/],
      [{ ...good, options: { ...good.options, hidden: 500000 } }, /needs about .* over the memory limit|too small for the/],
      [{ ...good, columns: 'GS10' }, /"columns" must be a list of 1–100000 strings, got "GS10"/],
      [{ ...good, version: 999 }, /"version" must be 2 .*got 999/],
    ];
    for (const [config, re] of cases) {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      const r = await rnnkit('forecast', '--model', dir, '--data', GS10);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(re);
      expect(r.ms).toBeLessThan(1000);
    }
  });
});
