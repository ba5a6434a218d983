// nn.RNN / LSTM / GRU → one ONNX RNN / LSTM / GRU node per layer (both directions in one node).
// ONNX's gate order and bias layout differ from PyTorch's, so the weights are re-stacked:
//   LSTM  PyTorch rows i,f,g,o  →  ONNX i,o,f,c
//   GRU   PyTorch rows r,z,n    →  ONNX z,r,h, with linear_before_reset=1 (PyTorch's r ⊙ (W_hn h + b_hn))
//   W [D,G·H,I] = weight_ih of each direction, R [D,G·H,H] = weight_hh, B [D,2·G·H] = [b_ih; b_hh]
// ONNX's Y is [T,D,B,H]; PyTorch's output [T,B,D·H] is its Transpose(0,2,1,3) reshaped, which is also
// the next layer's input. batchFirst transposes in and out; Y_h of every layer, concatenated, is hN.
import { GRU } from '../nn/gru.js';
import { LSTM } from '../nn/lstm.js';
import type { RecurrentBase } from '../nn/recurrent.js';
import { RNN } from '../nn/rnn.js';
import { PackedSequence } from '../nn/utils/rnn.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';
import type { TraceState } from './export.js';
import { aI, aIs, aS, aSs, type SymDim } from './graph.js';

/** Rows of a [G·H, cols] matrix (or [G·H] vector) regrouped by gate blocks `order`. */
function regroup(data: ArrayLike<number>, H: number, cols: number, order: readonly number[]): number[] {
  const out: number[] = [];
  for (const b of order) for (let r = b * H; r < (b + 1) * H; r++) for (let c = 0; c < cols; c++) out.push(data[r * cols + c]!);
  return out;
}

export function emitRecurrent(st: TraceState, m: RecurrentBase, args: readonly unknown[], res: [Tensor, Tensor | [Tensor, Tensor]], where: string): void {
  const g = st.g;
  const input = args[0];
  if (input instanceof PackedSequence) throw new ValueError(`ONNX export: ${where} was given a PackedSequence; export the padded (fixed-length) path instead`);
  if (!(input instanceof Tensor) || input.ndim !== 3) throw new ValueError(`ONNX export: ${where} needs a batched 3-D input, got ${input instanceof Tensor ? `[${input.shape.join(',')}]` : typeof input}`);
  const isLstm = m instanceof LSTM, isGru = m instanceof GRU;
  const op = isLstm ? 'LSTM' : isGru ? 'GRU' : 'RNN';
  const gates = isLstm ? 4 : isGru ? 3 : 1;
  const order = isLstm ? [0, 3, 1, 2] : isGru ? [1, 0, 2] : [0];
  const { hiddenSize: H, numLayers: L, numDirections: D, batchFirst } = m;
  const state = args[1];
  const [h0, c0] = isLstm ? ((state as [Tensor, Tensor] | undefined) ?? [undefined, undefined]) : [state as Tensor | undefined, undefined];
  const x = st.val(input);
  const dt = x.elem;
  const tSym = x.sym[batchFirst ? 1 : 0]!, bSym = x.sym[batchFirst ? 0 : 1]!;
  let X = batchFirst ? g.one('Transpose', [x.name], [aIs('perm', [1, 0, 2])]) : x.name;
  const hs: string[] = [], cs: string[] = [];
  const layerState = (t: Tensor | undefined, l: number): string => {
    if (t === undefined) return '';
    const v = st.val(t);
    return L === 1 ? v.name : g.one('Slice', [v.name, g.ints([l * D]), g.ints([(l + 1) * D]), g.ints([0])]);
  };
  const params = m as unknown as Record<string, Tensor | undefined>;
  for (let l = 0; l < L; l++) {
    const w: number[] = [], r: number[] = [], b: number[] = [];
    let inSize = 0;
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const wIh = params[`weight_ih${sfx}`]!, wHh = params[`weight_hh${sfx}`]!;
      inSize = wIh.shape[1]!;
      w.push(...regroup(wIh.data, H, inSize, order));
      r.push(...regroup(wHh.data, H, H, order));
      if (m.bias) b.push(...regroup(params[`bias_ih${sfx}`]!.data, H, 1, order), ...regroup(params[`bias_hh${sfx}`]!.data, H, 1, order));
    }
    const base = `${where.split(' ')[0]}.l${l}`;
    const inputs = [
      X,
      g.initializer(`${base}.W`, [D, gates * H, inSize], dt, w),
      g.initializer(`${base}.R`, [D, gates * H, H], dt, r),
      m.bias ? g.initializer(`${base}.B`, [D, 2 * gates * H], dt, b) : '',
      '',
      layerState(h0, l),
      ...(isLstm ? [layerState(c0, l)] : []),
    ];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const attrs = [aI('hidden_size', H), aS('direction', D === 2 ? 'bidirectional' : 'forward')];
    if (isGru) attrs.push(aI('linear_before_reset', 1));
    if (m instanceof RNN) attrs.push(aSs('activations', Array<string>(D).fill(m.nonlinearity === 'relu' ? 'Relu' : 'Tanh')));
    const [Y, Yh, Yc] = g.node(op, inputs, attrs, isLstm ? 3 : 2);
    hs.push(Yh!);
    if (isLstm) cs.push(Yc!);
    X = g.one('Reshape', [g.one('Transpose', [Y!], [aIs('perm', [0, 2, 1, 3])]), g.ints([0, 0, -1])]);
  }
  const out = batchFirst ? g.one('Transpose', [X], [aIs('perm', [1, 0, 2])]) : X;
  const seqSym: SymDim[] = batchFirst ? [bSym, tSym, null] : [tSym, bSym, null];
  const [o, st1] = res;
  st.define(o, out, seqSym);
  const cat = (names: string[]) => (names.length === 1 ? names[0]! : g.one('Concat', names, [aI('axis', 0)]));
  const hN = isLstm ? (st1 as [Tensor, Tensor])[0] : (st1 as Tensor);
  st.define(hN, cat(hs), [null, bSym, null]);
  if (isLstm) st.define((st1 as [Tensor, Tensor])[1], cat(cs), [null, bSym, null]);
}
