// `rnnkit export`: the PyTorch export regenerated for the committed small models must equal the
// golden files byte for byte, and those golden files must be the ones that
// tools/reference/pytorch_handoff.py ran under PyTorch (record.json: every comparison passed, and
// its hash of the golden files is theirs now). Plus the CLI's refusals.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { onnxProducer } from '../../src/cli/export.js';
import { pythonHeader } from '../../src/cli/export-pytorch/python-common.js';
import { CASES, exportArgs } from '../../tools/pytorch-handoff.js';

const ROOT = 'test/fixtures/pytorch-handoff';
const GOLDEN = join(ROOT, 'golden');
const REGENERATE = 'if the generator changed on purpose, run `npx tsx tools/pytorch-handoff.ts` then `/usr/bin/python3 tools/reference/pytorch_handoff.py` and commit golden/, reference.json and record.json';

const tmp = mkdtempSync(join(tmpdir(), 'rnnkit-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runCli(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

/** Every file under dir, by path relative to it ('/'-separated), skipping Python's bytecode cache. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) { if (e !== '__pycache__') walk(p); } else out.set(relative(dir, p).split('\\').join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The hash pytorch_handoff.py records: sha256 of the sorted 'path NUL sha256(content) LF' lines. */
function goldenHash(): string {
  const lines = [...files(GOLDEN)].map(([p, b]) => `${p}\0${createHash('sha256').update(b).digest('hex')}\n`).sort();
  return createHash('sha256').update(lines.join('')).digest('hex');
}

describe('rnnkit export --format pytorch: golden files', () => {
  for (const c of CASES) {
    it(`${c.name}: the regenerated export equals golden/${c.name} byte for byte`, async () => {
      const out = join(tmp, c.name);
      const r = await cli(exportArgs(c, out));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = files(out), want = files(join(GOLDEN, c.name));
      expect([...got.keys()].sort(), `file list of ${c.name}; ${REGENERATE}`).toEqual([...want.keys()].sort());
      for (const [name, bytes] of want) {
        expect(got.get(name)!.equals(bytes), `${c.name}/${name} differs from the golden file; ${REGENERATE}`).toBe(true);
      }
      const json = JSON.parse(r.out) as { kind: string; files: string[]; trainable: boolean };
      expect(json.kind).toBe(c.name.startsWith('lm') ? 'language-model' : c.name.split('-')[0]);
      expect(json.trainable).toBe(c.data !== null);
    });
  }

  it('record.json: PyTorch reproduced every model (to 1e-5, tokens exactly) and DDP trained, on the current golden files', () => {
    const record = JSON.parse(readFileSync(join(ROOT, 'record.json'), 'utf8')) as {
      goldenHash: string; allPassed: boolean; tolerance: number;
      cases: Record<string, { pass: boolean; kind: string; compare: { pass: boolean; maxAbsError?: number }; ddp?: { pass: boolean; worldSize: number; lossBefore: number; lossAfter: number } }>;
    };
    expect(record.goldenHash, `the golden files changed since PyTorch checked them; ${REGENERATE}`).toBe(goldenHash());
    expect(record.tolerance).toBeLessThanOrEqual(1e-5);
    expect(Object.keys(record.cases).sort()).toEqual(CASES.map((c) => c.name).sort());
    for (const [name, r] of Object.entries(record.cases)) {
      expect(r.compare.pass, name).toBe(true);
      if (r.compare.maxAbsError !== undefined) expect(r.compare.maxAbsError, name).toBeLessThanOrEqual(1e-5);
      if (CASES.find((c) => c.name === name)!.data !== null) {
        expect(r.ddp?.pass, `${name}: train_ddp.py`).toBe(true);
        expect(r.ddp?.worldSize).toBe(2);
        expect(Number.isFinite(r.ddp!.lossBefore) && Number.isFinite(r.ddp!.lossAfter)).toBe(true);
      }
    }
    expect(record.allPassed).toBe(true);
  });
});

describe('rnnkit export: refusals', () => {
  const model = join(ROOT, 'models', 'forecaster-rnn');

  it('a missing model directory is one line, exit 2', async () => {
    const r = await cli(['export', '--model', join(tmp, 'nope'), '--format', 'pytorch', '--out', join(tmp, 'o1')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rnnkit: .*nope: no such model directory\n$/);
    expect(existsSync(join(tmp, 'o1'))).toBe(false);
  });

  it('a folder that is not a model is refused', async () => {
    const d = join(tmp, 'notmodel');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'config.json'), '{"format": "something-else"}');
    const r = await cli(['export', '--model', d, '--format', 'pytorch', '--out', join(tmp, 'o2')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rnnkit: .*config\.json: not an rnnkit model/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown format is refused', async () => {
    const r = await cli(['export', '--model', model, '--format', 'tflite', '--out', join(tmp, 'o3')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/format/);
    expect(r.err).toMatch(/onnx/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('--out that exists and is not ours is left untouched', async () => {
    const folder = join(tmp, 'userfolder');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const r1 = await cli(['export', '--model', model, '--format', 'pytorch', '--out', folder]);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/refusing to write there, the folder has other content/);
    expect(readdirSync(folder)).toEqual(['notes.txt']);
    const file = join(tmp, 'user.onnx');
    writeFileSync(file, 'not onnx');
    const r2 = await cli(['export', '--model', model, '--format', 'onnx', '--out', file]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/exists and is not an ONNX model rnnkit wrote/);
    expect(readFileSync(file, 'utf8')).toBe('not onnx');
    const r3 = await cli(['export', '--model', model, '--format', 'pytorch', '--out', file]);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/it is a file; --format pytorch writes a folder/);
  });

  it('an earlier export is replaced; one with a file the user added is not', async () => {
    const out = join(tmp, 'again');
    expect((await cli(['export', '--model', model, '--format', 'pytorch', '--out', out])).code).toBe(0);
    mkdirSync(join(out, '__pycache__'));
    writeFileSync(join(out, '__pycache__', 'model.cpython-311.pyc'), 'bytecode');
    expect((await cli(['export', '--model', model, '--format', 'pytorch', '--out', out])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'config.json', 'model.py', 'model.safetensors', 'train_ddp.py']);
    writeFileSync(join(out, 'trained.safetensors'), 'the user’s');
    const r = await cli(['export', '--model', model, '--format', 'pytorch', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/also holds trained\.safetensors, which rnnkit did not write/);
    expect(readFileSync(join(out, 'trained.safetensors'), 'utf8')).toBe('the user’s');
    expect(readdirSync(tmp).filter((n) => n.includes('rnnkit-tmp') || n.includes('rnnkit-old'))).toEqual([]);
  });

  it('--data with a weightless model, or with onnx, is one line', async () => {
    const ar = await cli(['export', '--model', join(ROOT, 'models', 'forecaster-ar'), '--format', 'pytorch', '--out', join(tmp, 'ar'), '--data', join(ROOT, 'inputs', 'series.csv')]);
    expect(ar.code).toBe(2);
    expect(ar.err).toMatch(/^rnnkit: --data: a ar model has no weights to train/);
    const onnx = await cli(['export', '--model', model, '--format', 'onnx', '--out', join(tmp, 'm.onnx'), '--data', join(ROOT, 'inputs', 'series.csv')]);
    expect(onnx.code).toBe(2);
    expect(onnx.err).toMatch(/--data applies to --format pytorch/);
  });

  it('--format onnx writes one file produced by rnnkit, replaces its own, and refuses a model kind it cannot export', async () => {
    const out = join(tmp, 'lstm.onnx');
    const lstm = join(ROOT, 'models', 'forecaster-lstm');
    const r = await cli(['export', '--model', lstm, '--format', 'onnx', '--out', out, '--json']);
    expect(r.err).toBe('');
    const json = JSON.parse(r.out) as { format: string; kind: string; bytes: number; inputs: string[]; outputs: string[] };
    expect(json).toMatchObject({ format: 'onnx', kind: 'forecaster' });
    const bytes = readFileSync(out);
    expect(bytes.byteLength).toBe(json.bytes);
    expect(onnxProducer(bytes)).toBe('rnnkit');
    expect((await cli(['export', '--model', lstm, '--format', 'onnx', '--out', out])).code).toBe(0);
    const ar = await cli(['export', '--model', join(ROOT, 'models', 'forecaster-ar'), '--format', 'onnx', '--out', join(tmp, 'ar.onnx')]);
    expect(ar.code).toBe(2);
    expect(ar.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(tmp, 'ar.onnx'))).toBe(false);
  });

  it('a column or class name cannot end model.py\'s docstring early', () => {
    const h = pythonHeader('forecaster of a"""b\\ and\nnext', ['math']);
    expect(h.split('"""')).toHaveLength(3); // the opening and closing quotes only
    expect(h).toContain('a\\"\\"\\"b\\\\ and next');
    expect(h).toContain('import ast\nimport json\nimport math\nimport os\nimport struct\n');
  });

  it('onnxProducer reads producer_name from a ModelProto and nothing from other bytes', () => {
    // ir_version 8 (field 1, varint), producer_name "rnnkit" (field 2, length-delimited)
    const proto = Uint8Array.from([0x08, 0x08, 0x12, 0x06, ...Buffer.from('rnnkit')]);
    expect(onnxProducer(proto)).toBe('rnnkit');
    expect(onnxProducer(Uint8Array.from([0x08, 0x08, 0x12, 0x05, ...Buffer.from('torch')]))).toBe('torch');
    expect(onnxProducer(Buffer.from('not onnx'))).toBe(null);
  });
});
