// nn.utils and the functional forms in nn.functional.
import { describe, expect, it } from 'vitest';
import { Generator, ValueError, nn, optim, randn, tensor } from '../../src/index.js';

const F = nn.functional;

describe('nn.utils', () => {
  it('clipGradNorm_ / clipGradValue_ are the optim ones', () => {
    expect(nn.utils.clipGradNorm_).toBe(optim.clipGradNorm_);
    expect(nn.utils.clipGradValue_).toBe(optim.clipGradValue_);
    const w = tensor([0, 0], { requiresGrad: true });
    w.mul(tensor([3, 4])).sum().backward();
    expect(nn.utils.clipGradNorm_([w], 1)).toBeCloseTo(5, 6);
    expect(w.grad!.tolist().map((v) => +v.toFixed(5))).toEqual([0.6, 0.8]);
    nn.utils.clipGradValue_([w], 0.7);
    expect(w.grad!.tolist().map((v) => +v.toFixed(5))).toEqual([0.6, 0.7]);
  });

  it('parametersToVector flattens in order and is differentiable', () => {
    const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = tensor([5], { requiresGrad: true });
    const v = nn.utils.parametersToVector([a, b]);
    expect(v.shape).toEqual([5]);
    expect(v.tolist()).toEqual([1, 2, 3, 4, 5]);
    v.mul(tensor([1, 2, 3, 4, 5])).sum().backward();
    expect(a.grad!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(b.grad!.tolist()).toEqual([5]);
    expect(() => nn.utils.parametersToVector([])).toThrow(ValueError);
  });

  it('vectorToParameters copies back in place (identity kept) and checks the length', () => {
    const m = new nn.Linear(3, 2, { generator: new Generator(0) });
    const w = m.weight;
    const vec = nn.utils.parametersToVector(m.parameters());
    const target = vec.detach().mul(2);
    nn.utils.vectorToParameters(target, m.parameters()); // a parameter requiring grad: no noGrad needed
    expect(m.weight).toBe(w);
    expect(nn.utils.parametersToVector(m.parameters()).tolist()).toEqual(target.tolist());
    expect(() => nn.utils.vectorToParameters(tensor([1, 2]), m.parameters())).toThrow(
      'vectorToParameters: vec has shape [2] but the parameters hold 8 values; expected [8]',
    );
  });

  it('nn.utils.rnn exists as a namespace', () => {
    expect(typeof nn.utils.rnn).toBe('object');
  });
});

describe('nn.functional', () => {
  it('linear equals x Wᵀ + b and nn.Linear', () => {
    const m = new nn.Linear(3, 2, { generator: new Generator(3) });
    const x = randn([2, 4, 3], { generator: new Generator(4) });
    expect(F.linear(x, m.weight, m.bias).tolist()).toEqual(m.forward(x).tolist());
    const y = F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 10, 100]));
    expect(y.toArray()).toEqual([[1, 12, 103]]);
    expect(F.linear(tensor([[1, 2]]), tensor([[1, 1]])).toArray()).toEqual([[3]]);
    expect(() => F.linear(tensor([[1, 2]]), tensor([[1, 1]]), tensor([1, 2]))).toThrow('linear: bias has shape [2] but expects [1]');
  });

  it('embedding gathers rows; the padding row gets no gradient', () => {
    const w = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
    const out = F.embedding(tensor([[2, 0], [0, 1]]), w, { paddingIdx: -2 });
    expect(out.toArray()).toEqual([[[5, 6], [1, 2]], [[1, 2], [3, 4]]]);
    out.sum().backward();
    expect(w.grad!.toArray()).toEqual([[2, 2], [0, 0], [1, 1]]);
    expect(() => F.embedding([3], w)).toThrow('embedding: index 3 (at position 0) is out of range for 3 embeddings');
  });

  it('has the activations and (log-)softmax', () => {
    const x = tensor([-1, 0, 2]);
    expect(F.relu(x).tolist()).toEqual([0, 0, 2]);
    expect(F.tanh(x).tolist()).toEqual(x.tanh().tolist());
    expect(F.sigmoid(x).tolist()).toEqual(x.sigmoid().tolist());
    expect(F.softmax(x, 0).tolist()).toEqual(x.softmax(0).tolist());
    expect(F.logSoftmax(x, -1).tolist()).toEqual(x.logSoftmax(-1).tolist());
    for (const f of [F.crossEntropy, F.nllLoss, F.mseLoss, F.l1Loss, F.dropout]) expect(typeof f).toBe('function');
  });
});
