// Finite-difference gradient check in float64 with PyTorch's defaults (eps 1e-6, atol 1e-5,
// rtol 1e-3): the analytic Jacobian (one backward per output element) is compared entry by entry
// with the central difference (f(x+eps) − f(x−eps)) / 2eps (two forwards per input element).
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';
import { UserError } from '../errors.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw with the first mismatch (default) or return false. */
  raiseException?: boolean;
}

export class GradcheckError extends UserError {}

export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): boolean {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  for (const [i, x] of inputs.entries()) {
    if (x.dtype !== 'float64') throw new GradcheckError(`gradcheck: input ${i} is ${x.dtype}; gradcheck needs float64 inputs`);
  }
  const list = (r: Tensor | readonly Tensor[]): readonly Tensor[] => (r instanceof Tensor ? [r] : r);
  const evalFlat = (): number[] => noGrad(() => list(fn(...inputs)).flatMap((o) => Array.from(o.data)));
  const diff = inputs.filter((x) => x.requiresGrad);

  // numeric[i][k][o]: d out_o / d x_i[k]
  const numeric = diff.map((x) =>
    Array.from(x.data, (_, k) => {
      const orig = x.data[k]!;
      x.data[k] = orig + eps;
      const plus = evalFlat();
      x.data[k] = orig - eps;
      const minus = evalFlat();
      x.data[k] = orig;
      return plus.map((p, o) => (p - minus[o]!) / (2 * eps));
    }),
  );

  const shapes = list(noGrad(() => fn(...inputs))).map((o) => o.shape);
  let o = 0;
  try {
    for (const [oi, shape] of shapes.entries()) {
      const n = shape.reduce((a, b) => a * b, 1);
      for (let j = 0; j < n; j++, o++) {
        for (const x of diff) x.grad = null;
        const out = list(fn(...inputs))[oi]!;
        if (out.requiresGrad) {
          const seed = new Tensor(new Float64Array(n), out.shape);
          seed.data[j] = 1;
          out.backward(seed);
        }
        for (const [ii, x] of diff.entries()) {
          for (let k = 0; k < x.data.length; k++) {
            const a = x.grad ? x.grad.data[k]! : 0;
            const num = numeric[ii]![k]![o]!;
            if (!(Math.abs(a - num) <= atol + rtol * Math.abs(num))) {
              const msg = `gradcheck: Jacobian mismatch for output ${oi} element ${j} w.r.t. input ${inputs.indexOf(x)} ${fmtShape(x.shape)} element ${k}: analytic ${a}, numerical ${num}`;
              if (opts.raiseException ?? true) throw new GradcheckError(msg);
              return false;
            }
          }
        }
      }
    }
  } finally {
    for (const x of diff) x.grad = null;
  }
  return true;
}
