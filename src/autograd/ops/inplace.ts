// In-place ops (`add_`, `mul_`, `fill_`, `normal_`, …): they write into the tensor's own values,
// bump its version counter, and record no gradient, like PyTorch's under `torch.no_grad()`.
//
// The rule while grad mode is on (chosen over PyTorch's rebasing of grad_fn, which rnnkit does not
// implement):
// - a leaf that requires grad is refused, with PyTorch's message (update parameters in noGrad);
// - a tensor with a grad_fn is refused, and so is a source that requires grad: an in-place op
//   would drop the gradient through it;
// - anything else (data, buffers, detached state) is written.
// Under noGrad every tensor may be written. A tensor saved by a recorded node and then written is
// caught when backward reaches that node, by the version counters (see engine.ts).
import type { Generator } from '../../tensor/random.js';
import { defaultGenerator } from '../../tensor/random.js';
import { broadcastShapes, fmtShape, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { broadcastMap } from './util.js';

function checkWritable(t: Tensor, op: string, src?: Tensor | number): void {
  if (!isGradEnabled()) return;
  if (t.isLeaf && t.requiresGrad) {
    throw new ValueError(`${op}: a leaf Variable that requires grad is being used in an in-place operation; update it inside noGrad(() => ...)`);
  }
  if (!t.isLeaf) {
    throw new ValueError(`${op}: in-place ops on a tensor that is part of the autograd graph (the output of ${t._op}) are not supported; use the out-of-place op`);
  }
  if (src instanceof Tensor && src.requiresGrad) {
    throw new ValueError(`${op}: the source requires grad, but an in-place op records no gradient; use the out-of-place op`);
  }
}

/** `f(t[i], src[j])` written into t, src broadcast to t's shape (never t to src's). */
function binary(t: Tensor, src: Tensor | number, op: string, f: (a: number, b: number) => number): Tensor {
  checkWritable(t, op, src);
  const d = t.data;
  if (typeof src === 'number') {
    for (let i = 0; i < d.length; i++) d[i] = f(d[i]!, src);
  } else {
    if (!sameShape(broadcastShapes(t.shape, src.shape, op), t.shape)) {
      throw new ValueError(`${op}: the source has shape ${fmtShape(src.shape)}, which does not broadcast to the tensor's shape ${fmtShape(t.shape)}`);
    }
    const s = src.data;
    // aliasing is safe: a source sharing t's values broadcasts 1:1 (x.add_(x), a reshape of x)
    const map = broadcastMap(src.shape, t.shape);
    if (map === null) for (let i = 0; i < d.length; i++) d[i] = f(d[i]!, s[i]!);
    else for (let i = 0; i < d.length; i++) d[i] = f(d[i]!, s[map[i]!]!);
  }
  t._version++;
  return t;
}

export function add_(t: Tensor, other: Tensor | number, alpha = 1): Tensor {
  return binary(t, other, 'add_', (a, b) => a + alpha * b);
}

export function sub_(t: Tensor, other: Tensor | number, alpha = 1): Tensor {
  return binary(t, other, 'sub_', (a, b) => a - alpha * b);
}

export function mul_(t: Tensor, other: Tensor | number): Tensor {
  return binary(t, other, 'mul_', (a, b) => a * b);
}

export function div_(t: Tensor, other: Tensor | number): Tensor {
  return binary(t, other, 'div_', (a, b) => a / b);
}

/** Copies `src` (broadcast to t's shape, converted to t's dtype) into t. */
export function copy_(t: Tensor, src: Tensor): Tensor {
  return binary(t, src, 'copy_', (_a, b) => b);
}

export function fill_(t: Tensor, value: number, op = 'fill_'): Tensor {
  checkWritable(t, op);
  t.data.fill(value);
  t._version++;
  return t;
}

/** Clamps into [min, max]; null leaves that side open (as clamp). NaN stays NaN. */
export function clamp_(t: Tensor, min: number | null, max: number | null): Tensor {
  if (min === null && max === null) throw new ValueError('clamp_: at least one of min and max must be given');
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  // min(max(x, min), max) as PyTorch: min > max sets every value to max
  return binary(t, 0, 'clamp_', (a) => Math.min(Math.max(a, lo), hi));
}

/** Uniform on [a, b), from the seeded generator. */
export function uniform_(t: Tensor, a: number, b: number, generator: Generator = defaultGenerator): Tensor {
  checkWritable(t, 'uniform_');
  if (!(a <= b)) throw new ValueError(`uniform_: expects a <= b, got a=${a}, b=${b}`);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = a + (b - a) * generator.random();
  t._version++;
  return t;
}

/** Normal with this mean and standard deviation, from the seeded generator. */
export function normal_(t: Tensor, mean: number, std: number, generator: Generator = defaultGenerator): Tensor {
  checkWritable(t, 'normal_');
  if (!(std >= 0)) throw new ValueError(`normal_: expects std >= 0, got ${std}`);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
  t._version++;
  return t;
}
