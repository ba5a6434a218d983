// exportSavedModel for each saved model kind: the network runs in onnxruntime-node and equals
// rnnkit's forward on the same inputs (1e-5); statistical forecasters are refused in one line.
import { describe, expect, it } from 'vitest';
import { LSTMForecaster, MLPForecaster } from '../../src/models/neural.js';
import { ARForecaster } from '../../src/models/ar.js';
import { RNNLM } from '../../src/models/rnnlm.js';
import { TextLM } from '../../src/models/lm.js';
import { SequenceClassifier } from '../../src/models/classifier.js';
import { Vocab } from '../../src/text/vocab.js';
import { StandardScaler } from '../../src/data/scaler.js';
import { manualSeed, noGrad, randn } from '../../src/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { SavedModel } from '../../src/io/model-dir.js';
import { exportSavedModel } from '../../src/onnx/saved.js';
import { feedOf, maxAbsDiff, runOrt } from './helpers.js';

const forecaster = (model: unknown): SavedModel => ({
  kind: 'forecaster', model: model as never, columns: ['y'], target: 'y', inputs: ['y'],
  scalers: [new StandardScaler().fit([1, 2, 3, 5])], fill: null,
});

describe('exportSavedModel', () => {
  it('an lstm forecaster: windows [W,T,1] → y [W,T,1], any W and T', async () => {
    const f = new LSTMForecaster({ seqLen: 6, hidden: 5, layers: 2, seed: 1 });
    const e = exportSavedModel(forecaster(f));
    expect(e.inputNames).toEqual(['x']);
    expect(e.description).toMatch(/^lstm forecaster\. Input x \[windows, steps, 1\].*y: \(v − 2\.75\) \/ 1\.479/);
    const x = randn([3, 6, 1]);
    const got = await runOrt(e.bytes, { x: feedOf(x) });
    expect(maxAbsDiff(got.y!.data, noGrad(() => f.model.eval().forward(x)).data)).toBeLessThan(1e-5);
  });

  it('an lstm forecaster with a quantile head over 2 steps: y [W,T,2·3], the layout in the description', async () => {
    const f = new LSTMForecaster({ seqLen: 5, hidden: 4, seed: 3, quantiles: [0.1, 0.5, 0.9], outputSteps: 2 });
    const e = exportSavedModel(forecaster(f));
    expect(e.description).toMatch(/Output y \[windows, steps, 6\]; the forecast is the last step's, y\[:, -1, :\]\. Its last dim holds 2 step\(s\) ahead × 3 value\(s\) each, step-major \(the target's quantiles at 0\.1, 0\.5, 0\.9, to be sorted\)/);
    const x = randn([2, 5, 1]);
    const got = await runOrt(e.bytes, { x: feedOf(x) });
    expect(got.y!.dims).toEqual([2, 5, 6]);
    expect(maxAbsDiff(got.y!.data, noGrad(() => f.model.eval().forward(x)).data)).toBeLessThan(1e-5);
  });

  it('an mlp forecaster: x [W,L·C] → y [W,K]', async () => {
    const f = new MLPForecaster({ seqLen: 4, hidden: 6, seed: 2 });
    const e = exportSavedModel(forecaster(f));
    const x = randn([5, 4]);
    const got = await runOrt(e.bytes, { x: feedOf(x) });
    expect(maxAbsDiff(got.y!.data, noGrad(() => f.model.eval().forward(x)).data)).toBeLessThan(1e-5);
  });

  it('an AR forecaster has no network: a one-line error', () => {
    expect(() => exportSavedModel(forecaster(new ARForecaster({ p: 2 } as never)))).toThrow(/^ONNX export: the 'ar' forecaster has no network to export \(only mlp, rnn, lstm and gru forecasters do\)/);
  });

  it.each(['lstm', 'gru'] as const)('a %s language model: ids, states in; logits, states out', async (cell) => {
    manualSeed(4);
    const vocab = new Vocab(['a', 'b', 'c', 'd', 'e']);
    const model = new RNNLM(vocab.size, { cell, hiddenSize: 7, numLayers: 2, embedDim: cell === 'lstm' ? 3 : 0 });
    const e = exportSavedModel({ kind: 'language-model', lm: new TextLM(model, vocab, { level: 'char', lang: 'en', lowercase: false } as never) });
    expect(e.inputNames).toEqual(cell === 'lstm' ? ['ids', 'h0', 'c0'] : ['ids', 'h0']);
    const B = 3, T = 4, idv = Array.from({ length: B * T }, (_, i) => (i * 3) % vocab.size);
    const s = model.beginState(B);
    s.h = randn(s.h.shape);
    if (s.c) s.c = randn(s.c.shape);
    const [logits, next] = noGrad(() => model.eval().forward(idv, [B, T], s));
    const feed: Record<string, ReturnType<typeof feedOf>> = { ids: feedOf(new Tensor(Float32Array.from(idv), [B, T]), true), h0: feedOf(s.h) };
    if (s.c) feed.c0 = feedOf(s.c);
    const got = await runOrt(e.bytes, feed);
    expect(maxAbsDiff(got.logits!.data, logits.data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got.h_n!.data, next.h.data)).toBeLessThan(1e-5);
    if (next.c) expect(maxAbsDiff(got.c_n!.data, next.c.data)).toBeLessThan(1e-5);
  });

  it('a classifier (mean pooling keeps the trained length fixed)', async () => {
    manualSeed(9);
    const model = new SequenceClassifier({ numClasses: 3, inputSize: 2, hiddenSize: 4, cell: 'gru', pool: 'mean' });
    const e = exportSavedModel({ kind: 'classifier', model, classes: ['x', 'y', 'z'], input: { features: 2, steps: 5 } });
    expect(e.description).toMatch(/mean pooling fixes the length at 5/);
    const x = randn([4, 5, 2]);
    const got = await runOrt(e.bytes, { x: feedOf(x) });
    expect(maxAbsDiff(got.logits!.data, noGrad(() => model.eval().forward(x)).data)).toBeLessThan(1e-5);
  });
});
