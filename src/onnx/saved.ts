// A saved model directory's model (src/io/model-dir.ts SavedModel) → an ONNX file, for
// `rnnkit export --format onnx`. What is exported for each kind:
//   forecaster (mlp, rnn, lstm, gru)  the network on scaled windows: x [W,L,C] → y [W,L,K]
//                                      (mlp: x [W,L·C] → y [W,K]); the caller scales and unscales
//   language model                     ids [B,T] (int64), h0 (c0) [L,B,H] → logits [B,T,V], h_n (c_n)
//   classifier                         x [B,T,F] (ids [B,T] with an embedding) → logits [B,C]
//                                      ([B,T,C] per step); fixed-length: lengths are not an input
// Statistical forecasters (ar, persistence, seasonal-naive, drift) have no network: a clear error.
import { embedding } from '../nn/functional.js';
import { Module } from '../nn/module.js';
import type { Embedding } from '../nn/embedding.js';
import type { Linear } from '../nn/layers.js';
import { LSTM } from '../nn/lstm.js';
import type { GRU } from '../nn/gru.js';
import type { RNN } from '../nn/rnn.js';
import { MLPForecaster, RecurrentNet } from '../models/neural.js';
import type { RNNLM } from '../models/rnnlm.js';
import type { SavedModel } from '../io/model-dir.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';
import { exportModel } from './export.js';

export interface SavedExport {
  bytes: Uint8Array;
  inputNames: string[];
  outputNames: string[];
  /** What the CLI prints: inputs and outputs with shapes, and the scaling the caller applies. */
  description: string;
}

/**
 * Traced sizes for the dynamic axes that equal no size in the model, so that a reshape can tell a
 * batch or time dim from a static one (src/onnx/ops.ts emitReshape matches dims by size).
 */
function traceSizes(model: Module, n: number, extra: readonly number[] = []): number[] {
  const taken = new Set<number>([1, ...extra]);
  for (const p of model.parameters()) for (const s of p.shape) taken.add(s);
  const out: number[] = [];
  for (let v = 2; out.length < n; v++) if (!taken.has(v)) out.push(v);
  return out;
}

function filled(shape: number[], f: (i: number) => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = f(i);
  return new Tensor(d, shape);
}

const wave = (i: number) => Math.sin(0.7 * i + 0.3);

/** The language model's graph: explicit states in and out, so that a caller can step it. */
class LmGraph extends Module {
  readonly embedding: Embedding | null;
  readonly rnn: RNN | LSTM | GRU;
  readonly linear: Linear;
  private readonly eye: Tensor | null;

  constructor(lm: RNNLM) {
    super();
    this.embedding = lm.embedding ? this.registerModule('embedding', lm.embedding) : null;
    this.rnn = this.registerModule('rnn', lm.rnn);
    this.linear = this.registerModule('linear', lm.linear);
    const V = lm.vocabSize;
    // one-hot input (embedDim 0) is row `id` of the identity: a Gather from a constant
    this.eye = lm.embedding ? null : filled([V, V], (i) => (Math.floor(i / V) === i % V ? 1 : 0));
  }

  override forward(ids: Tensor, h0: Tensor, c0?: Tensor): Tensor[] {
    const x = this.embedding ? this.embedding.forward(ids) : embedding(ids, this.eye!);
    if (this.rnn instanceof LSTM) {
      const [o, [h, c]] = this.rnn.forward(x, [h0, c0!]);
      return [this.linear.forward(o), h, c];
    }
    const [o, h] = (this.rnn as RNN).forward(x, h0);
    return [this.linear.forward(o), h];
  }
}

/** Exports a saved model's network; see the file's header for what each kind becomes. */
export function exportSavedModel(saved: SavedModel, opts: { opset?: number } = {}): SavedExport {
  const opset = opts.opset;
  if (saved.kind === 'forecaster') {
    const f = saved.model as unknown;
    const name = (f as { name?: string }).name ?? 'unknown';
    const scaling = saved.inputs.map((col, i) => {
      const s = saved.scalers[i]!.toJSON();
      const how = s.kind === 'standard' ? `(v − ${s.mean}) / ${s.std}` : s.kind === 'minmax' ? `(v − ${s.min}) / (${s.max} − ${s.min})` : 'v (unscaled)';
      return `${col}: ${how}`;
    });
    const transforms = saved.transforms && saved.transforms.length > 0 ? ` The target's transforms (${saved.transforms.map((t) => (t as { kind?: string }).kind ?? 'transform').join(', ')}) come before its scaler.` : '';
    const n = f as { head?: string; levels?: readonly number[] | null; outputSteps?: number; perStep?: number };
    const headNote = n.head === undefined || (n.head === 'point' && n.outputSteps === 1)
      ? 'Its last dim holds the next value of each input column.'
      : `Its last dim holds ${n.outputSteps} step(s) ahead × ${n.perStep} value(s) each, step-major (${n.head === 'gaussian' ? 'μ and log σ² of the target' : n.head === 'quantile' ? `the target's quantiles at ${(n.levels ?? []).join(', ')}, to be sorted` : 'the target'}).`;
    const scaleNote = `${headNote} Scale each input column as ${scaling.join('; ')}; invert the target's scaling on the output.${transforms}`;
    if (f instanceof MLPForecaster) {
      const L = f.opts.seqLen, C = saved.inputs.length;
      const [W] = traceSizes(f.model, 1, [L * C]);
      const x = filled([W!, L * C], wave);
      const bytes = exportModel(f.model, [x], { inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'windows' }, y: { 0: 'windows' } }, opset, docString: `rnnkit ${name} forecaster` });
      const K = f.outputSize;
      return {
        bytes, inputNames: ['x'], outputNames: ['y'],
        description: `mlp forecaster. Input x [windows, ${L * C}] float32: the last ${L} scaled values of each of the ${C} column(s) ${saved.inputs.join(', ')}, step-major (step 1's columns, then step 2's, …). Output y [windows, ${K}]: the next step's scaled forecast. ${scaleNote}`,
      };
    }
    const net = (f as { model?: unknown }).model;
    if (net instanceof RecurrentNet) {
      const L = (f as { opts: { seqLen: number } }).opts.seqLen, C = saved.inputs.length;
      const [W, T] = traceSizes(net, 2, [L]);
      const x = filled([W!, T!, C], wave);
      const bytes = exportModel(net, [x], { inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'windows', 1: 'steps' }, y: { 0: 'windows', 1: 'steps' } }, opset, docString: `rnnkit ${name} forecaster` });
      const K = net.linear.outFeatures;
      return {
        bytes, inputNames: ['x'], outputNames: ['y'],
        description: `${name} forecaster. Input x [windows, steps, ${C}] float32: scaled windows of the column(s) ${saved.inputs.join(', ')} (trained on ${L} steps). Output y [windows, steps, ${K}]; the forecast is the last step's, y[:, -1, :]${(f as { outputSteps?: number }).outputSteps === 1 ? ' (every step holds the scaled forecast of the step after it)' : ''}. ${scaleNote}`,
      };
    }
    throw new ValueError(`ONNX export: the '${name}' forecaster has no network to export (only mlp, rnn, lstm and gru forecasters do); use --format pytorch or its saved coefficients`);
  }
  if (saved.kind === 'language-model') {
    const lm = saved.lm.model;
    const graph = new LmGraph(lm);
    const isLstm = lm.rnn instanceof LSTM;
    const [B, T] = traceSizes(lm, 2);
    const { numLayers: L, hiddenSize: H, vocabSize: V } = lm;
    const ids = filled([B!, T!], (i) => (i * 7 + 3) % V);
    const h0 = filled([L, B!, H], (i) => 0.1 * wave(i)), c0 = filled([L, B!, H], (i) => 0.1 * wave(i + 5));
    const inputNames = isLstm ? ['ids', 'h0', 'c0'] : ['ids', 'h0'];
    const outputNames = isLstm ? ['logits', 'h_n', 'c_n'] : ['logits', 'h_n'];
    const state = { 1: 'batch' };
    const bytes = exportModel(graph, isLstm ? [ids, h0, c0] : [ids, h0], {
      inputNames, outputNames, opset, docString: `rnnkit ${lm.cell} language model`,
      dynamicAxes: { ids: { 0: 'batch', 1: 'seq' }, h0: state, h_n: state, logits: { 0: 'batch', 1: 'seq' }, ...(isLstm ? { c0: state, c_n: state } : {}) },
    });
    const st = isLstm ? `h0 and c0 [${L}, batch, ${H}] float32 (zeros to start)` : `h0 [${L}, batch, ${H}] float32 (zeros to start)`;
    return {
      bytes, inputNames, outputNames,
      description: `${lm.cell} language model, vocabulary ${V} (ids as in the model's vocab). Inputs ids [batch, seq] int64 and ${st}. Outputs logits [batch, seq, ${V}] (softmax of the last step gives the next token) and ${isLstm ? 'h_n, c_n' : 'h_n'} [${L}, batch, ${H}] to feed back as the next call's state. No scaling.`,
    };
  }
  const clf = saved.model;
  const a = clf.arch;
  const [B, T] = traceSizes(clf, 2, [saved.input.steps]);
  const x = a.embedding ? filled([B!, T!], (i) => (i * 5 + 1) % a.embedding!.numEmbeddings) : filled([B!, T!, a.inputSize], wave);
  // mean pooling divides by the traced T (a constant), so the sequence length stays fixed there
  const seqFixed = !a.perStep && a.pool === 'mean';
  const xAxes: Record<number, string> = seqFixed ? { 0: 'batch' } : { 0: 'batch', 1: 'seq' };
  const T0 = seqFixed ? saved.input.steps : T!;
  const xx = seqFixed ? (a.embedding ? filled([B!, T0], (i) => (i * 5 + 1) % a.embedding!.numEmbeddings) : filled([B!, T0, a.inputSize], wave)) : x;
  const bytes = exportModel(clf, [xx], { inputNames: ['x'], outputNames: ['logits'], opset, dynamicAxes: { x: xAxes, logits: a.perStep ? xAxes : { 0: 'batch' } }, docString: 'rnnkit sequence classifier' });
  const xDesc = a.embedding ? `x [batch, ${seqFixed ? T0 : 'seq'}] int64 token ids` : `x [batch, ${seqFixed ? T0 : 'seq'}, ${a.inputSize}] float32 features`;
  return {
    bytes, inputNames: ['x'], outputNames: ['logits'],
    description: `${a.cell} sequence classifier, ${a.numClasses} classes (${saved.classes.join(', ')}). Input ${xDesc}; every sequence runs its full length (no lengths input: pad only if the model was trained that way${seqFixed ? `; mean pooling fixes the length at ${T0}` : ''}). Output logits ${a.perStep ? `[batch, ${seqFixed ? T0 : 'seq'}, ${a.numClasses}]` : `[batch, ${a.numClasses}]`}; argmax is the class. No scaling.`,
  };
}
