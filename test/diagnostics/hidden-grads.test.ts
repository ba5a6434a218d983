// ‖∂L/∂h_t‖ per time step: checked against central finite differences of an independent plain-JS
// forward pass in which h_t is perturbed (the definition of the total derivative ∂L/∂h_t), for
// RNN (tanh, relu), LSTM and GRU with two layers; and against closed-form cases.
import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, randn, tensor, zeros, type Tensor } from '../../src/index.js';
import { cellKind, hiddenGradNorms, unroll, type RecurrentLayer } from '../../src/diagnostics/hidden-grads.js';
import { expectClose } from '../helpers.js';

type Kind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Plain-JS forward of a stacked RNN/LSTM/GRU (PyTorch's equations), loss Σ C ⊙ out², with
 * optionally `eps` added to h of layer l, step t, batch b, unit j right after it is computed.
 */
function refLoss(m: RecurrentLayer, kind: Kind, x: number[][][], C: number[][][], p?: { l: number; t: number; b: number; j: number; eps: number }): number {
  const P = new Map([...m.namedParameters()].map(([k, v]) => [k, Array.from(v.data)]));
  const H = m.hiddenSize, G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  let seq = x; // [T][B][·]
  for (let l = 0; l < m.numLayers; l++) {
    const wi = P.get(`weight_ih_l${l}`)!, wh = P.get(`weight_hh_l${l}`)!, bi = P.get(`bias_ih_l${l}`)!, bh = P.get(`bias_hh_l${l}`)!;
    const In = seq[0]![0]!.length;
    const out: number[][][] = [];
    const B = seq[0]!.length;
    let h = Array.from({ length: B }, () => new Array<number>(H).fill(0));
    let c = Array.from({ length: B }, () => new Array<number>(H).fill(0));
    seq.forEach((xt, t) => {
      const hn: number[][] = [], cn: number[][] = [];
      for (let b = 0; b < B; b++) {
        const gi = Array.from({ length: G * H }, (_, r) => bi[r]! + xt[b]!.reduce((s, v, k) => s + wi[r * In + k]! * v, 0));
        const gh = Array.from({ length: G * H }, (_, r) => bh[r]! + h[b]!.reduce((s, v, k) => s + wh[r * H + k]! * v, 0));
        const hb = new Array<number>(H), cb = new Array<number>(H);
        for (let j = 0; j < H; j++) {
          if (kind === 'rnn_tanh') hb[j] = Math.tanh(gi[j]! + gh[j]!);
          else if (kind === 'rnn_relu') hb[j] = Math.max(0, gi[j]! + gh[j]!);
          else if (kind === 'lstm') {
            const ig = sig(gi[j]! + gh[j]!), fg = sig(gi[H + j]! + gh[H + j]!), gg = Math.tanh(gi[2 * H + j]! + gh[2 * H + j]!), og = sig(gi[3 * H + j]! + gh[3 * H + j]!);
            cb[j] = fg * c[b]![j]! + ig * gg;
            hb[j] = og * Math.tanh(cb[j]!);
          } else {
            const r = sig(gi[j]! + gh[j]!), z = sig(gi[H + j]! + gh[H + j]!), n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
            hb[j] = (1 - z) * n + z * h[b]![j]!;
          }
          if (p && p.l === l && p.t === t && p.b === b && p.j === j) hb[j]! += p.eps;
        }
        hn.push(hb);
        cn.push(cb);
      }
      h = hn;
      c = cn;
      out.push(hn);
    });
    seq = out;
  }
  let loss = 0;
  seq.forEach((ot, t) => ot.forEach((ob, b) => ob.forEach((v, j) => (loss += C[t]![b]![j]! * v * v))));
  return loss;
}

const toNested = (t: Tensor, T: number, B: number, K: number): number[][][] =>
  Array.from({ length: T }, (_, i) => Array.from({ length: B }, (_, b) => Array.from(t.data.subarray((i * B + b) * K, (i * B + b + 1) * K))));

function makeModel(kind: Kind, seed: number): RecurrentLayer {
  const opts = { numLayers: 2, dtype: 'float64' as const, generator: new Generator(seed) };
  if (kind === 'lstm') return new nn.LSTM(2, 3, opts);
  if (kind === 'gru') return new nn.GRU(2, 3, opts);
  return new nn.RNN(2, 3, { ...opts, nonlinearity: kind === 'rnn_tanh' ? 'tanh' : 'relu' });
}

describe('unroll', () => {
  it.each(['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const)('%s: the step-by-step output equals the fused forward', (kind) => {
    const m = makeModel(kind, 1);
    for (const batchFirst of [false, true]) {
      (m as { batchFirst: boolean }).batchFirst = batchFirst;
      const x = randn(batchFirst ? [3, 7, 2] : [7, 3, 2], { dtype: 'float64', generator: new Generator(2) });
      const fused = noGrad(() => (m as unknown as { forward(x: Tensor): [Tensor, unknown] }).forward(x)[0]);
      const u = noGrad(() => unroll(m, x));
      expect(u.kind).toBe(kind);
      expect(u.hidden.map((hs) => hs.length)).toEqual([7, 7]);
      expectClose(u.output, { shape: [...fused.shape], data: Array.from(fused.data) }, `${kind} output (batchFirst ${batchFirst})`, 1e-12, 1e-12);
    }
  });

  it('refuses what it cannot unroll', () => {
    expect(() => unroll(new nn.RNN(2, 3, { bidirectional: true }), zeros([4, 1, 2]))).toThrow(/bidirectional/);
    expect(() => unroll(new nn.RNN(2, 3), zeros([4, 2]))).toThrow(/input has shape \[4,2\] but expects \[T,B,2\]/);
    expect(() => cellKind(new nn.Linear(2, 3) as unknown as RecurrentLayer)).toThrow(/no weight_hh_l0/);
  });
});

describe('hiddenGradNorms', () => {
  it.each(['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const)('%s: ∂L/∂h_t equals central finite differences of h_t-perturbed forwards (2 layers)', (kind) => {
    const m = makeModel(kind, 3);
    const T = 6, B = 2, H = 3;
    const x = randn([T, B, 2], { dtype: 'float64', generator: new Generator(4) });
    const C = randn([T, B, H], { dtype: 'float64', generator: new Generator(5) });
    const r = hiddenGradNorms(m, x, (out) => out.mul(out).mul(C).sum());
    expect(m.parameters().every((p) => p.grad === null)).toBe(true); // the module's .grad is untouched
    const xs = toNested(x, T, B, 2), Cs = toNested(C, T, B, H);
    expect(r.loss).toBeCloseTo(refLoss(m, kind, xs, Cs), 12);
    const eps = 1e-5;
    for (let l = 0; l < 2; l++) {
      for (let t = 0; t < T; t++) {
        const fd: number[] = [];
        for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
          fd.push((refLoss(m, kind, xs, Cs, { l, t, b, j, eps }) - refLoss(m, kind, xs, Cs, { l, t, b, j, eps: -eps })) / (2 * eps));
        }
        expectClose(r.grads[l]![t]!, fd, `${kind} ∂L/∂h (layer ${l}, t ${t})`, 1e-6, 1e-8);
        expect(r.norms[l]![t]).toBeCloseTo(Math.hypot(...fd), 7);
      }
    }
    // the top layer's last state only has the direct path; earlier ones add the recurrence
    expect(r.norms[1]![T - 1]).toBeGreaterThan(0);
  });

  it('a loss on the last step only: with W_hh = 0 the gradient stops at T−1; with IRNN (all units active) its norm is constant', () => {
    const T = 8;
    const rnn = new nn.RNN(1, 4, { dtype: 'float64' });
    const P = Object.fromEntries(rnn.namedParameters());
    const last = (out: Tensor) => out.select(0, T - 1).sum();
    const x = tensor(Array.from({ length: T }, (_, i) => [[0.1 + 0.1 * i]]), { dtype: 'float64' });

    P.weight_hh_l0!.data.fill(0);
    const cut = hiddenGradNorms(rnn, x, last).norms[0]!;
    expect(cut.slice(0, T - 1)).toEqual(new Array(T - 1).fill(0));
    expect(cut[T - 1]).toBeCloseTo(2, 12); // ∂(Σ h_T)/∂h_T = ones(4), norm 2

    const irnn = nn.init.irnn_(new nn.RNN(1, 4, { nonlinearity: 'relu', dtype: 'float64' }));
    Object.fromEntries(irnn.namedParameters()).weight_ih_l0!.data.fill(1); // z > 0 everywhere: ReLU′ = 1
    const flat = hiddenGradNorms(irnn, x, last).norms[0]!;
    for (const v of flat) expect(v).toBe(2); // ∂h_{t+1}/∂h_t = I exactly
  });

  it('tanh with W_hh = 0.5·Q (Q orthogonal): ‖∂L/∂h_t‖ ≤ 0.5^(T−1−t)·‖∂L/∂h_{T−1}‖ (vanishing)', () => {
    const T = 12;
    const rnn = new nn.RNN(2, 6, { dtype: 'float64', generator: new Generator(6) });
    nn.init.orthogonal_(Object.fromEntries(rnn.namedParameters()).weight_hh_l0!, 0.5, new Generator(7));
    const x = randn([T, 3, 2], { dtype: 'float64', generator: new Generator(8) });
    const n = hiddenGradNorms(rnn, x, (out) => out.select(0, T - 1).square().sum()).norms[0]!;
    for (let t = 0; t < T - 1; t++) expect(n[t]!).toBeLessThanOrEqual(0.5 ** (T - 1 - t) * n[T - 1]! * (1 + 1e-12));
    expect(n[0]!).toBeGreaterThan(0);
  });

  it('works inside noGrad (an evaluation loop) and in float32', () => {
    const rnn = new nn.RNN(2, 5, { generator: new Generator(9) });
    const x = randn([10, 4, 2], { generator: new Generator(10) });
    const r = noGrad(() => hiddenGradNorms(rnn, x, (out) => out.sum()));
    expect(r.norms[0]!.every((v) => v > 0)).toBe(true);
  });
});
