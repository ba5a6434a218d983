// Exported RNN / LSTM / GRU layers run in onnxruntime-node and equal rnnkit's forward to 1e-5,
// at the traced sizes and at other batch and sequence sizes (dynamic axes).
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import { manualSeed, randn, noGrad } from '../../src/index.js';
import { exportModel } from '../../src/onnx/export.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { type Feed, feedOf, maxAbsDiff, runOrt } from './helpers.js';

type Kind = 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru';
const cases: { kind: Kind; numLayers: number; bidirectional: boolean; batchFirst: boolean; states: boolean }[] = [];
for (const kind of ['rnn-tanh', 'rnn-relu', 'lstm', 'gru'] as const) {
  cases.push({ kind, numLayers: 1, bidirectional: false, batchFirst: false, states: false });
  cases.push({ kind, numLayers: 2, bidirectional: true, batchFirst: true, states: true });
  cases.push({ kind, numLayers: 2, bidirectional: false, batchFirst: false, states: true });
}

describe('ONNX export of recurrent layers', () => {
  it.each(cases)('$kind layers=$numLayers bidirectional=$bidirectional batchFirst=$batchFirst h0=$states', async ({ kind, numLayers, bidirectional, batchFirst, states }) => {
    manualSeed(7);
    const I = 3, H = 5, D = bidirectional ? 2 : 1;
    const opts = { numLayers, bidirectional, batchFirst };
    const m = kind === 'lstm' ? new LSTM(I, H, opts) : kind === 'gru' ? new GRU(I, H, opts) : new RNN(I, H, { ...opts, nonlinearity: kind === 'rnn-relu' ? 'relu' : 'tanh' });
    const isLstm = kind === 'lstm';
    const input = (B: number, T: number) => randn(batchFirst ? [B, T, I] : [T, B, I]);
    const state = (B: number) => randn([numLayers * D, B, H]);
    const bAxis = batchFirst ? 0 : 1, tAxis = batchFirst ? 1 : 0;
    const seqAxes = { [bAxis]: 'batch', [tAxis]: 'seq' };
    const inputNames = states ? (isLstm ? ['x', 'h0', 'c0'] : ['x', 'h0']) : ['x'];
    const outputNames = isLstm ? ['y', 'h_n', 'c_n'] : ['y', 'h_n'];
    const args = (x: Tensor, h0: Tensor, c0: Tensor): unknown[] => (!states ? [x] : isLstm ? [x, [h0, c0]] : [x, h0]);
    const bytes = exportModel(m, args(input(2, 4), state(2), state(2)), {
      inputNames, outputNames, opset: 17,
      dynamicAxes: Object.fromEntries([['x', seqAxes], ['y', seqAxes], ...[...inputNames, ...outputNames].filter((n) => n !== 'x' && n !== 'y').map((n) => [n, { 1: 'batch' }])]),
    });
    for (const [B, T] of [[2, 4], [3, 7], [1, 1]] as const) {
      const x = input(B, T), h0 = state(B), c0 = state(B);
      const want = noGrad(() => (m.forward as (...a: unknown[]) => [Tensor, Tensor | [Tensor, Tensor]])(...args(x, h0, c0)));
      const feed: Feed = states ? (isLstm ? { x: feedOf(x), h0: feedOf(h0), c0: feedOf(c0) } : { x: feedOf(x), h0: feedOf(h0) }) : { x: feedOf(x) };
      const got = await runOrt(bytes, feed);
      expect(got.y!.dims).toEqual(want[0].shape);
      expect(maxAbsDiff(got.y!.data, want[0].data)).toBeLessThan(1e-5);
      const hN = isLstm ? (want[1] as [Tensor, Tensor])[0] : (want[1] as Tensor);
      expect(got.h_n!.dims).toEqual(hN.shape);
      expect(maxAbsDiff(got.h_n!.data, hN.data)).toBeLessThan(1e-5);
      if (isLstm) expect(maxAbsDiff(got.c_n!.data, (want[1] as [Tensor, Tensor])[1].data)).toBeLessThan(1e-5);
    }
  });
});
