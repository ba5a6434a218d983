// `rnnkit diagnose`: the vanishing/exploding-gradient picture (tutorial §6) of an Elman RNN on the
// adding problem. Per epoch (row 0 = at initialisation) it measures ‖∂L/∂h_t‖ for every step on a
// fixed probe batch, the spectral radius of W_hh and the test MSE against the trivial 1/6; it writes
// the heatmap (SVG, PNG), the per-parameter gradient norms and results.json.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { data, Generator, nn, plot, train, type Tensor } from '../node.js';
import { GradNormHistory, hiddenGradHeatmapSpec, hiddenGradNorms, paramGradNormsSpec, recurrentSpectra } from '../diagnostics/index.js';
import { svgToPng } from '../plot/png.js';
import { CliError } from './errors.js';
import { checkReportDir, REPORT_FORMAT, writeFileAtomic } from './fs.js';
import { checkMemory } from '../memory.js';
import { choiceOption, floatOption, intOption } from './options.js';

export interface DiagnoseIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

const INITS = ['default', 'orthogonal', 'identity'] as const;
type InitName = (typeof INITS)[number];

interface DiagnoseFlags {
  init: InitName;
  nonlinearity: nn.Nonlinearity;
  seqLen: number;
  hidden: number;
  epochs: number;
  samples: number;
  batchSize: number;
  lr: number;
  clip: number;
  probe: number;
  seed: number;
  out: string;
  json?: boolean;
}

/** RNN (batch-first) → last state → Linear → the sum. */
class AddingModel extends nn.Module {
  readonly rnn: nn.RNN;
  readonly head: nn.Linear;

  constructor(f: DiagnoseFlags, g: Generator) {
    super();
    this.rnn = this.registerModule('rnn', new nn.RNN(2, f.hidden, { nonlinearity: f.nonlinearity, batchFirst: true, generator: g }));
    this.head = this.registerModule('head', new nn.Linear(f.hidden, 1, { generator: g }));
  }

  /** The prediction from the RNN's output [B,T,H]. */
  readout(out: Tensor): Tensor {
    return this.head.forward(out.select(1, out.shape[1]! - 1));
  }

  override forward(x: Tensor): Tensor {
    return this.readout(this.rnn.forward(x)[0]);
  }
}

/**
 * The initialisations compared (PyTorch's default is U(±1/√H) for every RNN parameter):
 * orthogonal W_hh (Saxe et al. 2014) with zero biases; identity W_hh, zero biases and W_ih ~ N(0, 0.001²)
 * (with --nonlinearity relu this is the IRNN of Le et al. 2015).
 */
function initialise(rnn: nn.RNN, init: InitName, g: Generator): void {
  if (init === 'orthogonal') {
    nn.init.initParameters(rnn, [
      { pattern: /^weight_hh/, init: (t) => nn.init.orthogonal_(t, 1, g) },
      { pattern: /^bias/, init: nn.init.zeros_ },
    ]);
  } else if (init === 'identity') {
    nn.init.initParameters(rnn, [
      { pattern: /^weight_hh/, init: nn.init.eye_ },
      { pattern: /^weight_ih/, init: (t) => nn.init.normal_(t, 0, 0.001, g) },
      { pattern: /^bias/, init: nn.init.zeros_ },
    ]);
  }
}

const r4 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

export function registerDiagnoseCommands(program: Command, io: DiagnoseIO): void {
  program.command('diagnose')
    .description('gradient flow of an RNN on the adding problem: ‖∂L/∂h_t‖ per step and epoch, spectral radius of W_hh, test MSE vs the trivial 1/6')
    .option('--init <name>', 'default (PyTorch U(±1/√H)), orthogonal, or identity (IRNN with --nonlinearity relu)', choiceOption('init', INITS), 'default')
    .option('--nonlinearity <f>', 'tanh or relu', choiceOption('nonlinearity', ['tanh', 'relu'] as const), 'tanh')
    .option('--seq-len <n>', 'sequence length T of the adding problem', intOption('seq-len', 2), 50)
    .option('--hidden <n>', 'hidden units', intOption('hidden'), 32)
    .option('--epochs <n>', 'training epochs (0: only measure at initialisation)', intOption('epochs', 0), 5)
    .option('--samples <n>', 'training sequences (a fresh test set of the same size is drawn)', intOption('samples'), 1024)
    .option('--batch-size <n>', 'mini-batch size', intOption('batch-size'), 32)
    .option('--lr <x>', 'Adam learning rate', floatOption('lr', { positive: true }), 1e-3)
    .option('--clip <x>', 'gradient-norm clipping threshold', floatOption('clip', { positive: true }), 1)
    .option('--probe <n>', 'sequences in the batch on which ‖∂L/∂h_t‖ is measured', intOption('probe'), 64)
    .option('--seed <n>', 'seed for weights, data and shuffling', intOption('seed', 0), 0)
    .option('--out <dir>', 'directory for the charts and results.json', 'rnnkit-diagnose')
    .option('--json', 'print one JSON object on stdout')
    .action(async (f: DiagnoseFlags) => {
      checkReportDir(resolve(f.out), OUTPUT_FILES, '--out');
      // weights with gradients and Adam state; the data; the probe's per-step hidden gradients
      const H = f.hidden;
      checkMemory(`--hidden ${H} --seq-len ${f.seqLen} --samples ${f.samples} --batch-size ${f.batchSize}`, (H * H + 3 * H + 1) * 4 * 4 + 2 * f.samples * f.seqLen * 2 * 4 + Math.max(f.batchSize, f.probe) * f.seqLen * H * 4 * 4);
      const result = runDiagnosis(f);
      const files = await writeOutputs(resolve(f.out), f, result);
      const summary = { ...result, files };
      if (f.json) io.stdout(JSON.stringify(summary) + '\n');
      else printHuman(io, f, summary);
    });
}

interface EpochRow {
  epoch: number;
  trainMse: number | null;
  testMse: number;
  /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ on the probe batch. */
  gradRatio: number;
  spectralRadius: number;
}

interface Diagnosis {
  task: { name: 'adding'; seqLen: number; baselineMse: number; trainSamples: number; testSamples: number; probe: number };
  model: { init: InitName; nonlinearity: nn.Nonlinearity; hidden: number; lr: number; clip: number; batchSize: number; seed: number };
  epochs: EpochRow[];
  /** gradNorms[e][t] = ‖∂L/∂h_{t+1}‖ after epoch e (row 0 at initialisation). */
  gradNorms: number[][];
  /** ‖∂L/∂θ‖ per parameter, mean over each epoch's steps (after clipping). */
  paramGradNorms: Record<string, number[]>;
  stopReason: string;
}

function runDiagnosis(f: DiagnoseFlags): Diagnosis {
  if (f.probe > f.samples) throw new CliError(`--probe (${f.probe}) must not exceed --samples (${f.samples})`);
  const g = new Generator(f.seed);
  const model = new AddingModel(f, g);
  initialise(model.rnn, f.init, g);
  const trainSet = data.addingProblem(f.samples, f.seqLen, { generator: g });
  const testSet = data.addingProblem(f.samples, f.seqLen, { generator: g });
  const probeX = testSet.x.slice(0, 0, f.probe), probeY = testSet.y.slice(0, 0, f.probe);

  const gradNorms: number[][] = [];
  const epochs: EpochRow[] = [];
  const measure = (epoch: number, trainMse: number | null, testMse: number) => {
    const r = hiddenGradNorms(model.rnn, probeX, (out) => nn.functional.mseLoss(model.readout(out), probeY));
    model.zeroGrad({ setToNone: true }); // the head's gradients from the probe must not leak into training
    const norms = r.norms[0]!;
    gradNorms.push(norms);
    epochs.push({ epoch, trainMse, testMse, gradRatio: norms[0]! / norms[norms.length - 1]!, spectralRadius: recurrentSpectra(model.rnn)[0]!.spectralRadius });
  };
  measure(0, null, train.evaluate(model, testSet));

  const history = new GradNormHistory(model);
  let stopReason = 'completed';
  if (f.epochs > 0) {
    const res = train.fit(model, { train: trainSet, val: testSet }, {
      epochs: f.epochs, batchSize: f.batchSize, lr: f.lr, clipGradNorm: f.clip, seed: f.seed,
      callbacks: history.fitCallbacks({ onEpochEnd: (e) => measure(e.epoch, e.train, e.val!) }),
    });
    stopReason = res.message ?? res.stopReason;
  }
  return {
    task: { name: 'adding', seqLen: f.seqLen, baselineMse: data.ADDING_BASELINE_MSE, trainSamples: f.samples, testSamples: f.samples, probe: f.probe },
    model: { init: f.init, nonlinearity: f.nonlinearity, hidden: f.hidden, lr: f.lr, clip: f.clip, batchSize: f.batchSize, seed: f.seed },
    epochs: epochs.map((e) => ({ ...e, trainMse: e.trainMse === null ? null : r4(e.trainMse), testMse: r4(e.testMse), gradRatio: r4(e.gradRatio), spectralRadius: r4(e.spectralRadius) })),
    gradNorms: gradNorms.map((row) => row.map(r4)),
    paramGradNorms: Object.fromEntries(Object.entries(history.epochs).map(([k, v]) => [k, v.map(r4)])),
    stopReason,
  };
}

const OUTPUT_FILES = ['grad-norms.svg', 'grad-norms.png', 'param-grad-norms.svg', 'param-grad-norms.png', 'results.json'];

async function writeOutputs(dir: string, f: DiagnoseFlags, d: Diagnosis): Promise<Record<string, string>> {
  checkReportDir(dir, OUTPUT_FILES, '--out');
  const label = `${f.nonlinearity} RNN, init ${f.init}, T = ${f.seqLen}, H = ${f.hidden}`;
  const files: Record<string, string> = {
    heatmapSvg: join(dir, 'grad-norms.svg'), heatmapPng: join(dir, 'grad-norms.png'),
  };
  const heat = await plot.renderSvg(hiddenGradHeatmapSpec(d.gradNorms, { title: `‖∂L/∂h_t‖ on the adding problem (${label})`, firstEpoch: 0 }));
  writeFileAtomic(files.heatmapSvg!, heat);
  writeFileAtomic(files.heatmapPng!, svgToPng(heat));
  if (f.epochs > 0) {
    files.paramSvg = join(dir, 'param-grad-norms.svg');
    files.paramPng = join(dir, 'param-grad-norms.png');
    const lines = await plot.renderSvg(paramGradNormsSpec(d.paramGradNorms, { title: `‖∂L/∂θ‖ per epoch (${label})` }));
    writeFileAtomic(files.paramSvg, lines);
    writeFileAtomic(files.paramPng, svgToPng(lines));
  }
  files.results = join(dir, 'results.json');
  writeFileAtomic(files.results, JSON.stringify({ format: REPORT_FORMAT, ...d, files }, null, 2) + '\n');
  return files;
}

function printHuman(io: DiagnoseIO, f: DiagnoseFlags, s: Diagnosis & { files: Record<string, string> }): void {
  io.stdout(`adding problem, T = ${f.seqLen}: ${f.nonlinearity} RNN, H = ${f.hidden}, init ${f.init}; ${f.epochs} epoch(s) of ${f.samples} sequences\n\n`);
  const rows = s.epochs.map((e) => [e.epoch, e.trainMse ?? '', e.testMse, e.gradRatio, e.spectralRadius]);
  io.stdout(plot.metricsTable(['epoch', 'train MSE', 'test MSE', '‖∂L/∂h_1‖/‖∂L/∂h_T‖', 'ρ(W_hh)'], rows) + '\n\n');
  io.stdout(`trivial baseline (always predict 1): MSE ${r4(data.ADDING_BASELINE_MSE)}\n`);
  if (s.stopReason !== 'completed') io.stdout(`${s.stopReason}\n`);
  io.stdout('\n');
  for (const [k, p] of Object.entries(s.files)) io.stdout(`${k.padEnd(12)} ${p}\n`);
}
