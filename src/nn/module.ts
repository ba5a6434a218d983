// Module: the container of parameters and sub-modules, with PyTorch's naming (dotted paths,
// registration order), state dicts and train/eval mode. Registration is explicit
// (`registerParameter`, `registerModule`) so names never depend on property reflection.
import type { DType } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { UserError } from '../errors.js';

/** A trainable tensor owned by a module. */
export class Parameter extends Tensor {
  constructor(t: Tensor) {
    super(t.data, t.shape, true);
  }
}

/** What a state dict holds: anything with a shape and flat values (Tensor, safetensors RawTensor). */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export type StateDict = Record<string, Tensor>;

function isTensorLike(v: unknown): v is TensorLike {
  return typeof v === 'object' && v !== null && Array.isArray((v as TensorLike).shape) && typeof (v as TensorLike).data === 'object';
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class StateDictError extends UserError {}

export abstract class Module {
  training = true;
  private readonly _params = new Map<string, Parameter | null>();
  private readonly _modules = new Map<string, Module>();

  protected registerParameter(name: string, t: Tensor | null): Parameter {
    const p = t === null ? null : t instanceof Parameter ? t : new Parameter(t);
    this._params.set(name, p);
    return p as Parameter;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this._modules.set(name, m);
    return m;
  }

  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this._modules;
  }

  *namedModules(prefix = ''): IterableIterator<[string, Module]> {
    yield [prefix, this];
    for (const [name, m] of this._modules) yield* m.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  /** Parameters with their dotted names, in registration order (PyTorch's order). */
  *namedParameters(prefix = ''): IterableIterator<[string, Parameter]> {
    for (const [name, p] of this._params) if (p !== null) yield [prefix ? `${prefix}.${name}` : name, p];
    for (const [name, m] of this._modules) yield* m.namedParameters(prefix ? `${prefix}.${name}` : name);
  }

  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Replaces a registered parameter's values in place (keeps identity for optimizers). */
  protected getParameter(name: string): Parameter | null {
    return this._params.get(name) ?? null;
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Zeroes every parameter's gradient in place (PyTorch 1.13's default), or drops it with setToNone. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (opts.setToNone) p.grad = null;
      else p.grad?.data.fill(0);
    }
  }

  /** Name → tensor sharing the parameter's values, like `state_dict()`. */
  stateDict(): StateDict {
    const out: StateDict = {};
    // defineProperty: a parameter named "__proto__" must become an entry, not the prototype.
    for (const [name, p] of this.namedParameters()) {
      Object.defineProperty(out, name, { value: p.detach(), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /**
   * Copies values from `dict` into the parameters. Shape mismatches always fail; with strict
   * (default) missing and unexpected keys fail too. The error lists every problem at once.
   */
  loadStateDict(dict: Record<string, TensorLike> | Map<string, TensorLike>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    // Own keys only (Object.entries), so "__proto__", "constructor" or "toString" in a checkpoint
    // are compared like any other name, and reported as unexpected when the module lacks them.
    const entries: Map<string, TensorLike> = dict instanceof Map ? dict : new Map(Object.entries(dict));
    // `dict["__proto__"] = tensor` on a plain object replaces its prototype instead of adding an
    // entry; the key is gone from Object.entries, so name it rather than lose it silently.
    const proto: unknown = dict instanceof Map ? null : Object.getPrototypeOf(dict);
    if (isTensorLike(proto) && !entries.has('__proto__')) entries.set('__proto__', proto);
    const own = new Map(this.namedParameters());
    const missingKeys = [...own.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
    const mismatches: string[] = [];
    for (const [k, p] of own) {
      const v = entries.get(k);
      if (v && !sameShape(v.shape, p.shape)) {
        mismatches.push(`${k}: checkpoint has shape ${fmtShape(v.shape)}, the module has ${fmtShape(p.shape)}`);
      }
    }
    const problems: string[] = [];
    if (mismatches.length) problems.push(`size mismatch for ${mismatches.join('; ')}`);
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (problems.length) throw new StateDictError(`loadStateDict: ${problems.join('. ')}`);
    for (const [k, p] of own) {
      const v = entries.get(k);
      if (v) p.data.set(v.data);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Converts every parameter to `dtype` in place (identity kept), like `module.to(dtype)`. */
  to(dtype: DType): this {
    for (const p of this.parameters()) {
      if (p.dtype === dtype) continue;
      const d = alloc(dtype, p.data.length);
      d.set(p.data);
      p.data = d;
      (p as { dtype: DType }).dtype = dtype;
      p.grad = null;
    }
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  /** Calls `fn` on every module, children first, like `apply`. */
  apply(fn: (m: Module) => void): this {
    for (const [, m] of this._modules) m.apply(fn);
    fn(this);
    return this;
  }
}
