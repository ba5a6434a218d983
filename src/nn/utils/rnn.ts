// Packed sequences as torch.nn.utils.rnn: a batch of sequences of different lengths, stored time
// step by time step without padding, so RNN, LSTM and GRU stop every sequence at its own length.
// Legend: T time (the longest length), B batch, * trailing feature dims, N = Σ lengths.
//   PackedSequence.data  [N,*]: step t's rows are the first batchSizes[t] sequences, longest first
//   padded               [T,B,*] ([B,T,*] with batchFirst)
// Packing and padding are gathers (indexSelect), so gradients flow back to the padded input and
// to the packed data as in PyTorch; padding positions take no gradient.
import { cat, indexSelect, reshape } from '../../autograd/ops/shape.js';
import { full } from '../../tensor/creation.js';
import { fmtShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../errors.js';

/** PyTorch's PackedSequence: what packPaddedSequence and packSequence return, and packed RNNs take and return. */
export class PackedSequence {
  constructor(
    /** [N,*], time-major over the sorted batch. */
    readonly data: Tensor,
    /** Sequences still running at each step, non-increasing; batchSizes[0] = B. */
    readonly batchSizes: readonly number[],
    /** sortedIndices[k]: the original index of the k-th longest sequence (null when the input was sorted). */
    readonly sortedIndices: readonly number[] | null = null,
    /** unsortedIndices[b]: where original sequence b sits in the sorted batch (the inverse permutation). */
    readonly unsortedIndices: readonly number[] | null = null,
  ) {}

  /** Each sequence's length, in the original batch order. */
  get lengths(): number[] {
    const B = this.batchSizes[0] ?? 0;
    const sorted = new Array<number>(B).fill(0);
    for (const n of this.batchSizes) for (let k = 0; k < n; k++) sorted[k]! += 1;
    const un = this.unsortedIndices;
    return un === null ? sorted : un.map((k) => sorted[k]!);
  }
}

export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
}

/** Stacks sequences [L_i,*] into [T,B,*] ([B,T,*] batchFirst), T = max L_i, padding with paddingValue. */
export function padSequence(sequences: readonly Tensor[], opts: PadSequenceOptions = {}): Tensor {
  if (sequences.length === 0) throw new ValueError('padSequence: sequences is empty; expects at least one [L,*] tensor');
  const first = sequences[0]!;
  const rest = first.shape.slice(1);
  for (const s of sequences) {
    if (s.ndim !== first.ndim || s.ndim < 1 || s.shape.some((v, k) => k > 0 && v !== first.shape[k])) {
      throw new ValueError(`padSequence: sequences have shapes ${fmtShape(first.shape)} and ${fmtShape(s.shape)}; expects [L,*] with the same trailing dims`);
    }
  }
  const lengths = sequences.map((s) => s.shape[0]!);
  // row r of cat(sequences) is step r − start[b] of sequence b; row N is the padding
  const start: number[] = [];
  let N = 0;
  for (const L of lengths) { start.push(N); N += L; }
  const T = Math.max(...lengths), B = sequences.length;
  const bf = opts.batchFirst ?? false;
  const idx = new Int32Array(T * B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) idx[bf ? b * T + t : t * B + b] = t < lengths[b]! ? start[b]! + t : N;
  }
  const pad = full([1, ...rest], opts.paddingValue ?? 0, { dtype: first.dtype });
  return reshape(indexSelect(cat([...sequences, pad], 0), 0, idx), bf ? [B, T, ...rest] : [T, B, ...rest]);
}

export interface PackPaddedOptions {
  batchFirst?: boolean;
  /** Lengths must be non-increasing (the default, as PyTorch); false sorts them and records the permutation. */
  enforceSorted?: boolean;
}

/** Packs a padded batch [T,B,*] ([B,T,*] batchFirst) of sequences with the given lengths (each in [1, T]). */
export function packPaddedSequence(input: Tensor, lengths: ArrayLike<number> | Tensor, opts: PackPaddedOptions = {}): PackedSequence {
  const bf = opts.batchFirst ?? false;
  const enforceSorted = opts.enforceSorted ?? true;
  const lens = Array.from(lengths instanceof Tensor ? lengths.data : lengths);
  if (input.ndim < 2) throw new ValueError(`packPaddedSequence: input has shape ${fmtShape(input.shape)} but expects ${bf ? '[B,T,*]' : '[T,B,*]'}`);
  const T = input.shape[bf ? 1 : 0]!, B = input.shape[bf ? 0 : 1]!;
  if (lens.length !== B || B === 0) {
    throw new ValueError(`packPaddedSequence: lengths has ${lens.length} entries but input ${fmtShape(input.shape)} holds ${B} sequences${bf ? ' (batchFirst)' : ''}`);
  }
  for (const L of lens) {
    if (!Number.isInteger(L) || L < 1 || L > T) throw new ValueError(`packPaddedSequence: lengths [${lens.join(',')}] must be integers in [1, ${T}] for input ${fmtShape(input.shape)}`);
  }
  let sorted: number[] | null = null;
  if (enforceSorted) {
    if (lens.some((L, b) => b > 0 && L > lens[b - 1]!)) {
      throw new ValueError(`packPaddedSequence: lengths [${lens.join(',')}] are not sorted in decreasing order; pass enforceSorted: false to sort them`);
    }
  } else {
    // stable, as torch.sort(lengths, descending=True) on the CPU
    sorted = lens.map((_, b) => b).sort((a, b) => lens[b]! - lens[a]! || a - b);
  }
  const order = sorted ?? lens.map((_, b) => b);
  const batchSizes: number[] = [];
  for (let t = 0; t < lens[order[0]!]!; t++) batchSizes.push(order.filter((b) => lens[b]! > t).length);
  const idx: number[] = [];
  batchSizes.forEach((n, t) => {
    for (let k = 0; k < n; k++) idx.push(bf ? order[k]! * T + t : t * B + order[k]!);
  });
  const rest = input.shape.slice(2);
  const data = indexSelect(reshape(input, [T * B, ...rest]), 0, idx);
  return new PackedSequence(data, batchSizes, sorted, sorted === null ? null : invert(sorted));
}

export interface PadPackedOptions {
  batchFirst?: boolean;
  paddingValue?: number;
  /** Pad to this many steps (at least the longest length), e.g. to undo a packing of a longer batch. */
  totalLength?: number;
}

/** Unpacks to [T,B,*] ([B,T,*] batchFirst) in the original batch order; returns [padded, lengths]. */
export function padPackedSequence(sequence: PackedSequence, opts: PadPackedOptions = {}): [Tensor, number[]] {
  const { data, batchSizes } = sequence;
  const maxLen = batchSizes.length, B = batchSizes[0] ?? 0;
  const T = opts.totalLength ?? maxLen;
  if (!Number.isInteger(T) || T < maxLen) {
    throw new ValueError(`padPackedSequence: totalLength ${T} is less than the longest sequence (${maxLen} steps)`);
  }
  const N = batchSizes.reduce((a, n) => a + n, 0);
  if (data.ndim < 1 || data.shape[0] !== N) {
    throw new ValueError(`padPackedSequence: data has shape ${fmtShape(data.shape)} but batchSizes [${batchSizes.join(',')}] expect [${N},*]`);
  }
  const bf = opts.batchFirst ?? false;
  const un = sequence.unsortedIndices;
  const idx = new Int32Array(T * B).fill(N); // row N of cat([data, pad]) is the padding
  let off = 0;
  batchSizes.forEach((n, t) => {
    for (let b = 0; b < B; b++) {
      const k = un === null ? b : un[b]!;
      if (k < n) idx[bf ? b * T + t : t * B + b] = off + k;
    }
    off += n;
  });
  const rest = data.shape.slice(1);
  const pad = full([1, ...rest], opts.paddingValue ?? 0, { dtype: data.dtype });
  const padded = reshape(indexSelect(cat([data, pad], 0), 0, idx), bf ? [B, T, ...rest] : [T, B, ...rest]);
  return [padded, sequence.lengths];
}

export interface PackSequenceOptions {
  enforceSorted?: boolean;
}

/** Packs sequences [L_i,*] (each L_i ≥ 1): padSequence then packPaddedSequence, as PyTorch. */
export function packSequence(sequences: readonly Tensor[], opts: PackSequenceOptions = {}): PackedSequence {
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]!), { enforceSorted: opts.enforceSorted ?? true });
}

function invert(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, k) => { inv[p] = k; });
  return inv;
}
