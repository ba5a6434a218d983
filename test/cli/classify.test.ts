// `rnnkit classify …` in process through runCli (exit codes and one-line errors as a user sees them).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { writeNpz } from '../../src/io/npy.js';
import { encodePng } from '../../src/io/png.js';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-classify-'));
const f32 = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

describe('rnnkit classify', () => {
  it('demo --json: one object with test metrics, history and the report files', async () => {
    const out = join(tmp(), 'report');
    const r = await cli(['classify', 'demo', '--epochs', '4', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { test: { accuracy: number; macroF1: number; perClass: unknown[]; confusion: number[][] }; history: { train: number[]; trainAccuracy: number[] }; files: Record<string, string>; sizes: { train: number; test: number } };
    expect(j.sizes).toMatchObject({ train: 898, test: 899 });
    expect(j.history.train).toHaveLength(4);
    expect(j.test.perClass).toHaveLength(10);
    expect(j.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(899);
    const diag = j.test.confusion.reduce((a, row, i) => a + row[i]!, 0);
    expect(j.test.accuracy).toBeCloseTo(diag / 899, 4); // the accuracy is the confusion matrix's diagonal
    expect(j.test.accuracy).toBeGreaterThan(0.5); // four epochs already learn most digits (chance: 10%)
    for (const f of ['report', 'results', 'confusionSvg', 'confusionPng', 'accuracySvg', 'lossSvg']) expect(existsSync(j.files[f]!)).toBe(true);
    expect(JSON.parse(readFileSync(j.files.results!, 'utf8')).format).toBe('rnnkit-report');
  }, 120_000);

  it('train --save on frames, then eval and predict read PNG frame folders and .npz alike', async () => {
    const dir = tmp();
    const model = join(dir, 'model');
    const t = await cli(['classify', 'train', '--data', 'moving-shapes', '--model', 'gru', '--hidden', '24', '--epochs', '6', '--lr', '0.01', '--save', model, '--json']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const tj = JSON.parse(t.stdout) as { test: { accuracy: number }; sizes: { train: number; test: number } };
    expect(tj.sizes).toMatchObject({ train: 480, test: 120 });
    expect(tj.test.accuracy).toBeGreaterThan(0.8);
    const onPng = await cli(['classify', 'eval', '--model', model, '--data', 'examples/moving-shapes/frames', '--json']);
    const onNpz = await cli(['classify', 'eval', '--model', model, '--data', 'examples/moving-shapes/moving-shapes.npz', '--json']);
    expect(onPng.code).toBe(0);
    expect(onNpz.code).toBe(0);
    const a = JSON.parse(onPng.stdout) as { test: { accuracy: number; confusion: number[][] } };
    const b = JSON.parse(onNpz.stdout) as { test: { accuracy: number; confusion: number[][] } };
    expect(a.test.confusion).toEqual(b.test.confusion); // the same 20 videos, as PNG frames and as tensors
    const p = await cli(['classify', 'predict', '--model', model, '--data', 'examples/moving-shapes/moving-shapes.npz', '--json']);
    const pj = JSON.parse(p.stdout) as { classes: string[]; predictions: { class: string; probability: number; probabilities: Record<string, number> }[] };
    expect(pj.predictions).toHaveLength(20);
    for (const q of pj.predictions) {
      expect(Object.values(q.probabilities).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 3);
      expect(q.probability).toBe(Math.max(...Object.values(q.probabilities)));
    }
  }, 180_000);

  it('bad input is one line and exit 2, before any training', async () => {
    const dir = tmp();
    const npz = (name: string, arrays: Parameters<typeof writeNpz>[0]) => {
      writeFileSync(join(dir, name), writeNpz(arrays));
      return join(dir, name);
    };
    const x = { dtype: 'float32' as const, shape: [4, 3, 2], data: f32(24, (i) => i / 24) };
    const cases: [string[], RegExp][] = [
      [['--data', npz('float-y.npz', { x, y: { dtype: 'float32', shape: [4], data: f32(4, (i) => i + 0.5) } })], /float-y\.npz: y\[0\] = 0\.5 is not an integer class label$/],
      [['--data', npz('n.npz', { x, y: { dtype: 'int64', shape: [3], data: Float64Array.from([0, 1, 0]) } })], /n\.npz: x has N = 4 samples but y has 3$/],
      [['--data', npz('len.npz', { x, y: { dtype: 'int64', shape: [4], data: Float64Array.from([0, 1, 0, 1]) }, lengths: { dtype: 'int64', shape: [4], data: Float64Array.from([3, 4, 1, 2]) } })], /len\.npz: lengths\[1\] = 4 is longer than T = 3/],
      [['--data', npz('ok.npz', { x, y: { dtype: 'int64', shape: [4], data: Float64Array.from([0, 1, 0, 1]) } }), '--test-data', npz('extra.npz', { x, y: { dtype: 'int64', shape: [4], data: Float64Array.from([0, 1, 2, 1]) } })], /class 2 in .*extra\.npz is absent from training/],
      [['--data', join(dir, 'ok.npz'), '--patience', '3'], /^rnnkit: --patience needs a validation set: give --val, e.g. --val 0\.1$/],
      [['--data', join(dir, 'missing.npz')], /missing\.npz/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(['classify', 'train', ...args, '--epochs', '1']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(re);
    }
    // images of different sizes without --resize; an empty class folder
    const imgs = join(dir, 'imgs');
    mkdirSync(join(imgs, 'a'), { recursive: true });
    mkdirSync(join(imgs, 'b'), { recursive: true });
    writeFileSync(join(imgs, 'a', '1.png'), encodePng({ width: 4, height: 4, channels: 1, data: new Float32Array(16) }));
    writeFileSync(join(imgs, 'b', '1.png'), encodePng({ width: 5, height: 4, channels: 1, data: new Float32Array(20) }));
    const sizes = await cli(['classify', 'train', '--data', imgs, '--epochs', '1']);
    expect(sizes.code).toBe(2);
    expect(sizes.stderr).toMatch(/different sizes|size/);
    mkdirSync(join(imgs, 'c'));
    const empty = await cli(['classify', 'train', '--data', imgs, '--epochs', '1', '--resize', '4x4']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/c.*empty|empty.*c/);
  }, 60_000);

  it('--save onto a folder that is not an rnnkit model is refused before training, every byte kept', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = await cli(['classify', 'train', '--data', 'digits', '--epochs', '1', '--save', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
