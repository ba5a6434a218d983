// Truncated backpropagation through time, BPTT(k1, k2), and the two ways of cutting a long series
// into mini-batches (d2l §8.3: sequential partitioning with the state carried across batches, and
// random partitioning with a fresh state per batch).
// Legend: T time, B batch, I input features, n series length, S the model's state type
// (Tensor for RNN/GRU hN, [hN, cN] for LSTM).
//
// BPTT(k1, k2) (Sutskever 2013 §2.8.6; Williams & Peng 1990's BPTT(h; h′) with k2 = h, k1 = h′),
// 1 ≤ k1 ≤ k2: windows end at t_e = k1, 2k1, … and at T. The window ending at t_e starts its
// losses where the previous one ended (t_s). It restarts the forward pass at r = max(0, t_e − k2)
// from the stored, detached state there, runs steps [r, t_e) with the current parameters, sums the
// losses of steps [t_s, t_e) only, backpropagates (so each loss reaches back at most k2 steps, and
// at least k2 − k1 + 1), takes one optimizer step, and stores the detached states after the new
// steps (t_s, t_e]. k1 = k2 is "detach every k steps"; k1 = k2 = T is full BPTT.
import type { Optimizer } from '../optim/optimizer.js';
import { lmBatches, minCorpusLength } from '../data/lm.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { optimizerParams, TrainingError, trainStepOrThrow } from './step.js';

/** A recurrent state: one tensor (RNN, GRU), a tuple (LSTM's [h, c]) or a named record ({ h, c }). */
export type RecurrentState = Tensor | readonly Tensor[] | { readonly [name: string]: Tensor };

/**
 * What truncated BPTT trains: runs a chunk of time steps from a state (the model's default, zeros,
 * when undefined) and returns the per-step outputs [T,B,…] with the state after the last step.
 * nn.RNN / nn.GRU (S = Tensor) and nn.LSTM (S = [h, c]) fit once a head is applied to the output.
 */
export interface Recurrent<S extends RecurrentState> {
  forward(x: Tensor, state?: S): [Tensor, S];
}

/** The state's tensors cut from the graph (values shared), so backprop stops there. */
export function detachState<S extends RecurrentState>(state: S): S {
  if (state instanceof Tensor) return state.detach() as S;
  if (Array.isArray(state)) return state.map((t: Tensor) => t.detach()) as unknown as S;
  // a record may leave a field undefined (an RNN's { h, c: undefined })
  return Object.fromEntries(Object.entries(state).map(([k, t]) => [k, (t as Tensor | undefined)?.detach()])) as unknown as S;
}

/** truncatedBptt's errors are TrainingErrors (one class for every training loop); the old name stays. */
export const TbpttError = TrainingError;

/** One window of BPTT(k1, k2): the forward runs [start, end), the loss covers [lossStart, end). */
export interface TbpttWindow {
  start: number;
  lossStart: number;
  end: number;
}

/** The windows of BPTT(k1, k2) over T steps, in order (the last one is the tail when k1 ∤ T). */
export function tbpttWindows(T: number, k1: number, k2: number): TbpttWindow[] {
  checkInt('T', T, 1);
  checkK(k1, k2);
  const out: TbpttWindow[] = [];
  for (let lossStart = 0; lossStart < T; lossStart += k1) {
    const end = Math.min(lossStart + k1, T);
    out.push({ start: Math.max(0, end - k2), lossStart, end });
  }
  return out;
}

export interface TbpttOptions<S extends RecurrentState> {
  k1: number;
  k2: number;
  optimizer: Optimizer<object>;
  /** The loss of ONE time step: output [B,…] and target [B,…] → a scalar. A window sums these. */
  lossFn: (output: Tensor, target: Tensor) => Tensor;
  /** State before step 0 (default: the model's zeros). Used detached. */
  h0?: S;
  /** Clip the joint gradient norm before each optimizer step. */
  clipGradNorm?: number;
}

export interface TbpttResult<S extends RecurrentState> {
  /** The summed loss of each window (one optimizer step each), in window order. */
  losses: number[];
  windows: TbpttWindow[];
  /** The detached state after step T − 1 (feeds the next sequence in stateful training). */
  finalState: S | undefined;
}

/**
 * One pass of BPTT(k1, k2) over a sequence x [T,B,I] with targets y [T,B,…]: one optimizer step per
 * window. The model's forward is called on chunks of the window, split where a later window will
 * restart, so those states can be stored; chaining chunks is the same computation as one call.
 */
export function truncatedBptt<S extends RecurrentState>(
  model: Recurrent<S>,
  seq: { x: Tensor; y: Tensor },
  opts: TbpttOptions<S>,
): TbpttResult<S> {
  const { x, y } = seq;
  if (x.ndim < 2 || y.ndim < 1 || x.shape[0] !== y.shape[0]) {
    throw new TbpttError(`truncatedBptt: x has shape [${x.shape.join(',')}] and y [${y.shape.join(',')}]; expected x [T,B,…] and y [T,…] with the same T`);
  }
  const T = x.shape[0]!;
  if (T === 0) throw new TbpttError('truncatedBptt: the sequence is empty (T = 0)');
  const { k1, k2, optimizer, lossFn } = opts;
  const windows = tbpttWindows(T, k1, k2);
  const params = optimizerParams(optimizer);
  // the times a later window restarts from, plus T for the final state
  const restarts = new Set(windows.map((w) => w.start).concat(T));
  const stored = new Map<number, S | undefined>([[0, opts.h0 === undefined ? undefined : detachState(opts.h0)]]);
  const losses: number[] = [];

  for (const [i, w] of windows.entries()) {
    let state = stored.get(w.start); // detached: computed by an earlier window, with older parameters
    let loss: Tensor | null = null;
    for (const [a, b] of chunks(w, restarts)) {
      const [out, next] = model.forward(x.slice(0, a, b), state);
      state = next;
      for (let t = Math.max(a, w.lossStart); t < b; t++) {
        const lt = lossFn(out.select(0, t - a), y.select(0, t));
        loss = loss === null ? lt : loss.add(lt);
      }
      if (b > w.lossStart) stored.set(b, detachState(next)); // only the new steps (t_s, t_e]
    }
    losses.push(trainStepOrThrow(optimizer, params, () => loss!, `truncatedBptt: window ${i + 1} of ${windows.length}`, opts));
    const nextStart = windows[i + 1]?.start ?? T;
    for (const t of stored.keys()) if (t < nextStart) stored.delete(t); // no later window starts there
  }
  return { losses, windows, finalState: stored.get(T) };
}

/** The forward chunks [a, b) of a window: split at every restart point inside its loss span. */
function chunks(w: TbpttWindow, restarts: ReadonlySet<number>): [number, number][] {
  const cuts = [w.start];
  for (let t = w.lossStart + 1; t < w.end; t++) if (restarts.has(t)) cuts.push(t);
  cuts.push(w.end);
  return cuts.slice(1).map((b, i) => [cuts[i]!, b]);
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new TbpttError(`truncatedBptt: ${name} must be an integer ≥ ${min}, got ${v}`);
}

function checkK(k1: number, k2: number): void {
  checkInt('k1', k1, 1);
  checkInt('k2', k2, 1);
  if (k1 > k2) throw new TbpttError(`truncatedBptt: k1 (${k1}) must not exceed k2 (${k2}); every loss needs at least one step of backpropagation in its window`);
}

// ---- Stateful and stateless training over mini-batches of a long series --------------------
// The partitions are d2l's two iterators from src/data/lm.ts (§8.3.4); here only their row starts
// are used, and the values are gathered as floats, so a real-valued series works as well as ids.

/**
 * The values of one mini-batch as time-major tensors: x [numSteps,B] holds values[s + t] for row
 * start s, y [numSteps,B] the next values values[s + t + 1]. (Add a feature axis with
 * `x.unsqueeze(-1)`; token ids are used as they are.)
 */
export function batchAt(values: ArrayLike<number>, starts: readonly number[], numSteps: number): { x: Tensor; y: Tensor } {
  const B = starts.length;
  const x = new Float32Array(numSteps * B), y = new Float32Array(numSteps * B);
  for (let b = 0; b < B; b++) {
    const s = starts[b]!;
    if (s < 0 || s + numSteps + 1 > values.length) throw new TbpttError(`batchAt: row start ${s} + ${numSteps} steps (+1 target) runs past the ${values.length} values`);
    for (let t = 0; t < numSteps; t++) {
      x[t * B + b] = values[s + t]!;
      y[t * B + b] = values[s + t + 1]!;
    }
  }
  return { x: new Tensor(x, [numSteps, B]), y: new Tensor(y, [numSteps, B]) };
}

export interface PartitionedEpochOptions<S extends RecurrentState> {
  partition: 'sequential' | 'random';
  batchSize: number;
  numSteps: number;
  optimizer: Optimizer<object>;
  /** Loss of one time step, as in truncatedBptt. */
  lossFn: (output: Tensor, target: Tensor) => Tensor;
  /** Draws the partition's random offset (and the random order); default Generator(0). */
  generator?: Generator;
  /** Turns a mini-batch's values [numSteps,B] into the model input (default: add a feature axis). */
  toInput?: (x: Tensor) => Tensor;
  /** Turns a mini-batch's next values [numSteps,B] into the targets (default: add a feature axis). */
  toTarget?: (y: Tensor) => Tensor;
  /** Sequential partitioning: the state carried into the first batch (e.g. from the last epoch). */
  state?: S;
  clipGradNorm?: number;
}

/**
 * One epoch over a long series; returns each batch's summed loss and its row starts. Sequential
 * partitioning carries the (detached) state from each batch into the next, which is
 * BPTT(numSteps, numSteps) on the batchSize parallel rows; random partitioning starts every batch
 * from the model's zero state.
 */
export function trainPartitioned<S extends RecurrentState>(
  model: Recurrent<S>,
  values: ArrayLike<number>,
  opts: PartitionedEpochOptions<S>,
): { losses: number[]; batches: number[][]; finalState: S | undefined } {
  const { partition, batchSize: B, numSteps } = opts;
  if (partition !== 'sequential' && partition !== 'random') throw new TbpttError(`trainPartitioned: partition must be 'sequential' or 'random', got '${String(partition)}'`);
  if (!Number.isInteger(numSteps) || numSteps < 1) throw new TbpttError(`trainPartitioned: numSteps must be an integer ≥ 1, got ${numSteps}`);
  if (!Number.isInteger(B) || B < 1) throw new TbpttError(`trainPartitioned: batchSize must be an integer ≥ 1, got ${B}`);
  const need = minCorpusLength(partition, B, numSteps);
  if (values.length < need) throw new TbpttError(`trainPartitioned: a series of ${values.length} values is too short for batchSize ${B} × numSteps ${numSteps} (${partition} partitioning needs at least ${need})`);
  const batches = [...lmBatches(partition, values, B, numSteps, { generator: opts.generator })].map((b) => b.starts);
  const toInput = opts.toInput ?? ((t: Tensor) => t.unsqueeze(-1));
  const toTarget = opts.toTarget ?? ((t: Tensor) => t.unsqueeze(-1));
  const params = optimizerParams(opts.optimizer);
  let state = partition === 'sequential' && opts.state !== undefined ? detachState(opts.state) : undefined;
  const losses: number[] = [];
  for (const starts of batches) {
    const { x, y } = batchAt(values, starts, numSteps);
    if (partition === 'random') state = undefined; // a fresh state: this batch does not continue the last
    const [out, next] = model.forward(toInput(x), state);
    const target = toTarget(y);
    let loss = opts.lossFn(out.select(0, 0), target.select(0, 0));
    for (let t = 1; t < numSteps; t++) loss = loss.add(opts.lossFn(out.select(0, t), target.select(0, t)));
    losses.push(trainStepOrThrow(opts.optimizer, params, () => loss, `trainPartitioned: batch ${losses.length + 1} of ${batches.length}`, opts));
    state = detachState(next);
  }
  return { losses, batches, finalState: partition === 'sequential' ? state : undefined };
}
