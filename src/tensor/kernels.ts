// The numeric kernels behind one small interface, so a WebAssembly SIMD build can replace them
// without touching nn or autograd. Everything works on flat typed arrays with explicit offsets and
// strides: transposes are handled by index, never by copying.
import type { Data } from './dtype.js';
import { ValueError } from '../errors.js';
import { jsKernels } from './js-kernels.js';
import { type WasmKernels, createWasmKernels } from './wasm-kernels.js';
import type { ThreadOptions } from './wasm-threads.js';

export { jsKernels, createWasmKernels };

/**
 * A constant operand the caller vouches for: `key` (the weight Tensor or its data array) names it,
 * `version` (the tensor's `_version`, bumped by every in-place update) says which values it holds.
 * A kernel that keeps a packed copy of the operand reuses it while key, version and layout (offset,
 * strides, shape) all match; anything else repacks. Kernels without a cache ignore it.
 */
export interface Resident {
  key: object;
  version: number;
}

/**
 * The time steps of one layer-direction in processing order, for the whole-sequence loops: step s
 * has plan[4s] its first row, plan[4s+1] = Bt active rows (rs rows apart), of which the first
 * plan[4s+2] = n take their previous state from the previous step processed (whose first row is
 * plan[4s+3]) and rows n … Bt−1 from row b of h0 (c0). Gate buffers are [rows, G], states [rows, H].
 */
export interface StepPlan {
  T: number;
  B: number;
  H: number;
  rs: number;
  plan: Int32Array;
}

export interface Kernels {
  /**
   * C(i,j) = C[cOff + i*crs + j] ← (accumulate ? C(i,j) : 0) + Σ_k A(i,k)·B(k,j), where
   * A(i,k) = A[aOff + i*ars + k*acs] and B(k,j) = B[bOff + k*brs + j*bcs].
   * `resident.a` / `resident.b` mark A / B as constant between calls (see Resident).
   */
  gemm(
    M: number, N: number, K: number,
    A: Data, aOff: number, ars: number, acs: number,
    B: Data, bOff: number, brs: number, bcs: number,
    C: Data, cOff: number, crs: number, accumulate: boolean,
    resident?: { a?: Resident; b?: Resident },
  ): void;
  /**
   * Y(i,j) = tanh(X(i,j)) for a rows×cols block, X(i,j) = X[xOff + i*xrs + j] and
   * Y(i,j) = Y[yOff + i*yrs + j] (X and Y may be the same array).
   */
  tanh(rows: number, cols: number, X: Data, xOff: number, xrs: number, Y: Data, yOff: number, yrs: number): void;

  // One time step's element-wise work of the recurrent cells, for `rows` batch rows of H units.
  // Every operand is a block of rows: (array, offset of row 0, row stride). Gate blocks follow
  // PyTorch's order (LSTM i f g o, GRU r z n), each H wide; σ(x) = (1 + tanh(x/2)) / 2.

  /**
   * LSTM forward: A [rows,4H] holds the pre-activations a = x W_ihᵀ + h W_hhᵀ + b and is overwritten
   * with the activations i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o) (what backward needs);
   * C ← c = f·Cp + i·g, TC ← tanh(c), Y ← h = o·tanh(c). Cp is c_{t−1}.
   */
  lstmCell(
    rows: number, H: number,
    A: Data, aOff: number, ars: number,
    Cp: Data, cpOff: number, cprs: number,
    C: Data, cOff: number, crs: number,
    TC: Data, tcOff: number, tcrs: number,
    Y: Data, yOff: number, yrs: number,
  ): void;
  /**
   * LSTM backward from the saved activations A [rows,4H] (i f g o), TC = tanh(c_t) and Cp = c_{t−1}:
   * dh = GY + DH; dc = DC + dh·o·(1 − tc²); DA [rows,4H] ← [dc·g·i(1−i), dc·Cp·f(1−f),
   * dc·i·(1−g²), dh·tc·o(1−o)] (assigned); DC ← dc·f (in place: the carry to step t−1).
   */
  lstmCellBackward(
    rows: number, H: number,
    A: Data, aOff: number, ars: number,
    TC: Data, tcOff: number, tcrs: number,
    Cp: Data, cpOff: number, cprs: number,
    GY: Data, gyOff: number, gyrs: number,
    DH: Data, dhOff: number, dhrs: number,
    DC: Data, dcOff: number, dcrs: number,
    DA: Data, daOff: number, dars: number,
  ): void;
  /**
   * GRU forward: A [rows,3H] holds u = x W_ihᵀ + b_ih and is overwritten with r, z, n; V [rows,3H]
   * holds v = h W_hhᵀ + b_hh (read only). r = σ(u_r + v_r), z = σ(u_z + v_z),
   * n = tanh(u_n + r·v_n); VN ← v_n; Y ← h = (Hp − n)·z + n (ATen's form of (1−z)·n + z·Hp).
   */
  gruCell(
    rows: number, H: number,
    A: Data, aOff: number, ars: number,
    V: Data, vOff: number, vrs: number,
    Hp: Data, hpOff: number, hprs: number,
    VN: Data, vnOff: number, vnrs: number,
    Y: Data, yOff: number, yrs: number,
  ): void;
  /**
   * GRU backward from the saved r, z, n (A [rows,3H]), Hp = h_{t−1} and VN = v_n: dh = GY + DH;
   * dn = dh·(1−z)·(1−n²); dz = dh·(Hp − n)·z(1−z); dr = dn·VN·r(1−r); DU [rows,3H] ← [dr dz dn],
   * DV [rows,3H] ← [dr dz dn·r], DN ← dh·z (all assigned; the caller then adds DV·W_hh into DN).
   */
  gruCellBackward(
    rows: number, H: number,
    A: Data, aOff: number, ars: number,
    Hp: Data, hpOff: number, hprs: number,
    VN: Data, vnOff: number, vnrs: number,
    GY: Data, gyOff: number, gyrs: number,
    DH: Data, dhOff: number, dhrs: number,
    DU: Data, duOff: number, durs: number,
    DV: Data, dvOff: number, dvrs: number,
    DN: Data, dnOff: number, dnrs: number,
  ): void;
  // Optional whole-sequence loops of the fused LSTM/GRU ops (src/autograd/ops/lstm.ts, gru.ts):
  // the same per-step gemm + cell-kernel calls as the ops' own loop (sequence.ts: lstmSteps …),
  // run with every buffer resident in the kernels' memory for the whole walk. Each returns false
  // (touching nothing) when it does not handle the operands (e.g. float64), and the op runs its
  // own loop. Arrays are the ops' whole-sequence buffers in the layout of `steps` (see StepPlan);
  // W is W_hh [G,H] with `w` its Resident.

  /** The LSTM forward walk: A [rows,4H] pre-activations in, activations out; C, TC, Y written. */
  lstmSequence?(
    steps: StepPlan, A: Data, W: Data, w: Resident, H0: Data, C0: Data, C: Data, TC: Data, Y: Data,
  ): boolean;
  /** The LSTM backward walk: DA [rows,4H] written, DC [B,H] carried in place, GH0/GC0 accumulated. */
  lstmSequenceBackward?(
    steps: StepPlan, A: Data, TC: Data, C: Data, C0: Data, GY: Data, W: Data, w: Resident,
    DC: Data, DA: Data, GH0: Data | null, GC0: Data | null,
  ): boolean;
  /** The GRU forward walk: A [rows,3H] u in, r z n out; VN, Y written; BHH is b_hh (null: none). */
  gruSequence?(
    steps: StepPlan, A: Data, W: Data, w: Resident, BHH: Data | null, H0: Data, VN: Data, Y: Data,
  ): boolean;
  /** The GRU backward walk: DU, DV [rows,3H] written, GH0 accumulated. */
  gruSequenceBackward?(
    steps: StepPlan, A: Data, Y: Data, H0: Data, VN: Data, GY: Data, W: Data, w: Resident,
    DU: Data, DV: Data, GH0: Data | null,
  ): boolean;
  /** tanh RNN backward: DZ ← (GY + DH)·(1 − Y²) for a rows×cols block, Y the saved tanh output. */
  tanhBackward(
    rows: number, cols: number,
    Y: Data, yOff: number, yrs: number,
    GY: Data, gyOff: number, gyrs: number,
    DH: Data, dhOff: number, dhrs: number,
    DZ: Data, dzOff: number, dzrs: number,
  ): void;
}

let active: Kernels | null = null;
let own: WasmKernels | null = null; // the kernels kernels() made (setKernels may replace them)
let spawn: ThreadOptions['spawn'] | null = null;
let numThreads: number | null = null;

const env = (): Record<string, string | undefined> | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/**
 * The kernels in use: WebAssembly SIMD where the runtime supports it (Node ≥ 16, current
 * browsers), else plain JS. RNNKIT_KERNELS=js in the environment (Node) forces plain JS.
 * Large products use getNumThreads() threads once a host has registered how to start workers.
 */
export function kernels(): Kernels {
  if (active === null) {
    const n = getNumThreads();
    own = env()?.RNNKIT_KERNELS === 'js' ? null
      : createWasmKernels(n > 1 && spawn !== null ? { threads: { count: n, spawn } } : {});
    active = own ?? jsKernels;
  }
  return active;
}

/** Swaps the kernel implementation; returns the previous one. */
export function setKernels(k: Kernels): Kernels {
  const prev = kernels();
  active = k;
  return prev;
}

/**
 * How this host starts a worker from source text (see ThreadOptions.spawn): the Node entry passes
 * worker_threads, a cross-origin-isolated page a Blob-URL Worker. Without one, one thread.
 */
export function setThreadSpawner(s: ThreadOptions['spawn'] | null): void {
  spawn = s;
  restart();
}

/**
 * Threads for large GEMMs (default: RNNKIT_THREADS, else 1). Results are the same bits for any
 * count; the kernels are rebuilt (resident copies are packed again) on the next call.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`setNumThreads: expects a whole number ≥ 1, got ${n}`);
  numThreads = n;
  restart();
}

export function getNumThreads(): number {
  if (numThreads === null) {
    const v = Number(env()?.RNNKIT_THREADS ?? 1);
    numThreads = Number.isInteger(v) && v >= 1 ? v : 1;
  }
  return numThreads;
}

// drops the kernels kernels() made, so the next call makes them with the new settings; kernels
// a caller installed with setKernels stay
function restart(): void {
  if (own === null) return;
  own.terminateThreads();
  if (active === own) active = null;
  own = null;
}
