// Parameter initialisers with torch.nn.init's definitions (PyTorch 1.13), plus a per-name rule
// helper. PyTorch's defaults: Linear and the recurrent layers draw every weight and bias from
// U(−1/√fan, 1/√fan) (fan = in_features for Linear, hidden_size for RNN/LSTM/GRU).
//
// Fans follow torch.nn.init._calculate_fan_in_and_fan_out: for a weight [O, I, k…],
//   fan_in = I·∏k,  fan_out = O·∏k          (a Linear/RNN weight [O,I] has fan_in I, fan_out O)
//   xavier (Glorot & Bengio 2010):  std = gain·√(2 / (fan_in + fan_out));  uniform bound √3·std
//   kaiming (He et al. 2015):       std = gain / √fan (fan by mode);     uniform bound √3·std
//   orthogonal (Saxe et al. 2014):  Q of the QR of a rows×cols Gaussian, signs fixed so that R has
//                                   a positive diagonal (this makes Q Haar-distributed), × gain
import type { Module } from './module.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import { ValueError } from '../errors.js';

export function uniform_(t: Tensor, low: number, high: number, generator: Generator = defaultGenerator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * generator.random();
  t._version++;
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
  t._version++;
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  t._version++;
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** The identity matrix in a 2-D tensor (ones on the main diagonal of a non-square one), like `eye_`. */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new ValueError(`eye_: only 2-D tensors are supported, got shape ${fmtShape(t.shape)}`);
  const [rows, cols] = t.shape as [number, number];
  t.data.fill(0);
  for (let i = 0; i < Math.min(rows, cols); i++) t.data[i * cols + i] = 1;
  t._version++;
  return t;
}

export type GainNonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`: 1 for linear/conv
 * and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu (slope = param,
 * default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: GainNonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new ValueError(`calculateGain: negative slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ValueError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/** [fan_in, fan_out] of a weight [O, I, k…], as `_calculate_fan_in_and_fan_out`. */
export function calculateFans(t: Tensor, op = 'calculateFans'): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError(`${op}: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(t.shape)})`);
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/** U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), as `xavier_uniform_`. */
export function xavierUniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFans(t, 'xavierUniform_');
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, generator);
}

/** N(0, std²) with std = gain·√(2 / (fan_in + fan_out)), as `xavier_normal_`. */
export function xavierNormal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFans(t, 'xavierNormal_');
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (used only with 'leaky_relu'; default 0). */
  a?: number;
  /** 'fan_in' (default) keeps the forward variance, 'fan_out' the backward one. */
  mode?: 'fan_in' | 'fan_out';
  /** Default 'leaky_relu' (with a = 0 that is the ReLU gain √2), as PyTorch. */
  nonlinearity?: GainNonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, opts: KaimingOptions, op: string): number {
  const mode = opts.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`${op}: mode must be 'fan_in' or 'fan_out', got '${String(mode)}'`);
  const [fanIn, fanOut] = calculateFans(t, op);
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return gain / Math.sqrt(mode === 'fan_in' ? fanIn : fanOut);
}

/** U(−b, b) with b = gain·√(3 / fan), as `kaiming_uniform_`. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts, 'kaimingUniform_');
  return uniform_(t, -bound, bound, opts.generator);
}

/** N(0, std²) with std = gain / √fan, as `kaiming_normal_`. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts, 'kaimingNormal_'), opts.generator);
}

/**
 * A (semi-)orthogonal matrix, as `orthogonal_`: the tensor is viewed as rows × (numel/rows); a
 * Gaussian matrix of that shape (transposed when wide) is QR-factorised and Q's columns are
 * multiplied by sign(diag R). Rows (or columns, when wide) end up orthonormal, times `gain`.
 */
export function orthogonal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  if (t.ndim < 2) throw new ValueError(`orthogonal_: only tensors with 2 or more dimensions are supported, got shape ${fmtShape(t.shape)}`);
  if (t.data.length === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.data.length / rows;
  const g = new Float64Array(rows * cols);
  for (let i = 0; i < g.length; i++) g[i] = generator.normal();
  const q = orthogonalFromGaussian(g, rows, cols);
  for (let i = 0; i < q.length; i++) t.data[i] = gain * q[i]!;
  t._version++;
  return t;
}

/**
 * The deterministic half of `orthogonal_`: rows × cols values (row-major) → the sign-corrected Q
 * factor in the same layout. Exported for the PyTorch cross-check (tools/reference/init_check.py).
 */
export function orthogonalFromGaussian(g: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const wide = rows < cols;
  const m = wide ? cols : rows, n = wide ? rows : cols;
  // A is m×n (tall), row-major
  const A = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) A[wide ? j * n + i : i * n + j] = g[i * cols + j]!;
  const Q = householderQ(A, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[wide ? j * cols + i : i * cols + j] = Q[i * n + j]!;
  return out;
}

/**
 * Reduced QR of a tall m×n matrix (m ≥ n) by Householder reflections, returning the m×n factor Q
 * with columns scaled so that R's diagonal is non-negative (the unique such factorisation of a
 * full-rank matrix, whatever sign conventions the QR routine uses). A is overwritten.
 */
function householderQ(A: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rdiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += A[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - k);
    if (norm === 0) {
      vs.push(v);
      continue;
    }
    const x0 = A[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm; // reflect away from x0 to avoid cancellation
    for (let i = k; i < m; i++) v[i - k] = A[i * n + k]!;
    v[0]! -= alpha;
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i]! ** 2;
    vn = Math.sqrt(vn);
    for (let i = 0; i < v.length; i++) v[i]! /= vn;
    // A[k:, k:] ← (I − 2vvᵀ) A[k:, k:]
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k]! * A[i * n + j]!;
      for (let i = k; i < m; i++) A[i * n + j]! -= 2 * s * v[i - k]!;
    }
    rdiag[k] = A[k * n + k]!;
    vs.push(v);
  }
  // Q = H₀H₁…H_{n−1} applied to the first n columns of the identity
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k]! * Q[i * n + j]!;
      if (s !== 0) for (let i = k; i < m; i++) Q[i * n + j]! -= 2 * s * v[i - k]!;
    }
  }
  // torch: q *= sign(diag(r)); sign(0) = 0 only for a rank-deficient draw (probability zero)
  for (let j = 0; j < n; j++) {
    const s = Math.sign(rdiag[j]!);
    for (let i = 0; i < m; i++) Q[i * n + j]! *= s;
  }
  return Q;
}

export interface InitRule {
  /** A RegExp tested against the dotted parameter name, or a string naming it exactly. */
  pattern: RegExp | string;
  init: (t: Tensor, name: string) => void;
}

/**
 * Initialises `module`'s parameters by name: each parameter gets the first rule whose pattern
 * matches (registration order, PyTorch's names such as `weight_hh_l0`, `rnn.bias_ih_l1`);
 * parameters no rule matches keep their values. A rule that matches nothing is an error, since
 * a misspelt pattern would otherwise silently leave the default initialisation in place.
 * Returns name → index of the rule applied.
 */
export function initParameters(module: Module, rules: readonly InitRule[]): Map<string, number> {
  const applied = new Map<string, number>();
  const used = new Array<boolean>(rules.length).fill(false);
  const names: string[] = [];
  for (const [name, p] of module.namedParameters()) {
    names.push(name);
    const k = rules.findIndex((r) => (typeof r.pattern === 'string' ? r.pattern === name : matches(r.pattern, name)));
    if (k < 0) continue;
    rules[k]!.init(p, name);
    used[k] = true;
    applied.set(name, k);
  }
  const unused = rules.filter((_, i) => !used[i]).map((r) => String(r.pattern));
  if (unused.length) {
    throw new ValueError(`initParameters: ${unused.join(', ')} matched no parameter (the module has ${names.join(', ') || 'none'})`);
  }
  return applied;
}

function matches(re: RegExp, name: string): boolean {
  re.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
  return re.test(name);
}

/** The recurrent modules `irnn_` accepts (nn.RNN). */
export interface ElmanLike extends Module {
  readonly nonlinearity: string;
}

export interface IrnnOptions {
  /** Std of the Gaussian input-to-hidden weights (default 0.001, Le et al. 2015 §3). */
  inputStd?: number;
  /** W_hh = scale·I (default 1). */
  scale?: number;
  generator?: Generator;
}

/**
 * IRNN initialisation (Le, Jaitly & Hinton 2015, "A simple way to initialize recurrent networks
 * of rectified linear units"), in place: every `weight_hh*` = scale·I, every bias 0, every
 * `weight_ih*` ~ N(0, inputStd²). The module must use ReLU: the identity preserves h and ∂L/∂h
 * only where f′ = 1, which tanh gives at 0 alone. (`diagnostics.irnn` builds such an nn.RNN.)
 */
export function irnn_<M extends ElmanLike>(rnn: M, opts: IrnnOptions = {}): M {
  if (rnn.nonlinearity !== 'relu') throw new ValueError(`irnn_: the RNN must use nonlinearity 'relu', got '${rnn.nonlinearity}'`);
  const std = opts.inputStd ?? 0.001;
  const scale = opts.scale ?? 1;
  const hasBias = [...rnn.namedParameters()].some(([n]) => /^bias/.test(n));
  initParameters(rnn, [
    { pattern: /^weight_hh/, init: (t) => scale_(eye_(t), scale) },
    { pattern: /^weight_ih/, init: (t) => normal_(t, 0, std, opts.generator) },
    ...(hasBias ? [{ pattern: /^bias/, init: zeros_ }] : []),
  ]);
  return rnn;
}

function scale_(t: Tensor, s: number): Tensor {
  for (let i = 0; i < t.data.length; i++) t.data[i]! *= s;
  t._version++;
  return t;
}
