// Legend: shapes are row-major number arrays; a Tensor owns (or, for reshape views, shares) one
// contiguous Float32Array or Float64Array.
//
// The methods are the user-facing entry points of the differentiable ops in src/autograd/ops/,
// where each op's forward and backward sit side by side.
import type { MultiBackwardFn } from '../autograd/engine.js';
import { runBackward, traceHook, traceOnly } from '../autograd/engine.js';
import * as C from '../autograd/ops/compare.js';
import * as E from '../autograd/ops/elementwise.js';
import * as IX from '../autograd/ops/index-ops.js';
import * as L from '../autograd/ops/layout.js';
import * as I from '../autograd/ops/inplace.js';
import * as M from '../autograd/ops/matmul.js';
import * as MA from '../autograd/ops/math.js';
import * as R from '../autograd/ops/reduce.js';
import * as S from '../autograd/ops/shape.js';
import * as X from '../autograd/ops/softmax.js';
import type { Data, DType } from './dtype.js';
import { alloc } from './dtype.js';
import type { Generator } from './random.js';
import { fmtShape, normDim, numel } from './shape.js';
import { ValueError } from '../errors.js';

export type Dims = number | readonly number[];

export class Tensor {
  /** Flat row-major values. */
  data: Data;
  readonly shape: readonly number[];
  readonly dtype: DType;
  requiresGrad: boolean;
  /** Accumulated gradient (leaves, or tensors that called `retainGrad()`). */
  grad: Tensor | null = null;

  /** @internal inputs of the op that produced this tensor */
  _inputs: readonly Tensor[] = [];
  /** @internal backward closure of that op, one gradient per output (record wraps a single-output op's); null for leaves */
  _backward: MultiBackwardFn | null = null;
  /** @internal every output of that op, this tensor among them, sharing `_inputs` and `_backward`; empty for leaves */
  _outputs: readonly Tensor[] = [];
  /** @internal op name, for error messages and debugging */
  _op = '';
  /** @internal */
  _retainsGrad = false;
  /** @internal the versions of `_inputs` and of this tensor when its node was recorded (see engine.ts) */
  _savedVersions: number[] | null = null;
  /** @internal the version counter, shared with views of the same values (detach, reshape in a graph); created on first write */
  _versionBox: { v: number } | null = null;

  constructor(data: Data, shape: readonly number[], requiresGrad = false) {
    if (data.length !== numel(shape)) {
      throw new ValueError(`Tensor: ${data.length} values do not fill shape ${fmtShape(shape)}`);
    }
    this.data = data;
    this.shape = shape;
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32';
    this.requiresGrad = requiresGrad;
  }

  /** @internal */
  _setGradFn(op: string, inputs: readonly Tensor[], backward: MultiBackwardFn, outputs: readonly Tensor[]): void {
    this.requiresGrad = true;
    this._op = op;
    this._inputs = inputs;
    this._backward = backward;
    this._outputs = outputs;
    const saved = new Array<number>(inputs.length + 1);
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      // a view (reshape) shares its input's values, so it shares its version counter too
      if (x.data === this.data) this._versionBox = x._sharedVersionBox();
      saved[i] = x._version;
    }
    saved[inputs.length] = this._version;
    this._savedVersions = saved;
  }

  /**
   * @internal How many times the values were changed in place: every in-place op, optimizer step
   * and loadStateDict adds one. Caches derived from the values (a transposed weight) compare it.
   */
  get _version(): number {
    return this._versionBox === null ? 0 : this._versionBox.v;
  }

  set _version(v: number) {
    if (this._versionBox === null) this._versionBox = { v };
    else this._versionBox.v = v;
  }

  /** @internal the version counter object, created if needed, to share with a view */
  _sharedVersionBox(): { v: number } {
    if (this._versionBox === null) this._versionBox = { v: 0 };
    return this._versionBox;
  }

  /** @internal the `.grad` buffer, created on first use */
  _leafGrad(): Data {
    if (this.grad === null) this.grad = new Tensor(alloc(this.dtype, this.data.length), this.shape);
    return this.grad.data;
  }

  get ndim(): number {
    return this.shape.length;
  }

  numel(): number {
    return this.data.length;
  }

  /** The shape, or the size of one dim (negative counts from the end), like `size()`. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    return this.shape[normDim(dim, this.shape.length, 'size')]!;
  }

  /** True for tensors created by the user (no grad_fn). */
  get isLeaf(): boolean {
    return this._backward === null;
  }

  /** Sets requiresGrad in place, like `requires_grad_()`; only leaves may change it. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) throw new ValueError(`requiresGrad_: only leaf tensors can change requiresGrad (this one comes from ${this._op})`);
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` on a non-leaf tensor after backward, like `retain_grad()`. */
  retainGrad(): this {
    this._retainsGrad = true;
    return this;
  }

  /**
   * Backpropagates from this tensor. With no argument it must hold one value (the loss) and the
   * seed is 1; otherwise `grad` has this tensor's shape. Gradients accumulate into `.grad`.
   * The graph is freed afterwards, so a second backward through it throws, unless
   * `{ retainGraph: true }` (PyTorch's retain_graph) keeps it; then gradients accumulate again.
   */
  backward(grad?: Tensor | null, opts: { retainGraph?: boolean } = {}): void {
    let seed: Data;
    if (grad === undefined || grad === null) {
      if (this.data.length !== 1) {
        throw new ValueError(`backward: grad can be implicitly created only for a single-value tensor, got shape ${fmtShape(this.shape)}`);
      }
      seed = alloc(this.dtype, 1);
      seed[0] = 1;
    } else {
      if (grad.data.length !== this.data.length) {
        throw new ValueError(`backward: grad has shape ${fmtShape(grad.shape)} but the tensor has shape ${fmtShape(this.shape)}`);
      }
      seed = grad.data;
    }
    runBackward(this, seed, opts.retainGraph ?? false);
  }

  /** A new leaf sharing this tensor's values (and version counter), cut from the graph. */
  detach(): Tensor {
    const out = new Tensor(this.data, this.shape);
    out._versionBox = this._sharedVersionBox();
    if (traceHook !== null) traceOnly('detach', [this], [out]);
    return out;
  }

  /** A copy with its own storage (differentiable). */
  clone(): Tensor {
    return S.clone(this);
  }

  /** This tensor: rnnkit's storage is always contiguous (row-major), so PyTorch's `.contiguous()` is a no-op. */
  contiguous(): this {
    return this;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new ValueError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.data.length} values, expected 1`);
    return this.data[0]!;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.shape.length) return this.data[off]!;
      const n = this.shape[dim]!;
      const step = numel(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, off + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** Flat copy of the values as a plain array. */
  tolist(): number[] {
    return Array.from(this.data);
  }

  /** Same values converted to another dtype (differentiable). */
  to(dtype: DType): Tensor {
    return S.toDtype(this, dtype);
  }

  float(): Tensor {
    return this.to('float32');
  }

  double(): Tensor {
    return this.to('float64');
  }

  /** True when any value is NaN or ±Inf. */
  hasNonFinite(): boolean {
    const d = this.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
    return false;
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // elementwise
  add(other: Tensor | number): Tensor { return E.add(this, other); }
  sub(other: Tensor | number): Tensor { return E.sub(this, other); }
  mul(other: Tensor | number): Tensor { return E.mul(this, other); }
  div(other: Tensor | number): Tensor { return E.div(this, other); }
  pow(exponent: Tensor | number): Tensor { return E.pow(this, exponent); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  tanh(): Tensor { return E.tanh(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  relu(): Tensor { return E.relu(this); }
  abs(): Tensor { return E.abs(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  square(): Tensor { return E.mul(this, this); }
  clamp(min: number | null, max: number | null): Tensor { return E.clamp(this, min, max); }

  // linear algebra
  matmul(other: Tensor): Tensor { return M.matmul(this, other); }

  // reductions
  sum(dim?: Dims, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: Dims, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  softmax(dim: number): Tensor { return X.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return X.logSoftmax(this, dim); }

  // shape
  reshape(...shape: number[] | [readonly number[]]): Tensor { return S.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return S.reshape(this, flatArgs(shape)); }
  /** Merges dims startDim..endDim (all by default) into one. */
  flatten(startDim = 0, endDim = -1): Tensor { return L.flatten(this, startDim, endDim); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  /** Transpose of a 2-D tensor. */
  t(): Tensor {
    if (this.ndim !== 2) throw new ValueError(`t: expects a 2-D tensor, got shape ${fmtShape(this.shape)}`);
    return S.transpose(this, 0, 1);
  }
  permute(...dims: number[] | [readonly number[]]): Tensor { return S.permute(this, flatArgs(dims)); }
  select(dim: number, index: number): Tensor { return S.select(this, dim, index); }
  /** Elements start..end-1 along `dim` (negative bounds count from the end), like `x[:, start:end]`. */
  slice(dim: number, start: number, end?: number): Tensor { return S.slice(this, dim, start, end); }
  narrow(dim: number, start: number, length: number): Tensor { return S.slice(this, dim, start, start + length); }
  /** Gathers the entries `index` along `dim`, like `index_select`; repeated indices accumulate grads. */
  index(dim: number, index: ArrayLike<number>): Tensor { return S.indexSelect(this, dim, index); }
  indexSelect(dim: number, index: ArrayLike<number>): Tensor { return S.indexSelect(this, dim, index); }

  // the everyday API (issue 9). Comparisons return float 0/1 tensors (rnnkit has no bool dtype) and
  // index results are float tensors of exact integers, neither requiring grad; see docs/core.md.
  /** The number of dims, as `dim()` in PyTorch. */
  dim(): number { return this.ndim; }
  /** All dims reversed, as PyTorch's `.T`. */
  get T(): Tensor { return S.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  /** The last two dims swapped (a batch of matrices transposed), as PyTorch's `.mT`. */
  get mT(): Tensor {
    if (this.ndim < 2) throw new ValueError(`mT: expects a tensor with at least 2 dims, got shape ${fmtShape(this.shape)}`);
    return S.transpose(this, -2, -1);
  }
  /** Zeros of `shape` in this tensor's dtype. */
  newZeros(shape: readonly number[]): Tensor {
    if (shape.some((v) => !Number.isInteger(v) || v < 0)) throw new ValueError(`newZeros: invalid shape ${fmtShape(shape)}`);
    return new Tensor(alloc(this.dtype, numel(shape)), [...shape]);
  }
  eq(other: Tensor | number): Tensor { return C.eq(this, other); }
  ne(other: Tensor | number): Tensor { return C.ne(this, other); }
  lt(other: Tensor | number): Tensor { return C.lt(this, other); }
  le(other: Tensor | number): Tensor { return C.le(this, other); }
  gt(other: Tensor | number): Tensor { return C.gt(this, other); }
  ge(other: Tensor | number): Tensor { return C.ge(this, other); }
  /** `value` where `mask` (broadcast to this shape) is non-zero. */
  maskedFill(mask: Tensor, value: number): Tensor { return C.maskedFill(this, mask, value); }
  /** Flat index of the first maximum (no dim), or the indices along `dim`. */
  argmax(dim?: number, keepdim = false): Tensor { return IX.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return IX.argmin(this, dim, keepdim); }
  /** The maximum (0-d; gradient shared among ties), or `[values, indices]` along `dim`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] { return dim === undefined ? IX.max(this) : IX.max(this, dim, keepdim); }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] { return dim === undefined ? IX.min(this) : IX.min(this, dim, keepdim); }
  /** The k largest (or smallest) along `dim` → `[values, indices]`, always sorted. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] { return IX.topk(this, k, dim, largest, sorted); }
  /** Stable sort along `dim` → `[values, indices]`. */
  sort(dim = -1, descending = false): [Tensor, Tensor] { return IX.sort(this, dim, descending); }
  argsort(dim = -1, descending = false): Tensor { return IX.argsort(this, dim, descending); }
  gather(dim: number, index: Tensor): Tensor { return IX.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return IX.scatter(this, dim, index, src); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return IX.scatterAdd(this, dim, index, src); }
  cumsum(dim: number): Tensor { return MA.cumsum(this, dim); }
  /** Variance over `dim` (all by default) with Bessel's `correction` (1 = PyTorch's unbiased). */
  var(dim?: Dims, keepdim = false, correction = 1): Tensor { return MA.variance(this, dim, keepdim, correction); }
  std(dim?: Dims, keepdim = false, correction = 1): Tensor { return MA.std(this, dim, keepdim, correction); }
  /** The vector p-norm over `dim` (all by default); p = Infinity is max |x|. */
  norm(p = 2, dim?: Dims, keepdim = false): Tensor { return MA.norm(this, p, dim, keepdim); }
  logsumexp(dim: Dims, keepdim = false): Tensor { return MA.logsumexp(this, dim, keepdim); }
  sign(): Tensor { return MA.sign(this); }
  sin(): Tensor { return MA.sin(this); }
  cos(): Tensor { return MA.cos(this); }
  /** Broadcasts size-1 dims to `sizes` (−1 keeps a dim; new dims are prepended); copies. */
  expand(...sizes: number[] | [readonly number[]]): Tensor { return L.expand(this, flatArgs(sizes)); }
  /** Tiles the tensor reps[k] times along dim k, as PyTorch's `repeat`. */
  repeat(...reps: number[] | [readonly number[]]): Tensor { return L.repeat(this, flatArgs(reps)); }
  chunk(chunks: number, dim = 0): Tensor[] { return L.chunk(this, chunks, dim); }
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] { return L.split(this, sizeOrSizes, dim); }

  // in place (src/autograd/ops/inplace.ts): they bump `_version` and record no gradient; while grad
  // mode is on they refuse a leaf that requires grad or a tensor of the graph, so parameters are
  // updated inside noGrad, as `with torch.no_grad(): p.add_(p.grad, alpha=-lr)`.
  /** self += alpha·other (other broadcast to self's shape). */
  add_(other: Tensor | number, opts: { alpha?: number } = {}): this { I.add_(this, other, opts.alpha ?? 1); return this; }
  /** self −= alpha·other (other broadcast to self's shape). */
  sub_(other: Tensor | number, opts: { alpha?: number } = {}): this { I.sub_(this, other, opts.alpha ?? 1); return this; }
  mul_(other: Tensor | number): this { I.mul_(this, other); return this; }
  div_(other: Tensor | number): this { I.div_(this, other); return this; }
  zero_(): this { I.fill_(this, 0, 'zero_'); return this; }
  fill_(value: number): this { I.fill_(this, value); return this; }
  /** Copies src's values (broadcast to self's shape, converted to self's dtype). */
  copy_(src: Tensor): this { I.copy_(this, src); return this; }
  clamp_(min: number | null, max: number | null): this { I.clamp_(this, min, max); return this; }
  /** Uniform on [a, b) from the seeded generator (default: the global one). */
  uniform_(a = 0, b = 1, generator?: Generator): this { I.uniform_(this, a, b, generator); return this; }
  /** Normal(mean, std²) from the seeded generator (default: the global one). */
  normal_(mean = 0, std = 1, generator?: Generator): this { I.normal_(this, mean, std, generator); return this; }
}

export type NestedArray = number | NestedArray[];

function flatArgs(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}
