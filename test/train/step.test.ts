import { describe, expect, it } from 'vitest';
import { manualSeed, nn, optim, randn, tensor } from '../../src/index.js';
import { NonFiniteError, trainStep } from '../../src/train/step.js';
import { ModeError, TbpttError, TrainingError, truncatedBptt } from '../../src/train/index.js';

describe('the one training step', () => {
  it('takes a step: zero-grad, backward, clip, step (same weights as the manual sequence)', () => {
    manualSeed(0);
    const a = new nn.Linear(3, 2), b = new nn.Linear(3, 2);
    b.loadStateDict(a.stateDict());
    const x = randn([5, 3]), y = randn([5, 2]);
    const oa = new optim.SGD(a.parameters(), { lr: 0.1 }), ob = new optim.SGD(b.parameters(), { lr: 0.1 });
    const r = trainStep(oa, a.parameters(), () => a.forward(x).sub(y).pow(2).mean(), { clipGradNorm: 0.5 });
    ob.zeroGrad();
    const lb = b.forward(x).sub(y).pow(2).mean();
    lb.backward();
    nn.utils.clipGradNorm_(b.parameters(), 0.5);
    ob.step();
    expect(r.failure).toBeNull();
    expect(r.loss).toBe(lb.item());
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
  });

  it('refuses a NaN loss and an Inf gradient, leaving every weight bit for bit', () => {
    manualSeed(0);
    const m = new nn.Linear(3, 1);
    const before = Array.from(m.weight.data);
    const opt = new optim.Adam(m.parameters(), { lr: 0.1 });
    const nanLoss = trainStep(opt, m.parameters(), () => m.forward(tensor([[NaN, 1, 2]])).sum());
    expect(nanLoss.failure).toBe('the training loss became NaN');
    // a finite loss (0) whose gradient is not: √|w − w| has slope ∞ at 0 (∞·0 = NaN)
    const infGrad = trainStep(opt, m.parameters(), () => m.weight.sub(m.weight.detach()).abs().sqrt().sum());
    expect(infGrad.failure).toBe('a gradient became NaN/Inf');
    expect(Array.from(m.weight.data)).toEqual(before);
  });

  it('loops without a best-weights record throw NonFiniteError naming the window', () => {
    manualSeed(0);
    const rnn = new nn.RNN(1, 4);
    const head = new nn.Linear(4, 1);
    const model = {
      forward: (x: ReturnType<typeof randn>, h?: { h: ReturnType<typeof randn> }) => {
        const [out, hN] = rnn.forward(x, h?.h);
        return [head.forward(out), { h: hN }] as const;
      },
    };
    const x = randn([6, 2, 1]);
    const y = tensor(Array.from({ length: 12 }, (_, i) => (i === 7 ? NaN : 0))).reshape([6, 2, 1]);
    const opt = new optim.SGD([...rnn.parameters(), ...head.parameters()], { lr: 0.1 });
    expect(() => truncatedBptt(model as never, { x, y }, { k1: 2, k2: 2, optimizer: opt, lossFn: (o, t) => o.sub(t).pow(2).sum() }))
      .toThrow(/^truncatedBptt: window 2 of 3: the training loss became NaN; the step was not taken/);
    try { truncatedBptt(model as never, { x, y }, { k1: 2, k2: 2, optimizer: opt, lossFn: (o, t) => o.sub(t).pow(2).sum() }); } catch (e) {
      expect(e).toBeInstanceOf(NonFiniteError);
    }
  });

  it('every loop raises one error class for bad options (the old names are the same class)', () => {
    expect(ModeError).toBe(TrainingError);
    expect(TbpttError).toBe(TrainingError);
  });
});

describe("fit's lrSchedule", () => {
  it("'cosine' trains epoch e at lr·(1 + cos(π(e−1)/E))/2, as PyTorch's CosineAnnealingLR(tMax = E)", async () => {
    const { fit } = await import('../../src/train/fit.js');
    manualSeed(3);
    const a = new nn.Linear(2, 1), b = new nn.Linear(2, 1);
    b.loadStateDict(a.stateDict());
    const x = randn([8, 2]), y = randn([8, 1]);
    fit(a, { train: { x, y } }, { epochs: 3, batchSize: 8, shuffle: false, optimizer: 'sgd', lr: 0.1, lrSchedule: 'cosine' });
    for (const lr of [0.1, 0.075, 0.025]) {
      const opt = new optim.SGD(b.parameters(), { lr });
      opt.zeroGrad();
      b.forward(x).sub(y).pow(2).mean().backward();
      opt.step();
    }
    for (const k of ['weight', 'bias'] as const) {
      const [pa, pb] = [Array.from(a[k]!.data), Array.from(b[k]!.data)];
      pa.forEach((v, i) => expect(Math.abs(v - pb[i]!)).toBeLessThan(1e-7));
    }
  });
});
