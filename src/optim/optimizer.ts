// Optimizer base: parameter groups with per-group options, per-parameter state, state dicts in
// PyTorch's layout ({ state: {index: {...}}, paramGroups: [{...options, params: [indices]}] }).
import type { Data } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { ValueError, showValue } from '../errors.js';

export type ParamGroup<O> = { params: Tensor[] } & Partial<O>;
export type Params<O> = Iterable<Tensor> | ParamGroup<O>[];

export type ParamState = Record<string, Data | number>;

/** One state entry as a state dict holds it (LBFGS keeps lists of flat vectors, and nulls). */
export type StateValue = number | number[] | number[][] | null;

export interface OptimizerStateDict<O> {
  state: Record<number, Record<string, StateValue>>;
  paramGroups: (O & { params: number[] })[];
}

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ({ params: Tensor[] } & O)[] = [];
  readonly state = new Map<Tensor, ParamState>();
  /** The constructor's options: what a group (or `addParamGroup`) leaves out. */
  readonly defaults: O;

  constructor(params: Params<O>, defaults: O, protected readonly name: string) {
    this.defaults = defaults;
    const list = [...params] as (Tensor | ParamGroup<O>)[];
    if (list.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
    const groups: ParamGroup<O>[] = isGroup(list[0]!) ? (list as ParamGroup<O>[]) : [{ params: list as Tensor[] } as ParamGroup<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own options, as `add_param_group`: options it leaves out
   * (or sets to undefined) come from the constructor's; a parameter may belong to one group only.
   */
  addParamGroup(group: ParamGroup<O>): void {
    const name = this.name;
    if (typeof group !== 'object' || group === null || !isIterable(group.params)) {
      throw new ValueError(`${name}.addParamGroup: a group needs params, a list of tensors`);
    }
    const params = [...(group.params as Iterable<unknown>)];
    params.forEach((p, i) => {
      if (!(p instanceof Object && 'data' in p && 'shape' in p)) throw new ValueError(`${name}: group parameter ${i} is ${showValue(p)}, not a tensor`);
      if (!(p as Tensor).isLeaf) throw new ValueError(`${name}: can't optimize a non-leaf tensor (group parameter ${i})`);
    });
    const opts: Record<string, unknown> = { ...(this.defaults as Record<string, unknown>) };
    for (const [k, v] of Object.entries(group)) {
      if (k === 'params' || v === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(this.defaults, k)) {
        throw new ValueError(`${name}: unknown option ${showValue(k)} in a parameter group (expects ${Object.keys(this.defaults).join(', ')})`);
      }
      opts[k] = v;
    }
    this.checkOptions(opts as O);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params as Tensor[]) {
      if (seen.has(p)) throw new ValueError(`${name}: a parameter appears in more than one group`);
      seen.add(p);
    }
    this.paramGroups.push({ ...(opts as O), params: params as Tensor[] });
    this.initGroup(this.paramGroups[this.paramGroups.length - 1]!);
  }

  /** Rejects bad option values (one group's, after the defaults are filled in). */
  protected checkOptions(_opts: O): void {}

  /** State a new group's parameters get before the first step (Adagrad's accumulator). */
  protected initGroup(_group: { params: Tensor[] } & O): void {}

  /** Zeroes gradients in place (PyTorch 1.13's default) or drops them with setToNone. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (opts.setToNone) p.grad = null;
        else p.grad?.data.fill(0);
      }
    }
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        let s = this.state.get(p);
        if (s === undefined) {
          s = {};
          this.state.set(p, s);
        }
        this.update(p.data, p.grad.data, s, g, p);
        p._version++;
      }
    }
  }

  protected abstract update(param: Data, grad: Data, state: ParamState, group: O, p: Tensor): void;

  /** A zero buffer shaped like the parameter, created on first use. */
  protected buffer(state: ParamState, key: string, like: Data): Data {
    let b = state[key];
    if (b === undefined || typeof b === 'number') {
      b = alloc(like instanceof Float64Array ? 'float64' : 'float32', like.length);
      state[key] = b;
    }
    return b;
  }

  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      return { ...(opts as unknown as O), params: params.map((p) => index.get(p) ?? index.set(p, index.size).get(p)!) };
    });
    const state: OptimizerStateDict<O>['state'] = {};
    for (const [p, s] of this.state) {
      state[index.get(p)!] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]));
    }
    return { state, paramGroups };
  }

  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`loadStateDict: the state has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((g, gi) => {
      const own = this.paramGroups[gi]!;
      if (g.params.length !== own.params.length) {
        throw new ValueError(`loadStateDict: group ${gi} has ${g.params.length} parameters in the state, ${own.params.length} in the optimizer`);
      }
      g.params.forEach((idx, k) => byIndex.set(idx, own.params[k]!));
      const { params: _ignored, ...opts } = g;
      Object.assign(own, opts);
    });
    this.state.clear();
    for (const [idx, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(idx));
      if (!p) throw new ValueError(`loadStateDict: state for unknown parameter index ${idx}`);
      const ps: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') ps[k] = v;
        else if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
          throw new ValueError(`loadStateDict: state '${k}' of parameter ${idx} is ${showValue(v)}, not a number or a list of numbers`);
        } else {
          if (v.length !== p.data.length) throw new ValueError(`loadStateDict: state '${k}' of parameter ${idx} has ${v.length} values, the parameter ${p.data.length}`);
          const b = alloc(p.dtype, v.length);
          b.set(v);
          ps[k] = b;
        }
      }
      this.state.set(p, ps);
    }
  }
}

function isGroup<O>(x: Tensor | ParamGroup<O>): x is ParamGroup<O> {
  return !('data' in x) && Array.isArray((x as ParamGroup<O>).params);
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** PyTorch's option checks: each named option must be a number ≥ 0 ("SGD: invalid learning rate -1"). */
export function checkNonNegative<O extends object>(optimizer: string, o: O, keys: readonly (keyof O & string)[]): void {
  for (const k of keys) {
    const v = o[k] as unknown;
    if (!((v as number) >= 0)) throw new ValueError(`${optimizer}: invalid ${k === 'lr' ? 'learning rate' : k} ${showValue(v)}`);
  }
}
