// The tape: every op that needs a gradient records its inputs and a backward closure on its output
// tensor; `backward` walks that graph in reverse topological order. The sort is iterative, since a
// BPTT graph over thousands of steps would overflow the call stack with a recursive one.
import type { Data } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { ValueError } from '../errors.js';

/** Returns the buffer to accumulate the gradient of `t` into, or null when `t` needs none. */
export type Accum = (t: Tensor) => Data | null;
/** Receives the gradient of the op's output and accumulates (`+=`, never `=`) into its inputs'. */
export type BackwardFn = (grad: Data, acc: Accum) => void;

/** True when an op on these inputs must be recorded. */
export function needsGrad(...inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/** Attaches the op to `out` when any input requires grad; returns `out`. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: BackwardFn): Tensor {
  if (needsGrad(...inputs)) out._setGradFn(op, inputs, backward);
  return out;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top]!;
    const i = next[top]!;
    if (i < t._inputs.length) {
      next[top] = i + 1;
      const c = t._inputs[i]!;
      if (!seen.has(c) && c._backward !== null) {
        seen.add(c);
        stack.push(c);
        next.push(0);
      }
    } else {
      order.push(t);
      stack.pop();
      next.pop();
    }
  }
  return order;
}

/** Backpropagates `seed` (the gradient of some scalar w.r.t. `root`) into every leaf's `.grad`. */
export function runBackward(root: Tensor, seed: Data): void {
  const buffers = new Map<Tensor, Data>();
  const acc: Accum = (t) => {
    if (!t.requiresGrad) return null;
    if (t._backward === null) return t._leafGrad();
    let b = buffers.get(t);
    if (b === undefined) {
      b = alloc(t.dtype, t.data.length);
      buffers.set(t, b);
    }
    return b;
  };
  const g0 = acc(root);
  if (g0 === null) throw new ValueError('backward: the tensor does not require grad and has no grad_fn');
  for (let i = 0; i < seed.length; i++) g0[i] += seed[i]!;
  if (root._backward === null) return;
  const order = topoOrder(root);
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    const g = buffers.get(t);
    if (g === undefined) continue;
    buffers.delete(t);
    if (t._retainsGrad) {
      const r = t._leafGrad();
      for (let i = 0; i < g.length; i++) r[i] += g[i]!;
    }
    t._backward!(g, acc);
  }
}
