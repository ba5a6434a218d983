// Softmax and log-softmax along one dim, viewed as [outer, D, inner]; max-shifted for stability.
// Backward from the saved output: softmax  dx = y ⊙ (g − Σ g⊙y);  log-softmax  dx = g − eʸ Σ g.
import { normDim, numel } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record, traceHook } from '../engine.js';
import { make } from './util.js';

function softmaxImpl(a: Tensor, dim: number, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  const d = normDim(dim, a.ndim, op);
  const D = a.shape[d]!;
  const outer = numel(a.shape.slice(0, d)), inner = numel(a.shape.slice(d + 1));
  const out = make(a.dtype, a.shape);
  const x = a.data, y = out.data;
  for (let q = 0; q < outer; q++) {
    for (let i = 0; i < inner; i++) {
      const base = q * D * inner + i;
      let m = -Infinity;
      for (let k = 0; k < D; k++) m = Math.max(m, x[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < D; k++) s += Math.exp(x[base + k * inner]! - m);
      if (log) {
        const lse = m + Math.log(s);
        for (let k = 0; k < D; k++) y[base + k * inner] = x[base + k * inner]! - lse;
      } else {
        for (let k = 0; k < D; k++) y[base + k * inner] = Math.exp(x[base + k * inner]! - m) / s;
      }
    }
  }
  return record(out, op, [a], (g, acc) => {
    const ga = acc(a)!;
    for (let q = 0; q < outer; q++) {
      for (let i = 0; i < inner; i++) {
        const base = q * D * inner + i;
        let s = 0;
        if (log) {
          for (let k = 0; k < D; k++) s += g[base + k * inner]!;
          for (let k = 0; k < D; k++) ga[base + k * inner] += g[base + k * inner]! - Math.exp(y[base + k * inner]!) * s;
        } else {
          for (let k = 0; k < D; k++) s += g[base + k * inner]! * y[base + k * inner]!;
          for (let k = 0; k < D; k++) ga[base + k * inner] += y[base + k * inner]! * (g[base + k * inner]! - s);
        }
      }
    }
  }, traceHook && { dim: d });
}

export const softmax = (a: Tensor, dim: number): Tensor => softmaxImpl(a, dim, false);
export const logSoftmax = (a: Tensor, dim: number): Tensor => softmaxImpl(a, dim, true);
