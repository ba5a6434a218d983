// Gradient norms per parameter per epoch, collected from a training loop: ‖∂L/∂θ‖₂ of every named
// parameter after each backward, reduced over the epoch's steps. With train.fit, plug in
// `history.fitCallbacks()`: fit calls onProgress after clipping and the optimizer step and before
// the next zeroGrad, so the norms read there are the (clipped) gradients of that step.
import type { Module } from '../nn/module.js';
import type { EpochEvent, ProgressEvent } from '../train/fit.js';
import { ValueError } from '../errors.js';

export type EpochReduction = 'mean' | 'max' | 'last';

export interface GradNormHistoryOptions {
  /** How an epoch's steps become one number per parameter (default 'mean'). */
  reduce?: EpochReduction;
}

export class GradNormHistory {
  /** Parameter names, in registration order. */
  readonly names: string[];
  /** epochs[name][e] = the reduced ‖∂L/∂θ‖ of epoch e + 1. */
  readonly epochs: Record<string, number[]> = Object.create(null) as Record<string, number[]>; // keyed by parameter name
  readonly reduce: EpochReduction;
  private acc: number[];
  private steps = 0;

  constructor(readonly module: Module, opts: GradNormHistoryOptions = {}) {
    this.reduce = opts.reduce ?? 'mean';
    if (!['mean', 'max', 'last'].includes(this.reduce)) throw new ValueError(`GradNormHistory: reduce must be 'mean', 'max' or 'last', got '${this.reduce}'`);
    this.names = [...module.namedParameters()].map(([n]) => n);
    for (const n of this.names) this.epochs[n] = [];
    this.acc = new Array<number>(this.names.length).fill(0);
  }

  /** Reads every parameter's current gradient (a missing one counts as 0). Call after backward. */
  recordStep(): void {
    let i = 0;
    for (const [, p] of this.module.namedParameters()) {
      let s = 0;
      const g = p.grad?.data;
      if (g) for (let k = 0; k < g.length; k++) s += g[k]! * g[k]!;
      const norm = Math.sqrt(s);
      const a = this.acc[i]!;
      this.acc[i++] = this.reduce === 'mean' ? a + norm : this.reduce === 'max' ? Math.max(a, norm) : norm;
    }
    this.steps++;
  }

  /** Closes the epoch: appends one value per parameter (NaN when no step was recorded). */
  endEpoch(): void {
    this.names.forEach((n, i) => {
      const v = this.steps === 0 ? NaN : this.reduce === 'mean' ? this.acc[i]! / this.steps : this.acc[i]!;
      this.epochs[n]!.push(v);
    });
    this.acc.fill(0);
    this.steps = 0;
  }

  /** Callbacks for `train.fit`, chained after `inner`'s. */
  fitCallbacks(inner: { onProgress?: (e: ProgressEvent) => void; onEpochEnd?: (e: EpochEvent) => void } = {}) {
    return {
      onProgress: (e: ProgressEvent) => {
        this.recordStep();
        inner.onProgress?.(e);
      },
      onEpochEnd: (e: EpochEvent) => {
        this.endEpoch();
        inner.onEpochEnd?.(e);
      },
    };
  }
}
