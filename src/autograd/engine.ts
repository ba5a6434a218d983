// The tape: every op that needs a gradient records its inputs and a backward closure on its output
// tensor; `backward` walks that graph in reverse topological order. The sort is iterative, since a
// BPTT graph over thousands of steps would overflow the call stack with a recursive one.
//
// A node may have several outputs (the fused LSTM's output and cN; `recordMulti`). They share one
// backward, which receives one gradient per output, so it must run once, after every consumer of
// every output: the sort walks nodes, not tensors, standing each node for its first output.
//
// Two PyTorch checks guard a graph's saved buffers:
// - A backward without `retainGraph` frees the graph it walked: each node's closure (and with it
//   every buffer it saved) is replaced by FREED, and a later backward that reaches one throws.
//   PyTorch only throws for nodes that saved tensors; rnnkit does not know which closures save
//   what, so it throws for any freed node.
// - Every in-place op bumps its tensor's `_version`. A node records the versions of its inputs and
//   of its output when it is created, and backward refuses to run if any has changed since, as
//   PyTorch's "modified by an inplace operation". Again rnnkit cannot tell a saved input from an
//   unsaved one, so this is stricter than PyTorch (`y = x + 1; x.mul_(2); y.backward()` throws
//   here, not there), never looser. Both checks run before any gradient is accumulated.
import type { Data } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { ValueError } from '../errors.js';

/** Returns the buffer to accumulate the gradient of `t` into, or null when `t` needs none. */
export type Accum = (t: Tensor) => Data | null;
/** Receives the gradient of the op's output and accumulates (`+=`, never `=`) into its inputs'. */
export type BackwardFn = (grad: Data, acc: Accum) => void;
/**
 * Receives the gradient of each of the op's outputs, in order, null for an output the loss does
 * not reach, and accumulates (`+=`) into its inputs'. At least one gradient is non-null.
 */
export type MultiBackwardFn = (grads: readonly (Data | null)[], acc: Accum) => void;

/**
 * @internal The ONNX exporter's tracer (src/onnx/trace.ts): while set, it sees every op that reaches
 * `record`/`recordMulti`, grad or no grad, with the op's attributes; null otherwise (one check).
 */
export type TraceHook = (op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>> | undefined) => void;
// Exported (a live binding) so that ops build their attrs only while tracing: `traceHook && { dim }`.
export let traceHook: TraceHook | null = null;

/** @internal sets (or clears, with null) the trace hook; returns the previous one */
export function setTraceHook(h: TraceHook | null): TraceHook | null {
  const prev = traceHook;
  traceHook = h;
  return prev;
}

/** @internal shows the trace hook an op that records no gradient (comparisons, argmax, detach) */
export function traceOnly(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs?: Readonly<Record<string, unknown>>): void {
  traceHook?.(op, inputs, outputs, attrs);
}

/** True when an op on these inputs must be recorded. */
export function needsGrad(...inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/** Attaches the op to `out` when any input requires grad; returns `out`. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: BackwardFn, attrs?: Readonly<Record<string, unknown>> | null): Tensor {
  if (traceHook !== null) traceHook(op, inputs, [out], attrs ?? undefined);
  if (needsGrad(...inputs)) out._setGradFn(op, inputs, (grads, acc) => backward(grads[0]!, acc), [out]);
  return out;
}

/**
 * Attaches one op with several outputs, as one node, when any input requires grad; returns
 * `outputs`. Its backward runs once per backward pass and gets one gradient per output.
 */
export function recordMulti<T extends readonly Tensor[]>(outputs: T, op: string, inputs: readonly Tensor[], backward: MultiBackwardFn, attrs?: Readonly<Record<string, unknown>> | null): T {
  if (traceHook !== null) traceHook(op, inputs, outputs, attrs ?? undefined);
  if (needsGrad(...inputs)) for (const out of outputs) out._setGradFn(op, inputs, backward, outputs);
  return outputs;
}

/** The message of a backward through a freed graph (PyTorch's retain_graph error). */
export const FREED_MESSAGE =
  'backward: trying to backward through the graph a second time (or directly access saved tensors after they have already been freed); pass { retainGraph: true } to the first backward if you need to';

/** @internal the backward of a node whose graph a backward without retainGraph has freed */
export const FREED: MultiBackwardFn = () => {
  throw new ValueError(FREED_MESSAGE);
};

function checkVersions(t: Tensor): void {
  const saved = t._savedVersions;
  if (saved === null) return;
  const n = t._inputs.length;
  for (let i = 0; i <= n; i++) {
    const x = i < n ? t._inputs[i]! : t;
    if (x._version !== saved[i]) {
      const outs = t._outputs;
      const which = i < n ? `input ${i} of ${t._op}`
        : outs.length > 1 ? `output ${outs.indexOf(t)} of ${t._op}` : `the output of ${t._op}`;
      throw new ValueError(
        `backward: one of the variables needed for gradient computation has been modified by an inplace operation: ${x.toString()} (${which}) is at version ${x._version}; expected version ${saved[i]} instead`,
      );
    }
  }
}

/** The tensor that stands for the node producing `t` in the sort: its first output. */
function nodeOf(t: Tensor): Tensor {
  return t._outputs[0] ?? t;
}

/** The nodes reachable from `root`, each after every node it consumes an output of. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const first = nodeOf(root);
  const seen = new Set<Tensor>([first]);
  const stack: Tensor[] = [first];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top]!;
    const i = next[top]!;
    if (i < t._inputs.length) {
      next[top] = i + 1;
      const c = nodeOf(t._inputs[i]!);
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

/**
 * Backpropagates `seed` (the gradient of some scalar w.r.t. `root`) into every leaf's `.grad`;
 * frees the graph it walked unless `retainGraph`.
 */
export function runBackward(root: Tensor, seed: Data, retainGraph = false): void {
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
  if (!root.requiresGrad) throw new ValueError('backward: the tensor does not require grad and has no grad_fn');
  const order = root._backward === null ? [] : topoOrder(root);
  for (const t of order) if (t._backward === FREED) throw new ValueError(FREED_MESSAGE);
  for (const t of order) for (const out of t._outputs) checkVersions(out);
  const g0 = acc(root)!;
  for (let i = 0; i < seed.length; i++) g0[i] += seed[i]!;
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    // every consumer of every output has run: their gradients are complete
    let reached = false;
    const grads = t._outputs.map((out) => {
      const g = buffers.get(out);
      if (g === undefined) return null;
      buffers.delete(out);
      reached = true;
      if (out._retainsGrad) {
        const r = out._leafGrad();
        for (let i = 0; i < g.length; i++) r[i] += g[i]!;
      }
      return g;
    });
    if (reached) t._backward!(grads, acc);
  }
  if (!retainGraph) {
    for (const t of order) {
      for (const out of t._outputs) {
        out._backward = FREED;
        out._inputs = [];
        out._savedVersions = null;
      }
    }
  }
}
