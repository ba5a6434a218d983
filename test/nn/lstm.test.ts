// nn.LSTM / nn.LSTMCell against PyTorch 1.13 (float32): output, hN, cN and the gradient of
// (output·gOut).sum() + (hN·gH).sum() + (cN·gC).sum() w.r.t. the input, h0, c0 and every
// parameter; the fused op against the composed LSTMCell network (float64) and a gradcheck.
import { describe, expect, it } from 'vitest';
import { Tensor, cat, gradcheck, manualSeed, nn, randn, stack, zeros } from '../../src/index.js';
import { expectClose, loadFixture } from '../helpers.js';
import { type RecurrentCase, checkRecurrentCase } from './recurrent-fixture.js';

interface Case extends RecurrentCase {
  config: { inputSize: number; hiddenSize: number; numLayers: number; bias: boolean; batchFirst: boolean; dropout: number; bidirectional: boolean };
}
const fixture = loadFixture('lstm_gru.json') as { torch_version: string; cases: Case[] };

describe(`LSTM against PyTorch ${fixture.torch_version}`, () => {
  for (const c of fixture.cases.filter((k) => k.module === 'LSTM' || k.module === 'LSTMCell')) {
    it(c.name, () => {
      const { inputSize, hiddenSize, ...opts } = c.config;
      const state = (h0?: Tensor, c0?: Tensor) => (h0 && c0 ? ([h0, c0] as nn.LSTMState) : undefined);
      if (c.module === 'LSTM') {
        const m = new nn.LSTM(inputSize, hiddenSize, opts);
        checkRecurrentCase(c, m, (x, h0, c0) => { const [output, [hN, cN]] = m.forward(x, state(h0, c0)); return { output, hN, cN }; });
      } else {
        const m = new nn.LSTMCell(inputSize, hiddenSize, opts);
        checkRecurrentCase(c, m, (x, h0, c0) => { const [output, cN] = m.forward(x, state(h0, c0)); return { output, cN }; });
      }
    });
  }
});

/** The same network, one LSTMCell step at a time through the tape (the composed reference); x time-major. */
function composedLstm(lstm: InstanceType<typeof nn.LSTM>, x: Tensor, h0: Tensor, c0: Tensor): [Tensor, nn.LSTMState] {
  const { numLayers: L, numDirections: D, hiddenSize: H, inputSize: I } = lstm;
  const params = Object.fromEntries(lstm.namedParameters());
  const T = x.shape[0]!;
  let layerIn = x;
  const hs: Tensor[] = [], cs: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const cell = new nn.LSTMCell(l === 0 ? I : D * H, H, { bias: lstm.bias, dtype: x.dtype });
      // share the LSTM's parameter tensors so gradients land on them
      const cp = Object.fromEntries(cell.namedParameters());
      for (const k of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) if (cp[k]) Object.assign(cell, { [k]: params[k + sfx] });
      let state: nn.LSTMState = [h0.select(0, l * D + d), c0.select(0, l * D + d)];
      const steps: Tensor[] = new Array(T);
      for (let s = 0; s < T; s++) {
        const t = d ? T - 1 - s : s;
        state = cell.forward(layerIn.select(0, t), state);
        steps[t] = state[0];
      }
      hs.push(state[0]);
      cs.push(state[1]);
      outs.push(stack(steps, 0));
    }
    layerIn = D === 1 ? outs[0]! : cat(outs, 2);
  }
  return [layerIn, [stack(hs, 0), stack(cs, 0)]];
}

describe('fused LSTM BPTT equals the composed LSTMCell network', () => {
  for (const [name, opts] of [
    ['2 layers', { numLayers: 2 }],
    ['bidirectional', { bidirectional: true }],
    ['2 layers bidirectional, no bias', { numLayers: 2, bidirectional: true, bias: false }],
    ['2 layers bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }],
  ] as const) {
    it(name, () => {
      manualSeed(7);
      const lstm = new nn.LSTM(3, 5, { ...opts, dtype: 'float64' });
      const D = lstm.numDirections, L = lstm.numLayers;
      const bf = lstm.batchFirst;
      const x = randn(bf ? [2, 9, 3] : [9, 2, 3], { dtype: 'float64', requiresGrad: true });
      const h0 = randn([L * D, 2, 5], { dtype: 'float64', requiresGrad: true });
      const c0 = randn([L * D, 2, 5], { dtype: 'float64', requiresGrad: true });
      const gOut = randn(bf ? [2, 9, 5 * D] : [9, 2, 5 * D], { dtype: 'float64' });
      const gH = randn([L * D, 2, 5], { dtype: 'float64' });
      const gC = randn([L * D, 2, 5], { dtype: 'float64' });
      const run = (f: () => [Tensor, nn.LSTMState]) => {
        lstm.zeroGrad({ setToNone: true });
        for (const t of [x, h0, c0]) t.grad = null;
        const [o, [h, c]] = f();
        o.mul(gOut).sum().add(h.mul(gH).sum()).add(c.mul(gC).sum()).backward();
        return { o, h, c, grads: [x, h0, c0, ...lstm.parameters()].map((p) => p.grad!) };
      };
      const fused = run(() => lstm.forward(x, [h0, c0]));
      const composed = run(() => {
        if (!bf) return composedLstm(lstm, x, h0, c0);
        const [o, s] = composedLstm(lstm, x.transpose(0, 1), h0, c0);
        return [o.transpose(0, 1), s];
      });
      expectClose(fused.o, composed.o.data, 'output', 1e-12, 1e-13);
      expectClose(fused.h, composed.h.data, 'hN', 1e-12, 1e-13);
      expectClose(fused.c, composed.c.data, 'cN', 1e-12, 1e-13);
      fused.grads.forEach((g, i) => expectClose(g, composed.grads[i]!.data, `grad ${i}`, 1e-10, 1e-12));
    });
  }

  it('passes a float64 gradcheck through the fused op (output, hN and cN)', () => {
    manualSeed(3);
    const lstm = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const x = randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
    const h0 = randn([4, 2, 3], { dtype: 'float64', requiresGrad: true });
    const c0 = randn([4, 2, 3], { dtype: 'float64', requiresGrad: true });
    const all = (a: Tensor, b: Tensor, c: Tensor) => { const [o, [h, cn]] = lstm.forward(a, [b, c]); return [o, h, cn]; };
    expect(gradcheck((a, b, c) => all(a!, b!, c!), [x, h0, c0])).toBe(true);
    const xb = randn([2, 4, 2], { dtype: 'float64' });
    const bfLstm = new nn.LSTM(2, 3, { bidirectional: true, batchFirst: true, dtype: 'float64' });
    expect(gradcheck(() => { const [o, [, cn]] = bfLstm.forward(xb); return [o, cn]; }, bfLstm.parameters())).toBe(true);
  });

  it('cN alone carries a gradient to the input (the loss does not touch the output)', () => {
    manualSeed(4);
    const lstm = new nn.LSTM(2, 3, { dtype: 'float64' });
    const x = randn([5, 1, 2], { dtype: 'float64', requiresGrad: true });
    const [, [, cN]] = lstm.forward(x);
    cN.sum().backward();
    expect(Math.max(...Array.from(x.grad!.data, Math.abs))).toBeGreaterThan(1e-3);
    expect(gradcheck((a) => lstm.forward(a!)[1][1], [x])).toBe(true);
  });
});

describe('LSTM errors and options', () => {
  it('names the shapes on bad input and state', () => {
    const lstm = new nn.LSTM(1, 10, { batchFirst: true });
    expect(() => lstm.forward(zeros([4, 6]))).toThrow('LSTM.forward: input has shape [4,6] but expects [B,T,1] or [T,1] (unbatched)');
    expect(() => lstm.forward(zeros([4, 6, 1]), [zeros([1, 4, 10]), zeros([2, 4, 10])])).toThrow('LSTM.forward: c0 has shape [2,4,10] but expects [1,4,10]');
    expect(() => new nn.LSTM(1, 10, { projSize: 3 } as nn.LSTMOptions)).toThrow(/projSize/);
    expect(() => new nn.LSTMCell(2, 3).forward(zeros([2]), [zeros([3]), zeros([4])])).toThrow('LSTMCell.forward: c has shape [4] but expects [3]');
  });

  it("draws PyTorch's default init U(-1/sqrt(H), 1/sqrt(H)) and names parameters like PyTorch", () => {
    manualSeed(0);
    const lstm = new nn.LSTM(3, 16, { numLayers: 2, bidirectional: true });
    expect(Object.keys(lstm.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
      'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(lstm.stateDict().weight_ih_l1!.shape).toEqual([64, 32]);
    const all = lstm.parameters().flatMap((p) => Array.from(p.data));
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
    const v = all.reduce((s, a) => s + a * a, 0) / all.length;
    expect(Math.abs(v - 0.0625 / 3)).toBeLessThan(0.002);
  });

  it('applies inter-layer dropout only in training mode', () => {
    manualSeed(1);
    const lstm = new nn.LSTM(2, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([5, 3, 2]);
    expect(Array.from(lstm.forward(x)[0].data)).not.toEqual(Array.from(lstm.forward(x)[0].data));
    lstm.eval();
    expect(Array.from(lstm.forward(x)[0].data)).toEqual(Array.from(lstm.forward(x)[0].data));
  });
});
