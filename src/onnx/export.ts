// ONNX export by tracing, as torch.onnx.export: run `model.forward(...args)` once with a trace hook
// set in the autograd engine (src/autograd/engine.ts `setTraceHook`; null, one check, otherwise),
// map every recorded op to ONNX nodes as it runs, and write the graph from the inputs (the tensors
// found in args) to the outputs (the tensors found in the result). Recurrent layers are caught one
// level up, at their module's forward, and become one ONNX RNN/LSTM/GRU node per layer.
//
// Legend: T time, B batch, I input size, H hidden size, L layers, D directions, G gates.
import { setTraceHook, type TraceHook } from '../autograd/engine.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { Module } from '../nn/module.js';
import { RecurrentBase } from '../nn/recurrent.js';
import { PackedSequence } from '../nn/utils/rnn.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';
import { Graph, OpUnsupported, type SymDim, symName, type Val } from './graph.js';
import { encodeModel, ElemType } from './proto.js';
import { emitOp, opError } from './ops.js';
import { emitRecurrent } from './recurrent.js';

export interface ExportOptions {
  /** Names of the graph inputs, in the order the tensors appear in args (default input_0, …). */
  inputNames?: readonly string[];
  /** Names of the graph outputs, in the order the tensors appear in the result (default output_0, …). */
  outputNames?: readonly string[];
  /** Dims of inputs (and outputs) that vary, by name: `{ x: { 0: 'batch', 1: 'seq' } }`. */
  dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>>>>;
  /** ONNX opset, 14 to 21 (default 17). */
  opset?: number;
  /** Written into the model's doc_string. */
  docString?: string;
}

/** The IR version each supported opset was released with (onnx/docs/Versioning.md). */
const IR_FOR_OPSET: Readonly<Record<number, number>> = { 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const DEFAULT_OPSET = 17;
const PRODUCER_VERSION = '0.1.0';

/** Everything the op mappings share during one trace. */
export interface TraceState {
  g: Graph;
  vals: Map<Tensor, Val>;
  paramNames: Map<Tensor, string>;
  /** Returns the Val of a tensor, making a constant (initializer) of one the trace has not seen. */
  val(t: Tensor): Val;
  /** Registers `t` as the value `name` with symbolic dims `sym`. */
  define(t: Tensor, name: string, sym: readonly SymDim[]): Val;
  /** graph inputs consumed as indices (declared int64 if nothing else reads them) */
  indexInputs: Set<string>;
}

export const elemOf = (t: Tensor): number => (t.dtype === 'float64' ? ElemType.DOUBLE : ElemType.FLOAT);

/** Tensors nested in arrays (and plain objects, in key order), depth first. */
function collectTensors(x: unknown, out: Tensor[], seen = new Set<unknown>()): Tensor[] {
  if (x instanceof Tensor) out.push(x);
  else if (x instanceof PackedSequence) throw new ValueError('ONNX export: a PackedSequence cannot be a graph input or output; pass padded tensors');
  else if (Array.isArray(x)) {
    if (seen.has(x)) return out;
    seen.add(x);
    for (const e of x) collectTensors(e, out, seen);
  } else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    if (seen.has(x)) return out;
    seen.add(x);
    for (const e of Object.values(x)) collectTensors(e, out, seen);
  }
  return out;
}

/** Replaces each tensor of `args` (nested in arrays) by `swap(t)`. */
function mapTensors(x: unknown, swap: (t: Tensor) => Tensor): unknown {
  if (x instanceof Tensor) return swap(x);
  if (Array.isArray(x)) return x.map((e) => mapTensors(e, swap));
  return x;
}

/**
 * Traces `model.forward(...args)` (in eval mode) and returns the ONNX file's bytes. Tensors in args
 * (nested in arrays) are the graph inputs, tensors in the result (nested in arrays) its outputs.
 */
export function exportModel(model: Module, args: readonly unknown[], opts: ExportOptions = {}): Uint8Array {
  return encodeModel(traceModel(model, args, opts).model);
}

/** @internal the ModelProto object and the input/output names (exportModel without the encoding) */
export function traceModel(model: Module, args: readonly unknown[], opts: ExportOptions = {}): { model: Record<string, unknown>; inputNames: string[]; outputNames: string[] } {
  if (!(model instanceof Module)) throw new ValueError('ONNX export: model must be an nn.Module');
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (IR_FOR_OPSET[opset] === undefined) throw new ValueError(`ONNX export: opset must be an integer from 14 to 21, got ${opset}`);
  const g = new Graph(opset);
  const rootName = model.constructor.name;

  // graph inputs: copies that require grad, so that every op on them reaches record()
  const given = collectTensors(args, []);
  const inputTensors: Tensor[] = [];
  const inputOf = new Map<Tensor, Tensor>();
  for (const t of given) {
    if (inputOf.has(t)) continue;
    const c = new Tensor(t.data, t.shape, true);
    inputOf.set(t, c);
    inputTensors.push(c);
  }
  const inputNames = inputTensors.map((_, i) => opts.inputNames?.[i] ?? `input_${i}`);
  if (new Set(inputNames).size !== inputNames.length) throw new ValueError(`ONNX export: inputNames repeat a name: ${inputNames.join(', ')}`);
  for (const name of Object.keys(opts.dynamicAxes ?? {})) {
    if (!inputNames.includes(name) && !(opts.outputNames ?? []).includes(name)) {
      throw new ValueError(`ONNX export: dynamicAxes names '${name}', which is neither an input (${inputNames.join(', ')}) nor an output name`);
    }
  }

  const vals = new Map<Tensor, Val>();
  const paramNames = new Map<Tensor, string>();
  for (const [name, p] of model.namedParameters()) paramNames.set(p, name);
  const st: TraceState = {
    g, vals, paramNames, indexInputs: new Set(),
    val(t) {
      let v = vals.get(t);
      if (v === undefined) {
        const name = g.initializer(paramNames.get(t) ?? 'const', t.shape, elemOf(t), t.data);
        v = { name, shape: [...t.shape], sym: t.shape.map(() => null), elem: elemOf(t), isConst: true };
        vals.set(t, v);
      }
      return v;
    },
    define(t, name, sym) {
      const v: Val = { name, shape: [...t.shape], sym: [...sym], elem: elemOf(t), isConst: false };
      vals.set(t, v);
      return v;
    },
  };
  const sizes = new Map<number, string>();
  inputTensors.forEach((t, i) => {
    const name = inputNames[i]!;
    g.reserve(name);
    const axes = opts.dynamicAxes?.[name] ?? {};
    const sym = t.shape.map((size, axis) => {
      const s = axes[axis];
      if (s === undefined) return null;
      if (!(axis < t.ndim)) throw new ValueError(`ONNX export: dynamicAxes of '${name}' names axis ${axis}, but it has shape [${t.shape.join(',')}]`);
      const known = g.symbols.get(s);
      if (known === undefined) {
        const other = sizes.get(size);
        if (other !== undefined && other !== s && size !== 1) {
          throw new ValueError(`ONNX export: dynamic axes '${other}' and '${s}' both have traced size ${size}; trace with different sizes so that they can be told apart`);
        }
        sizes.set(size, s);
        g.symbols.set(s, { src: name, axis, size });
      } else if (known.size !== size) {
        throw new ValueError(`ONNX export: dynamic axis '${s}' has size ${known.size} in one input and ${size} in '${name}'`);
      }
      return [s];
    });
    st.define(t, name, sym);
  });
  for (const [name, axes] of Object.entries(opts.dynamicAxes ?? {})) {
    const i = inputNames.indexOf(name);
    if (i < 0) continue;
    for (const k of Object.keys(axes)) {
      if (!(Number(k) < inputTensors[i]!.ndim)) throw new ValueError(`ONNX export: dynamicAxes of '${name}' names axis ${k}, but it has shape [${inputTensors[i]!.shape.join(',')}]`);
    }
  }

  // module paths, and recurrent layers caught whole
  const path: string[] = [];
  let suspended = 0;
  const patched: Module[] = [];
  for (const [name, m] of model.namedModules()) {
    const here = name || rootName;
    const orig = m.forward;
    const label = `${here} (${m.constructor.name})`;
    const wrapped = m instanceof RecurrentBase
      ? function (this: RecurrentBase, ...a: unknown[]) {
        path.push(label);
        g.where = here;
        try {
          suspended++;
          let res: unknown;
          try {
            res = (orig as (...x: unknown[]) => unknown).apply(this, a);
          } finally {
            suspended--;
          }
          if (suspended === 0) emitRecurrent(st, m, a, res as [Tensor, Tensor | [Tensor, Tensor]], label);
          return res;
        } finally {
          path.pop();
          g.where = path.length > 0 ? path[path.length - 1]!.split(' ')[0]! : '';
        }
      }
      : function (this: Module, ...a: unknown[]) {
        path.push(label);
        g.where = here;
        try {
          return (orig as (...x: unknown[]) => unknown).apply(this, a);
        } finally {
          path.pop();
          g.where = path.length > 0 ? path[path.length - 1]!.split(' ')[0]! : '';
        }
      };
    Object.defineProperty(m, 'forward', { value: wrapped, configurable: true, writable: true, enumerable: false });
    patched.push(m);
  }

  const hook: TraceHook = (op, inputs, outputs, attrs) => {
    if (suspended > 0) return;
    const where = path.length > 0 ? path[path.length - 1]! : rootName;
    const ins = inputs.map((t) => st.val(t));
    // tensors in attrs (an embedding's indices, where's condition) are no autograd inputs, but a
    // graph input may feed them
    const fromInputs = Object.values(attrs ?? {}).some((v) => v instanceof Tensor && vals.get(v)?.isConst === false);
    if (!fromInputs && ins.every((v) => v.isConst)) {
      // nothing from the graph inputs reaches it: fold to the traced value
      for (const o of outputs) if (!vals.has(o)) st.val(o);
      return;
    }
    try {
      emitOp(st, op, ins, inputs, outputs, attrs ?? {});
    } catch (e) {
      if (!(e instanceof OpUnsupported)) throw e;
      // an op with no mapping is an error only if an output depends on it
      const names = outputs.map(() => g.fresh(`unsupported_${op}`));
      g.nodes.push({ op_type: op, input: ins.map((v) => v.name), output: names, name: g.fresh(op), attribute: [], error: opError(op, where, e.message) });
      outputs.forEach((o, k) => st.define(o, names[k]!, o.shape.map(() => null)));
    }
  };

  const wasTraining = model.training;
  model.eval();
  const prev = setTraceHook(hook);
  let result: unknown;
  try {
    const traced = mapTensors(args, (t) => inputOf.get(t)!) as unknown[];
    result = enableGrad(() => (model.forward as (...x: unknown[]) => unknown)(...traced));
  } finally {
    setTraceHook(prev);
    for (const m of patched) delete (m as unknown as { forward?: unknown }).forward;
    model.train(wasTraining);
  }

  const outs = collectTensors(result, []);
  if (outs.length === 0) throw new ValueError(`ONNX export: ${rootName}.forward returned no tensors`);
  const outputNames = outs.map((_, i) => opts.outputNames?.[i] ?? `output_${i}`);
  if (new Set([...outputNames, ...inputNames]).size !== outputNames.length + inputNames.length) {
    throw new ValueError(`ONNX export: output names must differ from each other and from the inputs: ${outputNames.join(', ')}`);
  }
  const outVals = outs.map((t, i) => {
    const v = st.val(t);
    g.reserve(outputNames[i]!);
    g.node('Identity', [v.name], [], 1, [outputNames[i]!]);
    return v;
  });

  // keep only what the outputs need; an unsupported op they reach is the error
  const producer = new Map<string, number>();
  g.nodes.forEach((n, k) => n.output.forEach((o) => producer.set(o, k)));
  const keep = new Set<number>();
  const stack = [...outputNames];
  while (stack.length > 0) {
    const k = producer.get(stack.pop()!);
    if (k === undefined || keep.has(k)) continue;
    keep.add(k);
    stack.push(...g.nodes[k]!.input.filter((s) => s !== ''));
  }
  const nodes = g.nodes.filter((_, k) => keep.has(k));
  const bad = nodes.find((n) => n.error !== undefined);
  if (bad) throw new ValueError(bad.error!);
  const needed = new Set(nodes.flatMap((n) => n.input));
  const initializer = [...g.inits.values()].filter((t) => needed.has(t.name));
  // protobuf caps a message at 2 GiB; ONNX's external-data format is not written here
  const weightBytes = initializer.reduce((n, t) => n + t.raw_data.byteLength, 0);
  if (weightBytes > 2 ** 31 - 2 ** 24) throw new ValueError(`ONNX export: the weights take ${weightBytes} bytes, more than one ONNX file holds (2 GiB); external data files are not supported`);

  const dimsOf = (shape: readonly number[], sym: readonly SymDim[], forced?: Readonly<Record<number, string>>) =>
    shape.map((s, k) => (forced?.[k] !== undefined ? { dim_param: forced[k] } : sym[k] ? { dim_param: symName(sym[k]!) } : { dim_value: s }));
  const typeOf = (elem: number, dims: object[]) => ({ tensor_type: { elem_type: elem, shape: { dim: dims } } });
  const input = inputTensors.map((t, i) => {
    const v = vals.get(t)!;
    const consumers = nodes.filter((n) => n.input.includes(v.name));
    const asIndex = st.indexInputs.has(v.name) && consumers.every((n) => n.op_type === 'Cast' || n.op_type === 'Shape');
    return { name: v.name, type: typeOf(asIndex ? ElemType.INT64 : v.elem, dimsOf(t.shape, v.sym, opts.dynamicAxes?.[inputNames[i]!])) };
  });
  const output = outVals.map((v, i) => ({ name: outputNames[i]!, type: typeOf(v.elem, dimsOf(v.shape, v.sym, opts.dynamicAxes?.[outputNames[i]!])) }));
  const graphNodes = nodes.map(({ op_type, input: i, output: o, name, attribute }) => ({ op_type, input: i, output: o, name, attribute }));
  return {
    inputNames, outputNames,
    model: {
      ir_version: IR_FOR_OPSET[opset]!,
      opset_import: [{ domain: '', version: opset }],
      producer_name: 'rnnkit',
      producer_version: PRODUCER_VERSION,
      ...(opts.docString ? { doc_string: opts.docString } : {}),
      graph: { name: rootName, node: graphNodes, initializer, input, output },
    },
  };
}
