// `rnnkit backtest --quantiles/--likelihood` in process: per-step coverage, width and pinball loss
// in the text and JSON, bands in the chart, the benchmarks left as points, one-line errors.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { backtest } from '../../src/forecast/backtest.js';
import { ARForecaster } from '../../src/models/ar.js';
import { parseSeriesCsv } from '../../src/data/csv.js';
import { FIXTURES } from '../helpers.js';

const GS10 = join(FIXTURES, '..', '..', 'data/GS10.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-bti-'));

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

describe('rnnkit backtest with intervals', () => {
  it("ar --quantiles: the library's interval scores per step in --json, the band in the chart, persistence without", async () => {
    const out = tmp();
    const r = await rnnkit('backtest', '--data', GS10, '--model', 'ar,persistence', '--seq-len', '2', '--test', '12', '--horizon', '3', '--quantiles', '0.1,0.5,0.9', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const values = parseSeriesCsv(readFileSync(GS10, 'utf8'), { source: GS10 }).columns.GS10!;
    const lib = backtest(values, [{ name: 'ar', make: () => new ARForecaster({ p: 2, levels: [0.1, 0.5, 0.9] }) }], { test: 12, horizon: 3 }).models.ar!.intervals!;
    expect(j.models.ar.intervals.levels).toEqual([0.1, 0.5, 0.9]);
    expect(j.models.ar.intervals.perHorizon.map((x: { h: number }) => x.h)).toEqual([1, 2, 3]);
    j.models.ar.intervals.perHorizon.forEach((x: { coverage: number; width: number; pinball: number }, i: number) => {
      expect(x.coverage).toBeCloseTo(lib.perHorizon[i]!.coverage, 5);
      expect(x.width).toBeCloseTo(lib.perHorizon[i]!.width, 5);
      expect(x.pinball).toBeCloseTo(lib.perHorizon[i]!.pinball, 5);
    });
    expect(j.models.ar.intervals.metrics.coverage).toBeCloseTo(lib.metrics.coverage, 6);
    expect(j.models.ar.intervals.quantiles).toHaveLength(10);
    expect(j.models.ar.intervals.quantiles[0].values['q0.9']).toHaveLength(3);
    expect(j.models.persistence.intervals).toBeUndefined();
    const svg = readFileSync(j.files.arSvg, 'utf8');
    expect(svg).toMatch(/mark-area/); // the shaded band
  });

  it('human output: the interval table by step; --likelihood gaussian for a network', async () => {
    const r = await rnnkit('backtest', '--data', GS10, '--model', 'ar,mlp', '--seq-len', '3', '--hidden', '4', '--epochs', '2', '--test', '6', '--horizon', '2', '--retrain', 'never', '--likelihood', 'gaussian', '--out', tmp(), '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('intervals [q0.1, q0.9] (nominal coverage 0.8), by step ahead over all 5 origins:');
    expect(r.stdout).toMatch(/ar\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+\n/);
    expect(r.stdout).toMatch(/mlp\s+2\s+[\d.]+\s+[\d.]+\s+[\d.]+\n/);
  });

  for (const [what, args, msg] of [
    ['quantiles for baselines only', ['--model', 'persistence', '--quantiles', '0.1,0.9'], /--quantiles and --likelihood apply to mlp, rnn, lstm, gru and ar; none is among --model/],
    ['unsorted quantiles', ['--model', 'ar', '--quantiles', '0.9,0.1'], /--quantiles: quantile levels must be sorted increasing/],
    ['a level outside (0, 1)', ['--model', 'ar', '--quantiles', '0.1,1'], /quantile levels must lie in \(0, 1\)/],
  ] as const) {
    it(`${what} is one line, exit 2`, async () => {
      const r = await rnnkit('backtest', '--data', GS10, '--seq-len', '2', '--out', tmp(), ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.split('\n')).toHaveLength(2);
    });
  }
});
