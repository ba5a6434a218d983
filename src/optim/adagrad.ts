// Adagrad (Duchi, Hazan & Singer 2011) as torch.optim.Adagrad 1.13's single-tensor path computes
// it, line by line (γ lr, η lr decay, λ weight decay, τ initial accumulator):
//   s₀ ← τ  (for every parameter at construction, as PyTorch)
//   t ← t + 1
//   g ← g + λθ
//   γ̃ ← γ / (1 + (t − 1)η)
//   s ← s + g²
//   θ ← θ − γ̃ g / (√s + ε)
import type { Data } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkNonNegative, Optimizer, type ParamState, type Params } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...opts }, 'Adagrad');
  }

  protected override checkOptions(o: AdagradOptions): void {
    checkNonNegative('Adagrad', o, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
  }

  // PyTorch fills the accumulator when the optimizer is built, so its state dict has it before
  // the first step; groups added later get it too (PyTorch 1.13 forgets them and fails in step).
  protected override initGroup(group: { params: Tensor[] } & AdagradOptions): void {
    for (const p of group.params) this.state.set(p, initState(p.data, group.initialAccumulatorValue));
  }

  protected update(theta: Data, grad: Data, state: ParamState, o: AdagradOptions): void {
    const { lr, lrDecay, weightDecay: wd, eps, maximize } = o;
    let s = state.sum;
    if (s === undefined || typeof s === 'number') {
      Object.assign(state, initState(theta, o.initialAccumulatorValue));
      s = state.sum as Data;
    }
    const t = ((state.step as number | undefined) ?? 0) + 1;
    state.step = t;
    // float32 parameters: round each intermediate and scalar as PyTorch's float kernels do.
    const r = theta instanceof Float32Array ? Math.fround : (x: number) => x;
    const negClr = r(-lr / (1 + (t - 1) * lrDecay)), rwd = r(wd), reps = r(eps);
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i]! : grad[i]!;
      if (wd !== 0) g = r(g + r(rwd * theta[i]!));
      s[i] += r(g * g);
      theta[i] += r(r(negClr * g) / r(r(Math.sqrt(s[i]!)) + reps));
    }
  }
}

function initState(like: Data, tau: number): ParamState {
  const sum = alloc(like instanceof Float64Array ? 'float64' : 'float32', like.length);
  sum.fill(tau);
  return { step: 0, sum };
}
