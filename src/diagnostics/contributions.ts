// Two per-step pictures of what a recurrent layer has learnt to use (the playground's tab 2):
//
// gradContributions — RNNbow's itemized gradient (Cashman et al. 2018): the weight W_hh is shared
// by every step, so its gradient is a sum over steps,
//   ∂L/∂W_hh = Σ_k ∂L/∂W_hh^(k),   for an Elman RNN  ∂L/∂W_hh^(k) = (f′(z_k) ⊙ ∂L/∂h_k) h_{k−1}ᵀ,
// where W_hh^(k) is the copy used at step k only and ∂L/∂h_k is the total derivative. Each term
// says how much the update W_hh receives is driven by what happened at step k. The layer is
// unrolled with a separate leaf copy of the weight at every step; after backward, copy k's
// .grad is term k (for LSTM and GRU too, whose [G·H,H] W_hh enters each step's gates).
//
// inputConnectivity — Distill's connectivity (Madsen 2019, "Visualizing memorization in RNNs"):
// how strongly each input x_k moves an output y (a prediction at step t, say):
//   c_k = ‖∂y/∂x_k‖  (Frobenius norm over y's elements, the batch and x_k's features),
// one backward pass per element of y.
//
// Both re-run the layer step by step from its parameters (see ./hidden-grads.ts): the module's own
// .grad is never touched; parameters used inside the loss or the readout (a head) accumulate as usual.
// Legend: T time, B batch, I input, H hidden, G gate blocks (1 RNN, 4 LSTM, 3 GRU).
import { enableGrad } from '../autograd/grad-mode.js';
import { zeros } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';
import { unroll, type CellKind, type RecurrentLayer } from './hidden-grads.js';

export interface GradContributions {
  kind: CellKind;
  /** The loss value. */
  loss: number;
  /** The parameter itemized, e.g. 'weight_hh_l0'. */
  weight: string;
  /** contributions[k] = ∂L/∂W^(k), the gradient through step k's use of the weight (the weight's shape), k = 0 … T−1. */
  contributions: Tensor[];
  /** norms[k] = ‖contributions[k]‖ (Frobenius). */
  norms: number[];
  /** Σ_k contributions[k]: the weight's full gradient, what backward through the fused layer gives. */
  total: Tensor;
}

/**
 * RNNbow-style itemized gradient: the terms of ∂L/∂W (W = weight_hh, or weight_ih, of one layer;
 * default weight_hh of layer 0) contributed by each step k, for `loss(output)` where `output` is
 * what the module's forward returns first ([T,B,H] or [B,T,H]; h0 = 0). For W_hh, step 0's term is
 * 0 (it multiplies h_{−1} = 0).
 */
export function gradContributions(rnn: RecurrentLayer, input: Tensor, loss: (output: Tensor) => Tensor, opts: { layer?: number; weight?: 'weight_hh' | 'weight_ih' } = {}): GradContributions {
  const layer = opts.layer ?? 0, weight = opts.weight ?? 'weight_hh';
  if (weight !== 'weight_hh' && weight !== 'weight_ih') throw new ValueError(`gradContributions: weight must be 'weight_hh' or 'weight_ih', got '${String(weight)}'`);
  const { u, l } = enableGrad(() => {
    const u = unroll(rnn, input, { layer, weight });
    const l = loss(u.output);
    if (l.data.length !== 1) throw new ValueError(`gradContributions: the loss must be one value, got shape ${fmtShape(l.shape)}`);
    l.backward();
    return { u, l };
  });
  const contributions = u.stepWeights.map((w) => w.grad ?? zeros(w.shape, { dtype: w.dtype }));
  const shape = u.stepWeights[0]?.shape ?? [];
  const total = zeros(shape, { dtype: input.dtype });
  for (const c of contributions) for (let i = 0; i < c.data.length; i++) total.data[i]! += c.data[i]!;
  return { kind: u.kind, loss: l.item(), weight: `${weight}_l${layer}`, contributions, norms: contributions.map((c) => l2(c.data)), total };
}

export interface InputConnectivity {
  kind: CellKind;
  /** The readout's values (flattened). */
  value: number[];
  /** norms[k] = ‖∂y/∂x_k‖ over y's elements, the batch and x_k's features, k = 0 … T−1. */
  norms: number[];
}

/**
 * Distill-style connectivity: ‖∂y/∂x_k‖ for every input step k, where y = `readout(output)` is any
 * tensor computed from the module's output ([T,B,H] or [B,T,H]; h0 = 0), e.g. a head applied to
 * the state at step t. Inputs after the step y reads get 0 (causality). Costs one backward pass per
 * element of y.
 */
export function inputConnectivity(rnn: RecurrentLayer, input: Tensor, readout: (output: Tensor) => Tensor): InputConnectivity {
  const x = new Tensor(input.data, input.shape, true); // a leaf sharing the input's values
  const timeDim = rnn.batchFirst ? 1 : 0;
  const { u, y } = enableGrad(() => {
    const u = unroll(rnn, x);
    return { u, y: readout(u.output) };
  });
  if (y.data.length === 0) throw new ValueError('inputConnectivity: the readout is empty');
  if (y.data.length > 4096) throw new ValueError(`inputConnectivity: the readout has ${y.data.length} elements (at most 4096: one backward pass each)`);
  const T = input.shape[timeDim]!, sq = new Array<number>(T).fill(0);
  const stride = input.shape.slice(timeDim + 1).reduce((a, b) => a * b, 1); // elements of one step (per outer index)
  const n = y.data.length;
  for (let i = 0; i < n; i++) {
    x.grad = null;
    const seed = zeros(y.shape, { dtype: y.dtype });
    seed.data[i] = 1;
    y.backward(seed, { retainGraph: i < n - 1 });
    const g = x.grad as Tensor | null;
    if (!g) continue; // y does not depend on x at all
    for (let j = 0; j < g.data.length; j++) {
      const k = Math.floor(j / stride) % T;
      sq[k]! += g.data[j]! * g.data[j]!;
    }
  }
  x.grad = null;
  return { kind: u.kind, value: Array.from(y.data), norms: sq.map(Math.sqrt) };
}

function l2(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}
