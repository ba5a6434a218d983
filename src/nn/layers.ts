// Legend: N batch (any leading dims), I in_features, O out_features.
import * as E from '../autograd/ops/elementwise.js';
import { zeros } from '../tensor/creation.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { dropout, linear } from './functional.js';
import { uniform_ } from './init.js';
import { Module, type Parameter, builtinModule } from './module.js';
import { ValueError } from '../errors.js';

export interface LinearOptions {
  bias?: boolean;
  dtype?: 'float32' | 'float64';
  /** Generator for the initial weights (default: the global one, see manualSeed). */
  generator?: Generator;
}

/** y = x Wᵀ + b, with W [O,I] as PyTorch stores it (read transposed by index, not copied). */
export class Linear extends Module {
  static {
    builtinModule(this);
  }

  // Assignable, as in PyTorch: `decoder.weight = encoder.weight` ties the two (one Parameter).
  weight: Parameter; // [O,I]
  bias: Parameter | null; // [O]

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    const k = 1 / Math.sqrt(inFeatures);
    const g = opts.generator ?? defaultGenerator;
    this.weight = this.registerParameter('weight', uniform_(zeros([outFeatures, inFeatures], opts), -k, k, g));
    this.bias = opts.bias ?? true ? this.registerParameter('bias', uniform_(zeros([outFeatures], opts), -k, k, g)) : null;
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, 'Linear.forward');
  }
}

export class ReLU extends Module {
  static {
    builtinModule(this);
  }

  override forward(x: Tensor): Tensor {
    return E.relu(x);
  }
}

export class Tanh extends Module {
  static {
    builtinModule(this);
  }

  override forward(x: Tensor): Tensor {
    return E.tanh(x);
  }
}

export class Sigmoid extends Module {
  static {
    builtinModule(this);
  }

  override forward(x: Tensor): Tensor {
    return E.sigmoid(x);
  }
}

export class Identity extends Module {
  static {
    builtinModule(this);
  }

  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Zeroes each value with probability p in training and scales the rest by 1/(1−p); identity in eval. */
export class Dropout extends Module {
  static {
    builtinModule(this);
  }

  constructor(readonly p = 0.5, readonly generator: Generator = defaultGenerator) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout: p must be in [0, 1], got ${p}`);
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

/** Anything with a single-tensor forward. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

/** Runs its modules in order; they are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  static {
    builtinModule(this);
  }

  constructor(...layers: (Module & Layer)[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module) || typeof (m as Partial<Layer>).forward !== 'function') {
        throw new ValueError(`Sequential: child ${i} is ${describeValue(m)}, not a Module with a forward`);
      }
      this.registerModule(String(i), m);
    });
  }

  /** The children in order (a `seq[0] = …` or `null` assignment shows here too). */
  get layers(): (Module & Layer)[] {
    return [...this.childSlots()].flatMap(([, m]) => (m === null ? [] : [m as Module & Layer]));
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    // every slot in order, a module placed twice runs twice (PyTorch iterates `_modules`)
    for (const [i, m] of this.childSlots()) {
      if (m === null) continue;
      const out: unknown = (m as Module & Layer).forward(y);
      if (!(out instanceof Tensor)) {
        // PyTorch's own error here is clear; without this check the next child fails deep inside
        // an op ("Cannot read properties of undefined").
        const what = Array.isArray(out) ? `${out.length} outputs (an array)` : describeValue(out);
        throw new ValueError(`Sequential: child ${i} (${m.constructor.name}) returned ${what}; Sequential passes one tensor from child to child — wrap it in a Module that picks one`);
      }
      y = out;
    }
    return y;
  }
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}
