// Intervals and direct forecasts through the CLI: `train --quantiles/--likelihood/--output-steps`,
// the saved options, `forecast` with quantile columns (text, JSON, CSV), `backtest --output-steps`,
// and one-line errors (exit 2) for bad levels.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { Generator } from '../../src/tensor/random.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-iv-'));
async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}
/** A monthly CSV of a seeded Gaussian AR(1) around 10. */
function ar1csv(dir: string, n = 200): string {
  const g = new Generator(3);
  let y = 0;
  const rows = Array.from({ length: n }, (_, i) => {
    y = 0.6 * y + g.normal();
    return `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${(10 + y).toFixed(4)}`;
  });
  const path = join(dir, 'y.csv');
  writeFileSync(path, ['date,y', ...rows].join('\n') + '\n');
  return path;
}
const small = ['--seq-len', '3', '--hidden', '8', '--epochs', '5', '--batch-size', '16', '-q'];

describe('--quantiles errors', () => {
  for (const [q, msg] of [['0,0.5', /must lie in \(0, 1\), got 0/], ['0.9,0.1', /sorted increasing/], ['0.1,0.1', /distinct/], ['0.1,x', /'x' is not a number/]] as const) {
    it(`--quantiles ${q}: one line, exit 2`, async () => {
      const dir = tmp();
      const r = await rnnkit('train', '--data', ar1csv(dir), '--model', 'mlp', '--quantiles', q, '--out', join(dir, 'o'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
  it('--output-steps on ar is refused before training', async () => {
    const dir = tmp();
    const r = await rnnkit('train', '--data', ar1csv(dir), '--model', 'ar', '--output-steps', '3', '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output-steps applies to mlp, rnn, lstm and gru/);
  });
});

describe('train and forecast with intervals', () => {
  it('mlp --quantiles: coverage, width and pinball in the metrics; saved; forecast prints, writes and returns the quantiles', async () => {
    const dir = tmp(), data = ar1csv(dir), model = join(dir, 'm');
    const r = await rnnkit('train', '--data', data, '--model', 'mlp', '--quantiles', '0.1,0.5,0.9', '--test', '50', '--steps', '3', '--save', model, '--out', join(dir, 'o'), '--json', ...small);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const t = j.models.mlp.test;
    expect(t.coverage).toBeGreaterThanOrEqual(0);
    expect(t.coverage).toBeLessThanOrEqual(1);
    expect(t.nominal).toBeCloseTo(0.8, 10);
    expect(t.width).toBeGreaterThan(0);
    expect(t.pinball).toBeGreaterThan(0);
    expect(j.models.persistence.test.coverage).toBeUndefined();
    const iv = j.models.mlp.intervals;
    expect(iv.levels).toEqual([0.1, 0.5, 0.9]);
    expect(iv.predictions['q0.1']).toHaveLength(50);
    // the point prediction is the median level, and the levels are ordered
    iv.predictions['q0.5'].forEach((v: number, i: number) => {
      expect(v).toBeCloseTo(j.models.mlp.predictions[i], 4);
      expect(iv.predictions['q0.1'][i]).toBeLessThanOrEqual(v);
      expect(v).toBeLessThanOrEqual(iv.predictions['q0.9'][i]);
    });
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    expect(config.options).toMatchObject({ likelihood: 'quantile', quantiles: [0.1, 0.5, 0.9] });
    expect(config.options.outputSteps).toBeUndefined();
    const csv = join(dir, 'f.csv');
    const f = await rnnkit('forecast', '--model', model, '--data', data, '--steps', '3', '--csv', csv, '--json');
    expect(f.code).toBe(0);
    const fj = JSON.parse(f.stdout);
    expect(fj.levels).toEqual([0.1, 0.5, 0.9]);
    // the saved model forecasts what train forecast
    fj.forecast.forEach((row: { value: number; quantiles: Record<string, number> }, k: number) => {
      expect(row.value).toBeCloseTo(j.models.mlp.forecast[k].value, 4);
      expect(row.quantiles['q0.9']).toBeCloseTo(iv.forecast[k]['q0.9'], 4);
    });
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('date,forecast,q0.1,q0.5,q0.9');
    const text = await rnnkit('forecast', '--model', model, '--data', data, '--steps', '2');
    expect(text.stdout).toMatch(/date\s+forecast\s+q0\.1\s+q0\.5\s+q0\.9/);
  }, 60_000);

  it('ar --likelihood gaussian: the analytic interval at the default levels; the text table adds coverage, width, pinball', async () => {
    const dir = tmp();
    const r = await rnnkit('train', '--data', ar1csv(dir), '--model', 'ar', '--likelihood', 'gaussian', '--test', '50', '--seq-len', '1', '--out', join(dir, 'o'), '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model\s+RMSE\s+MAE\s+MAPE %\s+sMAPE %\s+MASE\s+coverage\s+width\s+pinball/);
    expect(r.stdout).toMatch(/interval \(ar\): levels 0\.1, 0\.5, 0\.9/);
    const svg = readFileSync(join(dir, 'o', 'forecast.svg'), 'utf8');
    expect(svg).toMatch(/<path[^>]*opacity="0.18"/); // the shaded band
  });

  it('gru --likelihood gaussian trains and reports intervals', async () => {
    const dir = tmp();
    const r = await rnnkit('train', '--data', ar1csv(dir), '--model', 'gru', '--likelihood', 'gaussian', '--test', '40', '--out', join(dir, 'o'), '--json', ...small);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.models.gru.intervals.levels).toEqual([0.1, 0.5, 0.9]);
    expect(j.models.gru.test.width).toBeGreaterThan(0);
  }, 60_000);
});

describe('direct multi-horizon (--output-steps)', () => {
  it('train --output-steps 3 saves outputSteps; forecast says direct; backtest scores its direct forecasts', async () => {
    const dir = tmp(), data = ar1csv(dir), model = join(dir, 'm');
    const r = await rnnkit('train', '--data', data, '--model', 'rnn', '--output-steps', '3', '--test', '30', '--steps', '3', '--save', model, '--out', join(dir, 'o'), '--json', ...small);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')).options.outputSteps).toBe(3);
    const f = await rnnkit('forecast', '--model', model, '--data', data, '--steps', '3');
    expect(f.code).toBe(0);
    expect(f.stdout).toMatch(/direct, 3 steps per forward pass/);
    const b = await rnnkit('backtest', '--data', data, '--model', 'rnn,persistence', '--output-steps', '3', '--horizon', '3', '--test', '10', '--retrain', 'never', '--out', join(dir, 'b'), '--json', ...small);
    expect(b.code).toBe(0);
    const bj = JSON.parse(b.stdout);
    expect(bj.scoredPoints).toBe(8);
    expect(bj.models.rnn.forecasts[0].values).toHaveLength(3);
    expect(bj.models.rnn.metrics.rmse).toBeGreaterThan(0);
  }, 60_000);
});
