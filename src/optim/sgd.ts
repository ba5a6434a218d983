// SGD as torch.optim.SGD (1.13, single-tensor path):
//   g ← g + λθ;  b ← g (first step) or μb + (1−τ)g;  g ← g + μb (Nesterov) or b;  θ ← θ − γg
import type { Data } from '../tensor/dtype.js';
import { checkNonNegative, Optimizer, type ParamState, type Params } from './optimizer.js';
import { ValueError } from '../errors.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts }, 'SGD');
  }

  protected override checkOptions(o: SGDOptions): void {
    checkNonNegative('SGD', o, ['lr', 'momentum', 'weightDecay']);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new ValueError('SGD: Nesterov momentum requires a momentum and zero dampening');
  }

  protected update(theta: Data, grad: Data, state: ParamState, o: SGDOptions): void {
    const { lr, momentum: mu, dampening: tau, weightDecay: wd, nesterov, maximize } = o;
    const first = state.momentumBuffer === undefined;
    const buf = mu !== 0 ? this.buffer(state, 'momentumBuffer', theta) : null;
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i]! : grad[i]!;
      if (wd !== 0) g += wd * theta[i]!;
      if (buf) {
        buf[i] = first ? g : mu * buf[i]! + (1 - tau) * g;
        g = nesterov ? g + mu * buf[i]! : buf[i]!;
      }
      theta[i] -= lr * g;
    }
  }
}
