// The everyday tensor API (issue 9), checked from one table two ways like ops.test.ts: against
// PyTorch 1.13 (test/fixtures/ops_everyday.json, tools/reference/ops_everyday.py) and by a float64
// gradcheck. Outputs without gradient (indices, 0/1 masks, split pieces) are compared exactly.
import { describe, expect, it } from 'vitest';
import {
  Tensor, cat, chunk, gradcheck, tensor, where, argmax, max, sort, topk, gather, scatterAdd, logsumexp, norm,
  zerosLike, onesLike, fullLike, randnLike, manualSeed, ValueError,
} from '../../src/index.js';
import { type FT, checkOpCase, expectClose, fromFixture, loadFixture } from '../helpers.js';

type Kw = Record<string, unknown>;
interface Case { name: string; op: string; kwargs: Kw; inputs: FT[]; output: FT; grad_output: FT; grads: (FT | null)[]; gradcheck?: boolean }
interface FwdCase { name: string; op: string; kwargs: Kw; inputs: FT[]; outputs: FT[] }
const fixture = loadFixture('ops_everyday.json') as { torch_version: string; cases: Case[]; forward: FwdCase[] };

const dims = (kw: Kw) => kw.dim as number | number[] | undefined;
const num = (v: unknown): number => (v === 'inf' ? Infinity : (v as number));
const weighted = (xs: Tensor[], d: number) => cat(xs.map((p, i) => p.mul(i + 1)), d);

/** Differentiable ops: the value output (what the fixture differentiates). */
const OPS: Record<string, (xs: Tensor[], kw: Kw) => Tensor> = {
  max: ([a], kw) => (kw.dim === undefined ? a!.max() : a!.max(kw.dim as number, !!kw.keepdim)[0]),
  min: ([a], kw) => (kw.dim === undefined ? a!.min() : a!.min(kw.dim as number, !!kw.keepdim)[0]),
  where: ([c, a, b], kw) => where(c!, a!, b ?? (kw.other as number)),
  maskedFill: ([a, m], kw) => a!.maskedFill(m!, kw.value as number),
  gather: ([a, i], kw) => a!.gather(kw.dim as number, i!),
  scatter: ([a, i, s], kw) => a!.scatter(kw.dim as number, i!, s ?? (kw.value as number)),
  scatterAdd: ([a, i, s], kw) => a!.scatterAdd(kw.dim as number, i!, s!),
  topk: ([a], kw) => a!.topk(kw.k as number, (kw.dim as number | undefined) ?? -1, (kw.largest as boolean | undefined) ?? true)[0],
  sort: ([a], kw) => a!.sort(kw.dim as number, !!kw.descending)[0],
  cumsum: ([a], kw) => a!.cumsum(kw.dim as number),
  expand: ([a], kw) => a!.expand(kw.sizes as number[]),
  repeat: ([a], kw) => a!.repeat(kw.reps as number[]),
  flatten: ([a], kw) => a!.flatten(kw.startDim as number | undefined, kw.endDim as number | undefined),
  T: ([a]) => a!.T,
  mT: ([a]) => a!.mT,
  split: ([a], kw) => weighted(a!.split(kw.sizeOrSizes as number | number[], kw.dim as number), kw.dim as number),
  chunk: ([a], kw) => weighted(a!.chunk(kw.chunks as number, kw.dim as number), kw.dim as number),
  var: ([a], kw) => a!.var(dims(kw), !!kw.keepdim, kw.correction as number | undefined),
  std: ([a], kw) => a!.std(dims(kw), !!kw.keepdim, kw.correction as number | undefined),
  norm: ([a], kw) => a!.norm(kw.p === undefined ? 2 : num(kw.p), dims(kw), !!kw.keepdim),
  logsumexp: ([a], kw) => a!.logsumexp(dims(kw)!, !!kw.keepdim),
  sin: ([a]) => a!.sin(),
  cos: ([a]) => a!.cos(),
  sign: ([a]) => a!.sign(),
};

/** Every output of an op, for the forward-only cases. */
const FORWARD: Record<string, (xs: Tensor[], kw: Kw) => Tensor[]> = {
  max: ([a], kw) => a!.max(kw.dim as number, !!kw.keepdim),
  min: ([a], kw) => a!.min(kw.dim as number, !!kw.keepdim),
  argmax: ([a], kw) => [a!.argmax(kw.dim as number | undefined, !!kw.keepdim)],
  argmin: ([a], kw) => [a!.argmin(kw.dim as number | undefined, !!kw.keepdim)],
  eq: ([a, b], kw) => [a!.eq(b ?? (kw.other as number))],
  ne: ([a, b], kw) => [a!.ne(b ?? (kw.other as number))],
  lt: ([a, b], kw) => [a!.lt(b ?? (kw.other as number))],
  le: ([a, b], kw) => [a!.le(b ?? (kw.other as number))],
  gt: ([a, b], kw) => [a!.gt(b ?? (kw.other as number))],
  ge: ([a, b], kw) => [a!.ge(b ?? (kw.other as number))],
  topk: ([a], kw) => a!.topk(kw.k as number, (kw.dim as number | undefined) ?? -1, (kw.largest as boolean | undefined) ?? true),
  sort: ([a], kw) => a!.sort(kw.dim as number, !!kw.descending),
  argsort: ([a], kw) => [a!.argsort(kw.dim as number, !!kw.descending)],
  chunk: ([a], kw) => a!.chunk(kw.chunks as number, kw.dim as number),
  split: ([a], kw) => a!.split(kw.sizeOrSizes as number | number[], kw.dim as number),
};

function inputsOf(c: Case): Tensor[] {
  return c.inputs.map((t, i) => fromFixture(t, 'float64', c.grads[i] !== null));
}

describe(`everyday ops against PyTorch ${fixture.torch_version} (float64)`, () => {
  it('covers every op in the tables', () => {
    expect(Object.keys(OPS).filter((op) => !fixture.cases.some((c) => c.op === op))).toEqual([]);
    expect(Object.keys(FORWARD).filter((op) => !fixture.forward.some((c) => c.op === op))).toEqual([]);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: forward and backward`, () => {
      checkOpCase(c, inputsOf(c), OPS[c.op]!);
    });

    if (c.gradcheck !== false) {
      it(`${c.name}: gradcheck`, () => {
        const xs = inputsOf(c);
        expect(gradcheck((...ys) => OPS[c.op]!(ys, c.kwargs), xs)).toBe(true);
      });
    }
  }

  for (const c of fixture.forward) {
    it(`${c.name}: exact outputs`, () => {
      const outs = FORWARD[c.op]!(c.inputs.map((t) => fromFixture(t, 'float64')), c.kwargs);
      expect(outs.length, `${c.name}: number of outputs`).toBe(c.outputs.length);
      outs.forEach((o, i) => {
        expect([...o.shape], `${c.name} output ${i} shape`).toEqual(c.outputs[i]!.shape);
        expect(Array.from(o.data), `${c.name} output ${i}`).toEqual(c.outputs[i]!.data);
        expect(o.requiresGrad).toBe(false);
      });
    });
  }
});

describe('everyday ops: behaviour beyond the fixture', () => {
  it('index outputs are float tensors of exact integers and never require grad', () => {
    const x = tensor([[3, 1, 2], [0, 5, 4]], { requiresGrad: true });
    const [v, i] = x.max(1);
    expect(v.requiresGrad).toBe(true);
    expect(i.requiresGrad).toBe(false);
    expect(i.dtype).toBe('float32');
    expect(i.tolist()).toEqual([0, 1]);
    expect(x.argmax().item()).toBe(4);
    expect(x.gt(2).requiresGrad).toBe(false);
    expect(x.gt(2).tolist()).toEqual([1, 0, 0, 0, 1, 1]);
  });

  it('a comparison mask drives where, maskedFill and mul', () => {
    const x = tensor([-1, 2, -3, 4]);
    const m = x.gt(0);
    expect(where(m, x, 0).tolist()).toEqual([0, 2, 0, 4]);
    expect(x.maskedFill(m, 9).tolist()).toEqual([-1, 9, -3, 9]);
    expect(x.mul(m).tolist()).toEqual([-0, 2, -0, 4]);
    // a number is rounded to float32 before comparing, as PyTorch compares in the tensor's dtype
    expect(tensor([0.1]).eq(0.1).item()).toBe(1);
  });

  it('NaN counts as the largest value (max, argmax, sort, topk)', () => {
    const x = tensor([1, NaN, 2]);
    expect(x.argmax().item()).toBe(1);
    expect(Number.isNaN(max(x).item())).toBe(true);
    expect(x.argmin().item()).toBe(1); // PyTorch: argmin of a tensor with NaN is the NaN too
    expect(sort(x)[1].tolist()).toEqual([0, 2, 1]);
    expect(topk(x, 1)[1].tolist()).toEqual([1]);
  });

  it('backward accumulates when an input is used twice', () => {
    const x = tensor([[1, 5, 2], [7, 3, 4]], { requiresGrad: true, dtype: 'float64' });
    const i = tensor([[1, 1], [0, 2]], { dtype: 'float64' });
    x.gather(1, i).sum().add(x.max(1)[0].sum()).add(x.cumsum(0).sum()).backward();
    expect(x.grad!.tolist()).toEqual([0 + 0 + 2, 2 + 1 + 2, 0 + 0 + 2, 1 + 1 + 1, 0 + 0 + 1, 1 + 0 + 1]);
    const y = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
    scatterAdd(y, 0, tensor([1, 1, 0], { dtype: 'float64' }), y.repeat(2).narrow(0, 0, 3)).sum().backward();
    expect(y.grad!.tolist()).toEqual([1 + 2, 1 + 1]);
  });

  it('logsumexp is stable and norm has a zero subgradient at 0', () => {
    expect(logsumexp(tensor([1000, 1000], { dtype: 'float64' }), 0).item()).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logsumexp(tensor([-Infinity, -Infinity]), 0).item()).toBe(-Infinity);
    const z = tensor([0, 0], { requiresGrad: true });
    norm(z).backward();
    expect(z.grad!.tolist()).toEqual([0, 0]);
  });

  it('shape helpers: T, mT, dim, expand, repeat, chunk, split, flatten, newZeros', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.reshape(1, 2, 3).mT.shape).toEqual([1, 3, 2]);
    expect(x.dim()).toBe(2);
    expect(tensor([1, 2]).expand(2, -1).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(tensor([1, 2]).repeat(2, 2).toArray()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(chunk(x, 2, 1).map((t) => t.shape)).toEqual([[2, 2], [2, 1]]);
    expect(x.split([1, 2], 1).map((t) => t.tolist())).toEqual([[1, 4], [2, 3, 5, 6]]);
    expect(x.reshape(2, 1, 3).flatten(1).shape).toEqual([2, 3]);
    const n = x.double().newZeros([2, 2]);
    expect([n.dtype, ...n.shape]).toEqual(['float64', 2, 2]);
  });

  it('*Like creators keep shape and dtype', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' });
    for (const t of [zerosLike(x), onesLike(x), fullLike(x, 7), randnLike(x)]) expect([t.dtype, ...t.shape]).toEqual(['float64', 1, 2]);
    expect(fullLike(x, 7).tolist()).toEqual([7, 7]);
    manualSeed(3);
    const a = randnLike(x).tolist();
    manualSeed(3);
    expect(randnLike(x).tolist()).toEqual(a);
  });

  it('bad arguments throw one-line ValueErrors naming the op', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const cases: [() => unknown, RegExp][] = [
      [() => x.gather(1, tensor([[3]])), /^gather: index 3 is out of range for dim 1 of size 3 \(shape \[2,3\]\)$/],
      [() => x.gather(1, tensor([1, 2])), /^gather: index of shape \[2\] must have as many dims/],
      [() => x.topk(4), /^topk: k 4 is out of range for dim -1 of size 3/],
      [() => x.expand(3, 3), /^expand: cannot expand shape \[2,3\] to \[3,3\]/],
      [() => x.repeat(2), /^repeat: 1 repeats \[2\] given for a tensor of shape \[2,3\]/],
      [() => x.split([1, 1], 1), /^split: sizes \[1,1\] do not sum to 3/],
      [() => x.maskedFill(tensor([1, 0]), 0), /^maskedFill: shapes \[2,3\] and \[2\] cannot be broadcast together$/],
      [() => x.maskedFill(tensor([[[1, 0, 1]], [[0, 0, 1]]]), 0), /^maskedFill: mask of shape \[2,1,3\] does not broadcast to the tensor's shape \[2,3\]$/],
      [() => x.max(2), /^max: dim 2 is out of range/],
      [() => argmax(tensor([])), /^argmax: expected a non-empty tensor/],
      [() => x.norm(-1), /^norm: p must be/],
      [() => tensor([1]).mT, /^mT: expects a tensor with at least 2 dims/],
    ];
    for (const [f, re] of cases) {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(re);
    }
  });

  it('scatter and gather round-trip through the op table functions', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const i = tensor([[1, 0], [0, 1]]);
    expect(gather(x, 1, i).toArray()).toEqual([[2, 1], [3, 4]]);
    expect(x.scatter(1, i, gather(x, 1, i)).toArray()).toEqual([[1, 2], [3, 4]]);
  });
});
