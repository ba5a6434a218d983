// The WebAssembly kernels' whole-sequence loops (Kernels.lstmSequence, gruSequence and their
// backwards) against the ops' own loops (sequence.ts: lstmSteps …) run on the JS kernels, for the
// layouts the fused ops use: time-major, batch-first, reverse, packed (forwards and reverse, some
// rows starting from h0 mid-walk), H not a multiple of 4. Each case runs twice on the same
// kernels, so the second call finds the previous call's values in the reused memory.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Generator, jsKernels, Tensor } from '../../src/index.js';
import { gruSteps, gruStepsBackward, lstmSteps, lstmStepsBackward, resident, sequenceLayout, stepPlan } from '../../src/autograd/ops/sequence.js';
import type { Kernels } from '../../src/tensor/kernels.js';
import { createWasmKernels } from '../../src/tensor/wasm-kernels.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const g = new Generator(11);
const rand = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => scale * g.normal());

interface Layout { name: string; T: number; B: number; batchFirst?: boolean; reverse: boolean; batchSizes?: number[] }
const layouts: Layout[] = [
  { name: 'time-major', T: 5, B: 3, reverse: false },
  { name: 'batch-first reverse', T: 4, B: 3, batchFirst: true, reverse: true },
  { name: 'packed', T: 4, B: 3, reverse: false, batchSizes: [3, 3, 2, 1] },
  { name: 'packed reverse', T: 4, B: 3, reverse: true, batchSizes: [3, 2, 2, 1] },
];

function plan(lay: Layout, H: number) {
  const rows = lay.batchSizes ? lay.batchSizes.reduce((a, b) => a + b, 0) : lay.T * lay.B;
  const shape = lay.batchSizes ? [rows, 1] : lay.batchFirst ? [lay.B, lay.T, 1] : [lay.T, lay.B, 1];
  const l = sequenceLayout('test', new Tensor(new Float32Array(rows), shape), lay);
  return { steps: stepPlan(l, H), rows };
}

/** |got − want| ≤ tol·max(1, |want|) everywhere. */
function expectClose(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  expect(worst, what).toBeLessThanOrEqual(tol);
}

const TOL = 2e-5;

describe('whole-sequence loops in WebAssembly memory', () => {
  for (const [name, relaxed] of [['wasm', false], ['wasm relaxed', true]] as const) {
    const k = createWasmKernels({ relaxed })!;
    for (const lay of layouts) {
      for (const H of [5, 36]) {
        it(`${name} LSTM, ${lay.name}, H = ${H}: forward and backward equal the ops' loop on the JS kernels`, () => {
          for (let rep = 0; rep < 2; rep++) {
            const { steps, rows } = plan(lay, H), { B } = steps, G = 4 * H;
            const W = new Tensor(rand(G * H, 0.4), [G, H]), w = resident(W);
            const A0 = rand(rows * G), H0 = rand(B * H), C0 = rand(B * H), GY = rand(rows * H), DC0 = rand(B * H);
            const run = (kk: Kernels) => {
              const A = A0.slice(), C = new Float32Array(rows * H), TC = new Float32Array(rows * H), Y = new Float32Array(rows * H);
              if (kk === jsKernels) lstmSteps(kk, steps, A, W.data, w, H0, C0, C, TC, Y);
              else expect(kk.lstmSequence!(steps, A, W.data, w, H0, C0, C, TC, Y)).toBe(true);
              const DC = DC0.slice(), DA = new Float32Array(rows * G), GH0 = rand(B * H), GC0 = new Float32Array(B * H).fill(0.5);
              if (kk === jsKernels) lstmStepsBackward(kk, steps, A, TC, C, C0, GY, W.data, w, DC, DA, GH0.fill(0.25), GC0);
              else expect(kk.lstmSequenceBackward!(steps, A, TC, C, C0, GY, W.data, w, DC, DA, GH0.fill(0.25), GC0)).toBe(true);
              return { A, C, TC, Y, DC, DA, GH0, GC0 };
            };
            const want = run(jsKernels), got = run(k);
            for (const key of Object.keys(want) as (keyof typeof want)[]) expectClose(got[key], want[key], TOL, `${key} (call ${rep + 1})`);
          }
        });

        it(`${name} GRU, ${lay.name}, H = ${H}: forward and backward equal the ops' loop on the JS kernels`, () => {
          for (let rep = 0; rep < 2; rep++) {
            const { steps, rows } = plan(lay, H), { B } = steps, G = 3 * H;
            const W = new Tensor(rand(G * H, 0.4), [G, H]), w = resident(W);
            const A0 = rand(rows * G), H0 = rand(B * H), GY = rand(rows * H), BHH = rep === 0 ? rand(G) : null;
            const run = (kk: Kernels) => {
              const A = A0.slice(), VN = new Float32Array(rows * H), Y = new Float32Array(rows * H);
              if (kk === jsKernels) gruSteps(kk, steps, A, W.data, w, BHH, H0, VN, Y);
              else expect(kk.gruSequence!(steps, A, W.data, w, BHH, H0, VN, Y)).toBe(true);
              const DU = new Float32Array(rows * G), DV = new Float32Array(rows * G), GH0 = new Float32Array(B * H).fill(0.25);
              if (kk === jsKernels) gruStepsBackward(kk, steps, A, Y, H0, VN, GY, W.data, w, DU, DV, GH0);
              else expect(kk.gruSequenceBackward!(steps, A, Y, H0, VN, GY, W.data, w, DU, DV, GH0)).toBe(true);
              return { A, VN, Y, DU, DV, GH0 };
            };
            const want = run(jsKernels), got = run(k);
            for (const key of Object.keys(want) as (keyof typeof want)[]) expectClose(got[key], want[key], TOL, `${key} (call ${rep + 1})`);
          }
        });
      }
    }
  }

  it('declines float64 operands (the ops then run their own loop)', () => {
    const k = createWasmKernels()!;
    const { steps, rows } = plan(layouts[0]!, 4), { B } = steps;
    const W = new Tensor(new Float64Array(16 * 4), [16, 4]);
    const A = new Float64Array(rows * 16), before = A.slice();
    const f64 = (n: number) => new Float64Array(n);
    expect(k.lstmSequence!(steps, A, W.data, resident(W), f64(B * 4), f64(B * 4), f64(rows * 4), f64(rows * 4), f64(rows * 4))).toBe(false);
    expect(A).toEqual(before);
  });
});
