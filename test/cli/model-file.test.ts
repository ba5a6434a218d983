// One-file models from the CLI: `--save model.safetensors` (train, classify train) and
// `lm train --out model.safetensors` write the playground's format (the weights with config.json in
// the safetensors `__metadata__`) atomically, replace only a model file rnnkit wrote, and refuse
// anything else in one line with every byte kept. The file predicts exactly as the directory form.
// Commands run in process (runCli).
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { modelToSafetensors } from '../../src/io/model-bundle.js';
import { loadModel } from '../../src/io/model-files.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { FIXTURES } from '../helpers.js';

const GS10 = join(FIXTURES, '..', '..', 'data/GS10.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-modelfile-'));
const QUICK = ['--epochs', '2', '-q'];

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

/** Every path under dir with its bytes (or "link"), to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[p] = 'dir';
        walk(p);
      } else out[p] = st.isSymbolicLink() ? 'link' : readFileSync(p, 'base64');
    }
  };
  walk(dir);
  return out;
}

/** The header's __metadata__ of a safetensors file. */
function metadataOf(path: string): Record<string, string> {
  const b = readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  return JSON.parse(b.subarray(8, 8 + n).toString('utf8')).__metadata__ ?? {};
}

describe('rnnkit train --save FILE.safetensors', () => {
  it('writes one model file that forecasts exactly as the directory form, says so truly, and replaces only its own file', async () => {
    const d = tmp();
    const file = join(d, 'gs10.safetensors'), dir = join(d, 'gs10-dir');
    const a = await rnnkit('train', '--data', GS10, '--model', 'rnn', '--save', file, '--out', join(d, 'out1'), '--seed', '3', '--epochs', '2', '--json');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).files.model).toBe(file); // the path reported is the file written
    expect(lstatSync(file).isFile()).toBe(true);
    const meta = metadataOf(file);
    expect(meta.format).toBe('rnnkit-model');
    expect(JSON.parse(meta['config.json']!)).toMatchObject({ format: 'rnnkit-model', kind: 'forecaster', model: 'rnn' });
    expect(readdirSync(d).sort()).toEqual(['gs10.safetensors', 'out1']); // no temporary file left beside it
    const b = await rnnkit('train', '--data', GS10, '--model', 'rnn', '--save', dir, '--out', join(d, 'out2'), '--seed', '3', '--epochs', '2', '--json');
    expect(b.code).toBe(0);
    const fromFile = await rnnkit('forecast', '--model', file, '--data', GS10, '--steps', '6', '--json');
    const fromDir = await rnnkit('forecast', '--model', dir, '--data', GS10, '--steps', '6', '--json');
    expect(fromFile.code).toBe(0);
    const ff = JSON.parse(fromFile.stdout), fd = JSON.parse(fromDir.stdout);
    expect(ff.forecast).toHaveLength(6);
    expect(ff.forecast).toEqual(fd.forecast); // bit for bit: the same weights, the same config
    // the human-readable line names the file too
    const h = await rnnkit('train', '--data', GS10, '--model', 'mlp', '--save', file, '--out', join(d, 'out1'), '--seed', '4', '--epochs', '2');
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(new RegExp(`model\\s+${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // replaced: ours, so a second save (another model) goes in its place
    expect(JSON.parse(metadataOf(file)['config.json']!).model).toBe('mlp');
    expect(loadModel(file).kind).toBe('forecaster');
    // the playground's Save writes the same format, and the CLI replaces that file too
    const fromPage = join(d, 'page.safetensors');
    writeFileSync(fromPage, modelToSafetensors(loadModel(dir)));
    expect((await rnnkit('train', '--data', GS10, '--model', 'ar', '--save', fromPage, '--out', join(d, 'out3'), '-q')).code).toBe(0);
    expect(JSON.parse(metadataOf(fromPage)['config.json']!).model).toBe('ar');
    expect(readdirSync(d).filter((n) => n.includes('rnnkit-tmp'))).toEqual([]);
  }, 60_000);

  it('refuses a foreign file, a plain safetensors file, one with a look-alike marker, a symlink and a directory: exit 2, one line, every byte kept', async () => {
    const d = tmp();
    const notes = join(d, 'notes.safetensors');
    writeFileSync(notes, 'my notes, not a tensor file\n');
    const plain = join(d, 'plain.safetensors'); // a user's tensors, metadata without our marker
    writeFileSync(plain, serializeSafetensors({ w: new Tensor(Float32Array.from([1, 2, 3]), [3]) }, { author: 'me' }));
    const lookalike = join(d, 'lookalike.safetensors'); // a config.json key, but no rnnkit format in it
    writeFileSync(lookalike, serializeSafetensors({ w: new Tensor(Float32Array.from([1]), [1]) }, { 'config.json': '{"format":"other"}' }));
    const ours = join(d, 'ours.safetensors');
    expect((await rnnkit('train', '--data', GS10, '--model', 'ar', '--save', ours, '--out', join(d, 'o'), '-q')).code).toBe(0);
    const link = join(d, 'link.safetensors'); // a symlink is refused even when it points at our file
    symlinkSync(ours, link);
    const folder = join(d, 'folder.safetensors'); // an empty directory too: a file was asked for
    mkdirSync(folder);
    const before = snapshot(d);
    const cases: [string, RegExp][] = [
      [notes, /it is a file that is not an rnnkit model file/],
      [plain, /it is a file that is not an rnnkit model file/],
      [lookalike, /it is a file that is not an rnnkit model file/],
      [link, /it is a symbolic link/],
      [folder, /it is a directory/],
    ];
    const refused = (r: { code: number; stdout: string; stderr: string }, path: string, re: RegExp) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toContain(path);
      expect(r.stderr).toMatch(re);
    };
    for (const [path, re] of cases) {
      refused(await rnnkit('train', '--data', GS10, '--model', 'rnn', '--save', path, '--out', join(d, 'report'), ...QUICK), path, re);
      refused(await rnnkit('lm', 'train', GS10, '--out', path, '--epochs', '1', '-q'), path, re);
      refused(await rnnkit('classify', 'train', '--data', 'digits', '--epochs', '1', '--save', path), path, re);
    }
    expect(snapshot(d)).toEqual(before);
    expect(existsSync(join(d, 'report'))).toBe(false);
  }, 60_000);
});

describe('temporary files of killed saves', () => {
  it('are removed by the next save to the same file when their process is gone, and only those', async () => {
    const d = tmp();
    const file = join(d, 'm.safetensors');
    const deadPid = 2 ** 22 + 12345; // above pid_max's default: no such process
    const stale = join(d, `.m.safetensors.rnnkit-tmp-${deadPid}-abcdef`);
    writeFileSync(stale, 'partial');
    const live = join(d, `.m.safetensors.rnnkit-tmp-${process.pid}-abcdef`); // a save still running
    writeFileSync(live, 'in progress');
    const other = join(d, `.m.safetensors.rnnkit-tmp-${deadPid}-notes.txt`); // not our name pattern
    writeFileSync(other, 'mine');
    expect((await rnnkit('train', '--data', GS10, '--model', 'ar', '--save', file, '--out', join(d, 'o'), '-q')).code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(readFileSync(live, 'utf8')).toBe('in progress');
    expect(readFileSync(other, 'utf8')).toBe('mine');
    expect(loadModel(file).kind).toBe('forecaster');
  });
});

describe('lm train --out FILE.safetensors and classify train --save FILE.safetensors', () => {
  it('lm: the file generates exactly as the directory form', async () => {
    const d = tmp();
    const corpus = join(d, 'corpus.txt');
    writeFileSync(corpus, 'abcabcabd abcabc\n'.repeat(30));
    const args = ['--hidden', '12', '--seq-len', '6', '--batch-size', '4', '--epochs', '2', '--seed', '5', '-q'];
    const file = join(d, 'lm.safetensors'), dir = join(d, 'lm-dir');
    const a = await rnnkit('lm', 'train', corpus, ...args, '--out', file, '--json');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).model).toBe(file);
    expect(lstatSync(file).isFile()).toBe(true);
    expect((await rnnkit('lm', 'train', corpus, ...args, '--out', dir)).code).toBe(0);
    const gen = async (m: string) => rnnkit('lm', 'generate', '--model', m, '--prefix', 'ab', '--length', '40', '--temperature', '0.8', '--seed', '2');
    const g1 = await gen(file), g2 = await gen(dir);
    expect(g1.code).toBe(0);
    expect(g1.stdout.length).toBeGreaterThan(40);
    expect(g1.stdout).toBe(g2.stdout);
    // replace ours: a second lm train onto the same file
    expect((await rnnkit('lm', 'train', corpus, ...args, '--model', 'gru', '--out', file)).code).toBe(0);
    expect(JSON.parse(metadataOf(file)['config.json']!)).toMatchObject({ kind: 'language-model' });
    expect(readdirSync(d).sort()).toEqual(['corpus.txt', 'lm-dir', 'lm.safetensors']);
  }, 60_000);

  it('classify: the file predicts exactly as the directory form', async () => {
    const d = tmp();
    const args = ['--data', 'digits', '--model', 'gru', '--hidden', '8', '--epochs', '1', '--seed', '1'];
    const file = join(d, 'digits.safetensors'), dir = join(d, 'digits-dir');
    const a = await rnnkit('classify', 'train', ...args, '--save', file, '--json');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).files.model).toBe(file);
    expect((await rnnkit('classify', 'train', ...args, '--save', dir, '--json')).code).toBe(0);
    const p1 = await rnnkit('classify', 'predict', '--model', file, '--data', 'digits', '--json');
    const p2 = await rnnkit('classify', 'predict', '--model', dir, '--data', 'digits', '--json');
    expect(p1.code).toBe(0);
    const j1 = JSON.parse(p1.stdout), j2 = JSON.parse(p2.stdout);
    expect(j1.predictions.length).toBeGreaterThan(100);
    expect(j1.predictions).toEqual(j2.predictions);
    expect(readdirSync(d).sort()).toEqual(['digits-dir', 'digits.safetensors']);
  }, 60_000);
});
