// Eigenvalues and spectral radius of recurrent weight matrices (tutorial §6: with a linear
// recurrence h_t = W h_{t−1}, h_t = Wᵗ h_0 and ∂h_t/∂h_0 = Wᵗ, which vanish or explode as ρ(W)ᵗ,
// ρ = max |λ_i|).
//
// Two methods:
//   eigenvalues / spectralRadius — all eigenvalues by reduction to upper Hessenberg form
//     (Gaussian elimination with pivoting) and the Francis double-shift QR algorithm (EISPACK's
//     elmhes + hqr, as in Numerical Recipes §11.5-11.6), in float64. Exact up to rounding for any
//     real square matrix, complex pairs included. O(n³); fine for hidden sizes in the hundreds.
//   powerIteration — Gelfand's formula ρ = lim ‖Wᵏv‖^{1/k}, estimated from the growth of the
//     iterates over the second half of the run, so a transient does not bias it. Unlike the
//     Rayleigh quotient it stays correct when the dominant eigenvalues are a complex pair
//     (a rotation) or many eigenvalues share the top modulus (an orthogonal matrix); its error
//     is O(1/k) in general (a constant factor spread over k steps), geometric for a single
//     dominant real eigenvalue.
import type { Module } from '../nn/module.js';
import { Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';

export interface Complex {
  re: number;
  im: number;
}

/** A square matrix as rows (float64 copies). */
function squareRows(w: Tensor | readonly (readonly number[])[], op: string): number[][] {
  if (Array.isArray(w)) {
    const n = w.length;
    if (w.some((r) => r.length !== n)) throw new ValueError(`${op}: expects a square matrix, got ${n} rows of lengths ${w.map((r) => r.length).join(', ')}`);
    return w.map((r) => [...r]);
  }
  const t = w as Tensor;
  if (t.ndim !== 2 || t.shape[0] !== t.shape[1]) throw new ValueError(`${op}: expects a square matrix [n,n], got shape ${fmtShape(t.shape)}`);
  const n = t.shape[0]!;
  return Array.from({ length: n }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
}

/**
 * All eigenvalues of a real square matrix, sorted by decreasing modulus (a conjugate pair:
 * positive imaginary part first). Throws if the QR iteration does not converge (it practically
 * always does).
 */
export function eigenvalues(w: Tensor | readonly (readonly number[])[]): Complex[] {
  const rows = squareRows(w, 'eigenvalues');
  const n = rows.length;
  if (n === 0) return [];
  for (const r of rows) for (const v of r) if (!Number.isFinite(v)) throw new ValueError('eigenvalues: the matrix has NaN or infinite entries');
  // 1-based, as the EISPACK/Numerical Recipes routines are written; row/column 0 unused
  const a: number[][] = [new Array<number>(n + 1).fill(0), ...rows.map((r) => [0, ...r])];
  elmhes(a, n);
  for (let i = 3; i <= n; i++) for (let j = 1; j <= i - 2; j++) a[i]![j] = 0; // drop elmhes's multipliers
  const ev = hqr(a, n);
  return ev.sort((x, y) => Math.hypot(y.re, y.im) - Math.hypot(x.re, x.im) || y.re - x.re || y.im - x.im);
}

/** ρ(W) = max |λ_i|, from `eigenvalues`. */
export function spectralRadius(w: Tensor | readonly (readonly number[])[]): number {
  const ev = eigenvalues(w);
  return ev.reduce((m, z) => Math.max(m, Math.hypot(z.re, z.im)), 0);
}

export interface PowerIterationOptions {
  /** Matrix-vector products (default 1000). */
  iterations?: number;
  /** Start vector's generator (default seed 0: the estimate is deterministic). */
  generator?: Generator;
}

/**
 * Spectral radius by power iteration: v ← Wv/‖Wv‖, accumulating log‖Wv‖; the estimate is
 * exp(mean log-growth over the second half of the iterations) = (‖W^k v‖/‖W^{k/2} v‖)^{2/k}.
 * Exact (to rounding) for scaled orthogonal matrices, rotations included.
 */
export function powerIteration(w: Tensor | readonly (readonly number[])[], opts: PowerIterationOptions = {}): number {
  const a = squareRows(w, 'powerIteration');
  const n = a.length;
  const iters = opts.iterations ?? 1000;
  if (!Number.isInteger(iters) || iters < 2) throw new ValueError(`powerIteration: iterations must be an integer ≥ 2, got ${iters}`);
  if (n === 0) return 0;
  const g = opts.generator ?? new Generator(0);
  let v = Array.from({ length: n }, () => g.normal());
  let norm = Math.hypot(...v);
  v = v.map((x) => x / norm);
  const half = Math.floor(iters / 2);
  let logGrowth = 0;
  for (let k = 1; k <= iters; k++) {
    const u = a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    norm = Math.hypot(...u);
    if (norm === 0 || !Number.isFinite(norm)) return norm === 0 ? 0 : NaN; // Wᵏv = 0: nilpotent on v
    if (k > half) logGrowth += Math.log(norm);
    v = u.map((x) => x / norm);
  }
  return Math.exp(logGrowth / (iters - half));
}

export interface RecurrentSpectrum {
  /** Parameter name, e.g. `weight_hh_l0` or `rnn.weight_hh_l1_reverse`. */
  name: string;
  /** Gate block for LSTM (i, f, g, o) and GRU (r, z, n) weights; '' for an Elman RNN. */
  gate: string;
  /** ρ of the H×H block. */
  spectralRadius: number;
  /** Largest singular value (‖W‖₂ ≥ ρ): bounds the one-step gain of the linear part. */
  spectralNorm: number;
}

const GATES: Record<number, string[]> = { 1: [''], 3: ['r', 'z', 'n'], 4: ['i', 'f', 'g', 'o'] };

/**
 * ρ and ‖·‖₂ of every recurrent weight of a module: parameters named `weight_hh*` (at any depth).
 * An LSTM's [4H,H] and a GRU's [3H,H] are split into their H×H gate blocks (PyTorch's gate order).
 */
export function recurrentSpectra(module: Module): RecurrentSpectrum[] {
  const out: RecurrentSpectrum[] = [];
  for (const [name, p] of module.namedParameters()) {
    if (!/(^|\.)weight_hh/.test(name)) continue;
    const [rows, H] = p.shape as [number, number];
    const gates = p.ndim === 2 && rows % H === 0 ? GATES[rows / H] : undefined;
    if (!gates) throw new ValueError(`recurrentSpectra: ${name} has shape ${fmtShape(p.shape)}; expected [H,H], [3H,H] or [4H,H]`);
    gates.forEach((gate, k) => {
      const block = Array.from({ length: H }, (_, i) => Array.from(p.data.subarray((k * H + i) * H, (k * H + i + 1) * H)));
      out.push({ name, gate, spectralRadius: spectralRadius(block), spectralNorm: Math.sqrt(spectralRadius(gram(block))) });
    });
  }
  return out;
}

/** WᵀW */
function gram(w: number[][]): number[][] {
  const n = w.length;
  const g = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const row of w) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i]![j]! += row[i]! * row[j]!;
  return g;
}

// ---- EISPACK via Numerical Recipes (2nd ed., §11.5 elmhes, §11.6 hqr), 1-based ----------------

/** Reduces a to upper Hessenberg form by stabilised elementary similarity transforms, in place. */
function elmhes(a: number[][], n: number): void {
  for (let m = 2; m < n; m++) {
    let x = 0;
    let i = m;
    for (let j = m; j <= n; j++) {
      if (Math.abs(a[j]![m - 1]!) > Math.abs(x)) {
        x = a[j]![m - 1]!;
        i = j;
      }
    }
    if (i !== m) {
      for (let j = m - 1; j <= n; j++) [a[i]![j], a[m]![j]] = [a[m]![j]!, a[i]![j]!];
      for (let j = 1; j <= n; j++) [a[j]![i], a[j]![m]] = [a[j]![m]!, a[j]![i]!];
    }
    if (x !== 0) {
      for (i = m + 1; i <= n; i++) {
        let y = a[i]![m - 1]!;
        if (y !== 0) {
          y /= x;
          a[i]![m - 1] = y;
          for (let j = m; j <= n; j++) a[i]![j]! -= y * a[m]![j]!;
          for (let j = 1; j <= n; j++) a[j]![m]! += y * a[j]![i]!;
        }
      }
    }
  }
}

const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Eigenvalues of an upper Hessenberg matrix (destroyed) by the shifted QR algorithm. */
function hqr(a: number[][], n: number): Complex[] {
  const wr = new Array<number>(n + 1).fill(0), wi = new Array<number>(n + 1).fill(0);
  let anorm = 0;
  for (let i = 1; i <= n; i++) for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i]![j]!);
  let nn = n;
  let t = 0;
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, z = 0;
  while (nn >= 1) {
    let its = 0;
    let l: number;
    do {
      // look for a single small subdiagonal element
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a[l - 1]![l - 1]!) + Math.abs(a[l]![l]!);
        if (s === 0) s = anorm;
        if (Math.abs(a[l]![l - 1]!) + s === s) {
          a[l]![l - 1] = 0;
          break;
        }
      }
      x = a[nn]![nn]!;
      if (l === nn) {
        // one root found
        wr[nn] = x + t;
        wi[nn--] = 0;
      } else {
        y = a[nn - 1]![nn - 1]!;
        w = a[nn]![nn - 1]! * a[nn - 1]![nn]!;
        if (l === nn - 1) {
          // two roots found
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -(wi[nn] = z);
          }
          nn -= 2;
        } else {
          if (its === 60) throw new ValueError('eigenvalues: the QR iteration did not converge');
          if (its === 10 || its === 20 || its === 40) {
            // exceptional shift
            t += x;
            for (let i = 1; i <= nn; i++) a[i]![i]! -= x;
            s = Math.abs(a[nn]![nn - 1]!) + Math.abs(a[nn - 1]![nn - 2]!);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          // form the shift and look for two consecutive small subdiagonal elements
          for (m = nn - 2; m >= l; m--) {
            z = a[m]![m]!;
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1]![m]! + a[m]![m + 1]!;
            q = a[m + 1]![m + 1]! - z - r - s;
            r = a[m + 2]![m + 1]!;
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[m]![m - 1]!) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[m - 1]![m - 1]!) + Math.abs(z) + Math.abs(a[m + 1]![m + 1]!));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i]![i - 2] = 0;
            if (i !== m + 2) a[i]![i - 3] = 0;
          }
          // double QR step on rows l..nn and columns m..nn
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k]![k - 1]!;
              q = a[k + 1]![k - 1]!;
              r = 0;
              if (k !== nn - 1) r = a[k + 2]![k - 1]!;
              if ((x = Math.abs(p) + Math.abs(q) + Math.abs(r)) !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            if ((s = sign(Math.sqrt(p * p + q * q + r * r), p)) !== 0) {
              if (k === m) {
                if (l !== m) a[k]![k - 1] = -a[k]![k - 1]!;
              } else a[k]![k - 1] = -s * x;
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = a[k]![j]! + q * a[k + 1]![j]!;
                if (k !== nn - 1) {
                  p += r * a[k + 2]![j]!;
                  a[k + 2]![j]! -= p * z;
                }
                a[k + 1]![j]! -= p * y;
                a[k]![j]! -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * a[i]![k]! + y * a[i]![k + 1]!;
                if (k !== nn - 1) {
                  p += z * a[i]![k + 2]!;
                  a[i]![k + 2]! -= p * r;
                }
                a[i]![k + 1]! -= p * q;
                a[i]![k]! -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  const out: Complex[] = [];
  for (let i = 1; i <= n; i++) out.push({ re: wr[i]!, im: wi[i]! });
  return out;
}
