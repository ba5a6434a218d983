// nn.GRU / nn.GRUCell against PyTorch 1.13 (float32): output, hN and the gradient of
// (output·gOut).sum() + (hN·gH).sum() w.r.t. the input, h0 and every parameter; the fused op
// against the composed GRUCell network (float64) and a gradcheck.
import { describe, expect, it } from 'vitest';
import { Tensor, cat, gradcheck, manualSeed, nn, randn, stack, zeros } from '../../src/index.js';
import { expectClose, loadFixture } from '../helpers.js';
import { type RecurrentCase, checkRecurrentCase } from './recurrent-fixture.js';

interface Case extends RecurrentCase {
  config: { inputSize: number; hiddenSize: number; numLayers: number; bias: boolean; batchFirst: boolean; dropout: number; bidirectional: boolean };
}
const fixture = loadFixture('lstm_gru.json') as { torch_version: string; cases: Case[] };

describe(`GRU against PyTorch ${fixture.torch_version}`, () => {
  for (const c of fixture.cases.filter((k) => k.module === 'GRU' || k.module === 'GRUCell')) {
    it(c.name, () => {
      const { inputSize, hiddenSize, ...opts } = c.config;
      if (c.module === 'GRU') {
        const m = new nn.GRU(inputSize, hiddenSize, opts);
        checkRecurrentCase(c, m, (x, h0) => { const [output, hN] = m.forward(x, h0); return { output, hN }; });
      } else {
        const m = new nn.GRUCell(inputSize, hiddenSize, opts);
        checkRecurrentCase(c, m, (x, h0) => ({ output: m.forward(x, h0) }));
      }
    });
  }
});

/** The same network, one GRUCell step at a time through the tape (the composed reference); x time-major. */
function composedGru(gru: InstanceType<typeof nn.GRU>, x: Tensor, h0: Tensor): [Tensor, Tensor] {
  const { numLayers: L, numDirections: D, hiddenSize: H, inputSize: I } = gru;
  const params = Object.fromEntries(gru.namedParameters());
  const T = x.shape[0]!;
  let layerIn = x;
  const finals: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const cell = new nn.GRUCell(l === 0 ? I : D * H, H, { bias: gru.bias, dtype: x.dtype });
      // share the GRU's parameter tensors so gradients land on them
      const cp = Object.fromEntries(cell.namedParameters());
      for (const k of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) if (cp[k]) Object.assign(cell, { [k]: params[k + sfx] });
      let h = h0.select(0, l * D + d);
      const steps: Tensor[] = new Array(T);
      for (let s = 0; s < T; s++) {
        const t = d ? T - 1 - s : s;
        h = cell.forward(layerIn.select(0, t), h);
        steps[t] = h;
      }
      finals.push(h);
      outs.push(stack(steps, 0));
    }
    layerIn = D === 1 ? outs[0]! : cat(outs, 2);
  }
  return [layerIn, stack(finals, 0)];
}

describe('fused GRU BPTT equals the composed GRUCell network', () => {
  for (const [name, opts] of [
    ['2 layers', { numLayers: 2 }],
    ['bidirectional', { bidirectional: true }],
    ['2 layers bidirectional, no bias', { numLayers: 2, bidirectional: true, bias: false }],
    ['2 layers bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }],
  ] as const) {
    it(name, () => {
      manualSeed(7);
      const gru = new nn.GRU(3, 5, { ...opts, dtype: 'float64' });
      const D = gru.numDirections, L = gru.numLayers;
      const bf = gru.batchFirst;
      const x = randn(bf ? [2, 9, 3] : [9, 2, 3], { dtype: 'float64', requiresGrad: true });
      const h0 = randn([L * D, 2, 5], { dtype: 'float64', requiresGrad: true });
      const gOut = randn(bf ? [2, 9, 5 * D] : [9, 2, 5 * D], { dtype: 'float64' });
      const gH = randn([L * D, 2, 5], { dtype: 'float64' });
      const run = (f: () => [Tensor, Tensor]) => {
        gru.zeroGrad({ setToNone: true });
        for (const t of [x, h0]) t.grad = null;
        const [o, h] = f();
        o.mul(gOut).sum().add(h.mul(gH).sum()).backward();
        return { o, h, grads: [x, h0, ...gru.parameters()].map((p) => p.grad!) };
      };
      const fused = run(() => gru.forward(x, h0));
      const composed = run(() => {
        if (!bf) return composedGru(gru, x, h0);
        const [o, h] = composedGru(gru, x.transpose(0, 1), h0);
        return [o.transpose(0, 1), h];
      });
      expectClose(fused.o, composed.o.data, 'output', 1e-12, 1e-13);
      expectClose(fused.h, composed.h.data, 'hN', 1e-12, 1e-13);
      fused.grads.forEach((g, i) => expectClose(g, composed.grads[i]!.data, `grad ${i}`, 1e-10, 1e-12));
    });
  }

  it('passes a float64 gradcheck through the fused op', () => {
    manualSeed(3);
    const gru = new nn.GRU(2, 3, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const x = randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
    const h0 = randn([4, 2, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a, b) => gru.forward(a!, b!), [x, h0])).toBe(true);
    const xb = randn([2, 4, 2], { dtype: 'float64' });
    const bfGru = new nn.GRU(2, 3, { bidirectional: true, batchFirst: true, dtype: 'float64' });
    expect(gradcheck(() => bfGru.forward(xb), bfGru.parameters())).toBe(true);
  });
});

describe('GRU errors and options', () => {
  it('names the shapes on bad input and state', () => {
    const gru = new nn.GRU(1, 10, { batchFirst: true });
    expect(() => gru.forward(zeros([4, 6]))).toThrow('GRU.forward: input has shape [4,6] but expects [B,T,1] or [T,1] (unbatched)');
    expect(() => gru.forward(zeros([4, 6, 1]), zeros([2, 4, 10]))).toThrow('GRU.forward: h0 has shape [2,4,10] but expects [1,4,10]');
    expect(() => gru.forward(zeros([4, 6, 1], { dtype: 'float64' }))).toThrow(/input is float64 but the parameters are float32/);
    expect(() => new nn.GRUCell(2, 3).forward(zeros([4, 3]))).toThrow('GRUCell.forward: input has shape [4,3] but expects [B,2] or [2]');
  });

  it("draws PyTorch's default init U(-1/sqrt(H), 1/sqrt(H)) and names parameters like PyTorch", () => {
    manualSeed(0);
    const gru = new nn.GRU(3, 16, { numLayers: 2, bidirectional: true, bias: false });
    expect(Object.keys(gru.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse',
    ]);
    expect(gru.stateDict().weight_ih_l1!.shape).toEqual([48, 32]);
    const all = gru.parameters().flatMap((p) => Array.from(p.data));
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
    const v = all.reduce((s, a) => s + a * a, 0) / all.length;
    expect(Math.abs(v - 0.0625 / 3)).toBeLessThan(0.002);
  });

  it('applies inter-layer dropout only in training mode', () => {
    manualSeed(1);
    const gru = new nn.GRU(2, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([5, 3, 2]);
    expect(Array.from(gru.forward(x)[0].data)).not.toEqual(Array.from(gru.forward(x)[0].data));
    gru.eval();
    expect(Array.from(gru.forward(x)[0].data)).toEqual(Array.from(gru.forward(x)[0].data));
  });
});
