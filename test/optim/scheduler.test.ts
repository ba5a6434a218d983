// Learning-rate schedules against torch.optim.lr_scheduler (1.13): the lr before each of 25 epochs.
import { describe, expect, it } from 'vitest';
import { optim, tensor } from '../../src/index.js';
import { loadFixture } from '../helpers.js';

const fx = loadFixture('schedulers.json') as { torch_version: string; base_lr: number; cases: { name: string; options: Record<string, unknown>; lrs: number[] }[] };

function make(name: string, o: Record<string, unknown>, opt: optim.Optimizer<object>): optim.LRScheduler {
  switch (name) {
    case 'StepLR': return new optim.StepLR(opt, o as { stepSize: number; gamma: number });
    case 'MultiStepLR': return new optim.MultiStepLR(opt, o as { milestones: number[]; gamma: number });
    case 'ExponentialLR': return new optim.ExponentialLR(opt, o as { gamma: number });
    case 'CosineAnnealingLR': return new optim.CosineAnnealingLR(opt, o as { tMax: number; etaMin: number });
    case 'LambdaLR': return new optim.LambdaLR(opt, (e) => 1 / (1 + e));
    default: throw new Error(name);
  }
}

describe(`LR schedulers against PyTorch ${fx.torch_version}`, () => {
  for (const c of fx.cases) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const p = tensor([0], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: fx.base_lr });
      const s = make(c.name, c.options, opt);
      const lrs: number[] = [];
      for (let e = 0; e < c.lrs.length; e++) {
        lrs.push(opt.paramGroups[0]!.lr);
        opt.step();
        s.step();
      }
      lrs.forEach((lr, e) => expect(Math.abs(lr - c.lrs[e]!), `epoch ${e}: ${lr} vs ${c.lrs[e]}`).toBeLessThanOrEqual(1e-15 + 1e-12 * c.lrs[e]!));
      expect(s.getLastLr()).toEqual([opt.paramGroups[0]!.lr]);
    });
  }

  it('rejects a bad period', () => {
    const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
    expect(() => new optim.StepLR(opt, { stepSize: 0 })).toThrow('StepLR: stepSize must be a positive integer, got 0');
  });
});
