// `rnnkit backtest` in process: JSON that matches statsmodels AutoReg refitted at every origin,
// the report files, and one-line errors (exit 2) for impossible settings.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { FIXTURES, loadFixture } from '../helpers.js';

const GS10 = join(FIXTURES, '..', '..', 'data/GS10.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-bt-'));

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

describe('rnnkit backtest', () => {
  it('AR(2), horizon 3, retrain every: the statsmodels forecasts, T − H + 1 scored points, a chart per model', async () => {
    const fx = loadFixture('backtest_ar.json');
    const c = fx.cases.find((k: { p: number; horizon: number; retrain: string }) => k.p === 2 && k.horizon === 3 && k.retrain === 'every');
    const out = tmp();
    const r = await rnnkit('backtest', '--data', GS10, '--model', 'ar,persistence', '--seq-len', '2', '--test', '12', '--horizon', '3', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.scoredPoints).toBe(12 - 3 + 1);
    expect(j.models.ar.fits).toBe(10);
    j.models.ar.forecasts.forEach((f: { values: number[] }, k: number) => f.values.forEach((v, h) => expect(Math.abs(v - c.forecasts[k][h])).toBeLessThan(1e-5 * Math.abs(v))));
    expect(j.models.ar.metrics.rmse).toBeCloseTo(c.rmse, 5);
    expect(j.models.ar.perHorizon.map((h: { h: number }) => h.h)).toEqual([1, 2, 3]);
    expect(Object.keys(j.models.persistence.metrics)).toEqual(['rmse', 'mae', 'mape', 'smape', 'mase']);
    expect(readFileSync(j.files.arSvg, 'utf8')).toMatch(/^<svg/);
    expect(existsSync(j.files.persistencePng)).toBe(true);
    expect(JSON.parse(readFileSync(j.files.results, 'utf8')).models.ar.metrics).toEqual(j.models.ar.metrics);
  });

  it('human output: metrics, per-horizon table, terminal chart; --retrain never fits once', async () => {
    const r = await rnnkit('backtest', '--data', GS10, '--model', 'ar', '--seq-len', '2', '--horizon', '2', '--retrain', 'never', '--all-points', '--out', tmp());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('11 origins, scoring the step-2 forecast from each (11 points)');
    expect(r.stdout).toMatch(/RMSE by step ahead/);
    expect(r.stdout).toMatch(/all steps 1\.\.2 pooled \(22 points\)/);
    expect(r.stdout).toMatch(/ar\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+1\n/);
  });

  for (const [what, args, msg] of [
    ['horizon longer than the test span', ['--horizon', '13'], /backtest: horizon 13 is longer than the test span of 12 points/],
    ['bad --retrain', ['--retrain', 'sometimes'], /--retrain must be every, never or an integer N ≥ 1/],
    ['unknown model', ['--model', 'arima'], /--model must be among ar, mlp, rnn, lstm, gru, persistence, seasonal-naive, drift; got 'arima'/],
    ['a transform that leaves too few points', ['--difference', '50'], /transforms: difference 50 drop 50 points, leaving none of the 47 training points/],
  ] as const) {
    it(`${what} is one line, exit 2`, async () => {
      const base = ['backtest', '--data', GS10, '--model', 'ar', '--seq-len', '2', '--out', tmp()];
      const argv = args[0] === '--model' ? [...base.slice(0, 3), ...args, ...base.slice(5)] : [...base, ...args];
      const r = await rnnkit(...argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(msg);
    });
  }
});
