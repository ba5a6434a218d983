// RMSprop and Adagrad 40-step trajectories against PyTorch 1.13 (float64 to 1e-10, float32 to
// 1e-6 relative), per-group options, addParamGroup, and the state dict PyTorch holds.
import { describe, expect, it } from 'vitest';
import { type DType, ValueError, nn, optim } from '../../src/index.js';
import { type FT, expectClose, fromFixture, loadFixture, maxAbs } from '../helpers.js';

type Options = Record<string, unknown>;
type Group = { params: string[] } & Options;
interface Run {
  optimizer: 'RMSprop' | 'Adagrad';
  options: Options;
  groups?: Group[];
  added?: Group[];
  dtype: DType;
  losses: number[];
  after: Record<string, Record<string, FT>>;
  state: Record<string, Record<string, FT | number>>;
}
const fx = loadFixture('optim_extra.json') as { torch_version: string; mlp: { steps: number; initial: Record<string, FT>; X: FT; Y: FT }; runs: Run[] };

function mlp(dtype: DType) {
  const model = new nn.Sequential(new nn.Linear(3, 4, { dtype }), new nn.Tanh(), new nn.Linear(4, 2, { dtype }));
  model.loadStateDict(Object.fromEntries(Object.entries(fx.mlp.initial).map(([k, v]) => [k, fromFixture(v, dtype)])));
  return { model, X: fromFixture(fx.mlp.X, dtype), Y: fromFixture(fx.mlp.Y, dtype) };
}

function make(run: Run, model: nn.Sequential): optim.Optimizer<object> {
  const named = Object.fromEntries(model.namedParameters());
  const group = ({ params, ...o }: Group) => ({ ...o, params: params.map((n) => named[n]!) });
  const Cls = run.optimizer === 'RMSprop' ? optim.RMSprop : optim.Adagrad;
  const opt: optim.Optimizer<object> = new Cls(run.groups ? run.groups.map(group) : model.parameters(), run.options);
  for (const g of run.added ?? []) opt.addParamGroup(group(g));
  return opt;
}

describe(`RMSprop and Adagrad against PyTorch ${fx.torch_version}`, () => {
  for (const run of fx.runs) {
    const label = `${run.optimizer} ${JSON.stringify(run.options)}${run.groups ? ` groups ${JSON.stringify(run.groups)}` : ''}${run.added ? ` + addParamGroup ${JSON.stringify(run.added)}` : ''} (${run.dtype})`;
    it(label, () => {
      const [rtol, atol] = run.dtype === 'float64' ? [1e-10, 1e-12] : [1e-6, 1e-7];
      const { model, X, Y } = mlp(run.dtype);
      const opt = make(run, model);
      for (let step = 1; step <= fx.mlp.steps; step++) {
        opt.zeroGrad();
        const loss = nn.functional.mseLoss(model.forward(X), Y);
        const want = run.losses[step - 1]!;
        expect(Math.abs(loss.item() - want), `loss before step ${step}: ${loss.item()} vs ${want}`).toBeLessThanOrEqual(rtol * Math.abs(want) + atol);
        loss.backward();
        opt.step();
        const ref = run.after[String(step)];
        // float32: PyTorch's own trajectory moves 1.3e-5 elementwise (3e-7 of max|θ|) when its
        // gradients change by one ulp, so parameters are compared relative to the largest one.
        if (ref) for (const [k, p] of model.namedParameters()) expectClose(p, ref[k]!, `${k} after step ${step}`, rtol, run.dtype === 'float64' ? atol : 2e-6 * maxAbs(ref[k]!));
      }
      const sd = opt.stateDict();
      for (const [idx, s] of Object.entries(run.state)) {
        for (const [k, v] of Object.entries(s)) {
          const mine = sd.state[Number(idx)]?.[k];
          if (typeof v === 'number') expect(mine, `state ${idx}.${k}`).toBe(v);
          // (float32 g/a in RMSprop's buffers magnifies one-ulp gradient differences ~100×)
          else if (run.dtype === 'float64') expectClose(mine as number[], v, `state ${idx}.${k}`, rtol, atol);
          else expectClose(mine as number[], v, `state ${idx}.${k}`, 1e-3, 1e-3 * maxAbs(v));
        }
        expect(Object.keys(sd.state[Number(idx)]!).sort()).toEqual(Object.keys(s).sort());
      }
    });
  }

  it('stateDict round-trips through JSON and resumes bit for bit', () => {
    for (const Cls of [optim.RMSprop, optim.Adagrad]) {
      const opts = { lr: 0.02, momentum: 0.5, centered: true, lrDecay: 0.01, initialAccumulatorValue: 0.1 };
      const pick = (o: typeof opts) => (Cls === optim.RMSprop ? { lr: o.lr, momentum: o.momentum, centered: o.centered } : { lr: o.lr, lrDecay: o.lrDecay, initialAccumulatorValue: o.initialAccumulatorValue });
      const a = mlp('float64'), b = mlp('float64');
      const oa: optim.Optimizer<object> = new Cls(a.model.parameters(), pick(opts));
      const stepOnce = (m: typeof a, o: optim.Optimizer<object>) => {
        o.zeroGrad();
        nn.functional.mseLoss(m.model.forward(m.X), m.Y).backward();
        o.step();
      };
      for (let i = 0; i < 3; i++) stepOnce(a, oa);
      b.model.loadStateDict(a.model.stateDict());
      const ob: optim.Optimizer<object> = new Cls(b.model.parameters(), {});
      ob.loadStateDict(JSON.parse(JSON.stringify(oa.stateDict())));
      expect(ob.paramGroups[0]).toMatchObject(pick(opts));
      stepOnce(a, oa);
      stepOnce(b, ob);
      for (const [k, p] of a.model.namedParameters()) expect(Array.from(Object.fromEntries(b.model.namedParameters())[k]!.data), k).toEqual(Array.from(p.data));
    }
  });

  it('Adagrad holds its accumulator before the first step, as PyTorch', () => {
    const { model } = mlp('float64');
    const opt = new optim.Adagrad(model.parameters(), { initialAccumulatorValue: 0.25 });
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toHaveLength(4);
    expect(sd.state[0]).toEqual({ step: 0, sum: new Array(12).fill(0.25) });
  });

  it('rejects bad hyperparameters and bad groups', () => {
    const { model } = mlp('float64');
    const ps = model.parameters();
    expect(() => new optim.RMSprop(ps, { alpha: -1 })).toThrow('RMSprop: invalid alpha -1');
    expect(() => new optim.RMSprop(ps, { lr: -0.1 })).toThrow('RMSprop: invalid learning rate -0.1');
    expect(() => new optim.Adagrad(ps, { lrDecay: -1 })).toThrow('Adagrad: invalid lrDecay -1');
    expect(() => new optim.Adagrad(ps, { initialAccumulatorValue: -1 })).toThrow(/initialAccumulatorValue/);
    expect(() => new optim.RMSprop([{ params: ps.slice(0, 2), momentum: -1 }])).toThrow('RMSprop: invalid momentum -1');
    const opt = new optim.RMSprop(ps.slice(0, 2));
    expect(() => opt.addParamGroup({ params: ps.slice(1) })).toThrow('more than one group');
    expect(() => opt.addParamGroup({ params: ps.slice(2), lrDecay: 0.1 } as never)).toThrow(/unknown option "lrDecay"/);
    expect(() => opt.addParamGroup({ params: ps.slice(2), eps: -1 })).toThrow('RMSprop: invalid eps -1');
    expect(() => opt.addParamGroup({ params: [ps[2]!.mul(ps[2]!)] })).toThrow(/non-leaf/);
    expect(opt.paramGroups).toHaveLength(1);
    opt.addParamGroup({ params: ps.slice(2), lr: 0.5, momentum: undefined });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0, alpha: 0.99 });
    for (const e of [() => new optim.Adagrad(ps, { lr: NaN }), () => opt.addParamGroup({ params: ps.slice(0, 1), lr: -1 })]) {
      try { e(); } catch (err) { expect(err).toBeInstanceOf(ValueError); }
    }
  });
});
