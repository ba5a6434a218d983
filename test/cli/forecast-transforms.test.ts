// Transforms through the CLI: `train --difference/--log/...` fits them on the training span,
// saves them in config.json ("transforms", absent when there are none), and `forecast` applies
// and inverts them; a malformed saved entry is one line, exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-tf-'));

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

/** A monthly CSV of `values` from 2000-01. */
function csv(dir: string, values: number[], name = 'y.csv'): string {
  const rows = values.map((v, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${v}`);
  const path = join(dir, name);
  writeFileSync(path, ['date,y', ...rows].join('\n') + '\n');
  return path;
}

describe('train/forecast with transforms', () => {
  it('AR on log-differences: saved, and forecast inverts them (an exact exponential stays exact)', async () => {
    const dir = tmp();
    // y_t = 5 · 1.02^t (+ a tiny wobble so the lag matrix has full rank): log-differences are ~constant
    const y = Array.from({ length: 60 }, (_, t) => 5 * 1.02 ** t * (1 + 1e-3 * Math.sin(t)));
    const data = csv(dir, y);
    const model = join(dir, 'm');
    const r = await rnnkit('train', '--data', data, '--model', 'ar', '--seq-len', '2', '--log', '--difference', '1', '--save', model, '--out', join(dir, 'out'), '--json', '--steps', '3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // on the original scale, the growth is captured: AR beats persistence by far
    expect(j.models.ar.test.rmse).toBeLessThan(j.models.persistence.test.rmse / 5);
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    expect(config.transforms).toEqual([{ kind: 'log' }, { kind: 'difference', d: 1 }]);
    const f = await rnnkit('forecast', '--model', model, '--data', data, '--steps', '3', '--json');
    expect(f.stderr).toBe('');
    const fj = JSON.parse(f.stdout);
    expect(fj.transforms).toEqual(config.transforms);
    // the forecast keeps growing by ~2 % a step from the last value
    const last = y.at(-1)!;
    fj.forecast.forEach((p: { value: number }, i: number) => expect(p.value / (last * 1.02 ** (i + 1))).toBeCloseTo(1, 2));
    // and equals what train forecast past the end (same model, same data)
    expect(fj.forecast.map((p: { value: number }) => p.value)).toEqual(j.models.ar.forecast.map((p: { value: number }) => p.value));
  });

  it('a model without transforms writes no "transforms" field', async () => {
    const dir = tmp();
    const data = csv(dir, Array.from({ length: 40 }, (_, t) => Math.sin(t) + 0.1 * t));
    const r = await rnnkit('train', '--data', data, '--model', 'ar', '--seq-len', '2', '--save', join(dir, 'm'), '--out', join(dir, 'out'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'm', 'config.json'), 'utf8'))).not.toHaveProperty('transforms');
  });

  it('a malformed saved transform is one line naming the entry, exit 2', async () => {
    const dir = tmp();
    const data = csv(dir, Array.from({ length: 40 }, (_, t) => 2 + Math.sin(t) + 0.1 * t));
    await rnnkit('train', '--data', data, '--model', 'ar', '--seq-len', '2', '--difference', '1', '--save', join(dir, 'm'), '--out', join(dir, 'out'), '--json');
    const path = join(dir, 'm', 'config.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    for (const [bad, msg] of [
      [[{ kind: 'difference', d: -1 }], /"transforms"\[0\]: difference needs "d", an integer in \[1, 100000\], got -1/],
      [[{ kind: 'difference', d: 1 }, { kind: 'wavelet' }], /"transforms"\[1\]: unknown transform kind "wavelet"/],
      [{ kind: 'log' }, /"transforms" must be a list of at most 64 transforms/],
    ] as const) {
      writeFileSync(path, JSON.stringify({ ...config, transforms: bad }));
      const f = await rnnkit('forecast', '--model', join(dir, 'm'), '--data', data, '--json');
      expect(f.code).toBe(2);
      expect(f.stdout).toBe('');
      expect(f.stderr.split('\n')).toHaveLength(2);
      expect(f.stderr).toMatch(msg);
    }
  });

  it('log on a series with a zero is one line naming the row', async () => {
    const dir = tmp();
    const y = Array.from({ length: 40 }, (_, t) => 1 + t);
    y[3] = 0;
    const r = await rnnkit('train', '--data', csv(dir, y), '--model', 'ar', '--log', '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rnnkit: log transform: value 0 at row 3 is not positive/);
  });
});

describe('train --model lstm|gru|seasonal-naive|drift', () => {
  it('lstm with --layers 2 --dropout 0.2 trains, saves and forecasts', async () => {
    const dir = tmp();
    const data = csv(dir, Array.from({ length: 60 }, (_, t) => 3 + Math.sin(t / 2)));
    const r = await rnnkit('train', '--data', data, '--model', 'lstm', '--layers', '2', '--dropout', '0.2', '--epochs', '2', '--save', join(dir, 'm'), '--out', join(dir, 'out'), '--json', '-q');
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.models).sort()).toEqual(['lstm', 'persistence']);
    expect(j.models.lstm.history.train).toHaveLength(2);
    const f = await rnnkit('forecast', '--model', join(dir, 'm'), '--data', data, '--steps', '2', '--json');
    expect(JSON.parse(f.stdout).model).toBe('lstm');
  });

  it('seasonal-naive --season 12 on a pure 12-periodic series is exact', async () => {
    const dir = tmp();
    const data = csv(dir, Array.from({ length: 60 }, (_, t) => 10 + (t % 12)));
    const r = await rnnkit('train', '--data', data, '--model', 'seasonal-naive', '--season', '12', '--json', '--out', join(dir, 'out'), '--steps', '3');
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.models['seasonal-naive'].test.rmse).toBe(0);
    expect(j.models['seasonal-naive'].forecast.map((p: { value: number }) => p.value)).toEqual([10, 11, 12]);
  });

  it('--dropout 1 is one line, exit 2', async () => {
    const r = await rnnkit('train', '--data', 'x.csv', '--model', 'gru', '--dropout', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dropout must be a number ≥ 0 and < 1, got '1'/);
  });
});

describe('train warns when the test span leaves the training range', () => {
  const y = Array.from({ length: 60 }, (_, t) => 10 + 0.5 * t + Math.sin(t));
  it('on stderr in human mode, in "warnings" with --json; not with --difference, not for AR', async () => {
    const dir = tmp();
    const data = csv(dir, y);
    const human = await rnnkit('train', '--data', data, '--model', 'rnn', '--epochs', '1', '--out', join(dir, 'a'), '-q');
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^warning: the test span \([\d.]+ \.\. [\d.]+\) leaves the training range \([\d.]+ \.\. [\d.]+\) by \d+% of its width \(more than 10%\); a rnn trained on levels cannot extrapolate there: try --difference 1/);
    const json = await rnnkit('train', '--data', data, '--model', 'gru', '--epochs', '1', '--out', join(dir, 'b'), '--json');
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).warnings[0]).toMatch(/a gru trained on levels cannot extrapolate/);
    const diffed = await rnnkit('train', '--data', data, '--model', 'rnn', '--epochs', '1', '--difference', '1', '--out', join(dir, 'c'), '-q');
    expect(diffed.stderr).toBe('');
    expect((await rnnkit('train', '--data', data, '--model', 'ar', '--seq-len', '1', '--out', join(dir, 'd'), '-q')).stderr).toBe('');
  });
});
