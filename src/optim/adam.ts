// Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019) as torch.optim 1.13's
// single-tensor path computes them, line by line:
//   t ← t + 1
//   g ← g + λθ                         (Adam's L2 weight decay)  |  θ ← θ(1 − γλ)  (AdamW, decoupled)
//   m ← β₁m + (1 − β₁)g
//   v ← β₂v + (1 − β₂)g²
//   v̂max ← max(v̂max, v)                (amsgrad)
//   θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
import type { Data } from '../tensor/dtype.js';
import { checkNonNegative, Optimizer, type ParamState, type Params } from './optimizer.js';
import { ValueError } from '../errors.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function check(o: AdamOptions, name: string): void {
  checkNonNegative(name, o, ['lr', 'eps']);
  for (const b of o.betas) if (!(b >= 0 && b < 1)) throw new ValueError(`${name}: invalid beta ${b} (must be in [0, 1))`);
  checkNonNegative(name, o, ['weightDecay']);
}

// Math.pow(β, t) for the last (β, t) seen in each slot: every parameter of a step asks for the
// same two powers, and pow of a large t is not cheap next to a tiny parameter's update.
const powBase = [NaN, NaN], powExp = [NaN, NaN], powVal = [NaN, NaN];
function powCached(slot: 0 | 1, b: number, t: number): number {
  if (powBase[slot] !== b || powExp[slot] !== t) {
    powBase[slot] = b;
    powExp[slot] = t;
    powVal[slot] = Math.pow(b, t);
  }
  return powVal[slot]!;
}

function adamStep(theta: Data, grad: Data, state: ParamState, o: AdamOptions, decoupled: boolean, buf: (k: string) => Data): void {
  const { lr, eps, weightDecay: wd, amsgrad, maximize } = o;
  const [b1, b2] = o.betas;
  const t = ((state.step as number | undefined) ?? 0) + 1;
  state.step = t;
  const m = buf('expAvg'), v = buf('expAvgSq');
  const vmax = amsgrad ? buf('maxExpAvgSq') : null;
  const stepSize = lr / (1 - powCached(0, b1, t));
  const bc2Sqrt = Math.sqrt(1 - powCached(1, b2, t));
  const decay = decoupled ? 1 - lr * wd : 1;
  if (!maximize && !vmax && (decoupled ? decay === 1 : wd === 0)) {
    // the common case, no branches in the loop: the same expressions and roundings as below
    const c1 = 1 - b1, c2 = 1 - b2;
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]!;
      m[i] = b1 * m[i]! + c1 * g;
      v[i] = b2 * v[i]! + c2 * g * g;
      theta[i] -= (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps); // m, v read back: stored rounding
    }
    return;
  }
  for (let i = 0; i < theta.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (decoupled) theta[i] *= decay;
    else if (wd !== 0) g += wd * theta[i]!;
    m[i] = b1 * m[i]! + (1 - b1) * g;
    v[i] = b2 * v[i]! + (1 - b2) * g * g;
    let vi = v[i]!;
    if (vmax) {
      if (vi > vmax[i]!) vmax[i] = vi;
      vi = vmax[i]!;
    }
    theta[i] -= (stepSize * m[i]!) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts }, 'Adam');
  }

  protected override checkOptions(o: AdamOptions): void {
    check(o, 'Adam');
  }

  protected update(theta: Data, grad: Data, state: ParamState, o: AdamOptions): void {
    adamStep(theta, grad, state, o, false, (k) => this.buffer(state, k, theta));
  }
}

export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...opts }, 'AdamW');
  }

  protected override checkOptions(o: AdamOptions): void {
    check(o, 'AdamW');
  }

  protected update(theta: Data, grad: Data, state: ParamState, o: AdamOptions): void {
    adamStep(theta, grad, state, o, true, (k) => this.buffer(state, k, theta));
  }
}
