// Forecast intervals: the pinball and Gaussian NLL losses (PyTorch 1.13 fixture, float64
// gradcheck), the normal quantile, AR's analytic interval against statsmodels AutoReg, and the
// proof that the intervals cover what they claim on synthetic Gaussian AR(1) data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { pinballLoss } from '../../src/forecast/losses.js';
import { checkQuantiles, intervalMetrics, normalQuantile, rearrange } from '../../src/forecast/intervals.js';
import { ARForecaster } from '../../src/models/ar.js';
import { gaussianNllLoss } from '../../src/nn/functional.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { ValueError } from '../../src/errors.js';

type TJ = { shape: number[]; data: number[] };
const regen = (script: string) => `regenerate with /usr/bin/python3 tools/reference/${script}`;
const t64 = (j: TJ, grad = false) => new Tensor(Float64Array.from(j.data), j.shape, grad);
const fx = JSON.parse(readFileSync(new URL('../fixtures/gaussian_nll.json', import.meta.url), 'utf8'));

function close(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)))) {
      throw new Error(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tol}; ${regen('gaussian_nll.py')} if the reference changed)`);
    }
  }
}

describe('gaussianNllLoss (torch.nn.functional.gaussian_nll_loss)', () => {
  it(`equals PyTorch ${fx.torch_version} for every reduction and full, clamped variances included`, () => {
    for (const c of fx.cases as { full: boolean; reduction: 'mean' | 'sum' | 'none'; loss: TJ }[]) {
      const l = gaussianNllLoss(t64(fx.input), t64(fx.target), t64(fx.var), { full: c.full, eps: fx.eps, reduction: c.reduction });
      close(l.data, c.loss.data, 1e-12, `loss (full ${c.full}, ${c.reduction})`);
    }
  });
  it('gradients equal PyTorch, straight through the eps clamp', () => {
    const i = t64(fx.input, true), v = t64(fx.var, true);
    gaussianNllLoss(i, t64(fx.target), v).backward();
    close(i.grad!.data, fx.grad_input.data, 1e-10, 'grad input');
    close(v.grad!.data, fx.grad_var.data, 1e-10, 'grad var');
  });
  it('passes a float64 gradcheck in input, target and variance', () => {
    const g = (n: number, f: (k: number) => number) => new Tensor(Float64Array.from({ length: n }, (_, k) => f(k)), [2, 3], true);
    const x = g(6, (k) => Math.sin(k + 1)), y = g(6, (k) => Math.cos(2 * k)), v = g(6, (k) => 0.3 + 0.2 * k);
    expect(gradcheck((a, b, c) => gaussianNllLoss(a!, b!, c!), [x, y, v])).toBe(true);
    expect(gradcheck((a, b, c) => gaussianNllLoss(a!, b!, c!.exp(), { reduction: 'none', full: true }), [x, y, v])).toBe(true);
  });
  it('refuses mismatched shapes and negative variances in one line', () => {
    const a = new Tensor(new Float64Array(4), [4]);
    expect(() => gaussianNllLoss(a, a, new Tensor(new Float64Array(3), [3]))).toThrow(/variance has shape \[3\]/);
    expect(() => gaussianNllLoss(a, a, new Tensor(Float64Array.from([1, -1, 1, 1]), [4]))).toThrow(/negative/);
  });
});

describe('pinballLoss', () => {
  const p = fx.pinball as { levels: number[]; pred: TJ; loss: number; grad_pred: TJ };
  it('equals max(q·e, (q−1)·e) averaged over levels and elements, and its gradient, as composed in torch', () => {
    const pred = t64(p.pred, true);
    const l = pinballLoss(pred, t64(fx.target), p.levels);
    close([l.item()], [p.loss], 1e-12, 'pinball');
    l.backward();
    close(pred.grad!.data, p.grad_pred.data, 1e-12, 'grad pred');
  });
  it("'sum' sums the per-element mean over levels, 'none' keeps it", () => {
    const pred = t64(p.pred), y = t64(fx.target);
    const none = pinballLoss(pred, y, p.levels, 'none');
    expect(none.shape).toEqual([3, 4]);
    expect(pinballLoss(pred, y, p.levels, 'sum').item()).toBeCloseTo(p.loss * 12, 12);
  });
  it('passes a float64 gradcheck in pred and target (away from the kinks)', () => {
    const pred = new Tensor(Float64Array.from({ length: 12 }, (_, k) => Math.sin(3 * k)), [4, 3], true);
    const y = new Tensor(Float64Array.from({ length: 4 }, (_, k) => 0.05 + Math.cos(k)), [4], true);
    expect(gradcheck((a, b) => pinballLoss(a!, b!, [0.1, 0.5, 0.9], 'none'), [pred, y])).toBe(true);
  });
  it('its minimiser over a sample is the sample quantile', () => {
    const ys = Array.from({ length: 101 }, (_, i) => i); // quantile 0.9 = 90
    const loss = (c: number) => pinballLoss(new Tensor(Float64Array.from(ys.map(() => c)), [101, 1]), new Tensor(Float64Array.from(ys), [101]), [0.9]).item();
    expect(loss(90)).toBeLessThan(loss(89));
    expect(loss(90)).toBeLessThan(loss(91));
  });
  it('refuses a shape without one column per level', () => {
    expect(() => pinballLoss(new Tensor(new Float64Array(6), [3, 2]), new Tensor(new Float64Array(3), [3]), [0.1, 0.5, 0.9])).toThrow(/expects pred \[\.\.\., 3\]/);
  });
});

describe('quantile levels and the normal quantile', () => {
  it('checkQuantiles: outside (0, 1), unsorted and duplicates are one-line errors', () => {
    expect(() => checkQuantiles([0.1, 0.5, 0.9])).not.toThrow();
    expect(() => checkQuantiles([0, 0.5])).toThrow(/must lie in \(0, 1\), got 0$/);
    expect(() => checkQuantiles([0.5, 1.2])).toThrow(ValueError);
    expect(() => checkQuantiles([0.9, 0.1])).toThrow(/sorted increasing, got 0.9 before 0.1/);
    expect(() => checkQuantiles([0.1, 0.1])).toThrow(/distinct, got 0.1 twice/);
    expect(() => checkQuantiles([])).toThrow(/at least one/);
  });
  it('normalQuantile equals scipy.stats.norm.ppf to 1e-12', () => {
    // scipy (Debian, /usr/bin/python3): norm.ppf([0.1, 0.9, 0.975, 1e-5, 0.5, 0.999999])
    const cases: [number, number][] = [[0.1, -1.2815515655446004], [0.9, 1.2815515655446004], [0.975, 1.959963984540054], [1e-5, -4.264890793922825], [0.5, 0], [0.999999, 4.753424308817087]];
    for (const [p, z] of cases) expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-12);
  });
  it('rearrange sorts crossing quantiles per point; intervalMetrics scores coverage, width and pinball', () => {
    expect(rearrange([[1, 5], [0, 6], [2, 4]])).toEqual([[0, 4], [1, 5], [2, 6]]);
    const m = intervalMetrics([0, 10], { levels: [0.1, 0.9], values: [[-1, 0], [1, 2]] });
    expect(m.coverage).toBe(0.5);
    expect(m.width).toBe(2);
    // point 1: e = 0 − (−1) = 1 → 0.1·1; e = −1 → 0.1; point 2: e = 10 → 1, e = 8 → 7.2
    expect(m.pinball).toBeCloseTo((0.1 + 0.1 + 1 + 7.2) / 4, 12);
  });
});

describe('AR analytic interval = statsmodels AutoReg get_prediction', () => {
  const ref = JSON.parse(readFileSync(new URL('../fixtures/ar_interval.json', import.meta.url), 'utf8'));
  const y: number[] = ref.y, n: number = ref.n_train;
  for (const c of ref.cases as { p: number; sigma2: number; insample: Record<string, unknown>; forecast: Record<string, unknown> }[]) {
    it(`p = ${c.p}: sigma2, one-step and ${ref.steps}-step intervals at α = 0.2 and 0.05 (statsmodels ${ref.statsmodels_version}) to 1e-6`, () => {
      for (const alpha of [0.2, 0.05]) {
        const m = new ARForecaster({ p: c.p, levels: [alpha / 2, 0.5, 1 - alpha / 2] });
        m.fit(y.slice(0, n));
        expect(Math.abs(m.sigma2 - c.sigma2), 'sigma2').toBeLessThan(1e-9);
        for (const [name, got] of [['insample', m.predictOneStepQuantiles(y.slice(0, n), c.p)], ['forecast', m.forecastQuantiles(y.slice(0, n), ref.steps)]] as const) {
          const want = c[name] as { mean: number[] } & Record<string, { lower: number[]; upper: number[] }>;
          const ci = want[`alpha${alpha}`]!;
          const what = `p ${c.p} ${name} α ${alpha} (${ref.regenerate} if statsmodels changed)`;
          got[0]!.forEach((v, i) => expect(Math.abs(v - ci.lower[i]!), `${what} lower[${i}]`).toBeLessThan(1e-6));
          got[1]!.forEach((v, i) => expect(Math.abs(v - want.mean[i]!), `${what} mean[${i}]`).toBeLessThan(1e-6));
          got[2]!.forEach((v, i) => expect(Math.abs(v - ci.upper[i]!), `${what} upper[${i}]`).toBeLessThan(1e-6));
        }
      }
    });
  }
  it('ψ-weights of AR(1) are φ^j', () => {
    const m = new ARForecaster({ p: 1 });
    m.intercept = 0;
    m.coef = [0.6];
    m.psiWeights(4).forEach((w, j) => expect(w).toBeCloseTo(0.6 ** j, 14));
  });
});
