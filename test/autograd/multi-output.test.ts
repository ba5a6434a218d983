// Multi-output autograd nodes (recordMulti): one backward per pass, after every consumer of every
// output, with one gradient per output (null where the loss does not reach it); freed graphs,
// version checks and retainGrad as for single-output nodes; the fused LSTM's [output, cN] node.
import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, gradcheck, manualSeed, nn, noGrad, randn, tensor } from '../../src/index.js';
import type { Data } from '../../src/tensor/dtype.js';
import { recordMulti } from '../../src/autograd/engine.js';
import { lstmSequence } from '../../src/autograd/ops/lstm.js';
import { expectClose } from '../helpers.js';

const FREED =
  'backward: trying to backward through the graph a second time (or directly access saved tensors after they have already been freed); pass { retainGraph: true } to the first backward if you need to';

/** [a·x, b·x] as one node; `calls` logs the gradients each backward received (null or a copy). */
function scaled(x: Tensor, a = 2, b = 3) {
  const calls: (number[] | null)[][] = [];
  const y1 = new Tensor(x.data.map((v) => a * v), x.shape);
  const y2 = new Tensor(x.data.map((v) => b * v), x.shape);
  recordMulti([y1, y2], 'scaled', [x], (grads, acc) => {
    calls.push(grads.map((g) => (g ? Array.from(g) : null)));
    const gx = acc(x);
    if (!gx) return;
    const [g1, g2] = grads;
    for (let i = 0; i < gx.length; i++) gx[i] += (g1 ? a * g1[i]! : 0) + (g2 ? b * g2[i]! : 0);
  });
  return { y1, y2, calls };
}

/** [x², sin x] as one node, for the gradchecks. */
function squareSin(x: Tensor): [Tensor, Tensor] {
  const sq = new Tensor(x.data.map((v) => v * v), x.shape);
  const sn = new Tensor(x.data.map(Math.sin), x.shape);
  return recordMulti([sq, sn], 'squareSin', [x], ([gSq, gSn], acc) => {
    const gx = acc(x);
    if (!gx) return;
    const X: Data = x.data;
    for (let i = 0; i < gx.length; i++) gx[i] += (gSq ? 2 * X[i]! * gSq[i]! : 0) + (gSn ? Math.cos(X[i]!) * gSn[i]! : 0);
  });
}

describe('recordMulti: which outputs the loss uses', () => {
  it('only the first: the second gradient is null', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y1, calls } = scaled(x);
    y1.sum().backward();
    expect(calls).toEqual([[[1, 1], null]]);
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it('only the second: the first gradient is null, and the node still runs', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y2, calls } = scaled(x);
    y2.mul(tensor([1, 10])).sum().backward();
    expect(calls).toEqual([[null, [1, 10]]]);
    expect(x.grad!.tolist()).toEqual([3, 30]);
  });

  it('both, in separate branches: one backward with both gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y1, y2, calls } = scaled(x);
    y1.sum().add(y2.mul(2).sum()).backward();
    expect(calls).toEqual([[[1, 1], [2, 2]]]);
    expect(x.grad!.tolist()).toEqual([8, 8]);
  });

  it('a diamond: the second output reaches an op with the first through a chain', () => {
    const x = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
    const { y1, y2, calls } = scaled(x);
    // y2 passes through three nodes before meeting y1 (the sort visits that chain first), so a sort
    // of tensors rather than nodes would run the backward at y1, before y2's gradient is in
    const loss = y2.tanh().mul(2).add(1).mul(y1).sum();
    loss.backward();
    expect(calls.length).toBe(1);
    expect(calls[0]!.every((g) => g !== null)).toBe(true);
    const X = [0.5, -1];
    // d/dx [2x (2 tanh 3x + 1)] = 2 (2 tanh 3x + 1) + 2x · 2 · 3 (1 − tanh² 3x)
    const want = X.map((v) => 2 * (2 * Math.tanh(3 * v) + 1) + 12 * v * (1 - Math.tanh(3 * v) ** 2));
    expectClose(x.grad!, want, 'diamond grad', 1e-14, 1e-14);
  });

  it('the second output as the root itself, and an input used twice', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y2, calls } = scaled(x);
    y2.backward(tensor([1, -1]));
    expect(calls).toEqual([[null, [1, -1]]]);
    expect(x.grad!.tolist()).toEqual([3, -3]);
    // both outputs of one node feeding the same op as its two inputs
    const w = tensor([1, 2], { requiresGrad: true });
    const s = scaled(w);
    s.y1.mul(s.y2).sum().backward(); // 6 w², so 12 w
    expect(s.calls.length).toBe(1);
    expect(w.grad!.tolist()).toEqual([12, 24]);
  });

  it('records nothing when no input requires grad, or under noGrad', () => {
    const { y1, y2 } = scaled(tensor([1]));
    expect([y1.isLeaf, y2.isLeaf, y1.requiresGrad]).toEqual([true, true, false]);
    const x = tensor([1], { requiresGrad: true });
    const r = noGrad(() => scaled(x));
    expect([r.y1.isLeaf, r.y2.requiresGrad]).toEqual([true, false]);
  });

  it('passes a float64 gradcheck: each output alone, and composed with both', () => {
    manualSeed(5);
    const x = randn([2, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a) => squareSin(a!), [x])).toBe(true);
    expect(gradcheck((a) => { const [sq, sn] = squareSin(a!); return sq.mul(sn.exp()).add(sn); }, [x])).toBe(true);
  });
});

describe('recordMulti: freed graphs, versions, retainGrad', () => {
  it('a second backward through the node throws naming retainGraph, from either output', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y1, y2, calls } = scaled(x);
    const l1 = y1.sum(), l2 = y2.sum();
    l1.backward();
    expect(() => l1.backward()).toThrow(FREED);
    expect(() => l2.backward()).toThrow(FREED);
    expect(() => l2.backward()).toThrow(ValueError);
    expect(calls.length).toBe(1);
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it('retainGraph keeps it: a backward from each output runs the node each time', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y1, y2, calls } = scaled(x);
    y1.sum().backward(null, { retainGraph: true });
    y2.sum().backward(null, { retainGraph: true });
    y2.sum().backward();
    expect(calls).toEqual([[[1, 1], null], [null, [1, 1]], [null, [1, 1]]]);
    expect(x.grad!.tolist()).toEqual([8, 8]);
    expect(() => y1.sum().backward()).toThrow(FREED);
  });

  it('an output modified after the node saw it is named by its index', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y1, y2, calls } = scaled(x);
    const loss = y1.sum();
    noGrad(() => y2.mul_(2));
    expect(() => loss.backward()).toThrow('(output 1 of scaled) is at version 1; expected version 0 instead');
    expect(calls.length).toBe(0);
    expect(x.grad).toBeNull();
  });

  it('retainGrad on the second output (and on an output the loss does not reach)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const { y1, y2 } = scaled(x);
    y2.retainGrad();
    y1.retainGrad();
    y2.mul(tensor([4, 5])).sum().backward();
    expect(y2.grad!.tolist()).toEqual([4, 5]);
    expect(y1.grad).toBeNull();
    const s = scaled(x);
    s.y2.retainGrad();
    s.y1.sum().add(s.y2.mul(3).sum()).backward();
    expect(s.y2.grad!.tolist()).toEqual([3, 3]);
  });
});

describe('lstmSequence is one node with outputs [output, cN]', () => {
  /** The same layer, one LSTMCell step at a time through the tape (the composed reference). */
  function composed(cell: nn.LSTMCell, x: Tensor, h0: Tensor, c0: Tensor, reverse: boolean): [Tensor, Tensor] {
    let state: nn.LSTMState = [h0, c0];
    const T = x.shape[0]!;
    for (let s = 0; s < T; s++) state = cell.forward(x.select(0, reverse ? T - 1 - s : s), state);
    return state;
  }

  for (const reverse of [false, true]) {
    it(`a loss on cN alone${reverse ? ' (reverse)' : ''} gives the composed LSTMCell gradients`, () => {
      manualSeed(21);
      const T = 6, B = 2, I = 3, H = 4;
      const x = randn([T, B, I], { dtype: 'float64', requiresGrad: true });
      const h0 = randn([B, H], { dtype: 'float64', requiresGrad: true });
      const c0 = randn([B, H], { dtype: 'float64', requiresGrad: true });
      const cell = new nn.LSTMCell(I, H, { dtype: 'float64' });
      const w = [cell.weight_ih, cell.weight_hh, cell.bias_ih!, cell.bias_hh!];
      const gC = randn([B, H], { dtype: 'float64' });
      const leaves = [x, h0, c0, ...w];
      const grads = (f: () => Tensor) => {
        for (const t of leaves) t.grad = null;
        const c = f();
        c.mul(gC).sum().backward();
        return { c, grads: leaves.map((t) => t.grad!) };
      };
      let out: Tensor | null = null;
      const fused = grads(() => {
        const [o, c] = lstmSequence(x, h0, c0, w[0]!, w[1]!, w[2]!, w[3]!, { reverse });
        out = o.retainGrad();
        expect(o._outputs.length === 2 && o._outputs[0] === o && o._outputs[1] === c && c._backward === o._backward).toBe(true);
        return c;
      });
      const ref = grads(() => composed(cell, x, h0, c0, reverse)[1]);
      expect(out!.grad).toBeNull(); // the output got no gradient; the node ran from cN's
      expectClose(fused.c, ref.c.data, 'cN', 1e-12, 1e-13);
      fused.grads.forEach((g, i) => expectClose(g, ref.grads[i]!.data, `grad ${i}`, 1e-10, 1e-12));
      expect(Math.max(...Array.from(x.grad!.data, Math.abs))).toBeGreaterThan(1e-3);
    });
  }

  it('a second backward from cN after one from the output throws naming retainGraph', () => {
    manualSeed(2);
    const lstm = new nn.LSTM(2, 3);
    const [out, [, cN]] = lstm.forward(randn([4, 1, 2]));
    out.sum().backward();
    expect(() => cN.sum().backward()).toThrow(FREED);
  });
});
