// SGD / Adam / AdamW trajectories over 50 steps and gradient clipping, against PyTorch 1.13.
import { describe, expect, it } from 'vitest';
import { nn, optim, tensor } from '../../src/index.js';
import { type FT, expectClose, fromFixture, loadFixture } from '../helpers.js';

interface Run { optimizer: 'SGD' | 'Adam' | 'AdamW'; options: Record<string, unknown>; losses: number[]; after: Record<string, { weight: FT; bias: FT }> }
interface Clip { name: string; fn: 'clipGradNorm' | 'clipGradValue'; options: { maxNorm?: number; normType?: number | 'inf'; clipValue?: number }; grads_before: { weight: FT; bias: FT }; returned: number | null; grads_after: { weight: FT; bias: FT } }
const fx = loadFixture('optim.json') as { torch_version: string; problem: { initial: { weight: FT; bias: FT }; X: FT; Y: FT }; runs: Run[]; clip: Clip[] };

function problem() {
  const model = new nn.Linear(3, 2);
  model.loadStateDict({ weight: fromFixture(fx.problem.initial.weight), bias: fromFixture(fx.problem.initial.bias) });
  return { model, X: fromFixture(fx.problem.X), Y: fromFixture(fx.problem.Y) };
}

function make(name: Run['optimizer'], params: nn.Parameter[], options: Record<string, unknown>): optim.Optimizer<object> {
  if (name === 'SGD') return new optim.SGD(params, options as { lr: number });
  if (name === 'Adam') return new optim.Adam(params, options);
  return new optim.AdamW(params, options);
}

describe(`optimizers against PyTorch ${fx.torch_version}`, () => {
  for (const run of fx.runs) {
    it(`${run.optimizer} ${JSON.stringify(run.options)}: 50-step trajectory`, () => {
      const { model, X, Y } = problem();
      const opt = make(run.optimizer, model.parameters(), run.options);
      const lossFn = new nn.MSELoss();
      for (let step = 1; step <= 50; step++) {
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(X), Y);
        expect(Math.abs(loss.item() - run.losses[step - 1]!)).toBeLessThanOrEqual(1e-5 * Math.abs(run.losses[step - 1]!) + 1e-7);
        loss.backward();
        opt.step();
        const ref = run.after[String(step)];
        if (ref) {
          expectClose(model.weight, ref.weight, `step ${step} weight`, 1e-5, 1e-6);
          expectClose(model.bias!, ref.bias, `step ${step} bias`, 1e-5, 1e-6);
        }
      }
    });
  }

  it('optimizer stateDict round-trips and resumes identically', () => {
    const a = problem(), b = problem();
    const oa = new optim.Adam(a.model.parameters(), { lr: 0.01, amsgrad: true });
    const stepOnce = (m: typeof a, o: optim.Optimizer<object>) => {
      o.zeroGrad();
      nn.functional.mseLoss(m.model.forward(m.X), m.Y).backward();
      o.step();
    };
    for (let i = 0; i < 3; i++) stepOnce(a, oa);
    b.model.loadStateDict(a.model.stateDict());
    const ob = new optim.Adam(b.model.parameters(), { lr: 0.5 });
    ob.loadStateDict(JSON.parse(JSON.stringify(oa.stateDict())));
    expect(ob.paramGroups[0]!.lr).toBe(0.01);
    stepOnce(a, oa);
    stepOnce(b, ob);
    expect(Array.from(b.model.weight.data)).toEqual(Array.from(a.model.weight.data));
  });

  it('rejects bad hyperparameters', () => {
    const p = problem().model.parameters();
    expect(() => new optim.Adam(p, { betas: [1.2, 0.999] })).toThrow('Adam: invalid beta 1.2');
    expect(() => new optim.SGD(p, { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires/);
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow('SGD: got an empty parameter list');
  });
});

describe('gradient clipping against PyTorch', () => {
  for (const c of fx.clip) {
    it(c.name, () => {
      const w = tensor(c.grads_before.weight.data, { shape: c.grads_before.weight.shape, requiresGrad: true });
      const b = tensor(c.grads_before.bias.data, { shape: c.grads_before.bias.shape, requiresGrad: true });
      w.grad = fromFixture(c.grads_before.weight);
      b.grad = fromFixture(c.grads_before.bias);
      if (c.fn === 'clipGradNorm') {
        const normType = c.options.normType === 'inf' ? Infinity : c.options.normType;
        const total = optim.clipGradNorm_([w, b], c.options.maxNorm!, { normType });
        expect(Math.abs(total - c.returned!)).toBeLessThan(1e-5 * c.returned!);
      } else {
        optim.clipGradValue_([w, b], c.options.clipValue!);
      }
      expectClose(w.grad, c.grads_after.weight, 'weight grad', 1e-5, 1e-7);
      expectClose(b.grad, c.grads_after.bias, 'bias grad', 1e-5, 1e-7);
    });
  }

  it('hasNonFinite spots a NaN or Inf gradient', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.mul(tensor([1, 1])).sum().backward();
    expect(optim.hasNonFinite([w])).toBe(false);
    w.grad!.data[1] = Infinity;
    expect(optim.hasNonFinite([w])).toBe(true);
    expect(Number.isFinite(optim.clipGradNorm_([w], 1))).toBe(false);
  });
});
