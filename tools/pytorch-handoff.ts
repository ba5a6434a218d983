// The rnnkit side of the PyTorch hand-off check (docs/pytorch-handoff.md):
//   npx tsx tools/pytorch-handoff.ts [--retrain]
// 1. (--retrain, or when absent) writes small inputs and trains small models with the rnnkit CLI
//    into test/fixtures/pytorch-handoff/{inputs,models}/ (committed: the golden test reuses them);
// 2. exports every model with `rnnkit export --format pytorch --data …` into golden/<name>/;
// 3. records rnnkit's own outputs in reference.json: forecasts (full precision, from the same library
//    calls as `rnnkit forecast`, checked here against the CLI's rounded --json), greedy and sampled
//    `rnnkit lm generate` tokens, classifier logits and `rnnkit classify predict` classes.
// Then tools/reference/pytorch_handoff.py runs the golden exports under PyTorch and writes record.json.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program.js';
import { data, forecast, type models } from '../src/node.js';
import { loadModel } from '../src/io/model-files.js';
import { writeNpz } from '../src/io/npy.js';
import { readSequenceData } from '../src/io/sequence-files.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { Generator } from '../src/tensor/random.js';

const ROOT = 'test/fixtures/pytorch-handoff';
const INPUTS = join(ROOT, 'inputs');
const MODELS = join(ROOT, 'models');
const GOLDEN = join(ROOT, 'golden');

/** The cases: a model directory, how rnnkit trains it, and the --data file its export converts. */
export interface HandoffCase { name: string; train: string[]; data: string | null }

const series = join(INPUTS, 'series.csv');
const corpus = join(INPUTS, 'corpus.txt');
const sequences = join(INPUTS, 'sequences.npz');
const fc = (name: string, args: string[], withData = true): HandoffCase => ({
  name, data: withData ? series : null,
  train: ['train', '--data', series, '--test', '8', '--val', '0', '--steps', '4', '--epochs', '4', '--seq-len', '6', '--hidden', '6', '--quiet', ...args, '--save', join(MODELS, name)],
});
export const CASES: HandoffCase[] = [
  fc('forecaster-rnn', ['--column', 'y', '--model', 'rnn', '--difference', '1']),
  fc('forecaster-lstm', ['--column', 'y', '--model', 'lstm', '--difference', '1']),
  fc('forecaster-gru-direct', ['--column', 'y', '--model', 'gru', '--output-steps', '3', '--log', '--detrend', 'linear']),
  fc('forecaster-gru-quantile', ['--column', 'y', '--model', 'gru', '--quantiles', '0.1,0.5,0.9', '--difference', '1']),
  fc('forecaster-mlp-covariate', ['--column', 'y,x', '--model', 'mlp', '--seasonal-difference', '12', '--scaler', 'minmax']),
  fc('forecaster-ar', ['--column', 'y', '--model', 'ar', '--difference', '1'], false),
  fc('forecaster-seasonal-naive', ['--column', 'y', '--model', 'seasonal-naive', '--season', '12', '--log'], false),
  fc('forecaster-drift', ['--column', 'y', '--model', 'drift'], false),
  {
    name: 'lm-char-gru', data: corpus,
    train: ['lm', 'train', corpus, '--level', 'char', '--model', 'gru', '--hidden', '16', '--epochs', '2', '--seq-len', '10', '--batch-size', '4', '--quiet', '--out', join(MODELS, 'lm-char-gru')],
  },
  {
    name: 'lm-char-lstm-embed', data: corpus,
    train: ['lm', 'train', corpus, '--level', 'char', '--model', 'lstm', '--embed', '8', '--hidden', '12', '--layers', '2', '--epochs', '2', '--seq-len', '10', '--batch-size', '4', '--optimizer', 'adam', '--quiet', '--out', join(MODELS, 'lm-char-lstm-embed')],
  },
  {
    name: 'classifier-gru-bi-mean', data: sequences,
    train: ['classify', 'train', '--data', sequences, '--model', 'gru', '--bidirectional', '--pool', 'mean', '--hidden', '8', '--epochs', '3', '--batch-size', '8', '--quiet', '--save', join(MODELS, 'classifier-gru-bi-mean')],
  },
  {
    name: 'classifier-lstm-last', data: sequences,
    train: ['classify', 'train', '--data', sequences, '--model', 'lstm', '--layers', '2', '--pool', 'last', '--hidden', '8', '--epochs', '3', '--batch-size', '8', '--quiet', '--save', join(MODELS, 'classifier-lstm-last')],
  },
  {
    name: 'classifier-rnn-max', data: sequences,
    train: ['classify', 'train', '--data', sequences, '--model', 'rnn', '--pool', 'max', '--hidden', '8', '--epochs', '3', '--batch-size', '8', '--quiet', '--save', join(MODELS, 'classifier-rnn-max')],
  },
];

/** The export command of a case (the golden test runs the same one). */
export function exportArgs(c: HandoffCase, out: string): string[] {
  return ['export', '--model', join(MODELS, c.name), '--format', 'pytorch', '--out', out, ...(c.data ? ['--data', c.data] : []), '--json'];
}

async function cli(args: string[]): Promise<string> {
  let out = '', err = '';
  const code = await runCli(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  if (code !== 0) throw new Error(`rnnkit ${args.join(' ')} exited ${code}: ${err.trim()}`);
  return out;
}

function writeInputs(): void {
  mkdirSync(INPUTS, { recursive: true });
  // a trending seasonal series with a covariate, monthly from 2000-01
  const g = new Generator(42);
  const rows = ['date,y,x'];
  for (let t = 0; t < 72; t++) {
    const date = `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
    const x = Math.cos((2 * Math.PI * t) / 12) + 0.1 * g.normal();
    const y = 10 + 0.08 * t + 1.5 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * x + 0.2 * g.normal();
    rows.push(`${date},${y.toFixed(4)},${x.toFixed(4)}`);
  }
  writeFileSync(series, rows.join('\n') + '\n');
  writeFileSync(corpus, [
    'the quick brown fox jumps over the lazy dog.',
    'a lazy dog sleeps in the warm sun all day long.',
    'the fox runs to the river and drinks the cold water.',
    'when the sun goes down the fox comes back to the den.',
    'the dog wakes up and barks at the moon over the hill.',
    'quick brown foxes and lazy dogs share the green field.',
  ].join('\n').repeat(3) + '\n');
  // three classes of noisy sequences of varying length: rising, falling, flat
  const N = 36, T = 9, F = 2;
  const x = new Float32Array(N * T * F), y = new Int32Array(N), lengths = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const k = i % 3, len = 4 + (i % 6);
    y[i] = k;
    lengths[i] = len;
    for (let t = 0; t < len; t++) {
      const trend = k === 0 ? 0.3 * t : k === 1 ? -0.3 * t : 0;
      x[(i * T + t) * F] = trend + 0.3 * g.normal();
      x[(i * T + t) * F + 1] = Math.sin(t + i) + 0.2 * g.normal();
    }
  }
  writeFileSync(sequences, writeNpz({
    x: { dtype: 'float32', shape: [N, T, F], data: x }, y: { dtype: 'int32', shape: [N], data: y },
    lengths: { dtype: 'int32', shape: [N], data: lengths }, classes: { dtype: 'str', shape: [3], data: ['rising', 'falling', 'flat'] },
  }));
}

/** What `rnnkit forecast` computes, unrounded: the same library calls as src/cli/forecast.ts. */
function libraryForecast(dir: string, steps: number): number[] {
  const saved = loadModel(dir, { source: dir });
  if (saved.kind !== 'forecaster') throw new Error(`${dir}: not a forecaster`);
  const table = data.parseSeriesCsv(readFileSync(series, 'utf8'), { source: series, columns: saved.inputs, target: saved.target });
  const values = table.columns[saved.target]!;
  const chain = new forecast.TransformChain(saved.transforms ?? []);
  const L = chain.lost;
  const cols = saved.inputs.map((c, i) => (i === 0 ? chain.transform(values) : table.columns[c]!.slice(L)));
  const z = cols.map((col, i) => saved.scalers[i]!.transform(col));
  const zf = z.length === 1 ? saved.model.forecast(z[0]!, steps) : (saved.model as forecast.MultivariateForecaster).forecastMultivariate(z, steps)[0]!;
  return chain.invertForecast(saved.scalers[0]!.inverseTransform(zf), values);
}

async function reference(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const steps = 10;
  const table = data.parseSeriesCsv(readFileSync(series, 'utf8'), { source: series, columns: ['y', 'x'], target: 'y' });
  for (const c of CASES) {
    const dir = join(MODELS, c.name);
    if (c.name.startsWith('forecaster')) {
      const values = libraryForecast(dir, steps);
      const json = JSON.parse(await cli(['forecast', '--model', dir, '--data', series, '--steps', String(steps), '--json'])) as { forecast: { value: number }[] };
      // the CLI prints 6 significant digits: the library values must round to exactly those
      values.forEach((v, i) => {
        if (Number(v.toPrecision(6)) !== json.forecast[i]!.value) throw new Error(`${c.name}: step ${i + 1}: library ${v} vs rnnkit forecast ${json.forecast[i]!.value}`);
      });
      const saved = loadModel(dir);
      const inputs = saved.kind === 'forecaster' ? saved.inputs : [];
      out[c.name] = { kind: 'forecaster', steps, inputs: Object.fromEntries(inputs.map((k) => [k, table.columns[k]])), forecast: values, cliForecast: json.forecast.map((r) => r.value) };
    } else if (c.name.startsWith('lm')) {
      const prefix = 'the fox ';
      const run = async (extra: string[]) => (JSON.parse(await cli(['lm', 'generate', '--model', dir, '--prefix', prefix, '--length', '40', '--json', ...extra])) as { tokens: string[]; text: string });
      const greedy = await run(['--temperature', '0']);
      const sampled = await run(['--temperature', '0.9', '--seed', '7']);
      const topk = await run(['--temperature', '1.2', '--seed', '3', '--top-k', '5']);
      out[c.name] = {
        kind: 'language-model', prefix, length: 40,
        greedy: { tokens: greedy.tokens, text: greedy.text },
        sampled: { temperature: 0.9, seed: 7, topK: null, tokens: sampled.tokens },
        sampledTopK: { temperature: 1.2, seed: 3, topK: 5, tokens: topk.tokens },
      };
    } else {
      const saved = loadModel(dir);
      if (saved.kind !== 'classifier') throw new Error(`${dir}: not a classifier`);
      const d = readSequenceData(sequences);
      const lengths = Array.from(d.lengths!);
      saved.model.eval(); // one batch of all samples, as rnnkit classify predict runs up to 256
      const logits = noGrad(() => saved.model.forward(d.x, lengths));
      const json = JSON.parse(await cli(['classify', 'predict', '--model', dir, '--data', sequences, '--json'])) as { predictions: { class: string }[] };
      const [N, T, F] = d.x.shape as [number, number, number];
      out[c.name] = {
        kind: 'classifier', x: { shape: [N, T, F], data: Array.from(d.x.contiguous().data) }, lengths,
        logits: { shape: logits.shape, data: Array.from(logits.contiguous().data) }, classes: json.predictions.map((p) => p.class),
      };
    }
  }
  return out;
}

async function main(): Promise<void> {
  const retrain = process.argv.includes('--retrain');
  if (retrain || !existsSync(MODELS)) {
    rmSync(MODELS, { recursive: true, force: true });
    writeInputs();
  }
  // every model absent (all of them after --retrain) is trained; the others are kept as committed
  const missing = CASES.filter((c) => !existsSync(join(MODELS, c.name)));
  if (missing.length > 0) {
    const reports = mkdtempSync(join(tmpdir(), 'rnnkit-handoff-'));
    for (const c of missing) {
      const args = c.train[0] === 'train' ? [...c.train, '--out', join(reports, c.name)] : c.train;
      await cli(args);
      console.log(`trained ${c.name}`);
    }
    rmSync(reports, { recursive: true, force: true });
  }
  mkdirSync(GOLDEN, { recursive: true });
  for (const c of CASES) {
    const r = JSON.parse(await cli(exportArgs(c, join(GOLDEN, c.name)))) as { files: string[] };
    console.log(`exported ${c.name}: ${r.files.join(', ')}`);
  }
  writeFileSync(join(ROOT, 'reference.json'), JSON.stringify(await reference()) + '\n');
  console.log(`wrote ${join(ROOT, 'reference.json')}; now run: /usr/bin/python3 tools/reference/pytorch_handoff.py`);
}

if (process.argv[1]?.endsWith('pytorch-handoff.ts')) await main();

export type { models };
