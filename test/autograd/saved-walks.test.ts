// Saved walks (Kernels.lstmSequence's `done`): the WebAssembly kernels keep a recorded LSTM/GRU
// forward's buffers in their memory for its backward. Checked against the same ops on the JS
// kernels (which keep nothing): several sequences in flight, backwards in another order than the
// forwards, a GEMM-heavy op in between, retainGraph (two backwards through one kept walk), a cap
// so small that keeping a walk spills the older ones, and one smaller than a walk (not kept).
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { Generator, Tensor, jsKernels, matmul } from '../../src/index.js';
import { gruSequence } from '../../src/autograd/ops/gru.js';
import { lstmSequence } from '../../src/autograd/ops/lstm.js';
import { type Kernels, setKernels } from '../../src/tensor/kernels.js';
import { type WasmKernels, createWasmKernels } from '../../src/tensor/wasm-kernels.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const I = 6, H = 20, T = 7, B = 5;

function params(cell: 'lstm' | 'gru', seed: number) {
  const g = new Generator(seed), G = (cell === 'lstm' ? 4 : 3) * H;
  const t = (shape: number[], scale = 0.3) => new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * g.normal()), shape, true);
  return { x: t([T, B, I], 1), h0: t([B, H]), c0: t([B, H]), wIh: t([G, I]), wHh: t([G, H]), bIh: t([G]), bHh: t([G]) };
}
type P = ReturnType<typeof params>;

function forward(cell: 'lstm' | 'gru', p: P): Tensor {
  if (cell === 'lstm') {
    const [out, cN] = lstmSequence(p.x, p.h0, p.c0, p.wIh, p.wHh, p.bIh, p.bHh, { reverse: false });
    return out.square().sum().add(cN.mul(cN).sum());
  }
  return gruSequence(p.x, p.h0, p.wIh, p.wHh, p.bIh, p.bHh, { reverse: true }).square().sum();
}

const grads = (p: P): Float32Array[] => Object.values(p).map((t) => Float32Array.from(t.grad?.data ?? []));

/** Three sequences in flight, backwards 2, 0, 1 with a matmul in between; sequence 1 twice (retainGraph). */
function scenario(cell: 'lstm' | 'gru'): Float32Array[][] {
  const ps = [0, 1, 2].map((s) => params(cell, 100 + s));
  const losses = ps.map((p) => forward(cell, p));
  losses[2]!.backward();
  const a = new Tensor(new Float32Array(64 * 64).fill(0.5), [64, 64]);
  matmul(a, a); // another op's GEMM through the arena between a forward and its backward
  losses[0]!.backward();
  losses[1]!.backward(null, { retainGraph: true });
  losses[1]!.backward();
  return ps.map(grads);
}

function expectClose(got: Float32Array[][], want: Float32Array[][]): void {
  let worst = 0;
  got.forEach((gs, i) => gs.forEach((g, j) => {
    const w = want[i]![j]!;
    expect(g.length).toBe(w.length);
    for (let k = 0; k < w.length; k++) worst = Math.max(worst, Math.abs(g[k]! - w[k]!) / Math.max(1, Math.abs(w[k]!)));
  }));
  expect(worst).toBeLessThan(1e-4);
}

let prev: Kernels | null = null;
afterEach(() => { if (prev) setKernels(prev); prev = null; });

describe('saved walks', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    prev = setKernels(jsKernels);
    const want = scenario(cell);
    setKernels(prev);
    prev = null;
    // walk bytes here: LSTM (4H + 2H)·T·B floats ≈ 16.8 KB, GRU (3H + H)·T·B ≈ 11.2 KB
    for (const [name, cap, kept] of [['kept', 64 << 20, 3], ['spilled past the cap', 20_000, 1], ['too big to keep', 4_000, 0]] as const) {
      it(`${cell}: ${name}: gradients equal the JS kernels' (several in flight, retainGraph)`, () => {
        const k = createWasmKernels({ residentBytes: cap }) as WasmKernels;
        prev = setKernels(k);
        const ps = [0, 1, 2].map((s) => params(cell, 100 + s));
        const losses = ps.map((p) => forward(cell, p));
        const st = k.residentStats();
        expect(st.savedWalks).toBe(kept);
        if (name === 'spilled past the cap') expect(st.spills).toBe(2);
        losses.forEach((l) => l.backward());
        setKernels(prev);
        expectClose(ps.map(grads), (() => { prev = setKernels(jsKernels); const r = [0, 1, 2].map((s) => { const p = params(cell, 100 + s); forward(cell, p).backward(); return grads(p); }); setKernels(prev); return r; })());
        prev = setKernels(k);
        expectClose(scenario(cell), want);
        // a freed graph's walk is released when the next walk is kept
        if (kept > 0) {
          const p = params(cell, 7);
          forward(cell, p).backward();
          forward(cell, p);
          expect(k.residentStats().savedWalks).toBeLessThanOrEqual(kept);
        }
      });
    }
  }
});
