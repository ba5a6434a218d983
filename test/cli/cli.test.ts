// The rnnkit command end to end: JSON output, report files, model directories, and one-line
// errors with exit code 2 for bad input.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers.js';

const ROOT = join(FIXTURES, '..', '..');

export function rnnkit(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GS10_CSV = join(ROOT, 'data/GS10.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-cli-'));

describe('rnnkit demo', () => {
  it('trains AR, MLP, RNN and persistence on GS10 and writes a valid report (--json)', () => {
    const out = tmp();
    const r = rnnkit(['demo', '--json', '--epochs', '3', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.models).sort()).toEqual(['ar', 'mlp', 'persistence', 'rnn']);
    for (const m of Object.values(j.models) as { test: Record<string, number>; history: { train: number[]; val: (number | null)[] } }[]) {
      for (const k of ['rmse', 'mae', 'mape']) expect(Number.isFinite(m.test[k])).toBe(true);
    }
    expect(j.models.rnn.history.train).toHaveLength(3);
    expect(j.models.rnn.history.val).toHaveLength(3);
    expect(j.models.ar.history.train).toHaveLength(0);
    // persistence's test RMSE is a fixed, checkable number: the last 12 GS10 values vs the ones before
    const v = JSON.parse(readFileSync(join(FIXTURES, 'gs10.json'), 'utf8')).values as number[];
    const se = v.slice(47).map((x, i) => (x - v[46 + i]!) ** 2);
    expect(j.models.persistence.test.rmse).toBeCloseTo(Math.sqrt(se.reduce((a, b) => a + b) / 12), 4);
    expect(j.split.test).toEqual([47, 59]);
    expect(readFileSync(j.files.lossSvg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect([...readFileSync(j.files.forecastPng).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const html = readFileSync(j.files.report, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('persistence');
    expect(JSON.parse(readFileSync(j.files.results, 'utf8')).models.rnn.test.rmse).toBe(j.models.rnn.test.rmse);
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('is reproducible with the same seed', () => {
    const a = JSON.parse(rnnkit(['demo', '--json', '--epochs', '2', '--out', tmp()]).stdout);
    const b = JSON.parse(rnnkit(['demo', '--json', '--epochs', '2', '--out', tmp()]).stdout);
    expect(a.models.rnn.history).toEqual(b.models.rnn.history);
    expect(a.models.mlp.test).toEqual(b.models.mlp.test);
  });
});

describe('rnnkit train and forecast', () => {
  it('saves a model directory and forecasts from it', () => {
    const dir = tmp();
    const model = join(dir, 'model');
    const r = rnnkit(['train', '--data', GS10_CSV, '--model', 'rnn', '--epochs', '3', '--save', model, '--out', join(dir, 'out'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.models).sort()).toEqual(['persistence', 'rnn']);
    const names = readdirSync(model).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('config.json');
    expect(names[1]).toMatch(/^weights-[0-9a-f]{32}\.safetensors$/);
    const f = rnnkit(['forecast', '--model', model, '--data', GS10_CSV, '--steps', '12', '--json']);
    expect(f.code).toBe(0);
    const fj = JSON.parse(f.stdout);
    expect(fj.forecast).toHaveLength(12);
    expect(fj.forecast[0].date).toBe('2023-01-01');
    // the saved model forecasts exactly what the trained one did
    expect(fj.forecast.map((x: { value: number }) => x.value)).toEqual(j.models.rnn.forecast.map((x: { value: number }) => x.value));
  });

  it('trains AR from a CSV and saves it', () => {
    const dir = tmp();
    const r = rnnkit(['train', '--data', GS10_CSV, '--model', 'ar', '--seq-len', '2', '--save', join(dir, 'ar'), '--out', join(dir, 'out'), '--json', '--steps', '3']);
    expect(r.code).toBe(0);
    const f = JSON.parse(rnnkit(['forecast', '--model', join(dir, 'ar'), '--data', GS10_CSV, '--steps', '3', '--json']).stdout);
    expect(f.forecast.map((x: { value: number }) => x.value)).toEqual(JSON.parse(r.stdout).models.ar.forecast.map((x: { value: number }) => x.value));
  });
});

describe('bad input: one line on stderr, exit code 2', () => {
  const dir = tmp();
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'DATE,GS10\n2020-01-01,1.5\n2020-02-01,abc\n');
  for (const [what, args, pattern] of [
    ['unknown flag', ['demo', '--bogus'], /unknown option '--bogus'/],
    ['bad number', ['demo', '--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
    ['bad choice', ['demo', '--scaler', 'robust'], /--scaler must be one of standard, minmax, none/],
    ['missing file', ['train', '--data', join(dir, 'nope.csv'), '--model', 'rnn'], /--data: cannot read .*nope\.csv: no such file/],
    ['non-numeric cell', ['train', '--data', bad, '--model', 'ar'], /bad\.csv: row 3.*abc/],
    ['no such model dir', ['forecast', '--model', join(dir, 'none'), '--data', bad], /no such model directory/],
    ['test span too large', ['demo', '--test', '58'], /leave/],
  ] as const) {
    it(what, () => {
      const r = rnnkit([...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    });
  }

  it('--help exits 0 and lists the commands', () => {
    const r = rnnkit(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['demo', 'train', 'forecast', 'fetch', 'text', 'embed']) expect(r.stdout).toContain(c);
  });

  it('a failed save leaves no half-written model directory', () => {
    const d = tmp();
    const blocker = join(d, 'file');
    writeFileSync(blocker, 'x');
    const r = rnnkit(['train', '--data', GS10_CSV, '--model', 'ar', '--save', join(blocker, 'model'), '--out', join(d, 'out')]);
    expect(r.code).toBe(2);
    expect(existsSync(join(blocker, 'model'))).toBe(false);
    expect(readdirSync(d).sort()).toEqual(['file']);
  });
});
