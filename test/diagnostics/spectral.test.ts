// Eigenvalues, spectral radius and power iteration against matrices with known spectra: rotations
// (complex pairs), scaled orthogonal matrices (every |λ| equal), non-normal matrices Q U Qᵀ with U
// upper triangular, a companion matrix, a nilpotent one.
import { describe, expect, it } from 'vitest';
import { Generator, nn, zeros } from '../../src/index.js';
import { eigenvalues, powerIteration, recurrentSpectra, spectralRadius, type Complex } from '../../src/diagnostics/spectral.js';

const rot = (th: number, r = 1) => [[r * Math.cos(th), -r * Math.sin(th)], [r * Math.sin(th), r * Math.cos(th)]];

function orthogonal(n: number, seed: number, gain = 1): number[][] {
  const q = nn.init.orthogonal_(zeros([n, n], { dtype: 'float64' }), gain, new Generator(seed));
  return Array.from({ length: n }, (_, i) => Array.from(q.data.subarray(i * n, (i + 1) * n)));
}

const mul = (a: number[][], b: number[][]) => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: number[][]) => a[0]!.map((_, j) => a.map((r) => r[j]!));

function expectSpectrum(got: Complex[], want: Complex[], tol: number): void {
  expect(got).toHaveLength(want.length);
  const left = [...want];
  for (const z of got) {
    let best = -1, d = Infinity;
    left.forEach((w, i) => {
      const e = Math.hypot(z.re - w.re, z.im - w.im);
      if (e < d) { d = e; best = i; }
    });
    expect(d, `eigenvalue ${z.re}+${z.im}i`).toBeLessThan(tol);
    left.splice(best, 1);
  }
}

describe('eigenvalues', () => {
  it('a rotation by θ has e^{±iθ}; sorted by modulus, positive imaginary part first', () => {
    const ev = eigenvalues(rot(0.3));
    expect(ev[0]!.re).toBeCloseTo(Math.cos(0.3), 14);
    expect(ev[0]!.im).toBeCloseTo(Math.sin(0.3), 14);
    expect(ev[1]!.im).toBeCloseTo(-Math.sin(0.3), 14);
    expect(spectralRadius(rot(2.5, 1.7))).toBeCloseTo(1.7, 14);
  });

  it('a scaled orthogonal matrix s·Q has every |λ| = s', () => {
    for (const n of [1, 2, 7, 40]) {
      const ev = eigenvalues(orthogonal(n, n, 0.9));
      for (const z of ev) expect(Math.hypot(z.re, z.im)).toBeCloseTo(0.9, 11);
    }
  });

  it('non-normal Q U Qᵀ: the diagonal of U, complex pairs from 2×2 rotation blocks', () => {
    const n = 9;
    const U = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i ? 3 * Math.sin(i * 7 + j) : 0)));
    const diag = [3, -2, 0.5, 0, -0.25, 1.25];
    diag.forEach((v, i) => (U[i]![i] = v));
    // blocks on rows 6-7 (modulus 2.5, angle 1.1) and row 8 (-1e-3)
    const R = rot(1.1, 2.5);
    U[6]![6] = R[0]![0]!; U[6]![7] = R[0]![1]!; U[7]![6] = R[1]![0]!; U[7]![7] = R[1]![1]!;
    U[8]![8] = -1e-3;
    const Q = orthogonal(n, 11);
    const W = mul(mul(Q, U), tr(Q));
    const want = [...diag.map((re) => ({ re, im: 0 })), { re: 2.5 * Math.cos(1.1), im: 2.5 * Math.sin(1.1) }, { re: 2.5 * Math.cos(1.1), im: -2.5 * Math.sin(1.1) }, { re: -1e-3, im: 0 }];
    expectSpectrum(eigenvalues(W), want, 1e-9);
    expect(spectralRadius(W)).toBeCloseTo(3, 10);
  });

  it('companion matrix of (x−1)(x−2)(x−3)(x²+1) has roots 1, 2, 3, ±i', () => {
    // x⁵ − 6x⁴ + 12x³ − 12x² + 11x − 6
    const c = [-6, 12, -12, 11, -6]; // coefficients of x⁴ … x⁰
    const A = [c.map((v) => -v), [1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0]];
    expectSpectrum(eigenvalues(A), [{ re: 1, im: 0 }, { re: 2, im: 0 }, { re: 3, im: 0 }, { re: 0, im: 1 }, { re: 0, im: -1 }], 1e-9);
  });

  it('accepts tensors; rejects non-square and non-finite input', () => {
    const t = nn.init.eye_(zeros([3, 3]));
    expect(eigenvalues(t)).toEqual([{ re: 1, im: 0 }, { re: 1, im: 0 }, { re: 1, im: 0 }]);
    expect(() => eigenvalues(zeros([2, 3]))).toThrow(/square matrix \[n,n\], got shape \[2,3\]/);
    expect(() => eigenvalues([[1, NaN], [0, 1]])).toThrow(/NaN or infinite/);
  });
});

describe('powerIteration', () => {
  it('is exact for rotations and scaled orthogonal matrices (where the Rayleigh quotient fails)', () => {
    expect(powerIteration(rot(0.7))).toBeCloseTo(1, 12);
    expect(powerIteration(rot(Math.PI / 2, 0.5))).toBeCloseTo(0.5, 12);
    expect(powerIteration(orthogonal(30, 12, 1.2))).toBeCloseTo(1.2, 12);
  });

  it('agrees with the QR algorithm on random, non-normal matrices', () => {
    const g = new Generator(13);
    for (const n of [10, 64]) {
      const W = Array.from({ length: n }, () => Array.from({ length: n }, () => g.normal() / Math.sqrt(n)));
      const rho = spectralRadius(W);
      expect(Math.abs(powerIteration(W, { iterations: 2000 }) - rho) / rho).toBeLessThan(2e-3);
    }
    // a single dominant real eigenvalue converges geometrically
    expect(powerIteration([[2, 1], [0, 0.5]], { iterations: 200 })).toBeCloseTo(2, 12);
  });

  it('a nilpotent matrix has ρ = 0', () => {
    expect(powerIteration([[0, 1, 0], [0, 0, 1], [0, 0, 0]])).toBe(0);
    expect(spectralRadius([[0, 1, 0], [0, 0, 1], [0, 0, 0]])).toBe(0);
    expect(() => powerIteration([[1]], { iterations: 1 })).toThrow(/iterations must be an integer ≥ 2/);
  });
});

describe('recurrentSpectra', () => {
  it('every weight_hh of a stacked RNN: orthogonal → ρ = ‖W‖₂ = 1; identity scaled → the scale', () => {
    const rnn = new nn.RNN(3, 16, { numLayers: 2, dtype: 'float64', generator: new Generator(14) });
    nn.init.initParameters(rnn, [
      { pattern: 'weight_hh_l0', init: (t) => nn.init.orthogonal_(t, 1, new Generator(15)) },
      { pattern: 'weight_hh_l1', init: (t) => nn.init.eye_(t).data.forEach((v, i, d) => (d[i] = 0.7 * v)) },
    ]);
    const s = recurrentSpectra(rnn);
    expect(s.map((e) => [e.name, e.gate])).toEqual([['weight_hh_l0', ''], ['weight_hh_l1', '']]);
    expect(s[0]!.spectralRadius).toBeCloseTo(1, 10);
    expect(s[0]!.spectralNorm).toBeCloseTo(1, 10);
    expect(s[1]!.spectralRadius).toBeCloseTo(0.7, 12);
    // PyTorch's default U(±1/√H) has ρ well below 1 for H = 16 (≈ √(H/3)/√H = 1/√3 by the circular law)
    const d = recurrentSpectra(new nn.RNN(3, 16, { generator: new Generator(16) }))[0]!;
    expect(d.spectralRadius).toBeGreaterThan(0.35);
    expect(d.spectralRadius).toBeLessThan(0.85);
    expect(d.spectralNorm).toBeGreaterThanOrEqual(d.spectralRadius);
  });

  it('splits LSTM [4H,H] into gates i, f, g, o and GRU [3H,H] into r, z, n', () => {
    const H = 5;
    const lstm = new nn.LSTM(2, H, { dtype: 'float64', generator: new Generator(17) });
    const w = Object.fromEntries(lstm.namedParameters()).weight_hh_l0!;
    w.data.fill(0);
    for (let k = 0; k < 4; k++) for (let i = 0; i < H; i++) w.data[(k * H + i) * H + i] = k + 1; // gate k = (k+1)·I
    const s = recurrentSpectra(lstm);
    expect(s.map((e) => e.gate)).toEqual(['i', 'f', 'g', 'o']);
    expect(s.map((e) => e.spectralRadius)).toEqual([1, 2, 3, 4]);
    const gru = recurrentSpectra(new nn.GRU(2, H, { numLayers: 2 }));
    expect(gru.map((e) => `${e.name}.${e.gate}`)).toEqual(['weight_hh_l0.r', 'weight_hh_l0.z', 'weight_hh_l0.n', 'weight_hh_l1.r', 'weight_hh_l1.z', 'weight_hh_l1.n']);
  });
});
