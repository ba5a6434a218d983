// LBFGS (fixed step and strong Wolfe line search) against PyTorch 1.13 in float64: an LSTM(2,3) +
// Linear(3,1) problem, 4 step(closure) calls each; losses, closure calls and parameters to 1e-10.
import { describe, expect, it } from 'vitest';
import { type Tensor, ValueError, nn, optim, tensor } from '../../src/index.js';
import { type FT, expectClose, fromFixture, loadFixture } from '../helpers.js';

interface Run {
  options: Partial<optim.LBFGSOptions>;
  returned: number[];
  losses: number[];
  closureCalls: number[];
  nIter: number;
  funcEvals: number;
  final: Record<string, FT>;
}
const fx = loadFixture('optim_extra.json') as { torch_version: string; lbfgs: { initial: Record<string, FT>; x: FT; y: FT; runs: Run[] } };
const L = fx.lbfgs;

function problem() {
  const lstm = new nn.LSTM(2, 3, { dtype: 'float64' });
  const head = new nn.Linear(3, 1, { dtype: 'float64' });
  const part = (prefix: string) => Object.fromEntries(Object.entries(L.initial).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), fromFixture(v, 'float64')]));
  lstm.loadStateDict(part('lstm.'));
  head.loadStateDict(part('head.'));
  const x = fromFixture(L.x, 'float64'), y = fromFixture(L.y, 'float64');
  const lossOf = () => nn.functional.mseLoss(head.forward(lstm.forward(x)[0]), y);
  const named = () => [...[...lstm.namedParameters()].map(([k, p]) => [`lstm.${k}`, p] as const), ...[...head.namedParameters()].map(([k, p]) => [`head.${k}`, p] as const)];
  return { lstm, head, lossOf, named, params: [...lstm.parameters(), ...head.parameters()] };
}

const close = (a: number, e: number, what: string, rtol = 1e-10, atol = 1e-13) =>
  expect(Math.abs(a - e), `${what}: ${a}, PyTorch gives ${e}`).toBeLessThanOrEqual(rtol * Math.abs(e) + atol);

describe(`LBFGS against PyTorch ${fx.torch_version} (float64)`, () => {
  for (const run of L.runs) {
    it(JSON.stringify(run.options), () => {
      const { lossOf, named, params } = problem();
      const opt = new optim.LBFGS(params, run.options);
      let calls = 0;
      const closure = (): Tensor => {
        calls++;
        opt.zeroGrad();
        const loss = lossOf();
        loss.backward();
        return loss;
      };
      for (let k = 0; k < run.returned.length; k++) {
        calls = 0;
        close(opt.step(closure).item(), run.returned[k]!, `step ${k + 1} returned loss`);
        expect(calls, `closure calls in step ${k + 1}`).toBe(run.closureCalls[k]);
        close(lossOf().item(), run.losses[k]!, `loss after step ${k + 1}`);
      }
      for (const [k, p] of named()) expectClose(p, run.final[k]!, `final ${k}`, 1e-10, 1e-12);
      const s = opt.stateDict().state[0]!;
      expect([s.nIter, s.funcEvals]).toEqual([run.nIter, run.funcEvals]);
    });
  }

  it('stateDict round-trips through JSON and the next step matches bit for bit', () => {
    const a = problem(), b = problem();
    const closureFor = (m: ReturnType<typeof problem>, o: optim.LBFGS) => () => {
      o.zeroGrad();
      const loss = m.lossOf();
      loss.backward();
      return loss;
    };
    const oa = new optim.LBFGS(a.params, { lineSearchFn: 'strong_wolfe', maxIter: 3, historySize: 2 });
    for (let i = 0; i < 3; i++) oa.step(closureFor(a, oa));
    const ob = new optim.LBFGS(b.params);
    b.params.forEach((p, i) => p.data.set(a.params[i]!.data));
    ob.loadStateDict(JSON.parse(JSON.stringify(oa.stateDict())));
    expect(ob.paramGroups[0]).toMatchObject({ lineSearchFn: 'strong_wolfe', maxIter: 3, maxEval: 3, historySize: 2 });
    oa.step(closureFor(a, oa));
    ob.step(closureFor(b, ob));
    b.params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(a.params[i]!.data)));
    expect(ob.stateDict()).toEqual(oa.stateDict());
  });

  it("has PyTorch's defaults and minimises a quadratic exactly", () => {
    const w = tensor([3, -2], { dtype: 'float64', requiresGrad: true });
    const opt = new optim.LBFGS([w], { lineSearchFn: 'strong_wolfe' });
    expect(new optim.LBFGS([w]).paramGroups[0]).toMatchObject({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
    expect(new optim.LBFGS([w], { maxIter: 7 }).paramGroups[0]!.maxEval).toBe(8);
    const target = tensor([1, 0.5], { dtype: 'float64' });
    const scaleT = tensor([1, 10], { dtype: 'float64' });
    const first = opt.step(() => {
      opt.zeroGrad();
      const d = w.sub(target);
      const loss = d.mul(d).mul(scaleT).sum();
      loss.backward();
      return loss;
    });
    expect(first.item()).toBeCloseTo(4 + 10 * 6.25, 12);
    expect(Math.abs(w.data[0]! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(w.data[1]! - 0.5)).toBeLessThan(1e-6);
  });

  it('works in float32 (vectors in the parameters\' dtype)', () => {
    const w = tensor([3, -2], { requiresGrad: true });
    const opt = new optim.LBFGS([w], { lineSearchFn: 'strong_wolfe' });
    const target = tensor([1, 0.5]);
    const closure = () => {
      opt.zeroGrad();
      const d = w.sub(target);
      const loss = d.mul(d).sum();
      loss.backward();
      return loss;
    };
    expect(opt.step(closure).item()).toBeCloseTo(10.25, 5);
    expect(w.dtype).toBe('float32');
    expect(Math.abs(w.data[0]! - 1) + Math.abs(w.data[1]! - 0.5)).toBeLessThan(1e-5);
    expect(opt.stateDict().state[0]!.d).toHaveLength(2);
  });

  it('rejects bad options, groups and closures', () => {
    const { params } = problem();
    expect(() => new optim.LBFGS(params, { lineSearchFn: 'armijo' as never })).toThrow(/lineSearchFn is "armijo"/);
    expect(() => new optim.LBFGS(params, { maxIter: 0 })).toThrow('LBFGS: maxIter must be a positive integer, got 0');
    expect(() => new optim.LBFGS(params, { historySize: 2.5 })).toThrow(/historySize/);
    expect(() => new optim.LBFGS([{ params: params.slice(0, 2) }, { params: params.slice(2) }])).toThrow("LBFGS doesn't support per-parameter options");
    const opt = new optim.LBFGS(params.slice(0, 2));
    expect(() => opt.addParamGroup({ params: params.slice(2) })).toThrow(ValueError);
    expect(() => opt.step()).toThrow(/needs a closure/);
    expect(() => opt.step(() => 3 as unknown as Tensor)).toThrow(/the closure returned 3/);
    expect(() => opt.loadStateDict({ state: { 0: { funcEvals: 1, nIter: 1, d: [1, 2], t: 1, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: 1 } }, paramGroups: opt.stateDict().paramGroups })).toThrow(/state 'd' is \[1,2\], not a list of 60 numbers/);
  });
});
