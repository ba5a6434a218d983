// The forecasting training loop: seeded reproducibility, honest train/validation histories,
// early stopping that keeps the best weights (epoch 0 included), and a diverged stop on NaN.
import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, randn, tensor, train } from '../../src/index.js';

function problem(seed: number) {
  const g = new Generator(seed);
  const x = randn([64, 3], { generator: g });
  const w = tensor([[1.5], [-2], [0.5]]);
  const y = noGrad(() => x.matmul(w).add(randn([64, 1], { generator: g }).mul(0.1)));
  return { x, y };
}

function model(seed: number) {
  const g = new Generator(seed);
  return new nn.Sequential(new nn.Linear(3, 8, { generator: g }), new nn.Tanh(), new nn.Linear(8, 1, { generator: g }));
}

describe('train.fit', () => {
  it('same seed → identical history and weights; another seed → a different shuffle', () => {
    const data = problem(1);
    const run = (seed: number) => {
      const m = model(0);
      const r = train.fit(m, { train: data, val: problem(2) }, { epochs: 5, batchSize: 8, lr: 0.01, seed });
      return { r, w: Array.from(m.parameters()[0]!.data) };
    };
    const a = run(3), b = run(3), c = run(4);
    expect(a.r.history).toEqual(b.r.history);
    expect(a.w).toEqual(b.w);
    expect(c.r.history.train).not.toEqual(a.r.history.train);
    expect(a.r.history.train).toHaveLength(5);
    expect(a.r.history.val).toHaveLength(5);
    expect(a.r.history.train[4]!).toBeLessThan(a.r.history.train[0]!);
  });

  it('reports the validation loss as the mean per-element loss of the model after each epoch', () => {
    const data = problem(1), val = problem(2);
    const m = model(0);
    const seen: number[] = [];
    const r = train.fit(m, { train: data, val }, { epochs: 2, batchSize: 16, lr: 0.01, callbacks: { onEpochEnd: (e) => seen.push(e.val!) } });
    expect(seen).toEqual(r.history.val);
    // after the last epoch the model is the one that was evaluated
    expect(r.history.val![1]).toBeCloseTo(train.evaluate(m, val), 10);
    const direct = noGrad(() => nn.functional.mseLoss(m.forward(val.x), val.y).item());
    expect(r.history.val![1]).toBeCloseTo(direct, 10);
  });

  it('early stopping restores the weights of the best validation epoch, the initial weights counting as epoch 0', () => {
    const data = problem(1);
    // a validation set the model cannot fit: its loss rises as training proceeds
    const val = { x: data.x, y: data.y.neg() };
    const m = model(0);
    const snapshots: number[][] = [Array.from(m.parameters()[0]!.data)];
    const r = train.fit(m, { train: data, val }, {
      epochs: 50, batchSize: 8, lr: 0.05, earlyStopping: { patience: 2 },
      callbacks: { onEpochEnd: () => snapshots.push(Array.from(m.parameters()[0]!.data)) },
    });
    expect(r.stopReason).toBe('early-stopping');
    expect(r.diverged).toBe(false);
    expect(r.history.val!.length).toBeLessThan(50);
    const losses = [r.initialLoss.val!, ...r.history.val!];
    const best = losses.indexOf(Math.min(...losses));
    expect(r.bestEpoch).toBe(best);
    expect(r.keptEpoch).toBe(best);
    expect(Array.from(m.parameters()[0]!.data)).toEqual(snapshots[best]);
    const kept = best === 0 ? 'kept the initial weights (no epoch improved on them)' : `kept the weights of epoch ${best}`;
    expect(r.message).toBe(`early stopping at epoch ${r.history.val!.length}: no improvement in the validation loss for 2 epochs; ${kept}`);
  });

  it('stops as diverged on a non-finite loss with a message and keeps the best weights', () => {
    const data = problem(1);
    const m = model(0);
    let epochs = 0;
    const snapshots: number[][] = [Array.from(m.parameters()[0]!.data)];
    // blow up from epoch 3 on: the targets turn infinite
    const r = train.fit(m, { train: data }, {
      epochs: 10, batchSize: 64, lr: 0.01, shuffle: false,
      callbacks: { onEpochEnd: () => { epochs++; snapshots.push(Array.from(m.parameters()[0]!.data)); if (epochs === 2) data.y.data.fill(Infinity); } },
    });
    expect(r.stopReason).toBe('diverged');
    expect(r.diverged).toBe(true);
    expect(r.divergedAtEpoch).toBe(3);
    expect(r.bestEpoch).toBe(2); // a step of lr 0.01 lowers this loss
    expect(r.keptEpoch).toBe(2);
    expect(r.message).toBe('training diverged at epoch 3, batch 1: the training loss became Infinity; restored the weights of epoch 2');
    expect(r.history.train).toHaveLength(2);
    expect(Array.from(m.parameters()[0]!.data)).toEqual(snapshots[2]);
    expect(m.parameters().every((p) => !p.hasNonFinite())).toBe(true);
  });

  it('rejects bad options with a clear error', () => {
    const data = problem(1);
    expect(() => train.fit(model(0), { train: data }, { epochs: 0 })).toThrow('fit: epochs must be a positive integer, got 0');
    expect(() => train.fit(model(0), { train: data }, { epochs: 1, optimizer: 'lbfgs' as 'adam' })).toThrow(/unknown optimizer 'lbfgs'/);
  });

  it('sum reduction optimises the summed loss but reports the per-element mean', () => {
    const data = problem(1);
    const m = model(0);
    const before = noGrad(() => nn.functional.mseLoss(m.forward(data.x), data.y).item());
    const r = train.fit(m, { train: data }, { epochs: 1, batchSize: 64, lr: 1e-9, reduction: 'sum', shuffle: false });
    // one batch, a negligible step: the reported loss is the mean before the step
    expect(r.history.train[0]).toBeCloseTo(before, 6);
  });
});
