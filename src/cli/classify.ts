// `rnnkit classify train | eval | predict | demo`: sequence classification from the command line.
// The work is done by models.SequenceClassifier and train.trainClassifier; this file reads the
// data (safetensors, .npz, PNG folders, the bundled sets), parses options, prints and writes files.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { data, manualSeed, models, plot, train } from '../index.js';
import { checkSameClasses, type SequenceData } from '../data/sequences.js';
import type { ClassifierInput, SavedClassifier } from '../io/classifier-config.js';
import { checkModelTarget, loadModel, saveModel } from '../io/model-files.js';
import { readSequenceData, type ReadSequenceOptions } from '../io/sequence-files.js';
import { checkMemory } from '../memory.js';
import { svgToPng } from '../plot/png.js';
import { CliError } from './errors.js';
import { checkReportDir, REPORT_FORMAT, writeFileAtomic } from './fs.js';
import { choiceOption, countOrFraction, floatOption, intOption, nonNegative } from './options.js';
import { progressBar, type Progress } from './progress.js';

type Out = (s: string) => void;
export interface ClassifyCliIO {
  stdout: Out;
  stderr: Out;
}

/** Data names that read a bundled set instead of a file. */
export const BUILTIN_DATA = ['digits', 'digits-pixels', 'moving-shapes'] as const;
type Builtin = (typeof BUILTIN_DATA)[number];

interface ReadFlags {
  mode: 'rows' | 'frames' | 'auto';
  color: 'grey' | 'rgb';
  resize?: [number, number];
}

interface TrainFlags extends ReadFlags {
  data: string;
  testData?: string;
  test?: number;
  val: number;
  model: models.ClassifierCell;
  hidden: number;
  layers: number;
  bidirectional?: boolean;
  dropout: number;
  pool: models.Pooling;
  epochs: number;
  lr: number;
  batchSize: number;
  weightDecay: number;
  clip?: number;
  lrSchedule: 'constant' | 'cosine';
  classWeights: 'none' | 'balanced';
  shift: number;
  patience?: number;
  seed: number;
  save?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

interface UseFlags extends Partial<ReadFlags> {
  model: string;
  data: string;
  json?: boolean;
}

/**
 * The demo's recipe on the bundled digits, read row by row (8 steps of 8 pixels): a
 * bidirectional GRU with mean pooling, AdamW with weight decay and cosine-annealed lr, ±1-pixel shifts. See
 * docs/classification.md for how it was chosen and PyTorch's figure for the same recipe.
 */
export const DEMO_RECIPE = {
  model: 'gru', hidden: 64, layers: 1, bidirectional: true, dropout: 0, pool: 'mean',
  epochs: 80, lr: 0.01, batchSize: 32, weightDecay: 0.05, shift: 1, seed: 0, lrSchedule: 'cosine',
} as const;

const REPORT_FILES = ['loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.png', 'confusion.svg', 'confusion.png', 'report.html', 'results.json'];
const r4 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

function resizeOption(v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/i.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[1]) > 65_536 || Number(m[2]) > 65_536) throw new CliError(`--resize must be HEIGHTxWIDTH like 28x28, got '${v}'`);
  return [Number(m[1]), Number(m[2])];
}

function readOptions(c: Command): Command {
  return c
    .option('--mode <mode>', 'image folders: rows (each image read row by row), frames (a folder of frames per sample) or auto', choiceOption('mode', ['rows', 'frames', 'auto'] as const), 'auto')
    .option('--color <c>', 'image folders: grey or rgb', choiceOption('color', ['grey', 'rgb'] as const), 'grey')
    .option('--resize <HxW>', 'image folders: resize every image (bilinear) to this size', resizeOption);
}

export function registerClassifyCommands(program: Command, io: ClassifyCliIO): void {
  const cmd = program.command('classify').description('sequence classification: an RNN/LSTM/GRU reads a whole sequence and names its class');
  const dataHelp = `safetensors or .npz with x [N,T,F], y [N] (and lengths [N]), a folder of class folders of PNGs, or a bundled set: ${BUILTIN_DATA.join(', ')}`;

  readOptions(cmd.command('train')
    .description('train a classifier, report held-out metrics, optionally save it and write a report')
    .requiredOption('--data <path>', dataHelp)
    .option('--test-data <path>', 'held-out test set (same format); default: --test of --data')
    .option('--test <fraction>', 'hold out this fraction of --data (stratified) as the test set when there is no --test-data (default 0.2; digits: the classic second half)', countOrFraction('test'))
    .option('--val <fraction>', 'hold out this fraction of the training data (stratified) for validation: best epoch and early stopping; 0 = none', nonNegative('val', { below: 1 }), 0)
    .option('--model <cell>', 'rnn, lstm or gru', choiceOption('model', models.CLASSIFIER_CELLS), 'lstm')
    .option('--hidden <n>', 'hidden units', intOption('hidden'), 64)
    .option('--layers <n>', 'recurrent layers', intOption('layers'), 1)
    .option('--bidirectional', 'read each sequence both ways')
    .option('--dropout <p>', 'dropout between layers and before the head', nonNegative('dropout', { below: 1 }), 0)
    .option('--pool <how>', 'last (final hidden state), mean or max over the real steps', choiceOption('pool', models.POOLINGS), 'last')
    .option('--epochs <n>', 'passes over the training data', intOption('epochs'), 30)
    .option('--lr <x>', 'learning rate', floatOption('lr', { positive: true }), 0.003)
    .option('--batch-size <n>', 'samples per batch', intOption('batch-size'), 32)
    .option('--weight-decay <x>', 'decoupled weight decay (AdamW); 0 = Adam', nonNegative('weight-decay'), 0)
    .option('--clip <x>', 'clip the gradient norm to this', floatOption('clip', { positive: true }))
    .option('--lr-schedule <s>', 'constant, or cosine: anneal the learning rate to 0 over the epochs', choiceOption('lr-schedule', ['constant', 'cosine'] as const), 'constant')
    .option('--class-weights <w>', 'none or balanced (N / (C · count), for imbalanced classes)', choiceOption('class-weights', ['none', 'balanced'] as const), 'none')
    .option('--shift <k>', 'augment images read as rows: random shifts of up to k pixels per axis', intOption('shift', 0), 0)
    .option('--patience <n>', 'early stopping: stop after n epochs without a better validation loss (needs --val)', intOption('patience'))
    .option('--seed <n>', 'seed for the initial weights, the splits and the batches', intOption('seed', 0), 0)
    .option('--save <path>', 'model directory to write, or one model file when the path ends in .safetensors')
    .option('--out <dir>', 'report directory (loss, accuracy and confusion charts, report.html, results.json)')
    .option('--json', 'print one JSON object on stdout')
    .option('-q, --quiet', 'no progress bar and no per-epoch lines'))
    .action(async (o: TrainFlags) => trainCommand(o, io));

  readOptions(cmd.command('eval')
    .description('metrics of a saved classifier on labelled data')
    .requiredOption('--model <dir>', 'model directory written by `rnnkit classify train --save`')
    .requiredOption('--data <path>', dataHelp)
    .option('--json', 'print one JSON object on stdout'))
    .action((o: UseFlags) => evalCommand(o, io));

  readOptions(cmd.command('predict')
    .description('the class and class probabilities of every sample')
    .requiredOption('--model <dir>', 'model directory written by `rnnkit classify train --save`')
    .requiredOption('--data <path>', dataHelp)
    .option('--json', 'print one JSON object on stdout'))
    .action((o: UseFlags) => predictCommand(o, io));

  cmd.command('demo')
    .description('the bundled 8×8 digits read row by row: train the default recipe, print metrics and the confusion matrix, write a report')
    .option('--epochs <n>', `passes over the training data (default ${DEMO_RECIPE.epochs})`, intOption('epochs'), DEMO_RECIPE.epochs)
    .option('--seed <n>', 'seed', intOption('seed', 0), DEMO_RECIPE.seed)
    .option('--out <dir>', 'report directory', 'rnnkit-classify')
    .option('--json', 'print one JSON object on stdout')
    .option('-q, --quiet', 'no progress bar and no per-epoch lines')
    .action(async (o: { epochs: number; seed: number; out: string; json?: boolean; quiet?: boolean }) => trainCommand({
      ...DEMO_RECIPE, epochs: o.epochs, seed: o.seed, data: 'digits', val: 0, classWeights: 'none', mode: 'auto', color: 'grey',
      out: o.out, json: o.json, quiet: o.quiet,
    }, io, 'demo'));
}

/** A bundled set, or a file/folder; builtin digits come with their classic test half. */
function readData(path: string, f: Partial<ReadFlags>, option: string): { data: SequenceData; test?: SequenceData; images?: ClassifierInput['images'] } {
  if ((BUILTIN_DATA as readonly string[]).includes(path)) {
    const name = path as Builtin;
    if (name === 'moving-shapes') return { data: data.movingShapes({ n: 600, seed: 0 }) };
    const split = data.digitsSplit({ layout: name === 'digits' ? 'rows' : 'pixels' });
    return { data: split.train, test: split.test, images: name === 'digits' ? { mode: 'rows', color: 'grey', resize: null } : undefined };
  }
  const opts: ReadSequenceOptions = {};
  const isImages = /\/$/.test(path) || !/\.(npz|safetensors|npy)$/i.test(path);
  if (isImages) {
    opts.mode = f.mode ?? 'auto';
    opts.color = f.color ?? 'grey';
    if (f.resize) opts.resize = f.resize;
  }
  try {
    const d = readSequenceData(path, opts);
    const images = isImages ? { mode: imageMode(d, f.mode ?? 'auto'), color: f.color ?? 'grey', resize: f.resize ?? null } : undefined;
    return { data: d, images };
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e as { code?: string }).code === 'ENOENT') throw new CliError(`${option} ${path}: no such file or folder`);
    throw e;
  }
}

/** rows or frames, as the reader decided for mode auto (frames give variable lengths or F = h·w·c). */
function imageMode(d: SequenceData, asked: 'rows' | 'frames' | 'auto'): 'rows' | 'frames' {
  if (asked !== 'auto') return asked;
  return /frames/.test(d.source) || d.lengths !== null ? 'frames' : 'rows';
}

async function trainCommand(o: TrainFlags, io: ClassifyCliIO, label = 'classify'): Promise<void> {
  if (o.save) checkModelTarget(o.save, '--save'); // refusals come before the training, not after it
  if (o.out) checkReportDir(resolve(o.out), REPORT_FILES, '--out');
  if (o.patience !== undefined && !(o.val > 0)) throw new CliError('--patience needs a validation set: give --val, e.g. --val 0.1');
  if (o.testData !== undefined && o.test !== undefined) throw new CliError('give either --test-data or --test, not both');
  const t0 = performance.now();
  const read = readData(o.data, o, '--data');
  let trainSet = read.data;
  let testSet: SequenceData;
  let testFrom: string;
  if (o.testData !== undefined) {
    testSet = checkSameClasses(trainSet, readData(o.testData, o, '--test-data').data);
    testFrom = o.testData;
  } else if (read.test && o.test === undefined) {
    testSet = read.test;
    testFrom = `${o.data} (the classic second half)`;
  } else {
    const frac = o.test ?? 0.2;
    const n = trainSet.y.length;
    const fraction = frac >= 1 ? frac / n : frac;
    if (!(fraction < 1)) throw new CliError(`--test ${frac} leaves no training data of ${n} samples`);
    const s = train.stratifiedSplit(trainSet, fraction, o.seed);
    trainSet = s.train;
    testSet = s.val;
    testFrom = `${Math.round(fraction * 100)}% of ${o.data}, stratified`;
  }
  let valSet: SequenceData | null = null;
  if (o.val > 0) {
    const s = train.stratifiedSplit(trainSet, o.val, o.seed + 1);
    trainSet = s.train;
    valSet = s.val;
  }
  const [, T, F] = trainSet.x.shape as [number, number, number];
  const C = trainSet.classes.length;
  if (C < 2) throw new CliError(`${o.data}: the training data has ${C} class; a classifier needs at least 2`);
  const arch = { inputSize: F, numClasses: C, cell: o.model, hiddenSize: o.hidden, numLayers: o.layers, bidirectional: o.bidirectional === true, dropout: o.dropout, pool: o.pool };
  const gates = o.model === 'lstm' ? 4 : o.model === 'gru' ? 3 : 1;
  const D = arch.bidirectional ? 2 : 1;
  checkMemory(`--model ${o.model} --hidden ${o.hidden} --layers ${o.layers} on ${F} features × ${T} steps, --batch-size ${o.batchSize}`, (D * gates * o.hidden * (F + o.hidden) * o.layers * 4 + o.batchSize * T * D * o.hidden * o.layers * (gates + 2)) * 4 * 4);
  manualSeed(o.seed);
  const model = new models.SequenceClassifier(arch);
  const show = !o.json && !o.quiet;
  let bar: Progress | null = null;
  let result: train.ClassifierTrainResult;
  try {
    result = train.trainClassifier(model, { train: trainSet, val: valSet }, {
      epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, seed: o.seed,
      optimizer: o.weightDecay > 0 ? 'adamw' : 'adam', weightDecay: o.weightDecay > 0 ? o.weightDecay : undefined, lrSchedule: o.lrSchedule,
      clipGradNorm: o.clip, classWeights: o.classWeights === 'balanced' ? 'balanced' : undefined,
      augment: o.shift > 0 ? { shift: o.shift, channels: read.images?.color === 'rgb' ? 3 : 1 } : undefined,
      earlyStopping: o.patience !== undefined ? { patience: o.patience } : undefined,
      onProgress: (e) => {
        bar ??= progressBar(label, show);
        bar.onProgress(e);
      },
      onEpoch: (e) => {
        bar?.stop();
        bar = null;
        if (show) {
          const val = e.val === null ? '' : `  val loss ${e.val.toFixed(4)} acc ${(100 * e.valAccuracy!).toFixed(1)}%`;
          io.stdout(`epoch ${String(e.epoch).padStart(String(e.epochs).length)}/${e.epochs}  loss ${e.train.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(1)}%${val}\n`);
        }
      },
    });
  } finally {
    (bar as Progress | null)?.stop();
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const report = train.evaluateClassifier(model, testSet);
  const history = {
    train: result.history.train.map(r4), val: result.history.val?.map(r4) ?? null,
    trainAccuracy: result.history.trainAccuracy.map(r4), valAccuracy: result.history.valAccuracy?.map(r4) ?? null,
  };
  const outcome = { keptEpoch: result.keptEpoch, bestEpoch: result.bestEpoch, stopReason: result.stopReason, diverged: result.diverged, message: result.message };
  const hyper = {
    data: o.data, model: o.model, hidden: o.hidden, layers: o.layers, bidirectional: arch.bidirectional, dropout: o.dropout, pool: o.pool,
    epochs: o.epochs, lr: o.lr, lrSchedule: o.lrSchedule, batchSize: o.batchSize, weightDecay: o.weightDecay, clip: o.clip ?? null, classWeights: o.classWeights, shift: o.shift, seed: o.seed,
  };
  const test = testSummary(report);
  const sizes = { train: trainSet.y.length, val: valSet?.y.length ?? 0, test: testSet.y.length, steps: T, features: F, classes: trainSet.classes };
  const files: Record<string, string> = {};
  if (o.save) {
    const saved: SavedClassifier = {
      kind: 'classifier', model, classes: trainSet.classes, input: { features: F, steps: T, ...(read.images ? { images: read.images } : {}) },
      test: { accuracy: test.accuracy, macroF1: test.macroF1, samples: testSet.y.length, from: testFrom }, training: { ...hyper, ...outcome, history, seconds: r4(trainSeconds) },
    };
    saveModel(resolve(o.save), saved, '--save');
    files.model = resolve(o.save);
  }
  const summary = { ...hyper, sizes, testFrom, ...outcome, test, history, seconds: r4((performance.now() - t0) / 1000) };
  if (o.out) Object.assign(files, await writeReport(resolve(o.out), summary, report, trainSet.classes, result));
  if (o.json) {
    io.stdout(JSON.stringify({ ...summary, files }) + '\n');
    return;
  }
  if (result.message) io.stdout(`note: ${result.message}\n`);
  io.stdout(`\n${o.model}${arch.bidirectional ? ' (bidirectional)' : ''} hidden ${o.hidden}, ${o.pool} pooling: trained on ${sizes.train} sequences of ≤ ${T} steps × ${F} features${sizes.val ? `, ${sizes.val} for validation` : ''}; test: ${testFrom}, ${sizes.test} sequences\n\n`);
  io.stdout(metricsText(report, trainSet.classes) + '\n');
  io.stdout(plot.terminalConfusionMatrix(report.confusion, { classes: trainSet.classes }) + '\n');
  io.stdout(`accuracy ${(100 * report.accuracy).toFixed(2)}%  macro-F1 ${report.macroF1.toFixed(4)}  in ${trainSeconds.toFixed(1)} s\n`);
  for (const [k, v] of Object.entries(files)) io.stdout(`${k.padEnd(12)} ${v}\n`);
}

function testSummary(r: train.ClassificationReport) {
  return {
    accuracy: r4(r.accuracy), macroF1: r4(r.macroF1), weightedF1: r4(r.weightedF1),
    perClass: r.perClass.map((c) => ({ class: c.class, precision: r4(c.precision), recall: r4(c.recall), f1: r4(c.f1), support: c.support })),
    confusion: r.confusion,
  };
}

function metricsText(r: train.ClassificationReport, classes: readonly string[]): string {
  const rows: (string | number)[][] = r.perClass.map((c, i) => [classes[i] ?? c.class, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), c.support]);
  const n = r.perClass.reduce((s, c) => s + c.support, 0);
  rows.push(['macro avg', mean(r.perClass.map((c) => c.precision)).toFixed(3), mean(r.perClass.map((c) => c.recall)).toFixed(3), r.macroF1.toFixed(3), n]);
  rows.push(['accuracy', '', '', r.accuracy.toFixed(3), n]);
  return plot.metricsTable(['class', 'precision', 'recall', 'F1', 'support'], rows);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);

async function writeReport(dir: string, summary: Record<string, unknown>, report: train.ClassificationReport, classes: string[], result: train.ClassifierTrainResult): Promise<Record<string, string>> {
  const h = result.history;
  const lossSvg = await plot.renderSvg(plot.lossCurvesSpec({ classifier: { train: h.train, val: h.val } }, { title: 'Cross-entropy loss per epoch', logScale: true }));
  const accSvg = await plot.renderSvg(plot.accuracyCurvesSpec({ classifier: { train: h.trainAccuracy, val: h.valAccuracy } }, { title: 'Accuracy per epoch' }));
  const confSvg = await plot.renderSvg(plot.confusionMatrixSpec(report.confusion, { classes, title: `Test confusion matrix (accuracy ${(100 * report.accuracy).toFixed(1)}%)` }));
  const rows: (string | number)[][] = report.perClass.map((c, i) => [classes[i] ?? c.class, c.precision, c.recall, c.f1, c.support]);
  rows.push(['macro', '', '', report.macroF1, report.perClass.reduce((s, c) => s + c.support, 0)]);
  const html = plot.htmlReport({
    title: 'rnnkit: sequence classification',
    subtitle: `test accuracy ${(100 * report.accuracy).toFixed(2)}% · macro-F1 ${report.macroF1.toFixed(4)}`,
    metrics: { columns: ['class', 'precision', 'recall', 'F1', 'support'], rows },
    charts: [
      { title: h.val ? 'Loss curves (train solid, validation dashed)' : 'Loss curve (train)', svg: lossSvg },
      { title: 'Accuracy curves', svg: accSvg },
      { title: 'Confusion matrix (rows: true class, columns: predicted)', svg: confSvg },
    ],
    notes: [result.message ?? `The model holds the weights of epoch ${result.keptEpoch}.`],
  });
  const files: Record<string, string> = {};
  for (const [name, svg] of [['loss', lossSvg], ['accuracy', accSvg], ['confusion', confSvg]] as const) {
    files[`${name}Svg`] = join(dir, `${name}.svg`);
    files[`${name}Png`] = join(dir, `${name}.png`);
    writeFileAtomic(files[`${name}Svg`]!, svg);
    writeFileAtomic(files[`${name}Png`]!, svgToPng(svg));
  }
  files.report = join(dir, 'report.html');
  files.results = join(dir, 'results.json');
  writeFileAtomic(files.report, html);
  writeFileAtomic(files.results, JSON.stringify({ format: REPORT_FORMAT, ...summary, files }, null, 2) + '\n');
  return files;
}

function loadClassifier(dir: string): SavedClassifier {
  const saved = loadModel(resolve(dir), { source: dir });
  if (saved.kind !== 'classifier') throw new CliError(`--model ${dir}: a ${saved.kind} directory, not a classifier`);
  return saved;
}

/** Reads --data as the saved model reads it, with labels mapped to the model's class ids by name. */
function readForModel(saved: SavedClassifier, o: UseFlags): SequenceData {
  const im = saved.input.images;
  const d = readData(o.data, { mode: o.mode ?? im?.mode ?? 'auto', color: o.color ?? im?.color ?? 'grey', resize: o.resize ?? im?.resize ?? undefined }, '--data').data;
  const F = d.x.shape[2]!;
  if (F !== saved.input.features) throw new CliError(`--data ${o.data}: ${F} features per step, but the model reads ${saved.input.features}`);
  const index = new Map(saved.classes.map((c, i) => [c, i]));
  const y = new Int32Array(d.y.length);
  for (let i = 0; i < d.y.length; i++) {
    const name = d.classes[d.y[i]!]!;
    const k = index.get(name);
    if (k === undefined) throw new CliError(`--data ${o.data}: class ${JSON.stringify(name)} (sample ${i}) is not one of the model's classes (${saved.classes.slice(0, 20).join(', ')}${saved.classes.length > 20 ? ', …' : ''})`);
    y[i] = k;
  }
  return { ...d, y, classes: saved.classes };
}

function evalCommand(o: UseFlags, io: ClassifyCliIO): void {
  const saved = loadClassifier(o.model);
  const d = readForModel(saved, o);
  const report = train.evaluateClassifier(saved.model, d);
  if (o.json) {
    io.stdout(JSON.stringify({ model: resolve(o.model), data: o.data, samples: d.y.length, test: testSummary(report) }) + '\n');
    return;
  }
  io.stdout(metricsText(report, saved.classes) + '\n');
  io.stdout(plot.terminalConfusionMatrix(report.confusion, { classes: saved.classes }) + '\n');
  io.stdout(`accuracy ${(100 * report.accuracy).toFixed(2)}%  macro-F1 ${report.macroF1.toFixed(4)}  on ${d.y.length} samples\n`);
}

function predictCommand(o: UseFlags, io: ClassifyCliIO): void {
  const saved = loadClassifier(o.model);
  const d = readForModel(saved, o);
  const proba = train.predictProba(saved.model, d);
  const C = saved.classes.length;
  const p = proba.contiguous().data;
  const rows = Array.from({ length: d.y.length }, (_, i) => {
    const probs = Array.from(p.subarray(i * C, (i + 1) * C), r4);
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[c]! > probs[best]!) best = c;
    return { index: i, class: saved.classes[best]!, probability: probs[best]!, probabilities: Object.fromEntries(saved.classes.map((c, k) => [c, probs[k]!])) };
  });
  if (o.json) {
    io.stdout(JSON.stringify({ model: resolve(o.model), data: o.data, classes: saved.classes, predictions: rows }) + '\n');
    return;
  }
  io.stdout(plot.metricsTable(['sample', 'class', 'probability'], rows.map((r) => [r.index, r.class, r.probability.toFixed(4)])) + '\n');
}

