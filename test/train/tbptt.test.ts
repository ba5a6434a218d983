// Truncated BPTT(k1, k2) against PyTorch (tools/reference/tbptt.py), its window schedule, the
// generic state helper, and stateful / stateless training over partitioned mini-batches.
import { describe, expect, it } from 'vitest';
import { Generator, nn, optim, tensor, Tensor, train } from '../../src/index.js';
import { expectClose, type FT, fromFixture, loadFixture } from '../helpers.js';

const { truncatedBptt, tbpttWindows, detachState, trainPartitioned } = train;
const fx = loadFixture('tbptt.json');

/** nn.RNN + a Linear head on every step: the model truncated BPTT trains. */
class RnnWithHead extends nn.Module {
  readonly rnn: nn.RNN;
  readonly head: nn.Linear;
  constructor(I: number, H: number, g = new Generator(0)) {
    super();
    this.rnn = this.registerModule('rnn', new nn.RNN(I, H, { generator: g }));
    this.head = this.registerModule('head', new nn.Linear(H, 1, { generator: g }));
  }
  override forward(x: Tensor, h?: Tensor): [Tensor, Tensor] {
    const [out, hN] = this.rnn.forward(x, h);
    return [this.head.forward(out), hN];
  }
}

const sse = (o: Tensor, y: Tensor) => nn.functional.mseLoss(o, y, 'sum');

function fromTorch(): RnnWithHead {
  const m = new RnnWithHead(fx.inputSize, fx.hiddenSize);
  m.loadStateDict(Object.fromEntries(Object.entries(fx.init as Record<string, FT>).map(([k, v]) => [k, fromFixture(v)])));
  return m;
}

describe('truncatedBptt matches PyTorch after one pass', () => {
  for (const c of fx.cases) {
    const name = `BPTT(${c.k1}, ${c.k2}) with ${c.optimizer}${c.useH0 ? ', h0' : ''}${c.clip ? `, clip ${c.clip}` : ''}${c.k1 === fx.T ? ' (full BPTT)' : ''}`;
    it(name, () => {
      const m = fromTorch();
      const opt = c.optimizer === 'sgd' ? new optim.SGD(m.parameters(), { lr: c.lr }) : new optim.Adam(m.parameters(), { lr: c.lr });
      const r = truncatedBptt(m, { x: fromFixture(fx.x), y: fromFixture(fx.y) }, {
        k1: c.k1, k2: c.k2, optimizer: opt, lossFn: sse,
        h0: c.useH0 ? fromFixture(fx.h0) : undefined,
        clipGradNorm: c.clip ?? undefined,
      });
      expect(r.windows.map((w) => [w.start, w.lossStart, w.end])).toEqual(c.windows);
      expectClose(r.losses, c.losses, `${name}: window losses`, 1e-5, 1e-5);
      for (const [k, p] of m.namedParameters()) expectClose(p, c.params[k], `${name}: ${k}`, 1e-5, 1e-5);
      expectClose(r.finalState!, c.finalState, `${name}: final state`, 1e-5, 1e-5);
      expect(r.finalState!.requiresGrad).toBe(false);
    });
  }

  it('truncation changes the result: (4,4) and full BPTT end on different parameters', () => {
    const a = fx.cases.find((c: { k1: number; k2: number }) => c.k1 === 4 && c.k2 === 4).params['rnn.weight_hh_l0'].data as number[];
    const b = fx.cases.find((c: { k1: number }) => c.k1 === fx.T).params['rnn.weight_hh_l0'].data as number[];
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-3);
  });
});

describe('tbpttWindows', () => {
  it('ends at k1, 2k1, … and T, restarting k2 steps before each end', () => {
    expect(tbpttWindows(13, 4, 4)).toEqual([
      { start: 0, lossStart: 0, end: 4 }, { start: 4, lossStart: 4, end: 8 },
      { start: 8, lossStart: 8, end: 12 }, { start: 9, lossStart: 12, end: 13 }, // the tail reaches back k2 = 4
    ]);
    expect(tbpttWindows(7, 2, 3).map((w) => [w.start, w.lossStart, w.end])).toEqual([[0, 0, 2], [1, 2, 4], [3, 4, 6], [4, 6, 7]]);
    expect(tbpttWindows(5, 5, 5)).toEqual([{ start: 0, lossStart: 0, end: 5 }]);
  });

  it('rejects k1 > k2, k1 < 1 and non-integers, naming the option', () => {
    expect(() => tbpttWindows(10, 5, 3)).toThrow(/k1 \(5\) must not exceed k2 \(3\)/);
    expect(() => tbpttWindows(10, 0, 3)).toThrow(/k1 must be an integer ≥ 1, got 0/);
    expect(() => tbpttWindows(10, 1.5, 3)).toThrow(/k1 must be an integer ≥ 1, got 1.5/);
    expect(() => tbpttWindows(10, 2, 2.5)).toThrow(/k2 must be an integer ≥ 1, got 2.5/);
    const m = new RnnWithHead(2, 3);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    const seq = { x: tensor(new Float32Array(12), { shape: [6, 1, 2] }), y: tensor(new Float32Array(6), { shape: [6, 1, 1] }) };
    expect(() => truncatedBptt(m, seq, { k1: 4, k2: 2, optimizer: opt, lossFn: sse })).toThrow(/truncatedBptt: k1 \(4\) must not exceed k2 \(2\)/);
    expect(() => truncatedBptt(m, { x: seq.x, y: seq.y.slice(0, 0, 5) }, { k1: 2, k2: 2, optimizer: opt, lossFn: sse })).toThrow(/same T/);
  });
});

describe('detachState', () => {
  it('detaches a tensor, a tuple ([h, c]) and a record, keeping the values', () => {
    const h = tensor([1, 2], { requiresGrad: true }).mul(2);
    const c = tensor([3], { requiresGrad: true }).mul(3);
    const one = detachState(h);
    expect(one.requiresGrad).toBe(false);
    expect(one.tolist()).toEqual([2, 4]);
    const [h2, c2] = detachState([h, c] as const);
    expect([h2!.requiresGrad, c2!.requiresGrad, c2!.tolist()]).toEqual([false, false, [9]]);
    const rec = detachState({ h, c });
    expect([rec.h.requiresGrad, rec.c.requiresGrad, rec.h.tolist()]).toEqual([false, false, [2, 4]]);
    expect(h.requiresGrad).toBe(true); // the original stays in its graph
  });

  it('lets truncatedBptt train nn.LSTM ([h, c] state): BPTT(3, 3) equals a hand loop detaching every 3 steps', () => {
    class LstmWithHead extends nn.Module {
      readonly lstm = this.registerModule('lstm', new nn.LSTM(1, 3, { generator: new Generator(3) }));
      readonly head = this.registerModule('head', new nn.Linear(3, 1, { generator: new Generator(4) }));
      override forward(x: Tensor, s?: nn.LSTMState): [Tensor, nn.LSTMState] {
        const [out, sN] = this.lstm.forward(x, s);
        return [this.head.forward(out), sN];
      }
    }
    const x = tensor(Array.from({ length: 20 }, (_, i) => Math.sin(i / 2)), { shape: [10, 2, 1] });
    const y = x.mul(-0.5).detach();
    const a = new LstmWithHead(), b = new LstmWithHead();
    const r = truncatedBptt(a, { x, y }, { k1: 3, k2: 3, optimizer: new optim.SGD(a.parameters(), { lr: 0.1 }), lossFn: sse });
    const opt = new optim.SGD(b.parameters(), { lr: 0.1 });
    const losses: number[] = [];
    const update = (loss: Tensor) => { opt.zeroGrad(); loss.backward(); opt.step(); losses.push(loss.item()); };
    const [o0, s3] = b.forward(x.slice(0, 0, 3));
    update(sse(o0, y.slice(0, 0, 3)));
    const [o3, s6] = b.forward(x.slice(0, 3, 6), detachState(s3));
    update(sse(o3, y.slice(0, 3, 6)));
    const [o6, s7] = b.forward(x.slice(0, 6, 7), detachState(s6));
    const [o7] = b.forward(x.slice(0, 7, 9), s7);
    update(sse(o6, y.slice(0, 6, 7)).add(sse(o7, y.slice(0, 7, 9))));
    // the tail window [9, 10) reaches back k2 = 3 steps, from the state stored at 7
    const [o9] = b.forward(x.slice(0, 7, 10), detachState(s7));
    update(sse(o9.slice(0, 2), y.slice(0, 9, 10)));
    expectClose(r.losses, losses, 'LSTM window losses');
    for (const [k, p] of a.namedParameters()) expectClose(p, b.stateDict()[k]!.tolist(), k);
    const [hT, cT] = r.finalState!;
    expect([hT.shape, cT.shape, hT.requiresGrad, cT.requiresGrad]).toEqual([[1, 2, 3], [1, 2, 3], false, false]);
  });

  it('fits nn.GRU (Tensor state): full BPTT is one ordinary step', () => {
    class GruWithHead extends nn.Module {
      readonly gru = this.registerModule('gru', new nn.GRU(1, 3, { generator: new Generator(8) }));
      readonly head = this.registerModule('head', new nn.Linear(3, 1, { generator: new Generator(9) }));
      override forward(x: Tensor, h?: Tensor): [Tensor, Tensor] {
        const [out, hN] = this.gru.forward(x, h);
        return [this.head.forward(out), hN];
      }
    }
    const x = tensor(Array.from({ length: 12 }, (_, i) => Math.cos(i)), { shape: [6, 2, 1] });
    const a = new GruWithHead(), b = new GruWithHead();
    const r = truncatedBptt(a, { x, y: x }, { k1: 6, k2: 6, optimizer: new optim.SGD(a.parameters(), { lr: 0.1 }), lossFn: sse });
    const opt = new optim.SGD(b.parameters(), { lr: 0.1 });
    const loss = sse(b.forward(x)[0], x);
    loss.backward();
    opt.step();
    expect(r.losses[0]).toBeCloseTo(loss.item(), 5);
    for (const [k, p] of a.namedParameters()) expectClose(p, b.stateDict()[k]!.tolist(), k);
  });
});

describe('trainPartitioned', () => {
  const series = Array.from({ length: 61 }, (_, i) => Math.sin(i / 3) + 0.1 * Math.cos(i));

  it('draws the exact d2l partitions for a seed', () => {
    const m = new RnnWithHead(1, 3);
    const run = (partition: 'sequential' | 'random') =>
      trainPartitioned(m, series, { partition, batchSize: 2, numSteps: 5, optimizer: new optim.SGD(m.parameters(), { lr: 0 }), lossFn: sse, generator: new Generator(7) }).batches;
    // sequential: offset o = Generator(7).int(6); rows of ⌊(61 − o − 1)/2⌋ values, 5 steps at a time
    const o = new Generator(7).int(6);
    const rowLen = Math.floor((60 - o) / 2);
    const seq = run('sequential');
    expect(seq).toEqual(Array.from({ length: Math.floor(rowLen / 5) }, (_, i) => [o + 5 * i, o + rowLen + 5 * i]));
    expect(seq).toEqual([[1, 30], [6, 35], [11, 40], [16, 45], [21, 50]]);
    // random: offset 1 ∈ [0, 4], ⌊(61 − 1 − 1)/5⌋ = 11 disjoint subsequences, shuffled, in pairs
    // (the 11th is dropped)
    const rnd = run('random');
    expect(rnd).toEqual([[41, 36], [1, 46], [6, 11], [16, 31], [51, 26]]);
    const flat = rnd.flat().sort((a, b) => a - b);
    expect(flat).toEqual([1, 6, 11, 16, 26, 31, 36, 41, 46, 51]);
  });

  it('sequential partitioning with the state carried over is BPTT(numSteps, numSteps) on the rows', () => {
    const a = new RnnWithHead(1, 4, new Generator(11));
    const b = new RnnWithHead(1, 4, new Generator(11));
    const optA = new optim.Adam(a.parameters(), { lr: 0.01 });
    const optB = new optim.Adam(b.parameters(), { lr: 0.01 });
    const r = trainPartitioned(a, series, { partition: 'sequential', batchSize: 2, numSteps: 5, optimizer: optA, lossFn: sse, generator: new Generator(7) });
    // the same rows, laid out as one [T,B,1] sequence of the batches' columns one after another
    const T = r.batches.length * 5;
    const x = new Float32Array(T * 2), y = new Float32Array(T * 2);
    r.batches.forEach((starts, i) => starts.forEach((s, row) => {
      for (let t = 0; t < 5; t++) {
        x[(i * 5 + t) * 2 + row] = series[s + t]!;
        y[(i * 5 + t) * 2 + row] = series[s + t + 1]!;
      }
    }));
    const q = truncatedBptt(b, { x: tensor(x, { shape: [T, 2, 1] }), y: tensor(y, { shape: [T, 2, 1] }) }, { k1: 5, k2: 5, optimizer: optB, lossFn: sse });
    expectClose(r.losses, q.losses, 'per-batch losses');
    for (const [k, p] of a.namedParameters()) expectClose(p, b.stateDict()[k]!.tolist(), k);
    expectClose(r.finalState!, q.finalState!.tolist(), 'final state');
  });

  it('random partitioning starts every batch from a fresh state', () => {
    const a = new RnnWithHead(1, 4, new Generator(5));
    const b = new RnnWithHead(1, 4, new Generator(5));
    const r = trainPartitioned(a, series, { partition: 'random', batchSize: 3, numSteps: 4, optimizer: new optim.SGD(a.parameters(), { lr: 0.05 }), lossFn: sse, generator: new Generator(2) });
    expect(r.finalState).toBeUndefined();
    const optB = new optim.SGD(b.parameters(), { lr: 0.05 });
    r.batches.forEach((starts, i) => {
      const { x, y } = train.batchAt(series, starts, 4);
      const q = truncatedBptt(b, { x: x.unsqueeze(-1), y: y.unsqueeze(-1) }, { k1: 4, k2: 4, optimizer: optB, lossFn: sse });
      expect(q.losses[0]).toBeCloseTo(r.losses[i]!, 5);
    });
    for (const [k, p] of a.namedParameters()) expectClose(p, b.stateDict()[k]!.tolist(), k);
  });

  it('rejects a bad partition, numSteps or a series too short', () => {
    const m = new RnnWithHead(1, 2);
    const base = { batchSize: 2, numSteps: 5, optimizer: new optim.SGD(m.parameters(), { lr: 0.1 }), lossFn: sse };
    expect(() => trainPartitioned(m, series, { ...base, partition: 'shuffled' as 'random' })).toThrow(/partition must be 'sequential' or 'random'/);
    expect(() => trainPartitioned(m, series, { ...base, partition: 'random', numSteps: 0 })).toThrow(/numSteps must be an integer ≥ 1, got 0/);
    expect(() => trainPartitioned(m, series.slice(0, 12), { ...base, partition: 'sequential' })).toThrow(/too short.*needs at least 16/);
  });
});
