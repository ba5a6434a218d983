// nn.RNN / nn.RNNCell against PyTorch 1.13 (float32, 1e-5 relative): output, hN and the gradient of
// (output·gOut).sum() + (hN·gH).sum() w.r.t. the input, h0 and every parameter.
import { describe, expect, it } from 'vitest';
import { Tensor, cat, gradcheck, manualSeed, nn, randn, stack, tensor, zeros } from '../../src/index.js';
import { expectClose, fromFixture, loadFixture, maxAbs } from '../helpers.js';
import { type RecurrentCase, checkRecurrentCase } from './recurrent-fixture.js';

interface Case extends RecurrentCase {
  module: 'RNN' | 'RNNCell';
  config: { inputSize: number; hiddenSize: number; numLayers: number; nonlinearity: 'tanh' | 'relu'; bias: boolean; batchFirst: boolean; dropout: number; bidirectional: boolean };
}
const fixture = loadFixture('rnn.json') as { torch_version: string; cases: Case[] };

describe(`RNN against PyTorch ${fixture.torch_version}`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const { inputSize, hiddenSize, ...opts } = c.config;
      if (c.module === 'RNN') {
        const m = new nn.RNN(inputSize, hiddenSize, opts);
        checkRecurrentCase(c, m, (x, h0) => { const [output, hN] = m.forward(x, h0); return { output, hN }; });
      } else {
        const m = new nn.RNNCell(inputSize, hiddenSize, opts);
        checkRecurrentCase(c, m, (x, h0) => ({ output: m.forward(x, h0) }));
      }
    });
  }
});

/** The same network, one RNNCell step at a time through the tape (the composed reference). */
function composedRnn(rnn: InstanceType<typeof nn.RNN>, x: Tensor, h0: Tensor): [Tensor, Tensor] {
  const { numLayers: L, numDirections: D, hiddenSize: H, inputSize: I } = rnn;
  const params = Object.fromEntries(rnn.namedParameters());
  const T = x.shape[0]!;
  let layerIn = x;
  const finals: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const cell = new nn.RNNCell(l === 0 ? I : D * H, H, { nonlinearity: rnn.nonlinearity, bias: rnn.bias, dtype: x.dtype });
      // share the RNN's parameter tensors so gradients land on them
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

describe('float32 accuracy over long sequences', () => {
  it('tanh_3layer_T200 in float32 stays within 1e-6 (norm-relative) of the same network in float64', () => {
    const c = fixture.cases.find((k) => k.name === 'tanh_3layer_T200')!;
    const { inputSize, hiddenSize, ...opts } = c.config;
    const grads = (['float32', 'float64'] as const).map((dtype) => {
      const m = new nn.RNN(inputSize, hiddenSize, { ...opts, dtype });
      m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fromFixture(v, dtype)])));
      const x = fromFixture(c.input, dtype, true);
      const [o, h] = m.forward(x);
      o.mul(fromFixture(c.grad_output, dtype)).sum().add(h.mul(fromFixture(c.grad_hN!, dtype)).sum()).backward();
      return [x.grad!, ...m.parameters().map((p) => p.grad!)];
    });
    grads[0]!.forEach((g32, i) => {
      const g64 = grads[1]![i]!;
      const ref = { shape: [...g64.shape], data: Array.from(g64.data) };
      expectClose(g32, ref, `gradient ${i}`, 1e-6, 1e-6 * maxAbs(ref));
    });
  });
});

describe('fused BPTT equals the composed RNNCell network', () => {
  for (const [name, opts] of [
    ['tanh 2 layers', { numLayers: 2 }],
    ['relu bidirectional', { nonlinearity: 'relu', bidirectional: true }],
    ['tanh 2 layers bidirectional, no bias', { numLayers: 2, bidirectional: true, bias: false }],
  ] as const) {
    it(name, () => {
      manualSeed(7);
      const rnn = new nn.RNN(3, 5, { ...opts, dtype: 'float64' });
      const D = rnn.numDirections;
      const x = randn([9, 2, 3], { dtype: 'float64', requiresGrad: true });
      const h0 = randn([rnn.numLayers * D, 2, 5], { dtype: 'float64', requiresGrad: true });
      const gOut = randn([9, 2, 5 * D], { dtype: 'float64' });
      const gH = randn([rnn.numLayers * D, 2, 5], { dtype: 'float64' });
      const run = (f: (x: Tensor, h: Tensor) => [Tensor, Tensor]) => {
        rnn.zeroGrad({ setToNone: true });
        x.grad = null;
        h0.grad = null;
        const [o, h] = f(x, h0);
        o.mul(gOut).sum().add(h.mul(gH).sum()).backward();
        return { o, h, gx: x.grad!, gh: h0.grad!, gp: rnn.parameters().map((p) => p.grad!) };
      };
      const fused = run((a, b) => rnn.forward(a, b));
      const composed = run((a, b) => composedRnn(rnn, a, b));
      expectClose(fused.o, composed.o.data, 'output', 1e-12, 1e-13);
      expectClose(fused.h, composed.h.data, 'hN', 1e-12, 1e-13);
      expectClose(fused.gx, composed.gx.data, 'grad x', 1e-10, 1e-12);
      expectClose(fused.gh, composed.gh.data, 'grad h0', 1e-10, 1e-12);
      fused.gp.forEach((g, i) => expectClose(g, composed.gp[i]!.data, `grad param ${i}`, 1e-10, 1e-12));
    });
  }

  it('passes a float64 gradcheck through the fused op', () => {
    manualSeed(3);
    const rnn = new nn.RNN(2, 3, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const x = randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
    const h0 = randn([4, 2, 3], { dtype: 'float64', requiresGrad: true });
    const ps = rnn.parameters();
    expect(gradcheck((a, b) => { const [o, h] = rnn.forward(a!, b!); return [o, h]; }, [x, h0])).toBe(true);
    expect(gradcheck(() => rnn.forward(x, h0)[0].sum(), ps)).toBe(true);
  });
});

describe('RNN errors and options', () => {
  it('names the shapes on bad input', () => {
    const rnn = new nn.RNN(1, 10, { batchFirst: true });
    expect(() => rnn.forward(zeros([4, 6]))).toThrow('RNN.forward: input has shape [4,6] but expects [B,T,1] or [T,1] (unbatched)');
    expect(() => rnn.forward(zeros([4, 6, 1]), zeros([2, 4, 10]))).toThrow('RNN.forward: h0 has shape [2,4,10] but expects [1,4,10]');
    expect(() => new nn.RNN(1, 10, { nonlinearity: 'gelu' as 'tanh' })).toThrow(/nonlinearity must be 'tanh' or 'relu'/);
  });

  it("draws PyTorch's default init U(-1/sqrt(H), 1/sqrt(H)) and names parameters like PyTorch", () => {
    manualSeed(0);
    const rnn = new nn.RNN(3, 16, { numLayers: 2, bidirectional: true });
    expect(Object.keys(rnn.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
      'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(rnn.stateDict().weight_ih_l1!.shape).toEqual([16, 32]);
    const all = rnn.parameters().flatMap((p) => Array.from(p.data));
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
    // a uniform on ±0.25 has variance 0.25²/3
    const v = all.reduce((s, a) => s + a * a, 0) / all.length;
    expect(Math.abs(v - 0.0625 / 3)).toBeLessThan(0.002);
  });

  it('applies inter-layer dropout only in training mode', () => {
    manualSeed(1);
    const rnn = new nn.RNN(2, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([5, 3, 2]);
    const [a] = rnn.forward(x);
    const [b] = rnn.forward(x);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    rnn.eval();
    expect(Array.from(rnn.forward(x)[0].data)).toEqual(Array.from(rnn.forward(x)[0].data));
  });

  it('loadStateDict lists missing, unexpected and mismatched keys', () => {
    const rnn = new nn.RNN(1, 4);
    const sd = rnn.stateDict();
    const bad = { ...sd, extra: tensor([1]), weight_hh_l0: zeros([3, 3]) } as Record<string, Tensor>;
    delete bad.bias_ih_l0;
    expect(() => rnn.loadStateDict(bad)).toThrow(
      'loadStateDict: size mismatch for weight_hh_l0: checkpoint has shape [3,3], the module has [4,4]. missing keys: bias_ih_l0. unexpected keys: extra',
    );
    const { weight_hh_l0: _w, ...rest } = bad;
    expect(rnn.loadStateDict({ ...rest, weight_hh_l0: sd.weight_hh_l0! }, { strict: false })).toEqual({ missingKeys: ['bias_ih_l0'], unexpectedKeys: ['extra'] });
  });
});
