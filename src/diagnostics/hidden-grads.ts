// ‖∂L/∂h_t‖ for every time step: the vanishing/exploding-gradient picture of the tutorial's §6.
// Legend: T time, B batch, I input, H hidden, L layers.
//
// The fused sequence ops keep no per-step nodes, so the states h_t are not tensors one could ask
// for a gradient. Here the layer is re-run step by step from its own parameters — a cell steps,
// a loop scans — with `retainGrad()` on every h_t. After backward, h_t.grad is the *total*
// derivative: through the output at t and through h_{t+1}, h_{t+2}, … (and the layers above), i.e.
//   ∂L/∂h_t = ∂ℓ_t/∂h_t + (∂h_{t+1}/∂h_t)ᵀ ∂L/∂h_{t+1},  ∂h_{t+1}/∂h_t = diag(f′(z_{t+1})) W_hh
// for an Elman RNN. Repeated, this product of T − t Jacobians is what shrinks or grows like ρ(W_hh)^(T−t).
//
// Cells follow PyTorch exactly (parameter names and gate orders):
//   RNN   h′ = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
//   LSTM  i,f,g,o = σ,σ,tanh,σ of (x W_ihᵀ + b_ih + h W_hhᵀ + b_hh);  c′ = f⊙c + i⊙g;  h′ = o⊙tanh(c′)
//   GRU   r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr);  z likewise;  n = tanh(x W_inᵀ + b_in + r⊙(h W_hnᵀ + b_hn));
//         h′ = (1 − z)⊙n + z⊙h
import { enableGrad } from '../autograd/grad-mode.js';
import * as E from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { select, slice, stack } from '../autograd/ops/shape.js';
import type { Module } from '../nn/module.js';
import { zeros } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

/** What the diagnostics need of nn.RNN, nn.LSTM and nn.GRU (their PyTorch-named fields). */
export interface RecurrentLayer extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  /** nn.RNN's 'tanh' | 'relu'. */
  readonly nonlinearity?: string;
}

export type CellKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

interface LayerWeights {
  wIh: Tensor; // [G·H, I_l]
  wHh: Tensor; // [G·H, H]
  bIh: Tensor | null; // [G·H]
  bHh: Tensor | null; // [G·H]
}

interface Unrolled {
  kind: CellKind;
  /** Top layer's h_t stacked in the module's layout: [T,B,H] or [B,T,H] (batchFirst). */
  output: Tensor;
  /** hidden[l][t]: layer l's state after step t, [B,H]. */
  hidden: Tensor[][];
  /** With `stepLeaves`: the leaf copy of that weight used at step t only, t = 0 … T−1 (else empty). */
  stepWeights: Tensor[];
}

/** Which weight `unroll` gives a separate leaf copy at every step (its per-step gradient contributions). */
export interface StepLeaves {
  layer: number;
  weight: 'weight_hh' | 'weight_ih';
}

/** The cell type from the shape of weight_hh_l0 ([H,H], [3H,H] or [4H,H]). */
export function cellKind(rnn: RecurrentLayer): CellKind {
  const w = paramMap(rnn).get('weight_hh_l0');
  if (!w) throw new ValueError(`cellKind: the module has no weight_hh_l0 parameter (expects nn.RNN, nn.LSTM or nn.GRU)`);
  const g = w.shape[0]! / rnn.hiddenSize;
  if (g === 4) return 'lstm';
  if (g === 3) return 'gru';
  if (g === 1) {
    if (rnn.nonlinearity === 'tanh' || rnn.nonlinearity === 'relu') return `rnn_${rnn.nonlinearity}`;
    throw new ValueError(`cellKind: an Elman RNN needs nonlinearity 'tanh' or 'relu', got '${String(rnn.nonlinearity)}'`);
  }
  throw new ValueError(`cellKind: weight_hh_l0 has shape ${fmtShape(w.shape)}, not [H,H], [3H,H] or [4H,H] for H = ${rnn.hiddenSize}`);
}

function paramMap(m: Module): Map<string, Tensor> {
  return new Map(m.namedParameters());
}

/**
 * Runs the module's layers step by step from its parameters (composed ops, no dropout) and
 * returns the top layer's output and every layer's states. The parameters enter as fresh leaves
 * sharing their values, so backward through this graph never touches the module's `.grad`.
 */
export function unroll(rnn: RecurrentLayer, input: Tensor, stepLeaves?: StepLeaves): Unrolled {
  const kind = cellKind(rnn);
  if (rnn.bidirectional) throw new ValueError('unroll: bidirectional modules are not supported (the per-step picture is for one direction)');
  const params = paramMap(rnn);
  if ([...params.keys()].some((k) => k.startsWith('weight_hr'))) throw new ValueError('unroll: LSTM with projections (projSize) is not supported');
  const { inputSize: I, hiddenSize: H, numLayers: L, batchFirst: bf } = rnn;
  if (input.ndim !== 3 || input.shape[2] !== I) {
    throw new ValueError(`unroll: input has shape ${fmtShape(input.shape)} but expects ${bf ? `[B,T,${I}]` : `[T,B,${I}]`}`);
  }
  const timeDim = bf ? 1 : 0;
  const T = input.shape[timeDim]!, B = input.shape[1 - timeDim]!;
  const leaf = (name: string): Tensor | null => {
    const p = params.get(name);
    return p ? new Tensor(p.data, p.shape, true) : null;
  };
  let xs = Array.from({ length: T }, (_, t) => select(input, timeDim, t)); // [B,I_l] each
  if (stepLeaves && !(Number.isInteger(stepLeaves.layer) && stepLeaves.layer >= 0 && stepLeaves.layer < L)) {
    throw new ValueError(`unroll: layer ${stepLeaves.layer} does not exist (the module has ${L} layer${L === 1 ? '' : 's'})`);
  }
  const hidden: Tensor[][] = [];
  const stepWeights: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const shared: LayerWeights = { wIh: leaf(`weight_ih_l${l}`)!, wHh: leaf(`weight_hh_l${l}`)!, bIh: leaf(`bias_ih_l${l}`), bHh: leaf(`bias_hh_l${l}`) };
    let h = zeros([B, H], { dtype: input.dtype });
    let c = kind === 'lstm' ? zeros([B, H], { dtype: input.dtype }) : null;
    const hs: Tensor[] = [];
    for (const x of xs) {
      let w = shared;
      if (stepLeaves?.layer === l) {
        // this step's own copy: its .grad is the step's term of the shared weight's gradient
        const own = leaf(`${stepLeaves.weight}_l${l}`)!;
        stepWeights.push(own);
        w = stepLeaves.weight === 'weight_hh' ? { ...shared, wHh: own } : { ...shared, wIh: own };
      }
      if (kind === 'lstm') [h, c] = lstmStep(x, h, c!, w, H);
      else if (kind === 'gru') h = gruStep(x, h, w, H);
      else h = rnnStep(x, h, w, kind === 'rnn_relu');
      hs.push(h.retainGrad());
    }
    hidden.push(hs);
    xs = hs;
  }
  return { kind, output: T > 0 ? stack(xs, timeDim) : zeros(bf ? [B, 0, H] : [0, B, H], { dtype: input.dtype }), hidden, stepWeights };
}

const affine = (x: Tensor, wt: Tensor, b: Tensor | null): Tensor => {
  const y = matmul(x, wt, { transB: true });
  return b ? E.add(y, b) : y;
};

function rnnStep(x: Tensor, h: Tensor, w: LayerWeights, relu: boolean): Tensor {
  const z = E.add(affine(x, w.wIh, w.bIh), affine(h, w.wHh, w.bHh));
  return relu ? E.relu(z) : E.tanh(z);
}

function lstmStep(x: Tensor, h: Tensor, c: Tensor, w: LayerWeights, H: number): [Tensor, Tensor] {
  const z = E.add(affine(x, w.wIh, w.bIh), affine(h, w.wHh, w.bHh)); // [B,4H]: i, f, g, o
  const gate = (k: number) => slice(z, 1, k * H, (k + 1) * H);
  const i = E.sigmoid(gate(0)), f = E.sigmoid(gate(1)), g = E.tanh(gate(2)), o = E.sigmoid(gate(3));
  const c2 = E.add(E.mul(f, c), E.mul(i, g));
  return [E.mul(o, E.tanh(c2)), c2];
}

function gruStep(x: Tensor, h: Tensor, w: LayerWeights, H: number): Tensor {
  const gi = affine(x, w.wIh, w.bIh), gh = affine(h, w.wHh, w.bHh); // [B,3H]: r, z, n
  const part = (a: Tensor, k: number) => slice(a, 1, k * H, (k + 1) * H);
  const r = E.sigmoid(E.add(part(gi, 0), part(gh, 0)));
  const z = E.sigmoid(E.add(part(gi, 1), part(gh, 1)));
  const n = E.tanh(E.add(part(gi, 2), E.mul(r, part(gh, 2)))); // b_hn stays inside r ⊙ (…)
  return E.add(n, E.mul(z, E.sub(h, n))); // (1 − z)⊙n + z⊙h
}

export interface HiddenGradNorms {
  kind: CellKind;
  /** The loss value. */
  loss: number;
  /** norms[l][t] = ‖∂L/∂h_t‖ of layer l: the Frobenius norm over the batch of the [B,H] gradient, t = 0 … T−1. */
  norms: number[][];
  /** grads[l][t] = ∂L/∂h_t itself, [B,H]. */
  grads: Tensor[][];
}

/**
 * ‖∂L/∂h_t‖ for every layer and time step, for `loss(output)` where `output` is what the module's
 * forward returns first ([T,B,H] or [B,T,H]; h0 = 0). Gradients of parameters used inside `loss`
 * (a head) accumulate as usual; the recurrent module's own `.grad` is left untouched.
 */
export function hiddenGradNorms(rnn: RecurrentLayer, input: Tensor, loss: (output: Tensor) => Tensor): HiddenGradNorms {
  // inside noGrad (an evaluation loop) there would be no graph and every norm would read 0
  const { u, l } = enableGrad(() => {
    const u = unroll(rnn, input);
    const l = loss(u.output);
    if (l.data.length !== 1) throw new ValueError(`hiddenGradNorms: the loss must be one value, got shape ${fmtShape(l.shape)}`);
    l.backward();
    return { u, l };
  });
  const grads = u.hidden.map((hs) => hs.map((h) => h.grad ?? zeros(h.shape, { dtype: h.dtype })));
  const norms = grads.map((gs) => gs.map((g) => l2(g.data)));
  return { kind: u.kind, loss: l.item(), norms, grads };
}

function l2(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}
