// `rnnkit train --column a,b` (multivariate input) end to end: the JSON names the columns and the
// inputs of each model, the model directory keeps every column's scaler, `rnnkit forecast` reads
// the same columns back, and the errors for a target outside the columns or a missing column.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers.js';

const ROOT = join(FIXTURES, '..', '..');

function rnnkit(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 72 months of GS10-like `rate` and a column `lead` that runs one step ahead of it, on another scale. */
function writePair(dir: string): { file: string; rate: number[]; lead: number[] } {
  const rate = Array.from({ length: 73 }, (_, t) => 2 + Math.sin(t / 5) + 0.3 * Math.sin(t * 1.7));
  const lead = rate.slice(1).map((v) => 100 * v);
  rate.length = 72;
  const rows = rate.map((v, t) => `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01,${v.toFixed(4)},${lead[t]!.toFixed(2)}`);
  const file = join(dir, 'pair.csv');
  writeFileSync(file, ['DATE,rate,lead', ...rows].join('\n') + '\n');
  return { file, rate: rate.map((v) => Number(v.toFixed(4))), lead: lead.map((v) => Number(v.toFixed(2))) };
}

describe('rnnkit train --column a,b', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-mv-'));
  const pair = writePair(dir);

  it('trains on both columns, saves every scaler, and forecast reads both columns back', () => {
    const model = join(dir, 'model');
    const r = rnnkit(['train', '--data', pair.file, '--column', 'rate,lead', '--model', 'mlp', '--epochs', '3', '--seq-len', '3', '--steps', '4', '--save', model, '--out', join(dir, 'out'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.columns).toEqual(['rate', 'lead']);
    expect(j.target).toBe('rate');
    expect(j.models.mlp.inputs).toEqual(['rate', 'lead']);
    expect(j.models.persistence.inputs).toEqual(['rate']);
    // persistence on the target: its test predictions are the previous target values
    expect(j.models.persistence.predictions).toEqual(pair.rate.slice(59, 71));
    // one scaler per column, fitted on the 54 training points (72 − 12 test − 6 validation)
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(j.split.train).toEqual([0, 54]);
    expect(j.scalers.rate.mean).toBeCloseTo(mean(pair.rate.slice(0, 54)), 4);
    expect(j.scalers.lead.mean).toBeCloseTo(mean(pair.lead.slice(0, 54)), 2);
    expect(j.scaler).toEqual(j.scalers.rate);
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ columns: ['rate', 'lead'], target: 'rate', inputs: ['rate', 'lead'], options: { inputSize: 2 } });
    // one scaler per input column, in the inputs' order
    expect(config.scalers.map((x: { mean: number }) => x.mean)).toEqual([j.scalers.rate.mean, j.scalers.lead.mean].map((m: number) => expect.closeTo(m, 5)));

    const f = rnnkit(['forecast', '--model', model, '--data', pair.file, '--steps', '4', '--json']);
    expect(f.stderr).toBe('');
    const fj = JSON.parse(f.stdout);
    expect(fj).toMatchObject({ columns: ['rate', 'lead'], target: 'rate' });
    expect(fj.forecast.map((x: { value: number }) => x.value)).toEqual(j.models.mlp.forecast.map((x: { value: number }) => x.value));
    expect(fj.forecast[0].date).toBe('2006-01-01');

    // forecast data without the covariate: one line naming it
    const only = join(dir, 'only-rate.csv');
    writeFileSync(only, readFileSync(pair.file, 'utf8').replace(/,[^,\n]*$/gm, ''));
    const m = rnnkit(['forecast', '--model', model, '--data', only]);
    expect(m.code).toBe(2);
    expect(m.stdout).toBe('');
    expect(m.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'))).toEqual([
      `rnnkit: ${only}: missing column "lead"; the model in ${model} reads rate, lead (the file has DATE, rate)`,
    ]);
  });

  it('--target must be one of the columns', () => {
    const r = rnnkit(['train', '--data', pair.file, '--column', 'rate', '--target', 'lead', '--model', 'ar', '--out', join(dir, 'o2')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('target "lead" is not among the selected columns (rate)');
  });
});
