// examples/pytorch/time_sequence_prediction reproduces PyTorch's examples/time_sequence_prediction:
// on the sine waves PyTorch's run saw and from its initial weights (F64 safetensors), the rnnkit
// port's L-BFGS closure losses (every call of every step), test losses and predicted future equal
// PyTorch 1.13's (tools/reference/example_time_sequence_prediction.py) in float64.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io } from '../../src/node.js';
import { generateSineWave } from '../../examples/pytorch/time_sequence_prediction/generate_sine_wave.js';
import { Sequence } from '../../examples/pytorch/time_sequence_prediction/model.js';
import { run } from '../../examples/pytorch/time_sequence_prediction/train.js';
import { FIXTURES, expectClose, fromFixture, loadFixture } from '../helpers.js';

const REGEN = 'regenerate with /usr/bin/python3 tools/reference/example_time_sequence_prediction.py';

function maxRel(actual: readonly number[], expected: readonly number[]): number {
  expect(actual).toHaveLength(expected.length);
  return Math.max(...expected.map((e, i) => Math.abs(actual[i]! - e) / Math.abs(e)));
}

describe('examples/pytorch/time_sequence_prediction', () => {
  const ref = loadFixture('pytorch_examples/time_sequence_prediction.json');

  it("generates upstream's waves: sin((l + shift) / T) in float64", () => {
    const { N, L, T } = ref.sizes;
    const shifts: number[] = ref.shifts;
    // the same formula on NumPy's shifts gives NumPy's values
    const expected = shifts.flatMap((s) => Array.from({ length: L }, (_, l) => Math.sin((l + s) / T)));
    expectClose(fromFixture(ref.data, 'float64'), expected, 'waves', 1e-15, 1e-15);
    const ours = generateSineWave({ N, L, T, seed: 2 });
    expect(ours.shape).toEqual([N, L]);
    expect(ours.dtype).toBe('float64');
    // each of our waves is sin((l + s) / T) for an integer shift s in [−4T, 4T), as NumPy's
    for (const row of ours.toArray() as number[][]) {
      const fits = (sh: number) => row.every((v, l) => Math.abs(v - Math.sin((l + sh) / T)) < 1e-12);
      expect(Array.from({ length: 8 * T }, (_, k) => k - 4 * T).some(fits)).toBe(true);
    }
  });

  it('the model: two LSTMCells and a Linear under PyTorch names, float64, future steps appended', () => {
    const seq = new Sequence().double();
    expect(Object.keys(seq.stateDict())).toEqual([
      'lstm1.weight_ih', 'lstm1.weight_hh', 'lstm1.bias_ih', 'lstm1.bias_hh',
      'lstm2.weight_ih', 'lstm2.weight_hh', 'lstm2.bias_ih', 'lstm2.bias_hh', 'linear.weight', 'linear.bias',
    ]);
    const out = seq.forward(fromFixture(ref.data, 'float64').slice(0, 0, 2).slice(1, 0, 5), 3);
    expect(out.shape).toEqual([2, 8]);
    expect(out.dtype).toBe('float64');
  });

  it("trains with LBFGS(lr=0.8) from PyTorch's initial weights to PyTorch's closure losses (float64)", async () => {
    const init = io.loadSafetensors(join(FIXTURES, 'pytorch_examples/time_sequence_prediction_init.safetensors')).tensors;
    const { steps, future } = ref.sizes;
    const { steps: records } = await run(fromFixture(ref.data, 'float64'), { steps, future }, { init });
    const expected: { closureLosses: number[]; testLoss: number }[] = ref.steps;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      const r = maxRel(records[i]!.closureLosses, expected[i]!.closureLosses);
      const t = Math.abs(records[i]!.testLoss - expected[i]!.testLoss) / expected[i]!.testLoss;
      worst = Math.max(worst, r, t);
      // 20 L-BFGS iterations a step compound float64 rounding (summation orders differ from
      // PyTorch's): observed 1e-13 after step 0, 2e-10 after step 1, 3e-8 after step 2.
      expect(r, `step ${i}: closure losses; ${REGEN}`).toBeLessThan(1e-6);
      expect(t, `step ${i}: test loss; ${REGEN}`).toBeLessThan(1e-6);
    }
    // The one-step predictions of the test waves, then `future` steps fed their own output, where
    // differences grow with every step (values are within ±1).
    const pred = records.at(-1)!.prediction, L1 = ref.data.shape[1] - 1;
    expect(pred.shape).toEqual(ref.finalPrediction.shape);
    const refPred = fromFixture(ref.finalPrediction, 'float64');
    const diff = (a: number, b: number) => Math.max(...pred.slice(1, a, b).sub(refPred.slice(1, a, b)).abs().tolist());
    const [oneStep, free] = [diff(0, L1), diff(L1, pred.size(1))];
    console.log(`prediction: max |Δ| ${oneStep.toExponential(2)} over the input, ${free.toExponential(2)} over ${future} future steps`);
    expect(oneStep, 'one-step predictions of the test waves').toBeLessThan(1e-8);
    expect(free, 'free-running future').toBeLessThan(1e-5);
    console.log(`time_sequence_prediction: ${expected.length} LBFGS steps, ${expected.reduce((n, s) => n + s.closureLosses.length, 0)} closure calls, max relative loss difference ${worst.toExponential(2)}`);
  }, 180_000);
});
