import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Tensor, tensor, type DType } from '../src/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface FT {
  shape: number[];
  data: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadFixture(name: string): any {
  const path = join(FIXTURES, name);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read fixture ${path} (${(e as Error).message}); regenerate with tools/reference/make_all.sh (needs Debian python3-torch)`);
  }
}

export function fromFixture(t: FT, dtype: DType = 'float32', requiresGrad = false): Tensor {
  return tensor(t.data, { shape: t.shape, dtype, requiresGrad });
}

/**
 * Elementwise |a − e| ≤ atol + rtol·|e|; on failure names the worst element. `what` says which
 * quantity, so a failing test points at the fixture entry.
 */
export function expectClose(actual: Tensor | ArrayLike<number>, expected: FT | ArrayLike<number>, what: string, rtol = 1e-5, atol = 1e-6): void {
  const a = actual instanceof Tensor ? actual.data : actual;
  const e = 'data' in (expected as FT) && !(ArrayBuffer.isView(expected)) ? (expected as FT).data : (expected as ArrayLike<number>);
  if (actual instanceof Tensor && 'shape' in (expected as FT)) {
    expect([...actual.shape], `${what}: shape`).toEqual((expected as FT).shape);
  }
  expect(a.length, `${what}: length`).toBe(e.length);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!) - (atol + rtol * Math.abs(e[i]!));
    if (!(err <= 0) && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    throw new Error(`${what}: element ${worst} is ${a[worst]}, PyTorch gives ${e[worst]} (rtol ${rtol}, atol ${atol}); regenerate fixtures with tools/reference/make_all.sh if the reference changed`);
  }
}

/** max |e|, for norm-relative tolerances (‖a − e‖∞ ≤ rtol·‖e‖∞) on long float32 sums. */
export function maxAbs(t: FT): number {
  return t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** A differentiable op case of a PyTorch op-table fixture: inputs, output, the output's gradient, input gradients. */
export interface OpCase { name: string; op: string; kwargs: Record<string, unknown>; inputs: FT[]; output: FT; grad_output: FT; grads: (FT | null)[] }

/** Forward and the gradient of (out·g).sum() against the fixture, in float64 (rtol 1e-10 / 1e-9). */
export function checkOpCase(c: OpCase, xs: Tensor[], run: (xs: Tensor[], kwargs: Record<string, unknown>) => Tensor): void {
  const out = run(xs, c.kwargs);
  expectClose(out, c.output, `${c.name} output`, 1e-10, 1e-12);
  out.backward(fromFixture(c.grad_output, 'float64'));
  c.grads.forEach((g, i) => {
    if (g === null) expect(xs[i]!.grad, `${c.name} grad ${i}`).toBeNull();
    else expectClose(xs[i]!.grad!, g, `${c.name} grad of input ${i}`, 1e-9, 1e-11);
  });
}
