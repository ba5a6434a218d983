// The ONNX graph under construction: values with their traced shapes and symbolic dims, nodes,
// initializers, and the small helpers every op mapping needs (int64 constants, runtime dim sizes).
//
// Symbolic dims: a dynamic dim is a list of atomic symbols whose product it is (['batch'],
// ['batch','seq'] after a flatten), null when static. Every atomic symbol has a source, a value and
// axis that hold it at run time, so a reshape can rebuild a dim the traced sizes would bake in.
import { ElemType } from './proto.js';

export type SymDim = readonly string[] | null;

export interface Val {
  name: string;
  /** the sizes seen while tracing */
  shape: readonly number[];
  sym: readonly SymDim[];
  elem: number;
  /** a constant (initializer or folded): no graph input reaches it */
  isConst: boolean;
}

export interface Attr {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
  floats?: number[];
  strings?: Uint8Array[];
}

export interface NodeRec {
  op_type: string;
  input: string[];
  output: string[];
  name: string;
  attribute: Attr[];
  /** set on the placeholder of an op with no mapping: thrown if an output depends on it */
  error?: string;
}

export interface Initializer {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

const text = new TextEncoder();
export const aI = (name: string, i: number): Attr => ({ name, type: 2, i });
export const aF = (name: string, f: number): Attr => ({ name, type: 1, f });
export const aS = (name: string, s: string): Attr => ({ name, type: 3, s: text.encode(s) });
export const aIs = (name: string, ints: readonly number[]): Attr => ({ name, type: 7, ints: [...ints] });
export const aSs = (name: string, ss: readonly string[]): Attr => ({ name, type: 8, strings: ss.map((s) => text.encode(s)) });

/** Little-endian bytes of `values` as ONNX elem type `elem` (FLOAT, DOUBLE or INT64). */
export function rawBytes(values: ArrayLike<number>, elem: number): Uint8Array {
  const n = values.length;
  if (elem === ElemType.INT64) {
    const b = new BigInt64Array(n);
    for (let i = 0; i < n; i++) b[i] = BigInt(values[i]!);
    return new Uint8Array(b.buffer);
  }
  const a = elem === ElemType.DOUBLE ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = values[i]!;
  return new Uint8Array(a.buffer);
}

/** The product of a symbolic dim's factors, as a dim_param name. */
export const symName = (d: readonly string[]): string => d.join('*');

export class Graph {
  readonly nodes: NodeRec[] = [];
  readonly inits = new Map<string, Initializer>();
  /** atomic symbol → where its size can be read at run time */
  readonly symbols = new Map<string, { src: string; axis: number; size: number }>();
  private readonly used = new Set<string>();
  private readonly constCache = new Map<string, string>();
  private readonly dimCache = new Map<string, string>();
  private readonly shapeCache = new Map<string, string>();
  /** the module path ops are called from now, for node names and error messages */
  where = '';

  constructor(readonly opset: number) {}

  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    for (let k = 1; this.used.has(name); k++) name = `${clean}_${k}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  /** Adds a node; returns its output names (fresh ones from `op`). */
  node(op: string, input: string[], attribute: Attr[] = [], nOut = 1, outNames?: string[]): string[] {
    const output = outNames ?? Array.from({ length: nOut }, () => this.fresh(`${op}_out`));
    this.nodes.push({ op_type: op, input, output, name: this.fresh(`${this.where ? `${this.where}/` : ''}${op}`), attribute });
    return output;
  }

  one(op: string, input: string[], attribute: Attr[] = []): string {
    return this.node(op, input, attribute)[0]!;
  }

  initializer(base: string, dims: readonly number[], elem: number, values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.inits.set(name, { name, dims: [...dims], data_type: elem, raw_data: rawBytes(values, elem) });
    return name;
  }

  /** A 1-D int64 constant (shared by equal values). */
  ints(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (name === undefined) {
      name = this.initializer('const_i64', [values.length], ElemType.INT64, values);
      this.constCache.set(key, name);
    }
    return name;
  }

  /** A 0-d constant of elem type `elem`. */
  scalar(v: number, elem: number): string {
    const key = `s${elem}:${v}`;
    let name = this.constCache.get(key);
    if (name === undefined) {
      name = this.initializer('const', [], elem, [v]);
      this.constCache.set(key, name);
    }
    return name;
  }

  /** Shape(value) as a [rank] int64 tensor (one node per value). */
  shapeOf(value: string): string {
    let s = this.shapeCache.get(value);
    if (s === undefined) {
      s = this.one('Shape', [value]);
      this.shapeCache.set(value, s);
    }
    return s;
  }

  /** The run-time size of dim `axis` of `value`, as a [1] int64 tensor. */
  dimOf(value: string, axis: number): string {
    const key = `${value}#${axis}`;
    let d = this.dimCache.get(key);
    if (d === undefined) {
      d = this.one('Gather', [this.shapeOf(value), this.ints([axis])], [aI('axis', 0)]);
      this.dimCache.set(key, d);
    }
    return d;
  }

  /** The run-time size of an atomic symbol, as a [1] int64 tensor. */
  symbolSize(sym: string): string {
    const s = this.symbols.get(sym)!;
    return this.dimOf(s.src, s.axis);
  }

  /** Registers a fresh atomic symbol held by `value` at `axis`. */
  newSymbol(value: string, axis: number, size: number, hint = 'dyn'): string {
    let name = `${hint}${this.symbols.size}`;
    while (this.symbols.has(name)) name += '_';
    this.symbols.set(name, { src: value, axis, size });
    return name;
  }
}

/** Thrown by an op mapping that cannot express the op; becomes the one-line export error. */
export class OpUnsupported extends Error {}
