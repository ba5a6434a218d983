// rnnkit's autograd ops → ONNX nodes, with the symbolic dims of each output. The attributes come
// from the op itself (the `attrs` of record()); sizes that vary with a dynamic axis are read at
// run time (Shape/Gather/Concat, or -1 in Reshape) instead of baked in from the trace.
import type { Tensor } from '../tensor/tensor.js';
import { Graph, OpUnsupported, type SymDim, type Val, aI, aIs } from './graph.js';
import { elemOf, type TraceState } from './export.js';
import { ElemType } from './proto.js';

const INT64_MAX = Number.MAX_SAFE_INTEGER; // Slice clamps any end past the dim

const BINARY: Record<string, string> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', pow: 'Pow' };
const UNARY: Record<string, string> = {
  neg: 'Neg', exp: 'Exp', log: 'Log', tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu', abs: 'Abs', sqrt: 'Sqrt',
  clone: 'Identity', sign: 'Sign', sin: 'Sin', cos: 'Cos',
};

/** The one-line error of an op with no ONNX mapping. */
export function opError(op: string, where: string, why: string): string {
  return `ONNX export: op '${op}' has no ONNX mapping${why ? ` (${why})` : ''}, called in ${where}`;
}

/** NumPy broadcasting of symbolic dims: each output dim from the input that has it at full size. */
function broadcastSym(vals: readonly Val[], out: readonly number[]): SymDim[] {
  const n = out.length;
  return out.map((size, k) => {
    for (const v of vals) {
      const j = v.shape.length - (n - k);
      if (j >= 0 && v.shape[j] === size && v.sym[j]) return v.sym[j]!;
    }
    return null;
  });
}

export function emitOp(st: TraceState, op: string, ins: Val[], inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): void {
  const g = st.g;
  const out = outputs[0]!;
  const def = (name: string, sym: readonly SymDim[]) => st.define(out, name, sym);
  const a = ins[0]!;

  if (op in BINARY) {
    def(g.one(BINARY[op]!, [a.name, ins[1]!.name]), broadcastSym(ins, out.shape));
    return;
  }
  if (op in UNARY) {
    def(g.one(UNARY[op]!, [a.name]), a.sym);
    return;
  }
  switch (op) {
    case 'clamp': {
      const lo = attrs.min as number, hi = attrs.max as number;
      const bound = (v: number) => (Number.isFinite(v) ? g.scalar(v, a.elem) : '');
      const inp = [a.name, bound(lo), bound(hi)];
      while (inp[inp.length - 1] === '') inp.pop();
      def(g.one('Clip', inp), a.sym);
      return;
    }
    case 'to':
      def(g.one('Cast', [a.name], [aI('to', attrs.dtype === 'float64' ? ElemType.DOUBLE : ElemType.FLOAT)]), a.sym);
      return;
    case 'softmax':
    case 'logSoftmax':
      def(g.one(op === 'softmax' ? 'Softmax' : 'LogSoftmax', [a.name], [aI('axis', attrs.dim as number)]), a.sym);
      return;
    case 'matmul': {
      const b = ins[1]!;
      const swapLast = (v: Val) => {
        const r = v.shape.length;
        return g.one('Transpose', [v.name], [aIs('perm', [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2])]);
      };
      const an = attrs.transA ? swapLast(a) : a.name, bn = attrs.transB ? swapLast(b) : b.name;
      const ra = a.shape.length, rb = b.shape.length;
      const batch = broadcastSym([{ ...a, shape: a.shape.slice(0, -2), sym: a.sym.slice(0, -2) }, { ...b, shape: b.shape.slice(0, -2), sym: b.sym.slice(0, -2) }], out.shape.slice(0, -2));
      const m = attrs.transA ? a.sym[ra - 1]! : a.sym[ra - 2]!;
      const n = attrs.transB ? b.sym[rb - 2]! : b.sym[rb - 1]!;
      def(g.one('MatMul', [an, bn]), [...batch, m, n]);
      return;
    }
    case 'permute': {
      const p = attrs.dims as number[];
      def(g.one('Transpose', [a.name], [aIs('perm', p)]), p.map((d) => a.sym[d]!));
      return;
    }
    case 'cat': {
      const d = attrs.dim as number;
      const name = g.one('Concat', ins.map((v) => v.name), [aI('axis', d)]);
      const sym = out.shape.map((_, k) => (k === d ? null : broadcastSym(ins, out.shape)[k]!));
      if (ins.some((v) => v.sym[d])) sym[d] = [g.newSymbol(name, d, out.shape[d]!, 'cat')];
      def(name, sym);
      return;
    }
    case 'select':
    case 'slice':
    case 'indexSelect':
      emitGather(g, op, a, out, attrs.dim as number, attrs.index as ArrayLike<number>, def);
      return;
    case 'reshape':
      emitReshape(g, a, out, attrs.shape as readonly number[], def);
      return;
    case 'sum':
    case 'mean': {
      const reduced = attrs.reduced as boolean[];
      const axes = reduced.flatMap((r, k) => (r ? [k] : []));
      const keep = attrs.keepdim ? 1 : 0;
      const onnx = op === 'sum' ? 'ReduceSum' : 'ReduceMean';
      // ReduceSum takes axes as an input from opset 13, the others from opset 18
      const asInput = op === 'sum' || g.opset >= 18;
      const name = asInput
        ? g.one(onnx, [a.name, g.ints(axes)], [aI('keepdims', keep)])
        : g.one(onnx, [a.name], [aIs('axes', axes), aI('keepdims', keep)]);
      def(name, attrs.keepdim ? a.sym.map((s, k) => (reduced[k] ? null : s)) : a.sym.filter((_, k) => !reduced[k]));
      return;
    }
    case 'max':
    case 'min': {
      const onnx = op === 'max' ? 'ReduceMax' : 'ReduceMin';
      const all = attrs.dim === undefined;
      const axes = all ? a.shape.map((_, k) => k) : [attrs.dim as number];
      const keep = all ? 0 : attrs.keepdim ? 1 : 0;
      const name = g.opset >= 18
        ? g.one(onnx, [a.name, g.ints(axes)], [aI('keepdims', keep)])
        : g.one(onnx, [a.name], [aIs('axes', axes), aI('keepdims', keep)]);
      def(name, all ? [] : keep ? a.sym.map((s, k) => (axes.includes(k) ? null : s)) : a.sym.filter((_, k) => !axes.includes(k)));
      return;
    }
    case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge': {
      const onnx = { eq: 'Equal', ne: 'Equal', lt: 'Less', le: 'LessOrEqual', gt: 'Greater', ge: 'GreaterOrEqual' }[op]!;
      let b = g.one(onnx, [a.name, ins[1]!.name]);
      if (op === 'ne') b = g.one('Not', [b]);
      def(g.one('Cast', [b], [aI('to', elemOf(out))]), broadcastSym(ins, out.shape));
      return;
    }
    case 'where':
    case 'maskedFill': {
      const c = st.val((op === 'where' ? attrs.cond : attrs.mask) as Tensor);
      const cond = g.one('Cast', [c.name], [aI('to', ElemType.BOOL)]);
      const inp = op === 'where' ? [cond, a.name, ins[1]!.name] : [cond, g.scalar(attrs.value as number, a.elem), a.name];
      def(g.one('Where', inp), broadcastSym([c, ...ins], out.shape));
      return;
    }
    case 'argmax':
    case 'argmin': {
      const onnx = op === 'argmax' ? 'ArgMax' : 'ArgMin';
      const keep = attrs.keepdim ? 1 : 0;
      let name: string, sym: SymDim[];
      if (attrs.dim === undefined) {
        // the flat index: over the values in row-major order (ties: the first, as rnnkit)
        const flat = g.one('Reshape', [a.name, g.ints([-1])]);
        name = g.one(onnx, [flat], [aI('axis', 0), aI('keepdims', 0), aI('select_last_index', 0)]);
        if (keep) name = g.one('Reshape', [name, g.ints(a.shape.map(() => 1))]);
        sym = out.shape.map(() => null);
      } else {
        const d = attrs.dim as number;
        name = g.one(onnx, [a.name], [aI('axis', d), aI('keepdims', keep), aI('select_last_index', 0)]);
        sym = keep ? a.sym.map((s, k) => (k === d ? null : s)) : a.sym.filter((_, k) => k !== d);
      }
      def(g.one('Cast', [name], [aI('to', elemOf(out))]), sym);
      return;
    }
    case 'detach':
      def(g.one('Identity', [a.name]), a.sym);
      return;
    case 'embedding': {
      // weight [V,E] rows picked by the indices → [...S,E]
      const idxT = attrs.indices as Tensor | null;
      let idxName: string, idxSym: readonly SymDim[];
      const known = idxT ? st.vals.get(idxT) : undefined;
      if (known && !known.isConst) {
        idxName = g.one('Cast', [known.name], [aI('to', ElemType.INT64)]);
        st.indexInputs.add(known.name);
        idxSym = known.sym;
      } else {
        const shape = attrs.shape as number[];
        idxName = g.initializer('indices', shape, ElemType.INT64, attrs.rows as Int32Array);
        idxSym = shape.map(() => null);
      }
      def(g.one('Gather', [a.name, idxName], [aI('axis', 0)]), [...idxSym, null]);
      return;
    }
    default:
      throw new OpUnsupported('');
  }
}

/** select / slice / indexSelect along `d`: Slice for a contiguous run of indices, else Gather. */
function emitGather(g: Graph, op: string, a: Val, out: Tensor, d: number, index: ArrayLike<number>, def: (n: string, s: readonly SymDim[]) => void): void {
  const D = a.shape[d]!, n = index.length;
  let contiguous = true;
  for (let i = 1; i < n; i++) if (index[i] !== index[0]! + i) contiguous = false;
  const sym = a.sym.map((s, k) => (k === d ? null : s));
  if (n > 0 && contiguous) {
    const s = index[0]!, e = s + n;
    const dyn = a.sym[d] !== null;
    if (s === 0 && e === D && dyn) {
      def(a.name, a.sym);
      return;
    }
    // along a dynamic dim an end at the last index is "to the end", and select of the last index is -1
    const start = dyn && op === 'select' && s === D - 1 && D > 1 ? -1 : s;
    const end = dyn && e === D ? INT64_MAX : e;
    def(g.one('Slice', [a.name, g.ints([start]), g.ints([end]), g.ints([d])]), sym);
    return;
  }
  if (a.sym[d] !== null) throw new OpUnsupported(`indices [${Array.from(index).join(',')}] along dynamic dim ${d} would be baked in`);
  def(g.one('Gather', [a.name, g.ints(Array.from(index))], [aI('axis', d)]), sym);
}

/**
 * Reshape to `target` (what the op was asked for, -1 included): each output dim is a dynamic input
 * dim kept whole, an atomic symbol of one (a flatten undone), -1 for what is left, or static.
 */
function emitReshape(g: Graph, a: Val, out: Tensor, target: readonly number[], def: (n: string, s: readonly SymDim[]) => void): void {
  const outShape = out.shape;
  if (a.sym.every((s) => s === null)) {
    def(g.one('Reshape', [a.name, g.ints(outShape)]), outShape.map(() => null));
    return;
  }
  type Part = { kind: 'static'; v: number } | { kind: 'whole'; j: number } | { kind: 'factor'; f: string } | { kind: 'infer' };
  const usedDims = new Set<number>();
  const factors: { f: string; used: boolean }[] = [];
  a.sym.forEach((s) => s?.forEach((f) => factors.push({ f, used: false })));
  const sizeOf = (f: string) => g.symbols.get(f)!.size;
  const parts: Part[] = target.map((t, k) => {
    if (t === -1) return { kind: 'infer' };
    const v = outShape[k]!;
    // the same dynamic dim in the same place first, then anywhere
    const order = [k, ...a.sym.map((_, j) => j).filter((j) => j !== k)];
    for (const j of order) {
      const s = a.sym[j];
      if (s && !usedDims.has(j) && a.shape[j] === v && s.every((f) => factors.some((x) => x.f === f && !x.used))) {
        usedDims.add(j);
        for (const f of s) factors.find((x) => x.f === f && !x.used)!.used = true;
        return { kind: 'whole', j };
      }
    }
    if (v !== 1) {
      const f = factors.find((x) => !x.used && sizeOf(x.f) === v);
      if (f) {
        f.used = true;
        return { kind: 'factor', f: f.f };
      }
    }
    return { kind: 'static', v };
  });
  const left = () => factors.filter((x) => !x.used).map((x) => x.f);
  let inferAt = parts.findIndex((p) => p.kind === 'infer');
  if (inferAt < 0 && left().length > 0) {
    const prod = left().reduce((p, f) => p * sizeOf(f), 1);
    inferAt = parts.findIndex((p) => p.kind === 'static' && p.v % prod === 0);
    if (inferAt >= 0) parts[inferAt] = { kind: 'infer' };
  }
  const rest = left();
  const sym: SymDim[] = parts.map((p) => {
    if (p.kind === 'whole') return a.sym[p.j]!;
    if (p.kind === 'factor') return [p.f];
    if (p.kind === 'infer') return rest.length > 0 ? rest : null;
    return null;
  });
  // a constant shape when every kept dim stays in place (Reshape's 0 copies the input's dim)
  const inPlace = parts.every((p, k) => p.kind !== 'factor' && (p.kind !== 'whole' || p.j === k));
  let shapeName: string;
  if (inPlace) {
    shapeName = g.ints(parts.map((p) => (p.kind === 'static' ? p.v : p.kind === 'infer' ? -1 : 0)));
  } else {
    const pieces = parts.map((p) => {
      if (p.kind === 'static') return g.ints([p.v]);
      if (p.kind === 'infer') return g.ints([-1]);
      if (p.kind === 'whole') return g.dimOf(a.name, p.j);
      return g.symbolSize(p.f);
    });
    shapeName = g.one('Concat', pieces, [aI('axis', 0)]);
  }
  def(g.one('Reshape', [a.name, shapeName]), sym);
}
