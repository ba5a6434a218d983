// Every primitive op, checked two ways from one table: against PyTorch 1.13 (forward and the
// gradient of (out·g).sum() for a random g, in float64) and by a float64 finite-difference gradcheck.
import { describe, expect, it } from 'vitest';
import { Tensor, gradcheck, tensor } from '../../src/index.js';
import { type FT, checkOpCase, expectClose, fromFixture, loadFixture } from '../helpers.js';
import { CONSTANT_INPUTS, OPS } from '../op-table.js';

interface Case { name: string; op: string; kwargs: Record<string, unknown>; inputs: FT[]; output: FT; grad_output: FT; grads: (FT | null)[] }
const fixture = loadFixture('ops.json') as { torch_version: string; cases: Case[] };

function inputsOf(c: Case): Tensor[] {
  const constant = CONSTANT_INPUTS[c.op] ?? [];
  return c.inputs.map((t, i) => fromFixture(t, 'float64', !constant.includes(i)));
}

describe(`ops against PyTorch ${fixture.torch_version} (float64)`, () => {
  it('covers every op in the table', () => {
    const inFixture = new Set(fixture.cases.map((c) => c.op));
    expect([...inFixture].filter((op) => !(op in OPS))).toEqual([]);
    expect(Object.keys(OPS).filter((op) => !inFixture.has(op))).toEqual([]);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: forward and backward`, () => {
      checkOpCase(c, inputsOf(c), OPS[c.op]!);
    });

    it(`${c.name}: gradcheck`, () => {
      const xs = inputsOf(c);
      expect(gradcheck((...ys) => OPS[c.op]!(ys, c.kwargs), xs)).toBe(true);
    });
  }
});

describe('autograd engine', () => {
  it('accumulates when an input is used twice and across backward calls', () => {
    const x = tensor([1.5, -2], { requiresGrad: true, dtype: 'float64' });
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([3, -4]);
    x.mul(x).add(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([3 + 4, -4 - 3]);
  });

  it('backpropagates through a 20,000-node chain without overflowing the stack', () => {
    const x = tensor([0.5], { requiresGrad: true, dtype: 'float64' });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1.0001, 20000), 6);
  });

  it('records nothing under noGrad and detach cuts the graph', async () => {
    const { noGrad } = await import('../../src/index.js');
    const x = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    const y = x.detach().mul(3).add(x);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('gradcheck catches a wrong derivative', async () => {
    const { record } = await import('../../src/autograd/engine.js');
    const x = tensor([0.3, 0.7], { requiresGrad: true, dtype: 'float64' });
    const badSquare = (a: Tensor) => {
      const out = new Tensor(a.data.map((v) => v * v), a.shape);
      return record(out, 'bad', [a], (g, acc) => { const ga = acc(a)!; for (let i = 0; i < g.length; i++) ga[i] += g[i]! * a.data[i]!; });
    };
    expect(gradcheck(badSquare, [x], { raiseException: false })).toBe(false);
    expect(() => gradcheck(badSquare, [x])).toThrow(/Jacobian mismatch/);
  });

  it('shape errors name the op and both shapes', () => {
    const a = tensor([[1, 2, 3]]), b = tensor([[1, 2]]);
    expect(() => a.add(b)).toThrow('add: shapes [1,3] and [1,2] cannot be broadcast together');
    expect(() => a.matmul(b)).toThrow(/matmul: shapes \[1,3\] and \[1,2\] cannot be multiplied/);
    expect(() => a.reshape([2, 2])).toThrow(/reshape: cannot reshape \[1,3\]/);
  });
});
