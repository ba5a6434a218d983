// Learning-rate schedulers with torch.optim.lr_scheduler's (1.13) semantics: constructing one
// sets epoch 0; each `step()` (once per epoch, after `optimizer.step()`) moves to the next epoch
// and writes the new lr into every parameter group. The updates are PyTorch's recursive
// ("chainable") forms, so the values match its float arithmetic.
import type { Optimizer } from './optimizer.js';
import { ValueError } from '../errors.js';

type LrGroup = { lr: number };

export abstract class LRScheduler {
  /** The epoch the current lr belongs to (0 after construction). */
  lastEpoch = -1;
  readonly baseLrs: number[];
  protected readonly groups: LrGroup[];

  constructor(readonly optimizer: Optimizer<object>) {
    this.groups = optimizer.paramGroups as unknown as LrGroup[];
    for (const g of this.groups) {
      if (typeof g.lr !== 'number') throw new ValueError('LRScheduler: the optimizer has no lr option');
    }
    this.baseLrs = this.groups.map((g) => g.lr);
  }

  /** The lr of each parameter group for `lastEpoch`, given the current ones. */
  protected abstract nextLrs(): number[];

  /** Advances one epoch and sets the optimizer's learning rates. */
  step(): void {
    this.lastEpoch++;
    const lrs = this.nextLrs();
    this.groups.forEach((g, i) => (g.lr = lrs[i]!));
  }

  /** The learning rates last set, one per parameter group. */
  getLastLr(): number[] {
    return this.groups.map((g) => g.lr);
  }

  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(sd: { lastEpoch: number; baseLrs: number[] }): void {
    this.lastEpoch = sd.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...sd.baseLrs);
  }

  protected current(): number[] {
    return this.groups.map((g) => g.lr);
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ValueError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** lr ← lr·γ every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer<object>, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.stepSize = positiveInt('StepLR: stepSize', opts.stepSize);
    this.gamma = opts.gamma ?? 0.1;
    this.step();
  }
  protected nextLrs(): number[] {
    const e = this.lastEpoch;
    return this.current().map((lr) => (e === 0 || e % this.stepSize !== 0 ? lr : lr * this.gamma));
  }
}

/** lr ← lr·γ at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(optimizer: Optimizer<object>, opts: { milestones: number[]; gamma?: number }) {
    super(optimizer);
    this.milestones = [...opts.milestones].sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this.step();
  }
  protected nextLrs(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.current().map((lr) => (hits === 0 ? lr : lr * Math.pow(this.gamma, hits)));
  }
}

/** lr ← lr·γ every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer<object>, readonly opts: { gamma: number }) {
    super(optimizer);
    this.step();
  }
  protected nextLrs(): number[] {
    return this.current().map((lr) => (this.lastEpoch === 0 ? lr : lr * this.opts.gamma));
  }
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, without restarts): η_t = η_min + (η_0 − η_min)·
 * (1 + cos(π t / T_max)) / 2, in PyTorch's recursive form.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer<object>, opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.tMax = positiveInt('CosineAnnealingLR: tMax', opts.tMax);
    this.etaMin = opts.etaMin ?? 0;
    this.step();
  }
  protected nextLrs(): number[] {
    const e = this.lastEpoch, T = this.tMax, m = this.etaMin;
    return this.current().map((lr, i) => {
      if (e === 0) return lr;
      if ((e - 1 - T) % (2 * T) === 0) return lr + ((this.baseLrs[i]! - m) * (1 - Math.cos(Math.PI / T))) / 2;
      return ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - m) + m;
    });
  }
}

/** lr = base_lr · λ(epoch). */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: Optimizer<object>, readonly lrLambda: (epoch: number) => number) {
    super(optimizer);
    this.step();
  }
  protected nextLrs(): number[] {
    return this.baseLrs.map((b) => b * this.lrLambda(this.lastEpoch));
  }
}
