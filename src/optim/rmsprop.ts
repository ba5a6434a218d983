// RMSprop (Hinton, Lecture 6e; centered: Graves 2013, eq. 38–45) as torch.optim.RMSprop 1.13's
// single-tensor path computes it, line by line (α smoothing, γ lr, λ weight decay, μ momentum):
//   g ← g + λθ
//   v ← αv + (1 − α)g²
//   ḡ ← αḡ + (1 − α)g;  a ← √(v − ḡ²) + ε     (centered)   |   a ← √v + ε
//   b ← μb + g/a;  θ ← θ − γb                   (μ > 0)      |   θ ← θ − γg/a
// PyTorch adds ε outside the square root, and its momentum buffer holds g/a, not γg/a.
import type { Data } from '../tensor/dtype.js';
import { checkNonNegative, Optimizer, type ParamState, type Params } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...opts }, 'RMSprop');
  }

  protected override checkOptions(o: RMSpropOptions): void {
    checkNonNegative('RMSprop', o, ['lr', 'eps', 'momentum', 'weightDecay', 'alpha']);
  }

  protected update(theta: Data, grad: Data, state: ParamState, o: RMSpropOptions): void {
    const { weightDecay: wd, momentum: mu, centered, maximize } = o;
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    const v = this.buffer(state, 'squareAvg', theta);
    const b = mu > 0 ? this.buffer(state, 'momentumBuffer', theta) : null;
    const gAvg = centered ? this.buffer(state, 'gradAvg', theta) : null;
    // float32 parameters: round every intermediate (and each scalar) as PyTorch's float kernels do;
    // √(v − ḡ²) cancels, so rounding once at the end drifts by 1e-5 over 40 centered steps.
    const r = theta instanceof Float32Array ? Math.fround : (x: number) => x;
    const alpha = r(o.alpha), alpha1 = r(1 - o.alpha), eps = r(o.eps), negLr = r(-o.lr), rwd = r(wd), rmu = r(mu);
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i]! : grad[i]!;
      if (wd !== 0) g = r(g + r(rwd * theta[i]!));
      v[i] = r(v[i]! * alpha) + r(r(alpha1 * g) * g);
      let a: number;
      if (gAvg) {
        gAvg[i] = r(gAvg[i]! * alpha) + r(alpha1 * g);
        a = r(Math.sqrt(r(v[i]! - r(gAvg[i]! * gAvg[i]!))));
      } else {
        a = r(Math.sqrt(v[i]!));
      }
      a = r(a + eps);
      if (b) {
        b[i] = r(b[i]! * rmu) + r(g / a);
        theta[i] += r(negLr * b[i]!);
      } else {
        theta[i] += r(r(negLr * g) / a);
      }
    }
  }
}
