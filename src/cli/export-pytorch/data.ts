// `rnnkit export --data FILE`: the training data in the format train_ddp.py reads (.npy files in
// data/), prepared exactly as rnnkit prepares it for the saved model:
//   forecaster  the CSV's columns → transforms → scalers → the training windows of the model's
//               objective: x [W,L,C] (MLP [W,L·C]) and y [W,L,C] (N→N), [W,C] (MLP) or [W,H] (direct)
//   language model  the corpus → tokens → ids [N] (int32; unknown tokens → <unk> when there is one)
//   classifier  the samples as `rnnkit classify` reads them: x [N,T,F] float32, y [N], lengths [N] int32
// Legend: W windows, L seqLen, C columns, H outputSteps, N tokens or samples, T steps, F features.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { data as dataLib, forecast } from '../../node.js';
import type { SavedForecaster, SavedModel } from '../../io/model-dir.js';
import type { SavedClassifier } from '../../io/classifier-config.js';
import { writeNpy } from '../../io/npy.js';
import { readSequenceData } from '../../io/sequence-files.js';
import { checkMemory } from '../../memory.js';
import { lmTokenize } from '../../text/lm-tokenize.js';
import { CliError } from '../errors.js';
import { readTextFile } from '../fs.js';
import { MLPForecaster } from '../../models/neural.js';
import type { ExportData } from './index.js';

const f32 = (shape: number[], data: Float32Array) => writeNpy({ dtype: 'float32', shape, data });
const i32 = (shape: number[], data: Int32Array) => writeNpy({ dtype: 'int32', shape, data });

export async function exportData(saved: SavedModel, file: string): Promise<ExportData> {
  if (saved.kind === 'forecaster') return forecasterData(saved, file);
  if (saved.kind === 'classifier') return classifierData(saved, file);
  let words;
  if (saved.lm.tokenizer.level === 'word') words = (await import('../../text/index.js')).tokenize;
  const tokens = lmTokenize(readTextFile(file, '--data'), saved.lm.tokenizer, words);
  const vocab = saved.lm.vocab;
  if (vocab.unkId < 0) {
    const unknown = tokens.find((t) => !vocab.has(t));
    if (unknown !== undefined) throw new CliError(`--data ${file}: token ${JSON.stringify(unknown)} is not in the model's vocabulary, which has no <unk>`);
  }
  if (tokens.length < 2) throw new CliError(`--data ${file}: ${tokens.length} token(s); training needs at least 2`);
  checkMemory(`--data ${file} (${tokens.length} tokens)`, tokens.length * 8);
  const ids = Int32Array.from(vocab.encode(tokens));
  return {
    files: new Map([['ids.npy', i32([ids.length], ids)]]),
    info: { source: basename(file), files: { ids: 'data/ids.npy' }, tokens: ids.length, description: `ids.npy, the ${ids.length} token ids of ${basename(file)} (int32, tokenized as the model was trained)` },
  };
}

function forecasterData(saved: SavedForecaster, file: string): ExportData {
  const m = saved.model;
  if (!('opts' in m)) throw new CliError(`--data: a ${m.name} model has no weights to train; export it without --data`);
  const net = m as MLPForecaster;
  const o = net.opts;
  const table = dataLib.parseSeriesCsv(readTextFile(file, '--data'), { source: file, columns: saved.inputs, target: saved.target, fill: saved.fill ?? undefined });
  const chain = new forecast.TransformChain(saved.transforms ?? []);
  const values = table.columns[saved.target]!;
  const L0 = chain.lost;
  if (values.length <= L0) throw new CliError(`--data ${file}: ${values.length} values, but the model's transforms (${chain.describe()}) need more than ${L0}`);
  const cols = saved.inputs.map((c, i) => saved.scalers[i]!.transform(i === 0 ? chain.transform(values) : table.columns[c]!.slice(L0)));
  const n = cols[0]!.length, L = o.seqLen, C = cols.length, H = o.outputSteps;
  const mlp = m instanceof MLPForecaster;
  const simple = net.head === 'point' && H === 1;
  const everyStep = !mlp && H === 1;
  // windows end at t = L … n − 1 (one step ahead), or n − H (H targets inside the data)
  const W = everyStep || simple ? n - L : n - L - H + 1;
  if (W < 1) throw new CliError(`--data ${file}: ${n} values after the transforms make no training window (seqLen ${L}${H > 1 ? `, outputSteps ${H}` : ''})`);
  const yPer = everyStep ? L * (simple ? C : 1) : simple ? C : H;
  checkMemory(`--data ${file} (${W} windows)`, W * (L * C + yPer) * 4 * 2);
  const x = new Float32Array(W * L * C), y = new Float32Array(W * yPer);
  for (let i = 0; i < W; i++) {
    for (let j = 0; j < L; j++) for (let c = 0; c < C; c++) x[(i * L + j) * C + c] = cols[c]![i + j]!;
    if (everyStep) for (let j = 0; j < L; j++) for (let c = 0; c < yPer / L; c++) y[(i * L + j) * (yPer / L) + c] = cols[c]![i + j + 1]!;
    else if (simple) for (let c = 0; c < C; c++) y[i * C + c] = cols[c]![i + L]!;
    else for (let h = 0; h < H; h++) y[i * H + h] = cols[0]![i + L + h]!;
  }
  const xShape = mlp ? [W, L * C] : [W, L, C];
  const yShape = everyStep ? (simple ? [W, L, C] : [W, L]) : simple ? [W, C] : [W, H];
  return {
    files: new Map([['x.npy', f32(xShape, x)], ['y.npy', f32(yShape, y)]]),
    info: {
      source: basename(file), files: { x: 'data/x.npy', y: 'data/y.npy' }, windows: W, x: xShape, y: yShape,
      description: `x.npy ${JSON.stringify(xShape)} and y.npy ${JSON.stringify(yShape)}, the ${W} training windows of ${basename(file)} (float32, after the model's transforms and scalers: the axis the network reads)`,
    },
  };
}

function classifierData(saved: SavedClassifier, file: string): ExportData {
  const im = saved.input.images;
  let isDir = false;
  try { isDir = statSync(file).isDirectory(); } catch { /* readSequenceData names the problem */ }
  const d = readSequenceData(file, isDir && im ? { mode: im.mode, color: im.color, resize: im.resize ?? undefined } : {});
  const [N, T, F] = d.x.shape as [number, number, number];
  if (saved.model.arch.embedding) throw new CliError('--data: the classifier reads token ids through an embedding; its training data cannot be converted from this file');
  if (F !== saved.input.features) throw new CliError(`--data ${file}: ${F} features per step, but the model reads ${saved.input.features}`);
  // labels by class name, so a file whose classes are ordered differently still lines up
  const index = new Map(saved.classes.map((c, i) => [c, i]));
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const name = d.classes[d.y[i]!]!;
    const k = index.get(name);
    if (k === undefined) throw new CliError(`--data ${file}: class ${JSON.stringify(name)} (sample ${i}) is not one of the model's classes`);
    y[i] = k;
  }
  const lengths = d.lengths ? Int32Array.from(d.lengths) : new Int32Array(N).fill(T);
  const x = Float32Array.from(d.x.contiguous().data);
  return {
    files: new Map([['x.npy', f32([N, T, F], x)], ['y.npy', i32([N], y)], ['lengths.npy', i32([N], lengths)]]),
    info: {
      source: basename(file), files: { x: 'data/x.npy', y: 'data/y.npy', lengths: 'data/lengths.npy' }, samples: N, x: [N, T, F],
      description: `x.npy [${N},${T},${F}] (float32, zero-padded), y.npy [${N}] (class ids, int32) and lengths.npy [${N}] (int32), the samples of ${basename(file)}`,
    },
  };
}
