// L-BFGS (Nocedal 1980; Nocedal & Wright, Numerical Optimization, Algorithms 7.4/7.5) as
// torch.optim.LBFGS 1.13 runs it, itself a port of minFunc / torch7's optim.lbfgs. All parameters
// are one flat vector x (in paramGroups order), g = ∇f(x). Per `step(closure)`, up to maxIter
// iterations k (maxEval closure calls):
//   d ← −g                                  (the very first iteration; history cleared)
//   else y ← g − g_prev, s ← t·d;  if yᵀs > 1e−10: keep (s, y, ρ = 1/yᵀs) in the last historySize
//        and H₀ ← yᵀs / yᵀy;  d ← −H g by the two-loop recursion:
//          q ← −g;  for i newest→oldest: αᵢ ← ρᵢ sᵢᵀq, q ← q − αᵢ yᵢ
//          r ← H₀ q; for i oldest→newest: βᵢ ← ρᵢ yᵢᵀr, r ← r + (αᵢ − βᵢ) sᵢ;  d ← r
//   t ← min(1, 1/‖g‖₁)·lr on the very first iteration, else lr
//   stop if gᵀd > −toleranceChange; else x ← x + t·d with t from the strong-Wolfe line search
//   (bracketing, then zoom by safeguarded cubic interpolation) or the fixed t, re-evaluating f, g
//   then stop on ‖g‖∞ ≤ toleranceGrad, ‖t·d‖∞ ≤ toleranceChange, |Δf| < toleranceChange, or the
//   iteration / evaluation budget. History and the last d, t, g persist across calls.
// Vectors are in the parameters' dtype (float64 if any parameter is); scalars are doubles.
import type { Data, DType } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNonNegative, Optimizer, type OptimizerStateDict, type Params, type ParamGroup, type StateValue } from './optimizer.js';
import { ValueError, showValue } from '../errors.js';

export interface LBFGSOptions {
  lr: number;
  maxIter: number;
  /** Closure calls per `step` (default ⌊maxIter·5/4⌋, as PyTorch's max_iter * 5 // 4). */
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

/** Zeroes the gradients, computes the loss, calls `backward()` and returns the loss. */
export type Closure = () => Tensor;

/** The optimizer's global state (PyTorch registers it under the first parameter). */
interface LBFGSState {
  funcEvals: number;
  nIter: number;
  d: Data | null; // [N] last direction
  t: number; // last step length
  oldDirs: Data[]; // yᵢ, oldest first
  oldStps: Data[]; // sᵢ
  ro: number[]; // ρᵢ
  hDiag: number;
  prevFlatGrad: Data | null;
  prevLoss: number | null;
}

export class LBFGS extends Optimizer<LBFGSOptions> {
  private lbfgs: LBFGSState = freshState();

  constructor(params: Params<LBFGSOptions>, opts: Partial<LBFGSOptions> = {}) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<LBFGSOptions>;
    const maxIter = given.maxIter ?? 20;
    super(params, { lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null, ...given }, 'LBFGS');
  }

  /** PyTorch's LBFGS has one group: its state is one flat vector over all parameters. */
  override addParamGroup(group: ParamGroup<LBFGSOptions>): void {
    if (this.paramGroups.length > 0) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected override checkOptions(o: LBFGSOptions): void {
    checkNonNegative('LBFGS', o, ['lr']);
    for (const k of ['maxIter', 'maxEval', 'historySize'] as const) {
      if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new ValueError(`LBFGS: ${k} must be a positive integer, got ${showValue(o[k])}`);
    }
    checkNonNegative('LBFGS', o, ['toleranceGrad', 'toleranceChange']);
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
      throw new ValueError(`LBFGS: lineSearchFn is ${showValue(o.lineSearchFn)}; expects 'strong_wolfe' or null`);
    }
  }

  protected update(): void {
    throw new Error('LBFGS.update: unreachable, LBFGS.step does the whole iteration');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  private get dtype(): DType {
    return this.params.some((p) => p.dtype === 'float64') ? 'float64' : 'float32';
  }

  private numel(): number {
    return this.params.reduce((n, p) => n + p.data.length, 0);
  }

  /** ∇f as one vector; a parameter without a gradient contributes zeros. */
  private gatherFlatGrad(): Data {
    const out = alloc(this.dtype, this.numel());
    let offset = 0;
    for (const p of this.params) {
      if (p.grad) out.set(p.grad.data, offset);
      offset += p.data.length;
    }
    return out;
  }

  /** x ← x + t·d, parameter by parameter. */
  private addGrad(t: number, d: Data): void {
    let offset = 0;
    for (const p of this.params) {
      const x = p.data;
      for (let i = 0; i < x.length; i++) x[i] += t * d[offset + i]!;
      p._version++;
      offset += x.length;
    }
  }

  private cloneParams(): Data[] {
    return this.params.map((p) => p.data.slice());
  }

  private setParams(x: Data[]): void {
    this.params.forEach((p, i) => {
      p.data.set(x[i]!);
      p._version++;
    });
  }

  /** f and ∇f at x + t·d, leaving the parameters at x. */
  private directionalEvaluate(closure: Closure, x: Data[], t: number, d: Data): [number, Data] {
    this.addGrad(t, d);
    const loss = callClosure(closure).item();
    const g = this.gatherFlatGrad();
    this.setParams(x);
    return [loss, g];
  }

  /**
   * Up to maxIter L-BFGS iterations. `closure` must zero the gradients, compute the loss, call
   * backward and return the loss; it runs up to maxEval times. Returns the loss of the first call
   * (before any update), as PyTorch does.
   */
  override step(closure?: Closure): Tensor {
    if (typeof closure !== 'function') {
      throw new ValueError('LBFGS.step: needs a closure that zeroes the gradients, computes the loss, calls backward and returns the loss');
    }
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = this.paramGroups[0]!;
    const state = this.lbfgs;

    const origLoss = callClosure(closure);
    let loss = origLoss.item();
    let currentEvals = 1;
    state.funcEvals += 1;

    let flatGrad = this.gatherFlatGrad();
    let optCond = maxAbs(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss } = state;
    const al: number[] = new Array<number>(historySize).fill(0);

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.nIter++;

      // ---- descent direction ----
      if (state.nIter === 1) {
        d = scale(flatGrad, -1);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = sub(flatGrad, prevFlatGrad!);
        const s = scale(d!, t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const numOld = oldDirs.length;
        const q = scale(flatGrad, -1);
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i]!, q) * ro[i]!;
          axpy(q, -al[i]!, oldDirs[i]!);
        }
        const r = scale(q, hDiag);
        for (let i = 0; i < numOld; i++) {
          const be = dot(oldDirs[i]!, r) * ro[i]!;
          axpy(r, al[i]! - be, oldStps[i]!);
        }
        d = r;
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice();
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      // ---- step length ----
      t = state.nIter === 1 ? pyMin(1, 1 / sumAbs(flatGrad)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (lineSearchFn === 'strong_wolfe') {
        const xInit = this.cloneParams();
        const dir = d;
        const r = strongWolfe((x, tt) => this.directionalEvaluate(closure, x, tt, dir), xInit, t, d, loss, flatGrad, gtd, { toleranceChange });
        [loss, flatGrad, t, lsFuncEvals] = r;
        this.addGrad(t, d);
        optCond = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        // Not on the last iteration: with stochastic losses a fresh evaluation buys nothing.
        if (nIter !== maxIter) {
          loss = callClosure(closure).item();
          flatGrad = this.gatherFlatGrad();
          optCond = maxAbs(flatGrad) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals += lsFuncEvals;

      // ---- stopping tests ----
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (maxAbsScaled(d, t) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    Object.assign(state, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }

  /** PyTorch's layout: the global state under the first parameter's index (0). */
  override stateDict(): OptimizerStateDict<LBFGSOptions> {
    const sd = super.stateDict();
    const s = this.lbfgs;
    if (s.funcEvals === 0) return sd;
    const list = (v: Data | null) => (v === null ? null : Array.from(v));
    sd.state[0] = {
      funcEvals: s.funcEvals,
      nIter: s.nIter,
      d: list(s.d),
      t: s.t,
      oldDirs: s.oldDirs.map((v) => Array.from(v)),
      oldStps: s.oldStps.map((v) => Array.from(v)),
      ro: [...s.ro],
      hDiag: s.hDiag,
      prevFlatGrad: list(s.prevFlatGrad),
      prevLoss: s.prevLoss,
    };
    return sd;
  }

  override loadStateDict(sd: OptimizerStateDict<LBFGSOptions>): void {
    const entries = Object.entries(sd.state ?? {});
    super.loadStateDict({ ...sd, state: {} });
    if (entries.length === 0) {
      this.lbfgs = freshState();
      return;
    }
    if (entries.length > 1 || entries[0]![0] !== '0') throw new ValueError('LBFGS.loadStateDict: expects the state under parameter 0 only');
    const s = entries[0]![1];
    const n = this.numel(), dtype = this.dtype;
    const num = (k: string, nullable = false): number | null => {
      const v = s[k];
      if (typeof v === 'number' || (nullable && v === null)) return v;
      throw new ValueError(`LBFGS.loadStateDict: state '${k}' is ${showValue(v)}, not a number`);
    };
    const vec = (k: string, v: StateValue | undefined): Data => {
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) {
        throw new ValueError(`LBFGS.loadStateDict: state '${k}' is ${showValue(v)}, not a list of ${n} numbers (one per parameter element)`);
      }
      const b = alloc(dtype, n);
      b.set(v as number[]);
      return b;
    };
    const vecs = (k: string): Data[] => {
      const v = s[k];
      if (!Array.isArray(v)) throw new ValueError(`LBFGS.loadStateDict: state '${k}' is ${showValue(v)}, not a list of vectors`);
      return v.map((x, i) => vec(`${k}[${i}]`, x as StateValue));
    };
    const ro = s.ro;
    if (!Array.isArray(ro) || !ro.every((x) => typeof x === 'number')) throw new ValueError(`LBFGS.loadStateDict: state 'ro' is ${showValue(ro)}, not a list of numbers`);
    const loaded: LBFGSState = {
      funcEvals: num('funcEvals')!,
      nIter: num('nIter')!,
      d: s.d === null ? null : vec('d', s.d),
      t: num('t')!,
      oldDirs: vecs('oldDirs'),
      oldStps: vecs('oldStps'),
      ro: [...(ro as number[])],
      hDiag: num('hDiag')!,
      prevFlatGrad: s.prevFlatGrad === null ? null : vec('prevFlatGrad', s.prevFlatGrad),
      prevLoss: num('prevLoss', true),
    };
    if (loaded.oldStps.length !== loaded.oldDirs.length || loaded.ro.length !== loaded.oldDirs.length) {
      throw new ValueError(`LBFGS.loadStateDict: oldDirs, oldStps and ro have ${loaded.oldDirs.length}, ${loaded.oldStps.length} and ${loaded.ro.length} entries; expects the same`);
    }
    this.lbfgs = loaded;
  }
}

function freshState(): LBFGSState {
  return { funcEvals: 0, nIter: 0, d: null, t: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: null };
}

function callClosure(closure: Closure): Tensor {
  const loss = closure();
  if (!(loss instanceof Tensor) || loss.data.length !== 1) {
    throw new ValueError(`LBFGS.step: the closure returned ${loss instanceof Tensor ? `a tensor of ${loss.data.length} elements` : showValue(loss)}; expects the loss, a one-element tensor`);
  }
  return loss;
}

// ---- flat-vector helpers (the result has a's dtype) ----
function dot(a: Data, b: Data): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function scale(a: Data, c: number): Data {
  const out = a.slice();
  for (let i = 0; i < out.length; i++) out[i] = a[i]! * c;
  return out;
}
function sub(a: Data, b: Data): Data {
  const out = a.slice();
  for (let i = 0; i < out.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}
/** y ← y + c·x in place. */
function axpy(y: Data, c: number, x: Data): void {
  for (let i = 0; i < y.length; i++) y[i] += c * x[i]!;
}
/** ‖a‖∞; NaN propagates (as torch's max), so a NaN gradient never passes a tolerance test. */
function maxAbs(a: Data): number {
  return maxAbsScaled(a, 1);
}
/** ‖c·a‖∞ with each product rounded like PyTorch's d.mul(t). */
function maxAbsScaled(a: Data, c: number): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]! * c);
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  return m;
}
function sumAbs(a: Data): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]!);
  return s;
}

// Python's max/min on two values: the first unless the second compares greater (less), as
// torch's line search uses them (a NaN first argument stays NaN).
const pyMax = (a: number, b: number) => (b > a ? b : a);
const pyMin = (a: number, b: number) => (b < a ? b : a);

/**
 * Minimiser of the cubic through (x₁, f₁, f′₁) and (x₂, f₂, f′₂), clamped to `bounds` (default
 * the interval between them); the midpoint when the cubic has no minimum (torch7's polyinterp):
 *   d₁ = g₁ + g₂ − 3(f₁ − f₂)/(x₁ − x₂),  d₂ = √(d₁² − g₁g₂)
 *   x = x₂ − (x₂ − x₁)(g₂ + d₂ − d₁)/(g₂ − g₁ + 2d₂)   (x₁ ≤ x₂; mirrored otherwise)
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * Line search for a t meeting the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5/3.6;
 * torch7's lswolfe): f(x + td) ≤ f + c₁t gᵀd and |∇f(x + td)ᵀd| ≤ −c₂ gᵀd. Brackets by cubic
 * extrapolation, then zooms by cubic interpolation kept 10% inside the bracket. Returns
 * [f, g, t, evaluations] at the best point found; the parameters are left at x.
 */
function strongWolfe(
  objFunc: (x: Data[], t: number) => [number, Data],
  x: Data[], t: number, d: Data, f: number, g: Data, gtd: number,
  opts: { c1?: number; c2?: number; toleranceChange?: number; maxLs?: number } = {},
): [number, Data, number, number] {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25 } = opts;
  const dNorm = maxAbs(d);
  let [fNew, gNew] = objFunc(x, t);
  let lsFuncEvals = 1;
  let gtdNew = dot(gNew, d);

  // ---- bracket an interval containing a point that satisfies the conditions ----
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Data[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // extrapolate by cubic interpolation within [t + 0.01(t − tPrev), 10t]
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t);
    lsFuncEvals++;
    gtdNew = dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) {
    [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  }

  // ---- zoom: shrink the bracket until a point meets the conditions ----
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);

    // A t at (or within 10% of) an end makes little progress: after two such, or at the end
    // itself, move it 10% of the bracket inside.
    const bMax = pyMax(bracket[0]!, bracket[1]!), bMin = pyMin(bracket[0]!, bracket[1]!);
    const eps = 0.1 * (bMax - bMin);
    if (pyMin(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }

    [fNew, gNew] = objFunc(x, t);
    lsFuncEvals++;
    gtdNew = dot(gNew, d);
    lsIter++;

    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      // Armijo fails or no lower than the low end: t becomes the high end
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        // the old high end becomes the low end
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}
