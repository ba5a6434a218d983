// `rnnkit diagnose`, registered on a fresh commander program (the lead wires it into main.ts).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDiagnoseCommands } from '../../src/cli/diagnose.js';

async function diagnose(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const program = new Command('rnnkit').exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerDiagnoseCommands(program, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  for (const c of program.commands) c.exitOverride();
  await program.parseAsync(['diagnose', ...args], { from: 'user' });
  return { stdout, stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-diagnose-'));
const SMALL = ['--seq-len', '30', '--hidden', '8', '--samples', '64', '--probe', '16', '--batch-size', '16'];

describe('rnnkit diagnose', () => {
  it('--json: per-epoch rows, gradient norms per step, spectral radius, charts and results.json', async () => {
    const out = tmp();
    const r = await diagnose([...SMALL, '--epochs', '2', '--json', '--out', out]);
    const j = JSON.parse(r.stdout);
    expect(j.task).toMatchObject({ name: 'adding', seqLen: 30, baselineMse: 1 / 6 });
    expect(j.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2]);
    expect(j.epochs[0].trainMse).toBeNull();
    expect(j.gradNorms).toHaveLength(3);
    for (const row of j.gradNorms) expect(row).toHaveLength(30);
    // the ratio column is the first over the last norm of each row
    j.epochs.forEach((e: { gradRatio: number }, i: number) => expect(e.gradRatio).toBeCloseTo(j.gradNorms[i][0] / j.gradNorms[i][29], 2));
    expect(Object.keys(j.paramGradNorms)).toEqual(['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.weight', 'head.bias']);
    for (const v of Object.values(j.paramGradNorms) as number[][]) expect(v).toHaveLength(2);
    expect(readFileSync(j.files.heatmapSvg, 'utf8')).toMatch(/^<svg[\s\S]*epoch \(0 = initialisation\)[\s\S]*<\/svg>\s*$/);
    expect([...readFileSync(j.files.heatmapPng).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(existsSync(j.files.paramPng)).toBe(true);
    expect(JSON.parse(readFileSync(j.files.results, 'utf8')).gradNorms).toEqual(j.gradNorms);
  });

  it('at initialisation: default tanh vanishes over 30 steps, identity (IRNN) keeps the gradient, orthogonal has ρ = 1', async () => {
    const run = async (...a: string[]) => JSON.parse((await diagnose([...SMALL, '--epochs', '0', '--json', '--out', tmp(), ...a])).stdout).epochs[0];
    const tanh = await run();
    const irnn = await run('--init', 'identity', '--nonlinearity', 'relu');
    const orth = await run('--init', 'orthogonal');
    expect(tanh.spectralRadius).toBeLessThan(0.9);
    expect(tanh.gradRatio).toBeLessThan(1e-3);
    expect(irnn.spectralRadius).toBe(1);
    expect(irnn.gradRatio).toBeGreaterThan(0.1);
    expect(orth.spectralRadius).toBeCloseTo(1, 3);
  });

  it('is reproducible and prints a table without --json', async () => {
    const a = await diagnose([...SMALL, '--epochs', '1', '--json', '--out', tmp()]);
    const b = await diagnose([...SMALL, '--epochs', '1', '--json', '--out', tmp()]);
    expect(JSON.parse(a.stdout).gradNorms).toEqual(JSON.parse(b.stdout).gradNorms);
    const h = await diagnose([...SMALL, '--epochs', '0', '--out', tmp()]);
    expect(h.stdout).toMatch(/ρ\(W_hh\)/);
    expect(h.stdout).toMatch(/trivial baseline \(always predict 1\): MSE 0\.1667/);
  });

  it('bad values are one-line CliErrors', async () => {
    await expect(diagnose(['--init', 'xavier'])).rejects.toThrow("--init must be one of default, orthogonal, identity; got 'xavier'");
    await expect(diagnose(['--nonlinearity', 'sigmoid'])).rejects.toThrow(/--nonlinearity must be one of tanh, relu/);
    await expect(diagnose(['--seq-len', '1'])).rejects.toThrow("--seq-len must be an integer ≥ 2, got '1'");
    await expect(diagnose(['--epochs', '-1'])).rejects.toThrow(/--epochs must be an integer ≥ 0/);
    await expect(diagnose(['--samples', '16', '--probe', '32'])).rejects.toMatchObject({ name: 'CliError', message: '--probe (32) must not exceed --samples (16)' });
  });
});
