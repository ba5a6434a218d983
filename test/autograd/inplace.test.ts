// In-place ops, version counters and freed graphs (PyTorch's retain_graph).
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, ValueError, nn, noGrad, optim, rand, randn, tensor } from '../../src/index.js';

const FREED =
  'backward: trying to backward through the graph a second time (or directly access saved tensors after they have already been freed); pass { retainGraph: true } to the first backward if you need to';

describe('in-place ops: values', () => {
  it('add_ / sub_ with alpha, scalars and broadcasting the source to self', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.add_(tensor([10, 20, 30]), { alpha: 0.5 }).toArray()).toEqual([[6, 12, 18], [9, 15, 21]]);
    expect(x.sub_(tensor([[1], [2]]), { alpha: 2 }).toArray()).toEqual([[4, 10, 16], [5, 11, 17]]);
    expect(x.add_(1).toArray()).toEqual([[5, 11, 17], [6, 12, 18]]);
    expect(x.sub_(tensor(1), { alpha: -1 }).toArray()).toEqual([[6, 12, 18], [7, 13, 19]]);
  });

  it('mul_, div_, and add_ with itself', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.mul_(tensor([2, -1])).toArray()).toEqual([[2, -2], [6, -4]]);
    expect(x.div_(2).toArray()).toEqual([[1, -1], [3, -2]]);
    expect(x.add_(x).toArray()).toEqual([[2, -2], [6, -4]]);
  });

  it('refuses a source that would broadcast self to a larger shape', () => {
    expect(() => tensor([1, 2]).add_(tensor([[1, 2], [3, 4]]))).toThrow(ValueError);
    expect(() => tensor([1, 2]).add_(tensor([[1, 2], [3, 4]]))).toThrow(
      "add_: the source has shape [2,2], which does not broadcast to the tensor's shape [2]",
    );
  });

  it('zero_, fill_, copy_ (broadcast, across dtypes), clamp_', () => {
    const x = tensor([[1, -2], [3, 4]]);
    expect(x.fill_(7).tolist()).toEqual([7, 7, 7, 7]);
    expect(x.zero_().tolist()).toEqual([0, 0, 0, 0]);
    expect(x.copy_(tensor([1.5, -2.5], { dtype: 'float64' })).toArray()).toEqual([[1.5, -2.5], [1.5, -2.5]]);
    expect(x.dtype).toBe('float32');
    const y = tensor([-3, -0.5, 0.5, 3, NaN]);
    expect(y.clamp_(-1, 1).tolist()).toEqual([-1, -0.5, 0.5, 1, NaN]);
    expect(tensor([-3, 3]).clamp_(null, 0).tolist()).toEqual([-3, 0]);
    expect(tensor([-3, 3]).clamp_(2, 1).tolist()).toEqual([1, 1]); // min > max: max, as PyTorch
    expect(() => tensor([1]).clamp_(null, null)).toThrow('clamp_: at least one of min and max must be given');
  });

  it('uniform_ and normal_ draw from the seeded generator', () => {
    const u = new Tensor(new Float64Array(4), [4]).uniform_(-2, 3, new Generator(5));
    const g = new Generator(5);
    expect(u.tolist()).toEqual([0, 1, 2, 3].map(() => -2 + 5 * g.random()));
    const n = new Tensor(new Float64Array(3), [3]).normal_(1, 0.5, new Generator(9));
    const h = new Generator(9);
    expect(n.tolist()).toEqual([0, 1, 2].map(() => 1 + 0.5 * h.normal()));
    expect(() => tensor([0]).uniform_(1, 0)).toThrow(ValueError);
    expect(() => tensor([0]).normal_(0, -1)).toThrow(ValueError);
  });
});

describe('in-place ops: autograd rules', () => {
  it('a leaf that requires grad is refused outside noGrad, with PyTorch meaning', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow('add_: a leaf Variable that requires grad is being used in an in-place operation');
    expect(() => w.zero_()).toThrow(ValueError);
    expect(w.tolist()).toEqual([1, 2]);
    noGrad(() => w.add_(tensor([0.5, 0.5]), { alpha: -2 }));
    expect(w.tolist()).toEqual([0, 1]);
    expect(w.requiresGrad).toBe(true);
  });

  it('a tensor of the graph, or a source that requires grad, is refused in grad mode', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = w.mul(2);
    expect(() => y.mul_(3)).toThrow('mul_: in-place ops on a tensor that is part of the autograd graph (the output of mul) are not supported; use the out-of-place op');
    const buf = tensor([0, 0]);
    expect(() => buf.add_(w)).toThrow('add_: the source requires grad, but an in-place op records no gradient; use the out-of-place op');
    expect(buf.add_(w.detach()).tolist()).toEqual([1, 2]); // plain data: allowed
  });

  it('every in-place op bumps _version; views made by detach and reshape share it', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(x._version).toBe(0);
    x.add_(1).sub_(1).mul_(2).div_(2).zero_().fill_(1).copy_(tensor([2])).clamp_(0, 1).uniform_().normal_();
    expect(x._version).toBe(10);
    const d = x.detach();
    d.add_(1);
    expect(x._version).toBe(11);
    const w = tensor([1, 2, 3, 4], { requiresGrad: true });
    const v = w.reshape(2, 2);
    noGrad(() => w.mul_(2));
    expect(v._version).toBe(1);
  });

  it('optimizer steps, loadStateDict and vectorToParameters bump versions', () => {
    const lin = new nn.Linear(2, 1);
    const opt = new optim.Adam(lin.parameters(), { lr: 0.1 });
    lin.forward(tensor([[1, 2]])).sum().backward();
    opt.step();
    expect(lin.weight._version).toBe(1);
    expect(lin.bias!._version).toBe(1);
    lin.loadStateDict(new nn.Linear(2, 1).stateDict());
    expect(lin.weight._version).toBe(2);
    nn.utils.vectorToParameters(tensor([1, 2, 3]), lin.parameters());
    expect(lin.weight._version).toBe(3);
  });

  it("backward through a tensor modified after it was saved names it, as PyTorch's version check", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const loss = w.mul(x).sum();
    x.mul_(10);
    expect(() => loss.backward()).toThrow(
      'backward: one of the variables needed for gradient computation has been modified by an inplace operation: Tensor([2], float32) (input 1 of mul) is at version 1; expected version 0 instead',
    );
    expect(w.grad).toBeNull(); // nothing accumulated
    const h = w.tanh();
    const l2 = h.sum();
    noGrad(() => h.zero_());
    expect(() => l2.backward()).toThrow('(the output of tanh) is at version 1; expected version 0 instead');
  });

  it('a manual SGD step in noGrad equals optim.SGD (word_language_model)', () => {
    const make = () => {
      const m = new nn.Linear(3, 2, { generator: new Generator(1) });
      m.forward(randn([4, 3], { generator: new Generator(2) })).square().mean().backward();
      return m;
    };
    const a = make(), b = make();
    const lr = 0.3;
    for (const p of a.parameters()) noGrad(() => p.add_(p.grad!, { alpha: -lr }));
    new optim.SGD(b.parameters(), { lr }).step();
    expect(a.weight.tolist()).toEqual(b.weight.tolist());
    expect(a.bias!.tolist()).toEqual(b.bias!.tolist());
    expect(a.weight._version).toBe(b.weight._version);
  });
});

describe('backward frees the graph', () => {
  it('a second backward throws naming retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(FREED);
    expect(() => y.backward()).toThrow(ValueError);
    expect(x.grad!.tolist()).toEqual([2, 4]);
    // any graph reaching a freed node
    const z = x.mul(3);
    const l1 = z.sum();
    const l2 = z.mul(2).sum();
    l1.backward();
    expect(() => l2.backward()).toThrow(FREED);
  });

  it('retainGraph keeps it, and gradients accumulate twice as in PyTorch', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward(undefined, { retainGraph: true });
    expect(x.grad!.tolist()).toEqual([4, 8]);
    y.backward(tensor(1));
    expect(x.grad!.tolist()).toEqual([6, 12]);
    expect(() => y.backward()).toThrow(FREED);
  });

  it('a leaf root and a fresh graph over the same leaves still work', () => {
    const x = rand([3], { requiresGrad: true });
    x.backward(tensor([1, 1, 1]));
    x.backward(tensor([1, 1, 1]));
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
    x.sum().backward();
    x.sum().backward();
    expect(x.grad!.tolist()).toEqual([4, 4, 4]);
  });
});
