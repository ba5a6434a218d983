// Never a false result: fit snapshots and measures the initial weights (epoch 0), stops as diverged
// on NaN/Inf or on a monitored loss past divergenceFactor × the initial one, restores the best
// weights bit for bit, and its message says exactly what happened.
import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, randn, tensor, train, type Tensor } from '../../src/index.js';

function problem(seed: number) {
  const g = new Generator(seed);
  const x = randn([64, 3], { generator: g });
  const y = noGrad(() => x.matmul(tensor([[1.5], [-2], [0.5]])).add(randn([64, 1], { generator: g }).mul(0.1)));
  return { x, y };
}

function model(seed: number) {
  const g = new Generator(seed);
  return new nn.Sequential(new nn.Linear(3, 8, { generator: g }), new nn.Tanh(), new nn.Linear(8, 1, { generator: g }));
}

/** Every parameter's values, copied. */
function snapshot(m: nn.Module): Record<string, number[]> {
  return Object.fromEntries([...m.namedParameters()].map(([k, p]: [string, Tensor]) => [k, Array.from(p.data)]));
}

/** The reference fmtLoss of src/train/fit.ts: 3 significant digits, exponent form outside [1e-3, 1e5). */
function fmt(x: number): string {
  const s = Number(x.toPrecision(3));
  return s !== 0 && (Math.abs(s) >= 1e5 || Math.abs(s) < 1e-3) ? s.toExponential() : String(s);
}

describe('train.fit divergence', () => {
  it('a huge learning rate: diverged at epoch 1, the initial weights restored bit for bit, a true message', () => {
    const data = problem(1), val = problem(2);
    const m = model(0);
    const initial = snapshot(m);
    const r = train.fit(m, { train: data, val }, { epochs: 5, batchSize: 8, lr: 1e6 });
    expect(r.diverged).toBe(true);
    expect(r.stopReason).toBe('diverged');
    expect(r.divergedAtEpoch).toBe(1);
    expect(r.keptEpoch).toBe(0);
    expect(r.bestEpoch).toBe(0);
    expect(snapshot(m)).toEqual(initial);
    expect(r.initialLoss.val).toBe(train.evaluate(m, val));
    expect(r.initialLoss.train).toBe(train.evaluate(m, data));
    expect(r.history.val).toHaveLength(1);
    expect(r.history.val![0]!).toBeGreaterThan(100 * r.initialLoss.val!);
    expect(r.message).toBe(`training diverged at epoch 1: the validation loss ${fmt(r.history.val![0]!)} exceeded 100 × the initial ${fmt(r.initialLoss.val!)}; restored the initial weights (no epoch improved on them)`);
  });

  it('diverging after improving restores the best epoch, not the initial weights', () => {
    const data = problem(1), val = problem(2);
    const m = model(0);
    const snaps: Record<string, number[]>[] = [snapshot(m)];
    const head = m.parameters().at(-2)!; // the last Linear's weight
    const r = train.fit(m, { train: data, val }, {
      epochs: 10, batchSize: 8, lr: 0.01,
      callbacks: {
        onEpochEnd: () => { snaps.push(snapshot(m)); },
        // a blow-up in the middle of epoch 3, after its first step
        onProgress: (e) => { if (e.epoch === 3 && e.batch === 1) head.data.fill(1e4); },
      },
    });
    expect(r.diverged).toBe(true);
    expect(r.divergedAtEpoch).toBe(3);
    const losses = [r.initialLoss.val!, r.history.val![0]!, r.history.val![1]!];
    expect(losses[2]).toBeLessThan(losses[1]!); // training improved before the blow-up
    expect(r.bestEpoch).toBe(2);
    expect(r.keptEpoch).toBe(2);
    expect(snapshot(m)).toEqual(snaps[2]);
    expect(r.history.val).toHaveLength(3);
    expect(r.message).toBe(`training diverged at epoch 3: the validation loss ${fmt(r.history.val![2]!)} exceeded 100 × the initial ${fmt(losses[0]!)}; restored the weights of epoch 2`);
  });

  it('weights that overflow in the last step of a completed run are never returned', () => {
    const data = problem(1);
    const m = model(0);
    const initial = snapshot(m);
    // one batch, one epoch, no validation: no loss ever sees the overflowed weights
    const r = train.fit(m, { train: data }, { epochs: 1, batchSize: 64, lr: 1e300, optimizer: 'sgd' });
    expect(r.diverged).toBe(true);
    expect(r.message).toBe('training diverged at epoch 1: the weights became NaN/Inf; restored the initial weights (no epoch improved on them)');
    expect(snapshot(m)).toEqual(initial);
  });

  it('an initial loss of 0 is compared through the floor', () => {
    // the model starts exactly on the validation targets (y = x) and is trained towards y = −x
    const x = randn([16, 1], { generator: new Generator(3) });
    const m = new nn.Linear(1, 1, { generator: new Generator(0) });
    m.loadStateDict({ weight: tensor([[1]]), bias: tensor([0]) });
    const r = train.fit(m, { train: { x, y: x.neg() }, val: { x, y: x } }, { epochs: 3, batchSize: 16, lr: 0.1 });
    expect(r.initialLoss.val).toBe(0);
    expect(r.diverged).toBe(true);
    expect(r.keptEpoch).toBe(0);
    expect(Array.from(m.weight.data)).toEqual([1]);
    expect(r.message).toBe(`training diverged at epoch 1: the validation loss ${fmt(r.history.val![0]!)} exceeded 100 × the floor 1e-6 (the initial loss 0 is below it); restored the initial weights (no epoch improved on them)`);
    // a larger floor tolerates it
    m.loadStateDict({ weight: tensor([[1]]), bias: tensor([0]) });
    const r2 = train.fit(m, { train: { x, y: x.neg() }, val: { x, y: x } }, { epochs: 3, batchSize: 16, lr: 0.1, divergenceFloor: 1 });
    expect(r2.diverged).toBe(false);
  });

  it('a normal run: not diverged, the final weights kept and said so', () => {
    const m = model(0);
    const r = train.fit(m, { train: problem(1), val: problem(2) }, { epochs: 4, batchSize: 8, lr: 0.01 });
    expect(r).toMatchObject({ diverged: false, divergedAtEpoch: null, stopReason: 'completed', keptEpoch: 4, message: null });
    const losses = [r.initialLoss.val!, ...r.history.val!];
    expect(r.bestEpoch).toBe(losses.indexOf(Math.min(...losses)));
    // early stopping's completed run ends on the best weights
    const m2 = model(0);
    const r2 = train.fit(m2, { train: problem(1), val: problem(2) }, { epochs: 4, batchSize: 8, lr: 0.01, earlyStopping: { patience: 10 } });
    expect(r2.keptEpoch).toBe(r2.bestEpoch);
  });

  it('divergenceFactor: Infinity turns the loss rule off (NaN/Inf still stops); bad values are rejected', () => {
    const m = model(0);
    const r = train.fit(m, { train: problem(1), val: problem(2) }, { epochs: 2, batchSize: 8, lr: 1e3, divergenceFactor: Infinity });
    expect(r.history.val![0]!).toBeGreaterThan(100 * r.initialLoss.val!);
    expect(r.diverged).toBe(false);
    expect(r.keptEpoch).toBe(2);
    expect(() => train.fit(model(0), { train: problem(1) }, { epochs: 1, divergenceFactor: 1 })).toThrow('fit: divergenceFactor must be a number > 1 (Infinity turns the loss rule off), got 1');
    expect(() => train.fit(model(0), { train: problem(1) }, { epochs: 1, divergenceFloor: -1 })).toThrow('fit: divergenceFloor must be a finite number ≥ 0, got -1');
  });
});
