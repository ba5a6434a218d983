// The output-recurrent RNN and its training modes: teacher forcing's one batched pass, free
// running's gradients, scheduled sampling's coins and limits, the schedules' values, the training
// loop, and the `rnnkit modes` comparison.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { registerModesCommands, runModesComparison } from '../../src/cli/modes.js';
import { Generator, gradcheck, jsKernels, models, setKernels, stack, tensor, Tensor, train } from '../../src/index.js';
import { expectClose } from '../helpers.js';

const { teacherForcing, freeRunning, scheduledSampling, linearDecay, exponentialDecay, inverseSigmoidDecay, trainFeedback } = train;
const { OutputRecurrentRNN } = models;

const T = 5, B = 3, I = 2, H = 4, O = 2;
function sequence(seed: number, dtype: 'float32' | 'float64' = 'float32') {
  const g = new Generator(seed);
  const r = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => g.normal()), { shape, dtype });
  return { x: r([T, B, I]), y: r([T, B, O]), y0: r([B, O]) };
}

describe('OutputRecurrentRNN', () => {
  it('has PyTorch-style Linear parameter names, i2h only with an input', () => {
    expect([...new OutputRecurrentRNN(I, H, O).namedParameters()].map(([k, p]) => `${k} ${p.shape.join('x')}`))
      .toEqual(['i2h.weight 4x2', 'o2h.weight 4x2', 'o2h.bias 4', 'h2o.weight 2x4', 'h2o.bias 2']);
    expect([...new OutputRecurrentRNN(0, 3, 1).namedParameters()].map(([k]) => k)).toEqual(['o2h.weight', 'o2h.bias', 'h2o.weight', 'h2o.bias']);
  });

  it('steps as h = f(U x + W_o y_prev + b), o = V h + c', () => {
    const m = new OutputRecurrentRNN(I, H, O, { generator: new Generator(1) });
    const { x, y0 } = sequence(2);
    const x0 = x.select(0, 0);
    const h = x0.matmul(m.i2h!.weight.t()).add(y0.matmul(m.o2h.weight.t())).add(m.o2h.bias!).tanh();
    const want = h.matmul(m.h2o.weight.t()).add(m.h2o.bias!);
    expectClose(m.step(x0, y0), want.tolist(), 'o_0', 1e-6, 1e-7);
    const relu = new OutputRecurrentRNN(I, H, O, { generator: new Generator(1), nonlinearity: 'relu' });
    const hr = x0.matmul(relu.i2h!.weight.t()).add(y0.matmul(relu.o2h.weight.t())).add(relu.o2h.bias!).relu();
    expectClose(relu.step(x0, y0), hr.matmul(relu.h2o.weight.t()).add(relu.h2o.bias!).tolist(), 'o_0 (relu)', 1e-6, 1e-7);
  });

  it('rejects bad sizes and shapes with the expected shape in the message', () => {
    expect(() => new OutputRecurrentRNN(-1, 2, 1)).toThrow(/inputSize must be an integer ≥ 0, got -1/);
    expect(() => new OutputRecurrentRNN(1, 2, 0)).toThrow(/outputSize must be an integer ≥ 1, got 0/);
    const m = new OutputRecurrentRNN(I, H, O);
    expect(() => m.step(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(/x has shape \[1,3\] but expects \[1,2\]/);
    expect(() => m.step(null, tensor([[1, 2]]))).toThrow(/x has shape null/);
    expect(() => new OutputRecurrentRNN(0, H, O).step(tensor([[1]]), tensor([[1, 2]]))).toThrow(/no input \(inputSize 0\)/);
    expect(() => teacherForcing(m, { ...sequence(0), y0: tensor([[1, 2]]) })).toThrow(/y0 has shape \[1,2\] but expects \[3,2\]/);
  });

  it('infers free-running: forward is freeRunning from y0', () => {
    const m = new OutputRecurrentRNN(0, H, O, { generator: new Generator(4) });
    const y0 = sequence(5).y0;
    const a = m.forward(null, y0, 6);
    expect(a.shape).toEqual([6, B, O]);
    expect(Array.from(a.data)).toEqual(Array.from(freeRunning(m, { y0, steps: 6 }).data));
    // o_2 is the step fed o_1, not anything from the truth
    expect(Array.from(a.select(0, 2).data)).toEqual(Array.from(m.step(null, m.step(null, m.step(null, y0))).data));
  });
});

describe('teacherForcing', () => {
  it('is one batched pass equal to the step loop fed the truth: exactly with the JS kernels', () => {
    // 7·3·4 = 84 hidden values: past the size where the default kernels switch tanh to WebAssembly
    // SIMD, which the [3,4] per-step calls never reach; so bitwise equality needs the JS kernels
    const m = new OutputRecurrentRNN(I, H, O, { generator: new Generator(7) });
    const g = new Generator(8);
    const r = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => g.normal()), { shape });
    const [x, y, y0] = [r([7, B, I]), r([7, B, O]), r([B, O])];
    const run = () => {
      const batched = teacherForcing(m, { x, y, y0 });
      const outs: Tensor[] = [];
      for (let t = 0; t < 7; t++) outs.push(m.step(x.select(0, t), t === 0 ? y0 : y.select(0, t - 1)));
      return [batched, stack(outs, 0)] as const;
    };
    const prev = setKernels(jsKernels);
    try {
      const [batched, loop] = run();
      expect(batched.shape).toEqual([7, B, O]);
      expect(Array.from(batched.data)).toEqual(Array.from(loop.data));
    } finally {
      setKernels(prev);
    }
    const [batched, loop] = run();
    expectClose(batched, loop.tolist(), 'batched vs loop (default kernels)', 1e-6, 1e-7);
  });

  it('does not loop over time: one step call for the whole sequence', () => {
    const m = new OutputRecurrentRNN(I, H, O);
    let calls = 0;
    const counting = { inputSize: I, outputSize: O, step: (x: Tensor | null, p: Tensor) => { calls++; return m.step(x, p); } };
    teacherForcing(counting, sequence(1));
    expect(calls).toBe(1);
    freeRunning(counting, { x: sequence(1).x, y0: sequence(1).y0 });
    expect(calls).toBe(1 + T);
  });
});

describe('freeRunning', () => {
  it('passes a float64 gradcheck through the fed-back chain (parameters, x and y0)', () => {
    const m = new OutputRecurrentRNN(I, 3, O, { generator: new Generator(9) }).double();
    const { x, y0 } = sequence(10, 'float64');
    x.requiresGrad_();
    y0.requiresGrad_();
    expect(gradcheck(() => freeRunning(m, { x, y0 }), [...m.parameters(), x, y0])).toBe(true);
  });

  it('backpropagates through the chain: o_T depends on W_o through every fed-back output', () => {
    const m = new OutputRecurrentRNN(0, 3, 1, { generator: new Generator(2) }).double();
    const y0 = tensor([[0.5]], { dtype: 'float64' });
    freeRunning(m, { y0, steps: 4 }).select(0, 3).sum().backward();
    const chained = m.o2h.weight.grad!.tolist();
    m.zeroGrad();
    // the same last step fed a detached o_2: the gradient reaching W_o is smaller (one step only)
    const o2 = freeRunning(m, { y0, steps: 3 }).select(0, 2).detach();
    m.step(null, o2).sum().backward();
    const oneStep = m.o2h.weight.grad!.tolist();
    expect(chained.some((v, i) => Math.abs(v - oneStep[i]!) > 1e-6)).toBe(true);
  });
});

describe('scheduledSampling', () => {
  it('with samplingProb 0 equals teacher forcing, with 1 free running (values and gradients)', () => {
    const { x, y, y0 } = sequence(11, 'float64');
    const grads = (run: (m: InstanceType<typeof OutputRecurrentRNN>) => Tensor) => {
      const m = new OutputRecurrentRNN(I, H, O, { generator: new Generator(12) }).double();
      const out = run(m);
      out.mul(out).sum().backward();
      return { out: Array.from(out.data), grads: m.parameters().map((p) => p.grad!.tolist()) };
    };
    const tf = grads((m) => teacherForcing(m, { x, y, y0 }));
    const ss0 = grads((m) => scheduledSampling(m, { x, y, y0 }, { samplingProb: 0, generator: new Generator(1) }));
    expect(ss0.out).toEqual(tf.out);
    ss0.grads.forEach((g, k) => g.forEach((v, i) => expect(v).toBeCloseTo(tf.grads[k]![i]!, 12)));
    const fr = grads((m) => freeRunning(m, { x, y0 }));
    const ss1 = grads((m) => scheduledSampling(m, { x, y, y0 }, { samplingProb: 1, generator: new Generator(1) }));
    expect(ss1.out).toEqual(fr.out);
    ss1.grads.forEach((g, k) => g.forEach((v, i) => expect(v).toBeCloseTo(fr.grads[k]![i]!, 12)));
  });

  it('flips one coin per sequence per step t ≥ 1 from the generator, own output with probability p', () => {
    // step(·, prev) = prev + 1 and truth 0: o_t = 1 when fed the truth, o_{t−1} + 1 when fed its own
    const counter = { inputSize: 0, outputSize: 1, step: (_: Tensor | null, prev: Tensor) => prev.add(1) };
    const steps = 40, rows = 50, p = 0.3;
    const y = tensor(new Float32Array(steps * rows), { shape: [steps, rows, 1] });
    const out = scheduledSampling(counter, { y, y0: tensor(new Float32Array(rows), { shape: [rows, 1] }) }, { samplingProb: p, generator: new Generator(3) });
    const coins = new Generator(3);
    let own = 0;
    for (let t = 1; t < steps; t++) {
      for (let b = 0; b < rows; b++) {
        const fedOwn = coins.random() < p;
        own += fedOwn ? 1 : 0;
        const prevOut = out.data[(t - 1) * rows + b]!;
        expect(out.data[t * rows + b]).toBe(fedOwn ? prevOut + 1 : 1);
      }
    }
    expect(own / ((steps - 1) * rows)).toBeGreaterThan(0.25);
    expect(own / ((steps - 1) * rows)).toBeLessThan(0.35);
  });

  it('rejects a probability outside [0, 1]', () => {
    const m = new OutputRecurrentRNN(I, H, O);
    expect(() => scheduledSampling(m, sequence(0), { samplingProb: 1.5, generator: new Generator(0) })).toThrow(/samplingProb must be in \[0, 1\], got 1.5/);
  });
});

describe('schedules (Bengio et al. 2015: ε_i = probability of feeding the truth)', () => {
  it('linear: ε_i = max(floor, k − c·i)', () => {
    const s = linearDecay({ k: 1, c: 0.01, floor: 0.1 });
    expect([s(0), s(50), s(89), s(90), s(1000)]).toEqual([1, 0.5, 1 - 0.89, 0.1, 0.1]);
    expect(linearDecay({ c: 0.25 })(2)).toBe(0.5);
  });

  it('exponential: ε_i = k^i', () => {
    const s = exponentialDecay({ k: 0.99 });
    expect(s(0)).toBe(1);
    expect(s(100)).toBeCloseTo(0.36603234127322926, 15);
  });

  it('inverse sigmoid: ε_i = k / (k + exp(i/k)), ½ at i = k ln k', () => {
    const s = inverseSigmoidDecay({ k: 10 });
    expect(s(0)).toBeCloseTo(10 / 11, 15);
    expect(s(10 * Math.log(10))).toBeCloseTo(0.5, 15);
    expect(s(100)).toBeCloseTo(10 / (10 + Math.exp(10)), 15);
  });

  it('reject parameters outside the paper’s ranges', () => {
    expect(() => exponentialDecay({ k: 1 })).toThrow(/k must be in \(0, 1\), got 1/);
    expect(() => inverseSigmoidDecay({ k: 0.5 })).toThrow(/k must be ≥ 1, got 0.5/);
    expect(() => linearDecay({ c: -1 })).toThrow(/c must be ≥ 0/);
  });
});

describe('trainFeedback', () => {
  const data = () => {
    const { y, y0 } = sequence(20);
    return { x: null, y: y.mul(0.3), y0: y0.mul(0.3) };
  };

  it('lowers the loss in each mode and records the sampling probability per epoch', () => {
    for (const mode of train.TRAINING_MODES) {
      const m = new OutputRecurrentRNN(0, 8, O, { generator: new Generator(21) });
      const r = trainFeedback(m, data(), { mode, epochs: 40, batchSize: 2, lr: 0.02, schedule: linearDecay({ c: 1 / 40 }) });
      expect(r.iterations).toBe(80);
      expect(r.loss[39]!, mode).toBeLessThan(r.loss[0]! * 0.8);
      if (mode === 'scheduled-sampling') expect(r.samplingProb.map((p) => +p.toFixed(10)).slice(0, 3)).toEqual([0.025, 0.075, 0.125]);
      else expect(r.samplingProb).toEqual([]);
    }
  });

  it('is reproducible and rejects bad options', () => {
    const run = () => {
      const m = new OutputRecurrentRNN(0, 4, O, { generator: new Generator(1) });
      return trainFeedback(m, data(), { mode: 'scheduled-sampling', epochs: 3, schedule: exponentialDecay({ k: 0.9 }), seed: 5 }).loss;
    };
    expect(run()).toEqual(run());
    const m = new OutputRecurrentRNN(0, 4, O);
    expect(() => trainFeedback(m, data(), { mode: 'scheduled-sampling', epochs: 1 })).toThrow(/needs a schedule/);
    expect(() => trainFeedback(m, data(), { mode: 'greedy' as 'free-running', epochs: 1 })).toThrow(/mode must be one of teacher-forcing, free-running, scheduled-sampling/);
    expect(() => trainFeedback(m, data(), { mode: 'free-running', epochs: 0 })).toThrow(/epochs must be an integer ≥ 1, got 0/);
  });
});

describe('rnnkit modes', () => {
  function cli(args: string[]) {
    let out = '';
    const program = new Command().exitOverride();
    registerModesCommands(program, { stdout: (s) => { out += s; }, stderr: () => {} });
    program.parse(['modes', ...args], { from: 'user' });
    return out;
  }

  it('prints one JSON object with every mode and the RMSE at horizons 1..H', () => {
    const j = JSON.parse(cli(['--epochs', '1', '--horizon', '6', '--json']));
    expect(j.rows.map((r: { name: string }) => r.name)).toEqual([
      'train mean', 'persistence', 'teacher-forcing', 'free-running',
      'scheduled-sampling (linear)', 'scheduled-sampling (exponential)', 'scheduled-sampling (inverse sigmoid)',
    ]);
    expect(j.task).toMatchObject({ n: 480, train: 360, test: 120, horizon: 6, epochs: 1, lags: 2, origins: 115, windows: 335 });
    for (const r of j.rows) {
      expect(r.rmseByHorizon).toHaveLength(6);
      const all = Math.sqrt(r.rmseByHorizon.reduce((a: number, v: number) => a + v * v, 0) / 6);
      expect(r.rmse).toBeCloseTo(all, 10); // same origins at every horizon
    }
    const table = cli(['--epochs', '1', '--horizon', '6']);
    expect(table).toMatch(/training mode\s+h=1\s+h=2\s+h=3\s+h=6\s+RMSE 1..6/);
    expect(table).toMatch(/^teacher-forcing\s+\d\.\d{3}/m);
  });

  it('shows exposure bias: teacher forcing forecasts worse than free running (30 epochs, seed 0)', () => {
    const c = runModesComparison({ epochs: 30, horizon: 24, seed: 0 });
    const rmse = Object.fromEntries(c.rows.map((r) => [r.name, r.rmse]));
    const tf = c.rows.find((r) => r.name === 'teacher-forcing')!;
    expect(tf.rmseByHorizon[0]).toBeLessThan(0.4); // good one step ahead …
    expect(rmse['teacher-forcing']).toBeGreaterThan(rmse['train mean']!); // … worse than the mean over 24
    expect(rmse['free-running']).toBeLessThan(0.7 * rmse['teacher-forcing']!);
  });

  it('rejects bad values with one-line errors naming the option', () => {
    expect(() => cli(['--horizon', '0'])).toThrow(CliError);
    expect(() => cli(['--horizon', '0'])).toThrow('--horizon must be an integer ≥ 1');
    expect(() => cli(['--horizon', '500', '--epochs', '1'])).toThrow('--horizon must be an integer in [1, 120], got 500');
    expect(() => cli(['--epochs', 'x'])).toThrow("--epochs must be an integer ≥ 1, got 'x'");
    expect(() => cli(['--lags', '30', '--epochs', '1'])).toThrow('--lags must be an integer in [1, 24], got 30');
  });
});

describe('docs/training-modes.md examples', () => {
  it('run, in order, and print what the comments say', async () => {
    const rnnkit = await import('../../src/index.js');
    const { runDocExamples } = await import('../doc-examples.js');
    const { blocks, checks } = runDocExamples('docs/training-modes.md', { ...rnnkit });
    expect(blocks).toBeGreaterThan(3);
    expect(checks.length).toBeGreaterThanOrEqual(9);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
