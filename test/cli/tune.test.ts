// `rnnkit tune` in process: the table sorted by validation MASE, the best scored once on the test
// span, --json, seeded random search, and one-line errors (exit 2) for bad grids.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { FIXTURES } from '../helpers.js';

const GS10 = join(FIXTURES, '..', '..', 'data/GS10.csv');

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

describe('rnnkit tune', () => {
  it('--json: trials sorted by validation MASE, the best first, test metrics of the best and persistence', async () => {
    const r = await rnnkit('tune', '--data', GS10, '--model', 'ar', '--grid', 'seq-len=1,2,3', '--test', '12', '--val', '12', '--retrain', 'every', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.trials).toHaveLength(3);
    const obj = j.trials.map((t: { objective: number }) => t.objective);
    expect(obj).toEqual([...obj].sort((a, b) => a - b));
    expect(j.best.config).toEqual(j.trials[0].config);
    expect(j.split.val.positions).toEqual([35, 47]);
    expect(j.split.test.positions).toEqual([47, 59]);
    expect(Object.keys(j.test)).toEqual(['ar', 'persistence']);
    expect(j.test.ar.mase).toBeGreaterThan(0);
    expect(Object.keys(j.validationBaseline.persistence)).toEqual(['rmse', 'mae', 'mape', 'smape', 'mase']);
  });

  it('human output: the table, the best configuration and one test line', async () => {
    const r = await rnnkit('tune', '--data', GS10, '--model', 'ar', '--grid', 'seq-len=1,2', '--test', '12', '--val', '12');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/grid, 2 configurations; objective: validation MASE of 1-step forecasts \(retrain never\)/);
    expect(r.stdout).toMatch(/rank\s+seq-len\s+val MASE\s+val RMSE\s+s\n/);
    expect(r.stdout).toMatch(/^best: seq-len=\d \(validation MASE [\d.]+; persistence [\d.]+\)$/m);
    expect(r.stdout.match(/^test, scored once \(12 points\)/gm)).toHaveLength(1);
  });

  it('a seeded random search repeats and draws inside the ranges', async () => {
    const args = ['tune', '--data', GS10, '--model', 'mlp', '--random', '3', '--grid', 'hidden=2..8', 'lr=0.001..0.05', '--epochs', '2', '--seq-len', '3', '--test', '8', '--val', '8', '--seed', '5', '--json'];
    const a = JSON.parse((await rnnkit(...args)).stdout), b = JSON.parse((await rnnkit(...args)).stdout);
    expect(a.trials.map((t: { config: object; objective: number }) => [t.config, t.objective])).toEqual(b.trials.map((t: { config: object; objective: number }) => [t.config, t.objective]));
    expect(a.search).toEqual({ kind: 'random', draws: 3, seed: 5 });
    for (const t of a.trials) {
      expect(Number.isInteger(t.config.hidden) && t.config.hidden >= 2 && t.config.hidden <= 8).toBe(true);
      expect(t.config.lr >= 0.001 && t.config.lr <= 0.05).toBe(true);
    }
  }, 60_000);

  it.each([
    [['--grid', 'width=3,4'], /^rnnkit: --grid: unknown parameter 'width' \(searchable: hidden, layers, seq-len, epochs, batch-size, lr, dropout\)\n$/],
    [['--grid', 'hidden=16,abc'], /^rnnkit: --grid hidden: 'abc' is not an integer ≥ 1\n$/],
    [['--grid', 'hidden=16,,32'], /^rnnkit: --grid hidden: empty value/],
    [['--grid', 'hidden=16', 'hidden=32'], /^rnnkit: --grid: hidden is given twice\n$/],
    [['--grid', 'lr=0.001..0.1'], /^rnnkit: --grid: lr is a range \(0\.001\.\.0\.1\); a grid needs a list of values \(or use random search\)\n$/],
    [['--grid', 'lr=0.1..0.01', '--random', '3'], /^rnnkit: --grid lr: the range 0\.1\.\.0\.01 runs backwards\n$/],
    [['--grid', 'dropout=1'], /^rnnkit: --grid dropout: '1' is not a number in \[0, 1\)\n$/],
    [['--grid', 'hidden'], /^rnnkit: --grid: 'hidden' is not name=values/],
    [['--grid', 'hidden=8', '--test', '40', '--val', '30'], /^rnnkit: --test\/--val: a test span of 40 and a validation span of 30 leave no training data out of 59 points\n$/],
    [['--grid', 'hidden=8', '--val', '5', '--horizon', '6'], /^rnnkit: tune: horizon 6 is longer than the validation span of 5 points/],
  ])('%j is one line, exit 2', async (extra, msg) => {
    const r = await rnnkit('tune', '--data', GS10, '--model', 'mlp', '--epochs', '1', ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('ar searches only its lags', async () => {
    const r = await rnnkit('tune', '--data', GS10, '--model', 'ar', '--grid', 'hidden=4,8');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rnnkit: --grid hidden: ar is fitted in closed form; only seq-len (its lags) can be searched\n');
  });
});
