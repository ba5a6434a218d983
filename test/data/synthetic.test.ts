// The synthetic long-term dependency tasks: exact structure, seeded reproducibility, and the
// trivial baselines measured on generated data with tolerances from the sample size.
import { describe, expect, it } from 'vitest';
import { data, Generator, nn, tensor } from '../../src/index.js';

describe('addingProblem', () => {
  it('two markers per sequence, one in each half; values in [0,1); target = the sum of the marked values', () => {
    const T = 9, N = 200, half = 4;
    const { x, y, positions } = data.addingProblem(N, T, { generator: new Generator(1) });
    expect([...x.shape]).toEqual([N, T, 2]);
    expect([...y.shape]).toEqual([N, 1]);
    for (let i = 0; i < N; i++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) {
        const v = x.data[(i * T + t) * 2]!, m = x.data[(i * T + t) * 2 + 1]!;
        expect(v >= 0 && v < 1).toBe(true);
        expect(m === 0 || m === 1).toBe(true);
        if (m === 1) marked.push(t);
      }
      expect(marked).toEqual([positions[2 * i], positions[2 * i + 1]]);
      expect(marked[0]!).toBeLessThan(half);
      expect(marked[1]!).toBeGreaterThanOrEqual(half);
      expect(y.data[i]).toBe(Math.fround(x.data[(i * T + marked[0]!) * 2]! + x.data[(i * T + marked[1]!) * 2]!));
    }
  });

  it('marker positions cover each half uniformly', () => {
    const T = 10, N = 20000;
    const { positions } = data.addingProblem(N, T, { generator: new Generator(2) });
    const counts = new Array<number>(T).fill(0);
    for (const p of positions) counts[p]!++;
    // each position of a half is hit with p = 1/5: mean N/5, sd √(N·p(1−p)); 6σ
    for (const c of counts) expect(Math.abs(c - N / 5)).toBeLessThan(6 * Math.sqrt(N * 0.2 * 0.8));
  });

  it('predicting 1 gives MSE ≈ 1/6 (tolerance 6σ from the sample size)', () => {
    const N = 20000;
    const { y } = data.addingProblem(N, 20, { generator: new Generator(3) });
    let mse = 0;
    for (const v of y.data) mse += (v - 1) ** 2;
    mse /= N;
    // u = a + b − 1 is triangular on [−1, 1]: E u² = 1/6, E u⁴ = 1/15, so Var(u²) = 1/15 − 1/36 = 7/180
    expect(data.ADDING_BASELINE_MSE).toBe(1 / 6);
    expect(Math.abs(mse - 1 / 6)).toBeLessThan(6 * Math.sqrt(7 / 180 / N));
    // and the constant 1 is the best constant: the sample mean of y is 1 within 6σ (σ² = 1/6 / N)
    const mean = Array.from(y.data).reduce((s, v) => s + v, 0) / N;
    expect(Math.abs(mean - 1)).toBeLessThan(6 * Math.sqrt(1 / 6 / N));
  });

  it('is reproducible from the seed; time-major layout holds the same samples', () => {
    const a = data.addingProblem(5, 6, { generator: new Generator(4) });
    const b = data.addingProblem(5, 6, { generator: new Generator(4), batchFirst: false });
    expect([...b.x.shape]).toEqual([6, 5, 2]);
    expect([...a.y.data]).toEqual([...b.y.data]);
    expect(a.x.transpose(0, 1).toArray()).toEqual(b.x.toArray());
    expect([...data.addingProblem(5, 6, { generator: new Generator(5) }).y.data]).not.toEqual([...a.y.data]);
    expect(() => data.addingProblem(5, 1)).toThrow(/seqLen must be an integer ≥ 2, got 1/);
    expect(() => data.addingProblem(0, 5)).toThrow(/n must be an integer ≥ 1/);
  });
});

describe('copyTask', () => {
  it('layout (Arjovsky et al. 2016): 10 symbols, T−1 blanks, delimiter, 10 blanks → T+10 blanks, then the symbols', () => {
    const T = 7, N = 50;
    const c = data.copyTask(N, T, { generator: new Generator(6) });
    const L = T + 20;
    expect(c.seqLen).toBe(L);
    expect([c.blank, c.delimiter]).toEqual([0, 9]);
    expect([...c.x.shape]).toEqual([N, L, 10]);
    expect([...c.inputs.shape]).toEqual([N, L]);
    for (let i = 0; i < N; i++) {
      const inp = Array.from(c.inputs.data.subarray(i * L, (i + 1) * L));
      const out = Array.from(c.y.data.subarray(i * L, (i + 1) * L));
      const syms = inp.slice(0, 10);
      for (const s of syms) expect(s >= 1 && s <= 8 && Number.isInteger(s)).toBe(true);
      expect(inp.slice(10)).toEqual([...new Array(T - 1).fill(0), 9, ...new Array(10).fill(0)]);
      expect(out).toEqual([...new Array(T + 10).fill(0), ...syms]);
      for (let t = 0; t < L; t++) {
        const row = Array.from(c.x.data.subarray((i * L + t) * 10, (i * L + t + 1) * 10));
        expect(row.indexOf(1)).toBe(inp[t]);
        expect(row.reduce((a, b) => a + b)).toBe(1);
      }
    }
  });

  it('the memoryless strategy scores 10·ln 8 / (T + 20) exactly (NLL over the targets)', () => {
    const T = 30, N = 16, L = T + 20, C = 10;
    const c = data.copyTask(N, T, { generator: new Generator(7) });
    // log-probabilities: blank for the first T + 10 steps, uniform over the 8 symbols after
    const logp = new Float64Array(N * L * C).fill(-1e9);
    for (let i = 0; i < N; i++) for (let t = 0; t < L; t++) {
      if (t < T + 10) logp[(i * L + t) * C] = 0;
      else for (let s = 1; s <= 8; s++) logp[(i * L + t) * C + s] = -Math.log(8);
    }
    const nll = nn.functional.nllLoss(tensor(logp, { shape: [N * L, C] }), Array.from(c.y.data)).item();
    expect(nll).toBeCloseTo(data.copyTaskBaseline(T), 12);
    expect(data.copyTaskBaseline(T)).toBeCloseTo(10 * Math.log(8) / (T + 20), 15);
    expect(data.copyTaskBaseline(100)).toBeCloseTo(0.17329, 5);
  });

  it('without memory nothing beats it: per-position target frequencies fitted on one set score ≈ the baseline on another', () => {
    const T = 5, N = 20000, L = T + 20, C = 10;
    const train = data.copyTask(N, T, { generator: new Generator(8) }).y.data;
    const test = data.copyTask(N, T, { generator: new Generator(9) }).y.data;
    const freq = Array.from({ length: L }, () => new Array<number>(C).fill(0));
    for (let i = 0; i < N; i++) for (let t = 0; t < L; t++) freq[t]![train[i * L + t]!]! += 1 / N;
    let ce = 0;
    for (let i = 0; i < N; i++) for (let t = 0; t < L; t++) ce -= Math.log(freq[t]![test[i * L + t]!]!);
    ce /= N * L;
    // the fitted frequencies are 1/8 ± √(7/64/N) ≈ ±0.0023, which costs only ≈ (S − 1)/(2N) nats (the KL
    // from uniform); a generator skewed to 7 of the 8 symbols would score 6% off (ln 7 vs ln 8), so 1% separates them
    expect(Math.abs(ce - data.copyTaskBaseline(T))).toBeLessThan(0.01 * data.copyTaskBaseline(T));
  });

  it('options, layout and errors', () => {
    const a = data.copyTask(3, 4, { length: 2, symbols: 3, generator: new Generator(10) });
    expect([...a.x.shape]).toEqual([3, 8, 5]);
    expect(a.delimiter).toBe(4);
    const b = data.copyTask(3, 4, { length: 2, symbols: 3, generator: new Generator(10), batchFirst: false });
    expect(a.y.transpose(0, 1).toArray()).toEqual(b.y.toArray());
    expect(a.x.transpose(0, 1).toArray()).toEqual(b.x.toArray());
    expect(data.copyTaskBaseline(4, { length: 2, symbols: 3 })).toBeCloseTo(2 * Math.log(3) / 8, 15);
    expect(() => data.copyTask(3, 0)).toThrow(/delay must be an integer ≥ 1, got 0/);
  });
});
