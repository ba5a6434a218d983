// One-file models (src/io/model-bundle.ts, what the playground saves and loads): the weights with
// config.json in `__metadata__`. A file round-trips every kind the playground saves to the same
// predictions; loadModel and the CLI read it like a directory; the CLI's own directory, re-bundled,
// loads; a plain weights file or a broken config is one line.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { data, io, manualSeed, models, noGrad, Tensor } from '../../src/index.js';
import { runCli } from '../../src/cli/program.js';
import { loadModel } from '../../src/io/model-files.js';
import type { SavedClassifier, SavedForecaster } from '../../src/io/model-dir.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-bundle-'));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

function gs10Forecaster(model: 'rnn' | 'ar' | 'persistence'): SavedForecaster {
  const g = data.gs10();
  const scaler = data.makeScaler('standard').fit(g.values.slice(0, 40));
  const z = scaler.transform(g.values);
  const f = model === 'rnn' ? new models.RNNForecaster({ seqLen: 6, hidden: 5, epochs: 2, seed: 3 }) : model === 'ar' ? new models.ARForecaster({ p: 2 }) : new models.PersistenceForecaster();
  f.fit(z.slice(0, 47));
  return { kind: 'forecaster', model: f, columns: ['GS10'], target: 'GS10', inputs: ['GS10'], scalers: [scaler], fill: null };
}

describe('modelToSafetensors / modelFromSafetensors', () => {
  it.each(['rnn', 'ar', 'persistence'] as const)('a %s forecaster round-trips to the same one-step predictions and forecast', (name) => {
    const saved = gs10Forecaster(name);
    const bytes = io.modelToSafetensors(saved);
    // any safetensors reader sees the parameters (PyTorch names) and the config as metadata
    const raw = io.parseSafetensors(bytes);
    expect(JSON.parse(raw.metadata['config.json']!)).toMatchObject({ format: 'rnnkit-model', kind: 'forecaster', model: name, weights: name === 'rnn' ? 'weights.safetensors' : null });
    if (name === 'rnn') expect([...raw.tensors.keys()].sort()).toEqual(['linear.bias', 'linear.weight', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0']);
    else expect(raw.tensors.size).toBe(0);
    const back = io.modelFromSafetensors(bytes) as SavedForecaster;
    expect(back.kind).toBe('forecaster');
    const z = saved.scalers[0]!.transform(data.gs10().values);
    expect(back.model.predictOneStep(z, 47)).toEqual(saved.model.predictOneStep(z, 47));
    expect(back.scalers[0]!.toJSON()).toEqual(saved.scalers[0]!.toJSON());
    expect(io.modelToSafetensors(back)).toEqual(bytes); // deterministic: same model, same bytes
  });

  it('a digits classifier round-trips to the same logits', () => {
    manualSeed(5);
    const model = new models.SequenceClassifier({ numClasses: 10, inputSize: 8, cell: 'gru', hiddenSize: 6, bidirectional: true, pool: 'mean' });
    const saved: SavedClassifier = { kind: 'classifier', model, classes: Array.from({ length: 10 }, (_, i) => String(i)), input: { features: 8, steps: 8 } };
    const back = io.modelFromSafetensors(io.modelToSafetensors(saved)) as SavedClassifier;
    const x = data.digitsSplit().test.x.slice(0, 0, 5);
    const a = noGrad(() => model.forward(x)).data, b = noGrad(() => back.model.forward(x)).data;
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(back.classes).toEqual(saved.classes);
  });

  it('loadModel and `rnnkit forecast --model file.safetensors` read it; a CLI-saved directory bundles to a file that forecasts the same', async () => {
    const dir = tmp();
    const csv = join(dir, 'gs10.csv');
    const g = data.gs10();
    writeFileSync(csv, `DATE,GS10\n${g.dates.map((d, i) => `${d},${g.values[i]}`).join('\n')}\n`);
    const r = await cli(['train', '--data', csv, '--model', 'rnn', '--epochs', '2', '--save', join(dir, 'm'), '--out', join(dir, 'out'), '--json']);
    expect(r.stderr).toBe('');
    const fromDir = await cli(['forecast', '--model', join(dir, 'm'), '--data', csv, '--steps', '4', '--json']);
    // what the playground does with the directory's two files: modelFromFiles over them, then one file
    const files = new Map<string, string | Uint8Array>(readdirSync(join(dir, 'm')).map((f) => [f, f.endsWith('.json') ? readFileSync(join(dir, 'm', f), 'utf8') : new Uint8Array(readFileSync(join(dir, 'm', f)))]));
    const saved = io.modelFromFiles(io.filesReader(files, 'm'));
    const file = join(dir, 'page.safetensors');
    writeFileSync(file, io.modelToSafetensors(saved));
    expect(loadModel(file).kind).toBe('forecaster');
    const fromFile = await cli(['forecast', '--model', file, '--data', csv, '--steps', '4', '--json']);
    expect(fromFile.stderr).toBe('');
    expect(JSON.parse(fromFile.stdout).forecast).toEqual(JSON.parse(fromDir.stdout).forecast);
  });

  it('a plain weights file, a truncated file and a broken embedded config are one-line errors', async () => {
    const dir = tmp();
    const plain = join(dir, 'plain.safetensors');
    writeFileSync(plain, io.saveSafetensorsBytes({ w: new Tensor(new Float32Array(4), [2, 2]) }));
    expect(() => loadModel(plain)).toThrow(/plain\.safetensors: not an rnnkit model file \(its __metadata__ has no "config\.json"\)/);
    const r = await cli(['forecast', '--model', plain, '--data', plain]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const bytes = io.modelToSafetensors(gs10Forecaster('rnn'));
    expect(() => io.modelFromSafetensors(bytes.subarray(0, bytes.length - 4), { source: 'cut.safetensors' })).toThrow(/^cut\.safetensors: /);
    const bad = io.serializeSafetensors({}, { 'config.json': '{"format":"rnnkit-model","version":2,"kind":"forecaster","model":"rnn","weights":"weights.safetensors"' });
    expect(() => io.modelFromSafetensors(bad, { source: 'x.safetensors' })).toThrow(/^x\.safetensors\/config\.json: not valid JSON/);
  });
});
