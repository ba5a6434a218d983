// One runner for the PyTorch recurrent-layer fixtures (rnn.json, lstm_gru.json): loads the case's
// parameters, checks their names and order, runs the module, compares every output (1e-5 relative)
// and every gradient of Σ outputᵢ·gradᵢ w.r.t. the input, the initial states and all parameters.
// Gradients are compared norm-relatively, |a − e| ≤ 1e-5·(|e| + max|e|): they are sums over T·B
// terms that PyTorch accumulates in float32, and over T = 200 its own rounding reaches ~1e-5 of an
// element (rnn.test.ts shows ours sits ~1e-7 from the float64 result).
import { expect } from 'vitest';
import type { Tensor, nn } from '../../src/index.js';
import { type FT, expectClose, fromFixture, maxAbs } from '../helpers.js';

export interface RecurrentCase {
  name: string;
  module: string;
  mode: 'train' | 'eval';
  config: { inputSize: number; hiddenSize: number } & Record<string, unknown>;
  input: FT;
  h0: FT | null;
  c0?: FT | null;
  params: Record<string, FT>;
  output: FT;
  hN: FT | null;
  cN?: FT | null;
  grad_output: FT;
  grad_hN: FT | null;
  grad_cN?: FT | null;
  grads: Record<string, FT | null>;
}

/** What a run produced, by the fixture's names (a cell's h′ is `output`, an LSTMCell's c′ is `cN`). */
export type RecurrentOutputs = { output: Tensor; hN?: Tensor; cN?: Tensor };

export function checkRecurrentCase(
  c: RecurrentCase,
  m: nn.Module,
  run: (x: Tensor, h0: Tensor | undefined, c0: Tensor | undefined) => RecurrentOutputs,
): void {
  if (c.mode === 'eval') m.eval();
  m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fromFixture(v)])));
  expect([...m.namedParameters()].map(([k]) => k)).toEqual(Object.keys(c.params));
  const x = fromFixture(c.input, 'float32', true);
  const h0 = c.h0 ? fromFixture(c.h0, 'float32', true) : undefined;
  const c0 = c.c0 ? fromFixture(c.c0, 'float32', true) : undefined;
  const outs = run(x, h0, c0);
  let loss: Tensor | null = null;
  for (const [key, expected, seed] of [['output', c.output, c.grad_output], ['hN', c.hN, c.grad_hN], ['cN', c.cN, c.grad_cN]] as const) {
    const t = outs[key];
    if (!t) continue;
    expectClose(t, expected!, `${c.name} ${key}`);
    const term = t.mul(fromFixture(seed!)).sum();
    loss = loss ? loss.add(term) : term;
  }
  loss!.backward();
  const close = (t: Tensor, e: FT, what: string) => expectClose(t, e, `${c.name} ${what}`, 1e-5, 1e-5 * maxAbs(e));
  close(x.grad!, c.grads.input!, 'grad input');
  if (h0) close(h0.grad!, c.grads.h0!, 'grad h0');
  if (c0) close(c0.grad!, c.grads.c0!, 'grad c0');
  for (const [name, p] of m.namedParameters()) close(p.grad!, c.grads[name]!, `grad ${name}`);
}
