// gradContributions (RNNbow's per-step terms of ∂L/∂W_hh) and inputConnectivity (Distill's
// ‖∂y/∂x_k‖), in float64:
// - the per-step terms against central finite differences of an independent plain-JS Elman forward
//   in which only step k's copy of W_hh is perturbed (the definition of the term), and against the
//   closed form (f′(z_k) ⊙ ∂L/∂h_k) h_{k−1}ᵀ;
// - their sum against the fused layer's own backward (RNN, LSTM, GRU; two layers, layer 1 itemized);
// - connectivity against central finite differences of the module's forward in x_k, and its causality.
import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, randn, tensor, type Tensor } from '../../src/index.js';
import { gradContributions, inputConnectivity } from '../../src/diagnostics/contributions.js';
import { hiddenGradNorms, type RecurrentLayer } from '../../src/diagnostics/hidden-grads.js';
import { expectClose } from '../helpers.js';

/** Plain-JS tanh RNN (one layer, batch 1): L = Σ_j c_j h_{T−1,j}², with W_hh replaced by `wk` at step k. */
function elmanLoss(P: Map<string, number[]>, x: number[][], c: number[], H: number, k = -1, wk?: number[]): number {
  const wi = P.get('weight_ih_l0')!, bi = P.get('bias_ih_l0')!, bh = P.get('bias_hh_l0')!;
  let h = new Array<number>(H).fill(0);
  x.forEach((xt, t) => {
    const wh = t === k ? wk! : P.get('weight_hh_l0')!;
    h = Array.from({ length: H }, (_, r) => Math.tanh(bi[r]! + bh[r]! + xt.reduce((s, v, i) => s + wi[r * xt.length + i]! * v, 0) + h.reduce((s, v, j) => s + wh[r * H + j]! * v, 0)));
  });
  return h.reduce((s, v, j) => s + c[j]! * v * v, 0);
}

describe('gradContributions', () => {
  it('tanh RNN: term k equals finite differences of step k\'s own W_hh, and (f′(z_k)⊙∂L/∂h_k) h_{k−1}ᵀ', () => {
    const T = 6, I = 2, H = 3;
    const rnn = new nn.RNN(I, H, { dtype: 'float64', generator: new Generator(11) });
    const x = randn([T, 1, I], { dtype: 'float64', generator: new Generator(12) });
    const c = [0.7, -1.3, 0.4];
    const C = tensor([c], { dtype: 'float64' });
    const loss = (out: Tensor) => out.select(0, T - 1).square().mul(C).sum();
    const r = gradContributions(rnn, x, loss);
    expect(r.weight).toBe('weight_hh_l0');
    expect(r.kind).toBe('rnn_tanh');
    expect(rnn.parameters().every((p) => p.grad === null)).toBe(true);
    const P = new Map([...rnn.namedParameters()].map(([k, v]) => [k, Array.from(v.data)]));
    const xs = Array.from({ length: T }, (_, t) => Array.from(x.data.subarray(t * I, (t + 1) * I)));
    expect(r.loss).toBeCloseTo(elmanLoss(P, xs, c, H), 12);
    const eps = 1e-6, W = P.get('weight_hh_l0')!;
    for (let k = 0; k < T; k++) {
      const fd = W.map((_, i) => {
        const up = [...W], dn = [...W];
        up[i]! += eps;
        dn[i]! -= eps;
        return (elmanLoss(P, xs, c, H, k, up) - elmanLoss(P, xs, c, H, k, dn)) / (2 * eps);
      });
      expectClose(r.contributions[k]!, fd, `term ${k}`, 1e-6, 1e-9);
    }
    expect(r.norms[0]).toBe(0); // h_{−1} = 0
    // closed form from the (separately tested) total derivatives ∂L/∂h_k
    const g = hiddenGradNorms(rnn, x, loss).grads[0]!;
    const hs = noGrad(() => rnn.forward(x)[0]).data;
    for (let k = 1; k < T; k++) {
      const delta = Array.from({ length: H }, (_, j) => (1 - hs[k * H + j]! ** 2) * g[k]!.data[j]!);
      const outer = delta.flatMap((d) => Array.from({ length: H }, (_, j) => d * hs[(k - 1) * H + j]!));
      expectClose(r.contributions[k]!, outer, `closed form ${k}`, 1e-10, 1e-12);
      expect(r.norms[k]).toBeCloseTo(Math.hypot(...outer), 12);
    }
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s (2 layers, layer 1 and layer 0, W_hh and W_ih): the terms sum to the fused backward\'s gradient', (cell) => {
    const opts = { numLayers: 2, dtype: 'float64' as const, generator: new Generator(21), batchFirst: true };
    const m = (cell === 'lstm' ? new nn.LSTM(2, 3, opts) : cell === 'gru' ? new nn.GRU(2, 3, opts) : new nn.RNN(2, 3, opts)) as unknown as RecurrentLayer & { forward(x: Tensor): [Tensor, unknown] };
    const x = randn([2, 5, 2], { dtype: 'float64', generator: new Generator(22) });
    const C = randn([2, 5, 3], { dtype: 'float64', generator: new Generator(23) });
    const loss = (out: Tensor) => out.square().mul(C).sum();
    const l = loss(m.forward(x)[0]);
    l.backward();
    const P = new Map(m.namedParameters());
    for (const [layer, weight] of [[1, 'weight_hh'], [0, 'weight_hh'], [0, 'weight_ih']] as const) {
      const r = gradContributions(m, x, loss, { layer, weight });
      expect(r.contributions.length).toBe(5);
      expect(r.loss).toBeCloseTo(l.item(), 12);
      const ref = P.get(`${weight}_l${layer}`)!.grad!;
      expectClose(r.total, { shape: [...ref.shape], data: Array.from(ref.data) }, `${cell} Σ terms of ${weight}_l${layer}`, 1e-10, 1e-12);
      expect(r.norms.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    expect(() => gradContributions(m, x, loss, { layer: 2 })).toThrow(/layer 2 does not exist \(the module has 2 layers\)/);
  });
});

describe('inputConnectivity', () => {
  it('‖∂y/∂x_k‖ equals finite differences of the forward in x_k; inputs after the read step get 0', () => {
    const T = 7, I = 2, H = 4;
    const rnn = new nn.RNN(I, H, { dtype: 'float64', generator: new Generator(31), batchFirst: true });
    const head = new nn.Linear(H, 2, { dtype: 'float64', generator: new Generator(32) });
    const x = randn([1, T, I], { dtype: 'float64', generator: new Generator(33) });
    const t = 4;
    const readout = (out: Tensor) => head.forward(out.select(1, t)); // [1,2]: two outputs
    const r = inputConnectivity(rnn, x, readout);
    const y = (xv: Tensor) => noGrad(() => readout(rnn.forward(xv)[0])).data;
    expect(r.value).toEqual(Array.from(y(x)));
    const eps = 1e-6;
    for (let k = 0; k < T; k++) {
      let sq = 0;
      for (let i = 0; i < I; i++) {
        const up = x.clone().detach(), dn = x.clone().detach();
        up.data[k * I + i]! += eps;
        dn.data[k * I + i]! -= eps;
        const a = y(up), b = y(dn);
        for (let o = 0; o < 2; o++) sq += ((a[o]! - b[o]!) / (2 * eps)) ** 2;
      }
      if (k > t) expect(r.norms[k]).toBe(0);
      else expect(r.norms[k]).toBeCloseTo(Math.sqrt(sq), 7);
    }
    expect(r.norms[t]).toBeGreaterThan(0);
    expect(rnn.parameters().every((p) => p.grad === null)).toBe(true);
  });
});
