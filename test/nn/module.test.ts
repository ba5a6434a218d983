// Module bookkeeping and the simple layers: names, modes, dtype conversion, dropout's definition.
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, ones, randn, tensor } from '../../src/index.js';

describe('Module', () => {
  it("names nested parameters with PyTorch's dotted paths, in registration order", () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1, { bias: false }));
    expect([...m.namedParameters()].map(([k, p]) => [k, [...p.shape]])).toEqual([
      ['0.weight', [4, 3]], ['0.bias', [4]], ['2.weight', [1, 4]],
    ]);
    expect([...m.namedModules()].map(([k]) => k)).toEqual(['', '0', '1', '2']);
  });

  it('train/eval reach every submodule; zeroGrad zeroes in place or drops grads', () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    m.eval();
    expect(m.layers.every((l) => !l.training)).toBe(true);
    m.forward(ones([1, 2])).sum().backward();
    const w = m.layers[0] as InstanceType<typeof nn.Linear>;
    expect(w.weight.grad).not.toBeNull();
    m.zeroGrad();
    expect(Array.from(w.weight.grad!.data)).toEqual([0, 0, 0, 0]);
    m.zeroGrad({ setToNone: true });
    expect(w.weight.grad).toBeNull();
  });

  it('to(float64) converts parameters in place, keeping their identity', () => {
    const lin = new nn.Linear(2, 3);
    const w = lin.weight;
    const before = Array.from(w.data);
    lin.double();
    expect(lin.weight).toBe(w);
    expect(w.dtype).toBe('float64');
    expect(Array.from(w.data)).toEqual(before);
    expect(lin.forward(tensor([[1, 2]], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('Linear names the shapes on bad input', () => {
    expect(() => new nn.Linear(3, 2).forward(ones([4, 5]))).toThrow('Linear.forward: input has shape [4,5] but expects [..., 3]');
  });

  it('Linear initialises from U(-1/sqrt(in), 1/sqrt(in)), seeded', () => {
    manualSeed(3);
    const a = new nn.Linear(100, 50);
    manualSeed(3);
    const b = new nn.Linear(100, 50);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    const w = Array.from(a.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.abs(w.reduce((s, v) => s + v * v, 0) / w.length - 0.01 / 3)).toBeLessThan(0.0003);
  });
});

describe('Dropout', () => {
  it('zeroes about p of the values and scales the rest by 1/(1-p) in training; identity in eval', () => {
    const d = new nn.Dropout(0.3, new Generator(11));
    const x = ones([100000]);
    const y = Array.from(d.forward(x).data);
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept.map((v) => v.toFixed(6)))).toEqual(new Set([(1 / 0.7).toFixed(6)]));
    // binomial: sd of the kept fraction is sqrt(p(1-p)/n) ≈ 0.0014
    expect(Math.abs(kept.length / y.length - 0.7)).toBeLessThan(0.006);
    d.eval();
    const z = randn([10]);
    expect(d.forward(z)).toBe(z);
    expect(() => new nn.Dropout(1.5)).toThrow('Dropout: p must be in [0, 1], got 1.5');
  });
});
