// Whole models through ONNX: an Embedding→LSTM→Linear language model, sequence classifiers, an MLP
// with softmax; the schema module; and the errors of an op with no mapping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Embedding, Linear, LSTM, Module, ReLU, Sequential } from '../../src/nn/index.js';
import { logSoftmax, softmax } from '../../src/nn/functional.js';
import { argmax, argmin, cumsum, eq, gt, le, manualSeed, ne, noGrad, randn, tensor, where } from '../../src/index.js';
import { SequenceClassifier } from '../../src/models/classifier.js';
import { lstmSequence } from '../../src/autograd/ops/lstm.js';
import { decodeModel, exportModel } from '../../src/onnx/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { MODULE_PATH, PROTO_PATH, renderOnnxProtoModule } from '../../tools/make-onnx-proto.js';
import { feedOf, maxAbsDiff, runOrt } from './helpers.js';

class TinyLM extends Module {
  emb = new Embedding(11, 4);
  rnn = new LSTM(4, 6, { batchFirst: true, numLayers: 2 });
  head = new Linear(6, 11);

  override forward(ids: Tensor, h0: Tensor, c0: Tensor): [Tensor, [Tensor, Tensor]] {
    const [o, state] = this.rnn.forward(this.emb.forward(ids), [h0, c0]);
    return [logSoftmax(this.head.forward(o), -1), state];
  }
}

const ids = (B: number, T: number) => new Tensor(Float32Array.from({ length: B * T }, (_, i) => (i * 7 + 2) % 11), [B, T]);

describe('ONNX export of whole models', () => {
  it('Embedding→LSTM→Linear→logSoftmax language model with h0/c0 in and h_n/c_n out, int64 ids, dynamic batch and seq', async () => {
    manualSeed(3);
    const lm = new TinyLM();
    const bytes = exportModel(lm, [ids(2, 3), randn([2, 2, 6]), randn([2, 2, 6])], {
      inputNames: ['ids', 'h0', 'c0'], outputNames: ['logp', 'h_n', 'c_n'],
      dynamicAxes: { ids: { 0: 'batch', 1: 'seq' }, h0: { 1: 'batch' }, c0: { 1: 'batch' } },
    });
    const m = decodeModel(bytes) as { graph: { input: { type: { tensor_type: { elem_type: number } } }[]; node: { op_type: string }[] } };
    expect(m.graph.input[0]!.type.tensor_type.elem_type).toBe(7); // int64 ids
    expect(m.graph.node.map((n) => n.op_type).filter((o) => o === 'LSTM')).toHaveLength(2);
    for (const [B, T] of [[2, 3], [4, 9]] as const) {
      const x = ids(B, T), h0 = randn([2, B, 6]), c0 = randn([2, B, 6]);
      const [logp, [hN, cN]] = noGrad(() => lm.forward(x, h0, c0));
      const got = await runOrt(bytes, { ids: feedOf(x, true), h0: feedOf(h0), c0: feedOf(c0) });
      expect(got.logp!.dims).toEqual([B, T, 11]);
      expect(maxAbsDiff(got.logp!.data, logp.data)).toBeLessThan(1e-5);
      expect(maxAbsDiff(got.h_n!.data, hN.data)).toBeLessThan(1e-5);
      expect(maxAbsDiff(got.c_n!.data, cN.data)).toBeLessThan(1e-5);
    }
  });

  it.each([
    { cell: 'lstm', pool: 'last', bidirectional: true, numLayers: 2, perStep: false },
    { cell: 'gru', pool: 'max', bidirectional: false, numLayers: 1, perStep: false },
    { cell: 'rnn', pool: 'last', bidirectional: true, numLayers: 1, perStep: true },
  ] as const)('SequenceClassifier $cell pool=$pool bidirectional=$bidirectional perStep=$perStep', async (o) => {
    manualSeed(5);
    const clf = new SequenceClassifier({ numClasses: 3, inputSize: 4, hiddenSize: 5, ...o });
    const bytes = exportModel(clf, [randn([2, 7, 4])], { inputNames: ['x'], outputNames: ['logits'], dynamicAxes: { x: { 0: 'batch', 1: 'seq' } } });
    for (const [B, T] of [[2, 7], [6, 3]] as const) {
      const x = randn([B, T, 4]);
      const want = noGrad(() => clf.eval().forward(x));
      const got = await runOrt(bytes, { x: feedOf(x) });
      expect(got.logits!.dims).toEqual(want.shape);
      expect(maxAbsDiff(got.logits!.data, want.data)).toBeLessThan(1e-5);
    }
  });

  it('SequenceClassifier with an embedding front (token ids)', async () => {
    manualSeed(6);
    const clf = new SequenceClassifier({ numClasses: 2, embedding: { numEmbeddings: 11, embeddingDim: 3 }, hiddenSize: 4, cell: 'lstm' });
    const bytes = exportModel(clf, [ids(2, 5)], { inputNames: ['x'], outputNames: ['logits'], dynamicAxes: { x: { 0: 'batch', 1: 'seq' } } });
    const x = ids(3, 8);
    const got = await runOrt(bytes, { x: feedOf(x, true) });
    expect(maxAbsDiff(got.logits!.data, noGrad(() => clf.eval().forward(x)).data)).toBeLessThan(1e-5);
  });

  it('MLP with softmax, clamp and elementwise ops; the model file names rnnkit and the opset', async () => {
    manualSeed(8);
    class Net extends Module {
      mlp = new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3));
      override forward(x: Tensor): Tensor {
        const y = this.mlp.forward(x.mul(2).sub(0.5)).clamp(-1.5, null).tanh().add(tensor([0.1, 0.2, 0.3]));
        return softmax(y.div(y.abs().add(1)), 1);
      }
    }
    const net = new Net();
    const bytes = exportModel(net, [randn([4, 6])], { dynamicAxes: { input_0: { 0: 'n' } }, opset: 14 });
    const m = decodeModel(bytes) as { producer_name: string; ir_version: number; opset_import: { version: number }[] };
    expect([m.producer_name, m.ir_version, m.opset_import[0]!.version]).toEqual(['rnnkit', 7, 14]);
    const x = randn([9, 6]);
    const got = await runOrt(bytes, { input_0: feedOf(x) });
    expect(maxAbsDiff(got.output_0!.data, noGrad(() => net.forward(x)).data)).toBeLessThan(1e-5);
  });

  it('comparisons, where, maskedFill, argmax/argmin and detach (ops that record no gradient are traced too)', async () => {
    manualSeed(12);
    class Picky extends Module {
      lin = new Linear(4, 4);
      override forward(x: Tensor): Tensor[] {
        const y = this.lin.forward(x);
        const m = gt(y, 0.1);
        const z = where(m, y, y.mul(-2)).maskedFill(le(x, -0.5), -3).add(ne(y, y.detach()));
        return [z, argmax(z, 1), argmin(z, 0, true), argmax(z).add(eq(z, z).sum())];
      }
    }
    const net = new Picky();
    const bytes = exportModel(net, [randn([3, 4])], { inputNames: ['x'], outputNames: ['z', 'amax', 'amin', 'flat'], dynamicAxes: { x: { 0: 'n' } } });
    const x = randn([5, 4]);
    const want = noGrad(() => net.forward(x));
    const got = await runOrt(bytes, { x: feedOf(x) });
    ['z', 'amax', 'amin'].forEach((k, i) => {
      expect(got[k]!.dims).toEqual(want[i]!.shape);
      expect(maxAbsDiff(got[k]!.data, want[i]!.data)).toBeLessThan(i === 0 ? 1e-5 : 1e-9); // indices exactly
    });
    // the flat argmax and the count of z == z both depend on the batch: 5 rows, not the traced 3
    expect(got.flat!.data[0]).toBe(want[3]!.data[0]);
    expect(want[3]!.data[0]).toBeGreaterThanOrEqual(20);
  });

  it('an op with no mapping is a one-line error naming the op and the module it was called in', () => {
    class Head extends Module {
      override forward(x: Tensor): Tensor {
        return cumsum(x, 1);
      }
    }
    class Outer extends Module {
      lin = new Linear(3, 3);
      head = new Head();
      override forward(x: Tensor): Tensor {
        return this.head.forward(this.lin.forward(x));
      }
    }
    expect(() => exportModel(new Outer(), [randn([2, 3])])).toThrow(/^ONNX export: op 'cumsum' has no ONNX mapping, called in head \(Head\)$/);
    // a fused sequence op called directly (not through nn.LSTM) is refused too, not baked in
    class Raw extends Module {
      override forward(x: Tensor): Tensor {
        return lstmSequence(x, randn([1, 1]), randn([1, 1]), randn([4, 1]), randn([4, 1]), null, null, { reverse: false, batchFirst: false, batchSizes: null })[0];
      }
    }
    expect(() => exportModel(new Raw(), [randn([3, 1, 1])])).toThrow(/op 'lstmSequence' has no ONNX mapping, called in Raw \(Raw\)/);
    // an unsupported op whose result no output uses is no error
    class Unused extends Module {
      override forward(x: Tensor): Tensor {
        cumsum(x, 0);
        return x.relu();
      }
    }
    expect(exportModel(new Unused(), [randn([2, 2])]).length).toBeGreaterThan(0);
  });

  it('the generated schema module is what tools/make-onnx-proto.ts makes of onnx.proto', () => {
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(renderOnnxProtoModule(readFileSync(PROTO_PATH, 'utf8')));
    expect(readFileSync(PROTO_PATH, 'utf8')).toMatch(/SPDX-License-Identifier: Apache-2.0/);
  });
});
