// Module: the container of parameters and sub-modules, with PyTorch's naming (dotted paths,
// registration order), state dicts and train/eval mode. As in PyTorch, assigning a `Parameter`
// or a `Module` to an attribute registers it under the attribute's name, in assignment order:
// a user's module is a Proxy whose `defineProperty` trap (reached by plain assignment and by
// class field definitions alike) keeps the registry in step with the attributes.
// The built-in layers (Linear, RNN, LSTM, …) are not proxies: every read through a proxy costs
// ~30 ns, +23% on the tutorial RNN's forward. They register explicitly, and their registered
// attributes are accessors, so `decoder.weight = encoder.weight` still registers the tie.
import type { TensorLike } from '../tensor/dtype.js';
import type { DType } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { UserError, ValueError, showValue } from '../errors.js';

/** A trainable tensor owned by a module. */
export class Parameter extends Tensor {
  constructor(t: Tensor) {
    super(t.data, t.shape, true);
  }
}

/** What a state dict holds: anything with a shape and flat values (Tensor, safetensors RawTensor). */
export type { TensorLike };

export type StateDict = Record<string, Tensor>;

function isTensorLike(v: unknown): v is TensorLike {
  return typeof v === 'object' && v !== null && Array.isArray((v as TensorLike).shape) && typeof (v as TensorLike).data === 'object';
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class StateDictError extends UserError {}

/** Options of `namedParameters` / `namedModules`, PyTorch's `recurse` and `remove_duplicate`. */
export interface NamedOptions {
  /** Include the sub-modules' parameters (default true). */
  recurse?: boolean;
  /** List a shared (tied) parameter or module once, under its first name (default true). */
  removeDuplicate?: boolean;
}

/** Classes whose instances are not proxies (exact classes: a user's subclass is proxied). */
const builtins = new WeakSet<abstract new (...args: never[]) => Module>();

/**
 * @internal
 * Marks a built-in layer class (from its `static {}` block): its instances skip the proxy, so
 * it must register everything explicitly; its registered names become accessors.
 */
export function builtinModule(cls: abstract new (...args: never[]) => Module): void {
  builtins.add(cls);
}

export abstract class Module {
  training = true;
  /** @internal name → parameter, in registration order; null is PyTorch's `None` (skipped) */
  private readonly _params = new Map<string, Parameter | null>();
  /** @internal name → child module, in registration order; null is PyTorch's `None` */
  private readonly _modules = new Map<string, Module | null>();
  /** @internal bumped on every change of this module's registry, for caches of resolved parameters */
  protected registryVersion = 0;

  constructor() {
    // The subclass constructor runs on the proxy, so `this.rnn = new LSTM(…)` is seen.
    if (!builtins.has(new.target)) return new Proxy(this, Module.registrar);
  }

  /** @internal one shared get/set pair per name (shared: V8 keeps one hidden class and inlines it) */
  private static readonly accessors = new Map<string, PropertyDescriptor>();

  /** @internal the attribute of a built-in layer's registered name: reads the registry, writes through `track` */
  private static accessor(name: string): PropertyDescriptor {
    let d = Module.accessors.get(name);
    if (d === undefined) {
      d = {
        get(this: Module) {
          const p = this._params.get(name);
          return p !== undefined ? p : this._modules.get(name);
        },
        set(this: Module, v: unknown) {
          this.track(name, v);
        },
        enumerable: true,
        configurable: true,
      };
      Module.accessors.set(name, d);
    }
    return d;
  }

  /** @internal sets attribute `name` to a just-registered value: a data property on a proxy, the accessor otherwise */
  private expose(name: string, v: Parameter | Module | null): void {
    if (!this.canHold(name)) return;
    const desc = builtins.has(this.constructor as typeof Module) ? Module.accessor(name) : { value: v, writable: true, enumerable: true, configurable: true };
    Object.defineProperty(this, name, desc);
  }

  /**
   * @internal
   * Plain assignment reaches `defineProperty` too (OrdinarySet defines on the receiver), so one
   * trap sees `this.x = v`, class fields and Object.defineProperty. An `undefined` value (a
   * declared field, `readonly rnn: LSTM;`, before its constructor assigns it) registers nothing,
   * so the order is that of the first real assignment, as in PyTorch.
   */
  private static readonly registrar: ProxyHandler<Module> = {
    defineProperty(target, key, desc) {
      if (typeof key === 'string' && 'value' in desc) target.track(key, desc.value);
      return Reflect.defineProperty(target, key, desc);
    },
  };

  /** @internal PyTorch's `__setattr__` rules for a value assigned to attribute `name`. */
  private track(name: string, v: unknown): void {
    const params = this._params, mods = this._modules;
    if (v instanceof Parameter || v instanceof Module || params.has(name) || mods.has(name)) this.registryVersion++;
    if (v instanceof Parameter) {
      mods.delete(name);
      params.set(name, v);
    } else if (v instanceof Module) {
      params.delete(name);
      mods.set(name, v);
    } else if (params.has(name)) {
      if (v !== null && v !== undefined) {
        throw new ValueError(`${this.constructor.name}: cannot assign ${describe(v)} as parameter '${name}' (a Parameter or null expected; wrap a tensor with new Parameter(t))`);
      }
      params.set(name, null);
    } else if (mods.has(name)) {
      if (v !== null && v !== undefined) {
        throw new ValueError(`${this.constructor.name}: cannot assign ${describe(v)} as child module '${name}' (a Module or null expected)`);
      }
      mods.set(name, null);
    }
  }

  /**
   * Registers `t` (wrapped in a Parameter unless it is one; null for PyTorch's None) under
   * `name` and, where that shadows nothing, sets the attribute of that name too.
   */
  protected registerParameter(name: string, t: Tensor | null): Parameter {
    checkName(this, name, 'parameter');
    const p = t === null ? null : t instanceof Parameter ? t : new Parameter(t);
    this._modules.delete(name);
    this._params.set(name, p);
    this.registryVersion++;
    this.expose(name, p);
    return p as Parameter;
  }

  protected registerModule<M extends Module | null>(name: string, m: M): M {
    checkName(this, name, 'module');
    this._params.delete(name);
    this._modules.set(name, m);
    this.registryVersion++;
    this.expose(name, m);
    return m;
  }

  /**
   * @internal
   * Whether attribute `name` may be set without hiding a method or clobbering a plain field:
   * names like "constructor", "__proto__" or "forward" are registered but not set as attributes.
   */
  private canHold(name: string): boolean {
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own === undefined) return !(name in this);
    if (own.get !== undefined && own.get === Module.accessors.get(name)?.get) return true;
    if (!own.configurable || !('value' in own)) return false;
    const v: unknown = own.value;
    return v === undefined || v === null || v instanceof Tensor || v instanceof Module;
  }

  /** @internal every child slot in registration order, repeated modules and nulls included */
  protected childSlots(): IterableIterator<[string, Module | null]> {
    return this._modules.entries();
  }

  /** Direct sub-modules with their names (each once), like `named_children()`. */
  *namedChildren(): IterableIterator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m === null || memo.has(m)) continue;
      memo.add(m);
      yield [name, m];
    }
  }

  *children(): IterableIterator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every sub-module, depth first, with dotted names, like `named_modules()`. */
  *namedModules(prefix = '', opts: { removeDuplicate?: boolean } = {}): IterableIterator<[string, Module]> {
    yield* this.walk(prefix, opts.removeDuplicate ?? true ? new Set() : null);
  }

  *modules(): IterableIterator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** @internal depth-first (this, then children), skipping repeats when `memo` is given */
  private *walk(prefix: string, memo: Set<Module> | null): IterableIterator<[string, Module]> {
    if (memo) {
      if (memo.has(this)) return;
      memo.add(this);
    }
    yield [prefix, this];
    for (const [name, m] of this._modules) if (m !== null) yield* m.walk(prefix ? `${prefix}.${name}` : name, memo);
  }

  /**
   * Parameters with their dotted names, in registration order (PyTorch's order). A parameter
   * shared by several names (tied weights) is listed once, under its first name, unless
   * `removeDuplicate` is false.
   */
  *namedParameters(prefix = '', opts: NamedOptions = {}): IterableIterator<[string, Parameter]> {
    const dedupe = opts.removeDuplicate ?? true;
    const mods: Iterable<[string, Module]> = opts.recurse ?? true ? this.walk(prefix, dedupe ? new Set() : null) : [[prefix, this]];
    const memo = new Set<Parameter>();
    for (const [mp, m] of mods) {
      for (const [name, p] of m._params) {
        if (p === null || memo.has(p)) continue;
        if (dedupe) memo.add(p);
        yield [mp ? `${mp}.${name}` : name, p];
      }
    }
  }

  /** Every parameter once (tied ones too), the list an optimizer takes. */
  parameters(opts: { recurse?: boolean } = {}): Parameter[] {
    return [...this.namedParameters('', opts)].map(([, p]) => p);
  }

  /** The registered parameter `name` of this module (null when absent or None). */
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

  /** Sets `requiresGrad` on every parameter (freezes them with false), like `requires_grad_()`. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
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
    // Every name, tied ones included (PyTorch's state_dict keeps both keys of a tied weight).
    for (const [name, p] of this.namedParameters('', { removeDuplicate: false })) {
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
    // Every name: both keys of a tied weight are expected, and both fill the one tensor.
    const own = new Map(this.namedParameters('', { removeDuplicate: false }));
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
      if (v) {
        p.data.set(v.data);
        p._version++;
      }
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
      p._version++;
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

  /**
   * The module's computation, PyTorch's `forward`. Each subclass declares its own signature
   * (`forward(x: Tensor, h?: Tensor): [Tensor, Tensor]` type-checks, with `override` under
   * `noImplicitOverride`); a module that defines none throws when called, as in PyTorch.
   */
  forward(..._args: never[]): unknown {
    throw new ValueError(`${this.constructor.name} has no forward(); define forward(...) in the subclass`);
  }

  /** Calls `fn` on every module, children first, then this one, like `apply`. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }
}

function checkName(m: Module, name: string, what: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ValueError(`${m.constructor.name}: ${what} name ${showValue(name)} must be a non-empty string without "."`);
  }
}

/** A value as an error message names it: its class, or its type. */
function describe(v: unknown): string {
  if (v instanceof Tensor) return `a plain Tensor ${fmtShape(v.shape)}`;
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : `a ${v.constructor?.name ?? 'object'}`;
  return `${typeof v} ${showValue(v)}`;
}
