// The worked example of docs/language-models.md: three language models, their perplexity per
// epoch (printed as a terminal chart, saved as SVG), timings and generated samples.
//
//   1. d2l's setup (Dive into Deep Learning §9.5): a 10,000-character English slice, lower-case
//      letters and space only (brown-news.txt here, The Time Machine in d2l), one-hot input, tanh
//      RNN with 256 hidden units, seq 35, batch 32, sequential partitioning, SGD lr 1, clip 1.
//   2. Tang poems (tang.txt, 6,000 lines), character level, GRU, last 10% held out.
//   3. English news (brown-news.txt), word level (wink-nlp tokens, lower-cased), LSTM, last 10% held out.
//
//   npx tsx examples/lm-worked-example.ts [--only d2l|tang|brown] [--quick] [--out lm-out]
//
// --quick runs every experiment for a couple of epochs on a slice (the test suite does this).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Generator, models, plot, train } from '../src/index.js';
import { tokenize } from '../src/text/index.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const TEXT = join(ROOT, 'test', 'fixtures', 'text');

export interface Experiment {
  name: string;
  description: string;
  corpus: () => models.LmCorpus;
  model: models.RNNLMOptions;
  train: Omit<train.LmTrainOptions, 'onEpoch' | 'onProgress' | 'val' | 'generator'>;
  /** Fraction of the tokens held out at the end (0: none). */
  val: number;
  prefix: string;
  sample: models.GenerateOptions;
}

export interface ExperimentResult {
  name: string;
  description: string;
  vocabSize: number;
  tokens: number;
  trainTokens: number;
  parameters: number;
  history: { epoch: number; perplexity: number; valPerplexity: number | null; seconds: number }[];
  seconds: number;
  sample: string;
}

/** d2l's preprocessing: every run of non-letters becomes one space, lower-cased; the first n characters. */
export function d2lText(raw: string, n: number): string {
  return raw.split('\n').map((l) => l.replace(/[^A-Za-z]+/g, ' ').trim().toLowerCase()).filter(Boolean).join(' ').slice(0, n);
}

export function experiments(quick: boolean): Experiment[] {
  const brown = () => readFileSync(join(TEXT, 'brown-news.txt'), 'utf8');
  const tang = () => readFileSync(join(TEXT, 'tang.txt'), 'utf8');
  const lines = (s: string, n: number) => s.split('\n').slice(0, n).join('\n');
  return [
    {
      name: 'd2l',
      description: "d2l's setup: 10k characters (a-z and space), one-hot, RNN 256, seq 35, batch 32, SGD lr 1, clip 1, sequential",
      corpus: () => models.buildLmCorpus(d2lText(brown(), quick ? 2000 : 10_000), { level: 'char' }),
      model: { cell: 'rnn', hiddenSize: quick ? 32 : 256, embedDim: 0 },
      train: { epochs: quick ? 2 : 500, batchSize: 32, seqLen: 35, lr: 1, optimizer: 'sgd', clip: 1, iterator: 'sequential' },
      val: 0,
      prefix: 'the jury',
      sample: { length: 50, temperature: 0 },
    },
    {
      name: 'tang',
      description: 'Tang poems, character level: embedding 128, GRU 128, seq 35, batch 32, Adam lr 0.005, clip 1, last 10% held out',
      corpus: () => models.buildLmCorpus(quick ? lines(tang(), 100) : tang(), { level: 'char' }),
      model: { cell: 'gru', hiddenSize: quick ? 16 : 128, embedDim: quick ? 8 : 128 },
      train: { epochs: quick ? 2 : 5, batchSize: 32, seqLen: 35, lr: 0.005, optimizer: 'adam', clip: 1, iterator: 'sequential' },
      val: 0.1,
      prefix: '白日',
      sample: { length: 46, temperature: 0.8, topK: 20, seed: 1 },
    },
    {
      name: 'brown',
      description: 'English news, word level (lower-cased, 3,000 most frequent words, the rest <unk>): embedding 128, LSTM 128, seq 35, batch 32, Adam lr 0.005, clip 1, last 10% held out',
      corpus: () => models.buildLmCorpus(quick ? lines(brown(), 80) : brown(), { level: 'word', lowercase: true, maxSize: quick ? 500 : 3000, wordTokenizer: tokenize }),
      model: { cell: 'lstm', hiddenSize: quick ? 16 : 128, embedDim: quick ? 8 : 128 },
      train: { epochs: quick ? 2 : 4, batchSize: 32, seqLen: 35, lr: 0.005, optimizer: 'adam', clip: 1, iterator: 'sequential' },
      val: 0.1,
      prefix: 'the jury said',
      sample: { length: 30, temperature: 0.8, topK: 20, seed: 1 },
    },
  ];
}

export function runExperiment(e: Experiment, log: (s: string) => void = () => {}): ExperimentResult {
  const c = e.corpus();
  const N = c.ids.length;
  const nVal = Math.floor(N * e.val);
  const trainIds = c.ids.subarray(0, N - nVal);
  const gen = new Generator(0);
  const model = new models.RNNLM(c.vocab.size, { ...e.model, generator: gen });
  log(`${e.name}: ${e.description}\n  vocabulary ${c.vocab.size}, ${N} tokens (${trainIds.length} for training), ${model.parameters().reduce((s, p) => s + p.numel(), 0)} parameters\n`);
  const every = Math.max(1, Math.round(e.train.epochs / 10));
  const r = train.trainLm(model, trainIds, {
    ...e.train, generator: gen, val: nVal > 0 ? c.ids.subarray(N - nVal) : undefined,
    onEpoch: (ep) => {
      if (ep.epoch % every === 0 || ep.epoch === 1) {
        log(`  epoch ${ep.epoch}/${ep.epochs}  perplexity ${ep.perplexity.toFixed(3)}${ep.valPerplexity === null ? '' : `  val ${ep.valPerplexity.toFixed(2)}`}  ${ep.seconds.toFixed(2)} s\n`);
      }
    },
  });
  const lm = new models.TextLM(model, c.vocab, c.tokenizer, { wordTokenizer: tokenize });
  const sample = lm.generate(e.prefix, e.sample).text;
  log(`  ${r.seconds.toFixed(1)} s in all; sample: ${JSON.stringify(sample)}\n`);
  return {
    name: e.name, description: e.description, vocabSize: c.vocab.size, tokens: N, trainTokens: trainIds.length,
    parameters: model.parameters().reduce((s, p) => s + p.numel(), 0),
    history: r.history.map((h) => ({ epoch: h.epoch, perplexity: h.perplexity, valPerplexity: h.valPerplexity, seconds: h.seconds })),
    seconds: r.seconds, sample,
  };
}

/** Perplexity per epoch as a Vega-Lite chart (log scale): train solid, held-out dashed. */
export function perplexitySpec(results: ExperimentResult[]): plot.TopLevelSpec {
  return plot.lossCurvesSpec(
    Object.fromEntries(results.map((r) => [r.name, { train: r.history.map((h) => h.perplexity), val: r.history.some((h) => h.valPerplexity !== null) ? r.history.map((h) => h.valPerplexity) : null }])),
    { title: 'Language models: perplexity per epoch', yLabel: 'perplexity', logScale: true },
  );
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const only = arg('--only');
  const out = arg('--out') ?? 'lm-out';
  const list = experiments(quick).filter((e) => !only || e.name === only);
  if (list.length === 0) throw new Error(`--only: no experiment named '${only}' (d2l, tang, brown)`);
  mkdirSync(out, { recursive: true });
  const results: ExperimentResult[] = [];
  for (const e of list) {
    const r = runExperiment(e, (s) => void process.stdout.write(s));
    results.push(r);
    const series: Record<string, (number | null)[]> = { train: r.history.map((h) => h.perplexity) };
    if (r.history.some((h) => h.valPerplexity !== null)) series.val = r.history.map((h) => h.valPerplexity);
    process.stdout.write(plot.terminalChart(series, { height: 8 }) + '\n\n');
    writeFileSync(join(out, `${r.name}.json`), JSON.stringify(r, null, 2) + '\n');
    writeFileSync(join(out, `${r.name}.svg`), await plot.renderSvg(perplexitySpec([r])));
  }
  process.stdout.write(`wrote ${out}/{${results.map((r) => r.name).join(',')}}.{json,svg}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
