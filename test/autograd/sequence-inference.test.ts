// The fused RNN, LSTM and GRU ops outside a recorded graph (noGrad: inference, generation) and
// their constant weights: an unrecorded step builds no node and keeps nothing for backward, reuses
// its work buffers without leaking one call's values into the next, and gives the recorded forward's
// values to the bit; the weights are read where they live (by index, packed copies keyed on the
// tensor's version), so an in-place update between two forwards is always seen.
// Legend: B batch, T time, I input, H hidden, V vocabulary.
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, manualSeed, models, nn, noGrad, optim, randn } from '../../src/index.js';

type Cell = 'rnn' | 'lstm' | 'gru';
const CELLS: readonly Cell[] = ['rnn', 'lstm', 'gru'];

// Sizes big enough that the float32 products run in the WebAssembly kernels (where packed copies of
// the weights live), as well as the small-product JS path below them.
const I = 12, H = 64;

function makeRnn(cell: Cell, opts: nn.LSTMOptions = {}): nn.RNN | nn.LSTM | nn.GRU {
  const o = { generator: new Generator(3), ...opts };
  return cell === 'lstm' ? new nn.LSTM(I, H, o) : cell === 'gru' ? new nn.GRU(I, H, o) : new nn.RNN(I, H, o);
}

/** output and every final state, flattened, as plain arrays (copies: a later call cannot change them). */
function run(m: nn.RNN | nn.LSTM | nn.GRU, x: Tensor | nn.utils.rnn.PackedSequence): number[][] {
  const [out, state] = (m as nn.LSTM).forward(x as Tensor);
  const o = out instanceof nn.utils.rnn.PackedSequence ? out.data : (out as Tensor);
  const states = Array.isArray(state) ? state : [state as Tensor];
  return [Array.from(o.data), ...states.map((s) => Array.from(s.data))];
}

function fresh(m: nn.RNN | nn.LSTM | nn.GRU, cell: Cell, opts: nn.LSTMOptions = {}): nn.RNN | nn.LSTM | nn.GRU {
  // new tensors with the same values: nothing a kernel cached for `m` can serve them
  const n = makeRnn(cell, opts);
  n.loadStateDict(m.stateDict());
  return n;
}

describe('an unrecorded sequence op (noGrad)', () => {
  for (const cell of CELLS) {
    it(`${cell}: builds no autograd node and gives the recorded forward's values to the bit`, () => {
      manualSeed(1);
      const m = makeRnn(cell, { numLayers: 2, batchFirst: true });
      const x = randn([3, 5, I]);
      const recorded = run(m, x);
      const [out, state] = (m as nn.LSTM).forward(x);
      expect(out.requiresGrad).toBe(true);
      const unrecorded = noGrad(() => {
        const [o, s] = (m as nn.LSTM).forward(x);
        for (const t of [o, ...(Array.isArray(s) ? s : [s as Tensor])]) {
          expect(t.requiresGrad).toBe(false);
          expect(t.isLeaf).toBe(true);
          expect(t._backward).toBeNull();
          expect(t._inputs).toHaveLength(0);
        }
        return run(m, x);
      });
      expect(unrecorded).toEqual(recorded);
      void state;
    });

    it(`${cell}: reused work buffers carry nothing from one call into the next (sizes, layouts, directions)`, () => {
      manualSeed(2);
      const layouts: nn.LSTMOptions[] = [{}, { batchFirst: true }, { bidirectional: true }, { numLayers: 2, bidirectional: true, batchFirst: true }];
      for (const opts of layouts) {
        const m = makeRnn(cell, opts);
        const bf = opts.batchFirst ?? false;
        const inputs = [[7, 4], [2, 1], [3, 5], [1, 1]].map(([T, B]) => randn(bf ? [B!, T!, I] : [T!, B!, I]));
        const expected = inputs.map((x) => run(m, x)); // recorded: fresh buffers every call
        const got = noGrad(() => inputs.map((x) => run(m, x)));
        expect(got).toEqual(expected);
        // an earlier unrecorded output is not a view of a reused buffer
        noGrad(() => {
          const [a] = (m as nn.LSTM).forward(inputs[0]!);
          const before = Array.from(a.data);
          (m as nn.LSTM).forward(inputs[2]!);
          expect(Array.from(a.data)).toEqual(before);
        });
      }
      // packed sequences of different lengths
      const m = makeRnn(cell);
      const seqs = [randn([6, I]), randn([4, I]), randn([1, I])];
      const packed = nn.utils.rnn.packSequence(seqs);
      expect(noGrad(() => run(m, packed))).toEqual(run(m, packed));
    });
  }
});

describe('an LSTM language model generating one token at a time under noGrad', () => {
  it('records no graph, keeps no state for backward and generates the tokens it generated before the change', () => {
    manualSeed(0);
    const lm = new models.RNNLM(64, { cell: 'lstm', hiddenSize: 256, numLayers: 2, embedDim: 64 });
    // the tokens the model generated when every forward transposed W_hh and allocated its buffers
    // (rnnkit before issue 11), with the same seed
    const before = [59, 59, 62, 62, 62, 1, 1, 1, 62, 62, 1, 1, 1, 62, 62, 1, 1, 1, 62, 62];
    expect(models.generateIds(lm, [1, 2, 3], { length: 20, temperature: 0 })).toEqual(before);

    lm.eval();
    noGrad(() => {
      let state = lm.beginState(1);
      for (const tok of [1, 2, 3]) {
        const [logits, next] = lm.forward([tok], [1, 1], state);
        for (const t of [logits, next.h, next.c!]) {
          expect(t.requiresGrad).toBe(false);
          expect(t._backward).toBeNull();
          expect(t._inputs).toHaveLength(0);
          expect(t._savedVersions).toBeNull();
        }
        state = next;
      }
    });
    // the same steps with recording on give the same logits
    const stepAll = () => {
      let state = lm.beginState(1);
      const out: number[][] = [];
      for (const tok of [5, 9, 13]) {
        const [logits, next] = lm.forward([tok], [1, 1], state);
        out.push(Array.from(logits.data));
        state = next;
      }
      return out;
    };
    expect(noGrad(stepAll)).toEqual(stepAll());
  });
});

describe('a weight changed in place between two forwards', () => {
  // Each update must reach the next forward: a kernel's packed copy of a weight is keyed on the
  // tensor's version, which every in-place update bumps.
  const updates: [string, (m: nn.RNN | nn.LSTM | nn.GRU) => void][] = [
    ['an optimizer step', (m) => {
      const opt = new optim.SGD(m.parameters(), { lr: 0.5 });
      for (const p of m.parameters()) p.grad = randn(p.shape);
      opt.step();
    }],
    ['loadStateDict', (m) => {
      const sd = m.stateDict();
      for (const k of Object.keys(sd)) sd[k] = randn(sd[k]!.shape).mul(0.2);
      m.loadStateDict(sd);
    }],
    ['copy_ under noGrad', (m) => noGrad(() => {
      for (const p of m.parameters()) p.copy_(randn(p.shape).mul(0.2));
    })],
    ['mul_ on weight_hh alone', (m) => noGrad(() => void (m as nn.LSTM).weight_hh_l0.mul_(-1.5))],
  ];
  for (const cell of CELLS) {
    for (const [what, update] of updates) {
      it(`${cell}: ${what} changes the next output (B = 8 and B = 1, recorded and not)`, () => {
        manualSeed(4);
        const m = makeRnn(cell);
        const xs = [randn([5, 8, I]), randn([3, 1, I])]; // T > 1: W_hh acts from the second step
        const first = xs.map((x) => [run(m, x), noGrad(() => run(m, x))]);
        update(m);
        const ref = fresh(m, cell);
        for (const [k, x] of xs.entries()) {
          const want = run(ref, x);
          expect(want).not.toEqual(first[k]![0]);
          expect(run(m, x)).toEqual(want);
          expect(noGrad(() => run(m, x))).toEqual(want);
        }
      });
    }
  }
});
