import type { Tensor } from '../tensor/tensor.js';
import { crossEntropy, l1Loss, mseLoss, nllLoss, type NllOptions, type Reduction } from './functional.js';
import { Module, builtinModule } from './module.js';

export interface LossOptions {
  reduction?: Reduction;
}

export class MSELoss extends Module {
  static {
    builtinModule(this);
  }

  readonly reduction: Reduction;
  constructor(opts: LossOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}

export class L1Loss extends Module {
  static {
    builtinModule(this);
  }

  readonly reduction: Reduction;
  constructor(opts: LossOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.reduction);
  }
}

export class NLLLoss extends Module {
  static {
    builtinModule(this);
  }

  constructor(readonly opts: NllOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor | ArrayLike<number>): Tensor {
    return nllLoss(input, target, this.opts);
  }
}

export class CrossEntropyLoss extends Module {
  static {
    builtinModule(this);
  }

  constructor(readonly opts: NllOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor | ArrayLike<number>): Tensor {
    return crossEntropy(input, target, this.opts);
  }
}
