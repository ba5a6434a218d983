// What RNN, LSTM and GRU share: PyTorch's options and parameter naming, input/state validation,
// and the scan over layers and directions (each layer-direction one fused sequence op; inter-layer
// dropout; bidirectional outputs concatenated on the feature dim). Legend: T time, B batch,
// I input_size, H hidden_size, L num_layers, D directions, G gates (1 RNN, 4 LSTM, 3 GRU),
// N = Σ lengths of a PackedSequence.
import { add } from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { type SequenceOptions, finalRows, sequenceLayout } from '../autograd/ops/sequence.js';
import { cat, indexSelect, reshape, select, squeeze, stack, unsqueeze } from '../autograd/ops/shape.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { dropout } from './functional.js';
import { uniform_ } from './init.js';
import { Module, type Parameter } from './module.js';
import { PackedSequence } from './utils/rnn.js';
import { ValueError } from '../errors.js';

export interface RecurrentOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
  /** Generator for the initial weights and the inter-layer dropout masks (default: the global one). */
  generator?: Generator;
}

/** One layer-direction's parameter names: weight_ih{sfx}, weight_hh{sfx}, bias_ih{sfx}, bias_hh{sfx}. */
interface LayerNames {
  wIh: string;
  wHh: string;
  bIh: string;
  bHh: string;
}

/** One layer-direction's parameters: weight_ih [G·H, in], weight_hh [G·H, H], biases [G·H]. */
export interface LayerParams {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

/**
 * One layer-direction's run over x in the layout `seq` (reverse, batchFirst or packed batchSizes):
 * its output sequence and any extra final states (LSTM's cN).
 */
export type LayerRun = (x: Tensor, states: Tensor[], p: LayerParams, seq: SequenceOptions) => [Tensor, ...Tensor[]];

export function checkSizes(op: string, inputSize: number, hiddenSize: number, numLayers: number): void {
  for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', numLayers]] as const) {
    if (!Number.isInteger(v) || v < (name === 'inputSize' ? 0 : 1)) throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
}

/** PyTorch's per-layer attribute names: `weight_ih_l0`, `bias_hh_l1_reverse`, … */
type WeightName = `weight_${'ih' | 'hh'}_l${number}` | `weight_${'ih' | 'hh'}_l${number}_reverse`;
type BiasName = `bias_${'ih' | 'hh'}_l${number}` | `bias_${'ih' | 'hh'}_l${number}_reverse`;

export abstract class RecurrentBase extends Module {
  /** `lstm.weight_ih_l0` etc., as in PyTorch (undefined for a layer that does not exist). */
  [name: WeightName]: Parameter;
  /** `lstm.bias_ih_l0` etc.; undefined with `bias: false`. */
  [name: BiasName]: Parameter | undefined;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly generator: Generator;
  /** @internal */
  // index l·D + d. Names, not tensors: the forward reads the registered parameters, so an
  // assignment such as `rnn.weight_hh_l0 = shared` (a tie) is what runs.
  private readonly cells: LayerNames[] = [];
  /** @internal */
  private resolved: LayerParams[] = [];
  /** @internal */
  private resolvedAt = -1;

  constructor(private readonly kind: string, readonly inputSize: number, readonly hiddenSize: number, gates: number, opts: RecurrentOptions) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    checkSizes(kind, inputSize, hiddenSize, this.numLayers);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError(`${kind}: dropout must be in [0, 1], got ${this.dropout}`);
    const H = hiddenSize, D = this.numDirections, GH = gates * H;
    // PyTorch's default: every parameter from U(−1/√H, 1/√H)
    const k = 1 / Math.sqrt(H);
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, this.generator);
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const names = { wIh: `weight_ih${sfx}`, wHh: `weight_hh${sfx}`, bIh: `bias_ih${sfx}`, bHh: `bias_hh${sfx}` };
        this.registerParameter(names.wIh, u([GH, l === 0 ? inputSize : H * D]));
        this.registerParameter(names.wHh, u([GH, H]));
        if (this.bias) {
          this.registerParameter(names.bIh, u([GH]));
          this.registerParameter(names.bHh, u([GH]));
        }
        this.cells.push(names);
      }
    }
  }

  /** @internal every layer-direction's parameters as registered now, resolved again after an assignment */
  private layerParams(): LayerParams[] {
    if (this.resolvedAt !== this.registryVersion) {
      const need = (name: string): Parameter => {
        const p = this.getParameter(name);
        if (p === null) throw new ValueError(`${this.kind}.forward: parameter ${name} is None; assign a Parameter to it`);
        return p;
      };
      this.resolved = this.cells.map((n) => ({ wIh: need(n.wIh), wHh: need(n.wHh), bIh: this.bias ? need(n.bIh) : null, bHh: this.bias ? need(n.bHh) : null }));
      this.resolvedAt = this.registryVersion;
    }
    return this.resolved;
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Validates the input and the initial states (named `names`, zeros when omitted), runs every
   * layer-direction with `run`, and returns the output and the final states ([L·D,B,H] each),
   * with PyTorch's unbatched convention applied to both. A PackedSequence runs packed in the fused
   * ops (each sequence stops at its own length) and comes back packed; its states are in the
   * original batch order, as PyTorch's, and permuted to the sorted order the kernels see.
   */
  protected scan(input: Tensor | PackedSequence, given: (Tensor | undefined)[], names: string[], run: LayerRun): [Tensor | PackedSequence, Tensor[]] {
    const { kind, inputSize: I, hiddenSize: H, numLayers: L, numDirections: D } = this;
    const packed = input instanceof PackedSequence ? input : null;
    const data = input instanceof PackedSequence ? input.data : input;
    if (packed ? data.ndim !== 2 || data.shape[1] !== I : (data.ndim !== 2 && data.ndim !== 3) || data.shape[data.ndim - 1] !== I) {
      const layout = packed ? `packed data [N,${I}]` : this.batchFirst ? `[B,T,${I}] or [T,${I}] (unbatched)` : `[T,B,${I}] or [T,${I}] (unbatched)`;
      throw new ValueError(`${kind}.forward: input ${packed ? 'data ' : ''}has shape ${fmtShape(data.shape)} but expects ${layout}`);
    }
    const params = this.layerParams();
    const dtype = params[0]!.wIh.dtype;
    if (data.dtype !== dtype) {
      throw new ValueError(`${kind}.forward: input is ${data.dtype} but the parameters are ${dtype}; convert one with .to()`);
    }
    const unbatched = !packed && data.ndim === 2;
    // unbatched input is [T,I] whatever batchFirst says, as in PyTorch
    const bf = this.batchFirst && !unbatched && !packed;
    const timeDim = bf ? 1 : 0;
    let x = unbatched ? unsqueeze(data, 1) : data;
    const layout = (reverse: boolean): SequenceOptions => ({ reverse, batchFirst: bf, batchSizes: packed?.batchSizes ?? null });
    // packed, each sequence's final row of the output (per direction)
    const finalRowsOf = packed ? [false, true].map((rev) => finalRows(sequenceLayout(kind, x, layout(rev)))) : null;
    const B = packed ? packed.batchSizes[0]! : x.shape[bf ? 0 : 1]!, T = packed ? packed.batchSizes.length : x.shape[timeDim]!;
    const want = unbatched ? [L * D, H] : [L * D, B, H];
    const sorted = packed?.sortedIndices ?? null;
    const states = names.map((name, i) => {
      const s = given[i];
      if (s === undefined) return zeros([L * D, B, H], { dtype });
      if (s.ndim !== want.length || s.shape.some((v, k) => v !== want[k])) {
        throw new ValueError(`${kind}.forward: ${name} has shape ${fmtShape(s.shape)} but expects ${fmtShape(want)}`);
      }
      if (sorted) return indexSelect(s, 1, sorted);
      return unbatched ? unsqueeze(s, 1) : s;
    });
    const finals: Tensor[][] = names.map(() => []);
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const pick = (s: Tensor) => (L * D === 1 ? reshape(s, [B, H]) : select(s, 0, l * D + d));
        const initial = states.map(pick);
        const [seq, ...extra] = run(x, initial, params[l * D + d]!, layout(d === 1));
        outs.push(seq);
        // the final hidden state is the last step each sequence processed: t = T−1 forwards (its
        // own last step, packed), t = 0 in reverse
        if (T === 0) finals[0]!.push(initial[0]!);
        else if (finalRowsOf) finals[0]!.push(indexSelect(seq, 0, finalRowsOf[d]!));
        else finals[0]!.push(select(seq, timeDim, d === 1 ? 0 : T - 1));
        extra.forEach((e, k) => finals[k + 1]!.push(e));
      }
      x = D === 1 ? outs[0]! : cat(outs, outs[0]!.ndim - 1);
      if (l < L - 1 && this.dropout > 0) x = dropout(x, this.dropout, this.training, this.generator);
    }
    let last = finals.map((f) => (f.length === 1 ? unsqueeze(f[0]!, 0) : stack(f, 0)));
    if (packed) {
      const un = packed.unsortedIndices;
      if (un) last = last.map((s) => indexSelect(s, 1, un));
      return [new PackedSequence(x, packed.batchSizes, packed.sortedIndices, packed.unsortedIndices), last];
    }
    if (unbatched) return [squeeze(x, 1), last.map((s) => squeeze(s, 1))];
    return [x, last];
  }
}

export interface CellOptions {
  bias?: boolean;
  dtype?: DType;
  /** Generator for the initial weights (default: the global one). */
  generator?: Generator;
}

/**
 * What RNNCell, LSTMCell and GRUCell share: parameters weight_ih [G·H, I], weight_hh [G·H, H],
 * bias_ih and bias_hh [G·H] from U(−1/√H, 1/√H), and PyTorch's batched/unbatched input handling.
 */
export abstract class CellBase extends Module {
  // assignable, as in PyTorch
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(private readonly kind: string, readonly inputSize: number, readonly hiddenSize: number, gates: number, opts: CellOptions) {
    super();
    checkSizes(kind, inputSize, hiddenSize, 1);
    const k = 1 / Math.sqrt(hiddenSize), GH = gates * hiddenSize;
    const u = (shape: number[]) => uniform_(zeros(shape, { dtype: opts.dtype }), -k, k, opts.generator);
    this.weight_ih = this.registerParameter('weight_ih', u([GH, inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', u([GH, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? this.registerParameter('bias_ih', u([GH])) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', u([GH])) : null;
  }

  /**
   * Validates x ([B,I] or [I]) and the states (each [B,H] or [H], zeros when omitted) and returns
   * them batched, with `unbatch` to undo it on the results.
   */
  protected prepare(x: Tensor, given: (Tensor | undefined)[], names: string[]): { x: Tensor; states: Tensor[]; unbatch: (t: Tensor) => Tensor } {
    const { kind, inputSize: I, hiddenSize: H } = this;
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== I) {
      throw new ValueError(`${kind}.forward: input has shape ${fmtShape(x.shape)} but expects [B,${I}] or [${I}]`);
    }
    const unbatched = x.ndim === 1;
    const xb = unbatched ? unsqueeze(x, 0) : x;
    const B = xb.shape[0]!;
    const want = unbatched ? [H] : [B, H];
    const states = names.map((name, i) => {
      const s = given[i];
      if (s === undefined) return zeros([B, H], { dtype: x.dtype });
      if (s.ndim !== want.length || s.shape.some((v, k) => v !== want[k])) {
        throw new ValueError(`${kind}.forward: ${name} has shape ${fmtShape(s.shape)} but expects ${fmtShape(want)}`);
      }
      return unbatched ? unsqueeze(s, 0) : s;
    });
    return { x: xb, states, unbatch: (t) => (unbatched ? squeeze(t, 0) : t) };
  }

  /** [x W_ihᵀ + b_ih, h W_hhᵀ + b_hh], all gates side by side on the last dim. */
  protected projections(x: Tensor, h: Tensor): [Tensor, Tensor] {
    let u = matmul(x, this.weight_ih, { transB: true });
    if (this.bias_ih) u = add(u, this.bias_ih);
    let v = matmul(h, this.weight_hh, { transB: true });
    if (this.bias_hh) v = add(v, this.bias_hh);
    return [u, v];
  }
}
