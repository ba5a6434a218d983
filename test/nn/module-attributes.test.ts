// Attribute registration as in PyTorch: `this.rnn = new nn.LSTM(…)` registers the child under
// its attribute name, in assignment order; tied weights are one Parameter listed once; null and
// plain tensors follow PyTorch's __setattr__. Expected names are written by hand from PyTorch's
// rules for the same class written in PyTorch.
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, UserError, ValueError, manualSeed, nn, ones, optim, randn, tensor } from '../../src/index.js';

/**
 * The stranger's first model, line for line from PyTorch's word_language_model:
 *   self.encoder = nn.Embedding(V, E); self.rnn = nn.LSTM(E, E, 2); self.decoder = nn.Linear(E, V)
 *   self.decoder.weight = self.encoder.weight
 * Fields are declared in another order on purpose: the assignment order is what counts.
 */
class WordLM extends nn.Module {
  decoder: nn.Linear;
  rnn: nn.LSTM;
  encoder: nn.Embedding;
  scale: Tensor; // a plain tensor: not a parameter

  constructor(readonly V: number, E: number, tie = true) {
    super();
    this.encoder = new nn.Embedding(V, E);
    this.rnn = new nn.LSTM(E, E, { numLayers: 2 });
    this.decoder = new nn.Linear(E, V);
    if (tie) this.decoder.weight = this.encoder.weight;
    this.scale = tensor([1]);
  }

  /** ids [T,B] → logits [T,B,V] and the LSTM state. */
  override forward(ids: Tensor, state?: nn.LSTMState): [Tensor, nn.LSTMState] {
    const [out, s] = this.rnn.forward(this.encoder.forward(ids), state);
    return [this.decoder.forward(out), s];
  }
}

const LSTM2 = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'].map((n) => `rnn.${n}`);

describe('Module: attributes register as in PyTorch', () => {
  it("names and order equal PyTorch's; a tied weight is listed once but kept under both keys in the state dict", () => {
    manualSeed(1);
    const m = new WordLM(7, 5);
    expect([...m.namedParameters()].map(([k]) => k)).toEqual(['encoder.weight', ...LSTM2, 'decoder.bias']);
    expect(Object.keys(m.stateDict())).toEqual(['encoder.weight', ...LSTM2, 'decoder.weight', 'decoder.bias']);
    expect([...m.namedParameters('', { removeDuplicate: false })].map(([k]) => k)).toEqual(Object.keys(m.stateDict()));
    expect(m.decoder.weight).toBe(m.encoder.weight);
    expect(m.parameters()).toHaveLength(10);
    expect([...m.namedChildren()].map(([k]) => k)).toEqual(['encoder', 'rnn', 'decoder']);
    const untied = new WordLM(7, 5, false);
    expect([...untied.namedParameters()].map(([k]) => k)).toEqual(['encoder.weight', ...LSTM2, 'decoder.weight', 'decoder.bias']);
  });

  it('the tied model trains with Adam and its loss goes down; the tie holds', () => {
    manualSeed(2);
    const m = new WordLM(6, 8);
    const opt = new optim.Adam(m.parameters(), { lr: 0.02 });
    const T = 5, B = 3;
    const g = new Generator(3);
    const ids = Array.from({ length: (T + 1) * B }, () => Math.floor(g.random() * 6));
    const x = tensor(ids.slice(0, T * B)).reshape(T, B);
    const y = ids.slice(B);
    const lossFn = new nn.CrossEntropyLoss();
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      opt.zeroGrad();
      const [logits] = m.forward(x);
      const loss = lossFn.forward(logits.reshape(T * B, 6), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    expect(m.decoder.weight).toBe(m.encoder.weight);
  });

  it('an optimizer built from parameters() updates a tied weight once, with both uses\' gradients', () => {
    manualSeed(4);
    const m = new WordLM(4, 3);
    const w = m.encoder.weight;
    const before = Float64Array.from(w.data);
    const opt = new optim.SGD(m.parameters(), { lr: 0.5 });
    opt.zeroGrad();
    m.forward(tensor([[0, 1], [2, 3]]))[0].sum().backward();
    const grad = Float64Array.from(w.grad!.data);
    opt.step();
    // the decoder's use reaches every row: the gradient holds more than the embedding's rows
    expect(grad.some((v) => v !== 0)).toBe(true);
    for (let i = 0; i < before.length; i++) expect(w.data[i]).toBeCloseTo(before[i]! - 0.5 * grad[i]!, 6);
  });

  it('loadStateDict fills both keys of a tied weight (the same tensor) and wants both', () => {
    manualSeed(5);
    const a = new WordLM(7, 5), b = new WordLM(7, 5);
    const sd = a.stateDict();
    b.loadStateDict(sd);
    expect(Array.from(b.encoder.weight.data)).toEqual(Array.from(a.encoder.weight.data));
    expect(b.decoder.weight).toBe(b.encoder.weight);
    const { 'decoder.weight': _, ...partial } = sd;
    expect(() => b.loadStateDict(partial)).toThrow('loadStateDict: missing keys: decoder.weight');
  });

  it('null to a registered name is None: parameters() skips it, the state dict omits it', () => {
    const m = new WordLM(7, 5);
    m.decoder.bias = null;
    expect(Object.keys(m.stateDict())).not.toContain('decoder.bias');
    expect([...m.namedParameters()].map(([k]) => k)).not.toContain('decoder.bias');
    expect(m.forward(tensor([[1]]))[0].shape).toEqual([1, 1, 7]);
    (m as { rnn: nn.LSTM | null }).rnn = null;
    expect([...m.namedChildren()].map(([k]) => k)).toEqual(['encoder', 'decoder']);
    expect(Object.keys(m.stateDict())).toEqual(['encoder.weight', 'decoder.weight']);
    // a new module at the same name takes its old place, as a Python dict key does
    m.rnn = new nn.LSTM(5, 5);
    expect([...m.namedChildren()].map(([k]) => k)).toEqual(['encoder', 'rnn', 'decoder']);
  });

  it('a plain tensor is an attribute, not a parameter; it cannot replace a parameter', () => {
    const m = new WordLM(7, 5);
    expect(m.scale.shape).toEqual([1]);
    expect(m.parameters()).not.toContain(m.scale);
    expect(Object.keys(m.stateDict())).not.toContain('scale');
    const lin = new nn.Linear(2, 3);
    const err = (() => { try { lin.weight = tensor([[1, 2]]); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ValueError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("Linear: cannot assign a plain Tensor [1,2] as parameter 'weight' (a Parameter or null expected; wrap a tensor with new Parameter(t))");
    expect(() => { (m as unknown as { rnn: number }).rnn = 3; }).toThrow("WordLM: cannot assign number 3 as child module 'rnn' (a Module or null expected)");
    lin.weight = new nn.Parameter(tensor([[1, 2]]));
    expect([...lin.namedParameters()].map(([k, p]) => [k, [...p.shape]])).toEqual([['weight', [1, 2]], ['bias', [3]]]);
  });

  it('a Parameter assigned to an attribute registers; a module replacing it moves it to the children', () => {
    class Scaled extends nn.Module {
      gain = new nn.Parameter(ones([1]));
      lin: nn.Module | nn.Parameter = new nn.Linear(1, 1);
      override forward(x: Tensor): Tensor {
        return x.mul(this.gain);
      }
    }
    const s = new Scaled();
    expect([...s.namedParameters()].map(([k]) => k)).toEqual(['gain', 'lin.weight', 'lin.bias']);
    s.lin = new nn.Parameter(ones([2]));
    expect([...s.namedParameters()].map(([k]) => k)).toEqual(['gain', 'lin']);
    expect([...s.children()]).toEqual([]);
  });

  it('explicit registerModule/registerParameter still work, with names that are not identifiers', () => {
    class Explicit extends nn.Module {
      readonly head: nn.Linear;
      constructor() {
        super();
        this.registerParameter('alpha', ones([1]));
        this.head = this.registerModule('head', new nn.Linear(1, 1));
        this.registerModule('odd-name', new nn.Linear(1, 2, { bias: false }));
      }
    }
    const e = new Explicit();
    expect([...e.namedParameters()].map(([k]) => k)).toEqual(['alpha', 'head.weight', 'head.bias', 'odd-name.weight']);
    expect((e as unknown as Record<string, unknown>)['alpha']).toBeInstanceOf(nn.Parameter);
    expect(() => new (class extends nn.Module {
      constructor() {
        super();
        this.registerModule('a.b', new nn.Linear(1, 1));
      }
    })()).toThrow('must be a non-empty string without "."');
  });
});

describe('built-in layers and subclasses of them', () => {
  it('built-in layers are not proxies (their forward reads stay fast); a user subclass is, even of a built-in', () => {
    class Head extends nn.LSTM {
      head: nn.Linear;
      constructor() {
        super(1, 2);
        this.head = new nn.Linear(2, 1);
      }
    }
    for (const m of [new nn.Linear(1, 1), new nn.LSTM(1, 1), new nn.GRUCell(1, 1), new nn.Embedding(2, 2), new nn.Sequential(), new nn.MSELoss()]) {
      expect(types.isProxy(m)).toBe(false);
    }
    expect(types.isProxy(new WordLM(3, 2))).toBe(true);
    const h = new Head();
    expect(types.isProxy(h)).toBe(true);
    expect([...h.namedParameters()].map(([k]) => k)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'head.weight', 'head.bias']);
  });

  it("a built-in's registered attributes are accessors that register what is assigned", () => {
    const emb = new nn.Embedding(4, 3);
    const p = new nn.Parameter(ones([4, 3]));
    emb.weight = p;
    expect(emb.weight).toBe(p);
    expect(emb.parameters()).toEqual([p]);
    expect(Array.from(emb.forward([1]).data)).toEqual([1, 1, 1]);
    expect(Object.keys(new nn.Linear(1, 1))).toContain('weight');
  });
});

describe('RNN, LSTM and GRU expose their parameters as PyTorch attributes', () => {
  it('weight_ih_l0 … bias_hh_l1_reverse are the registered parameters, and assignable', () => {
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const named = new Map(lstm.namedParameters());
    expect(named.size).toBe(16);
    for (const [k, p] of named) expect((lstm as unknown as Record<string, unknown>)[k]).toBe(p);
    expect(lstm.bias_hh_l1_reverse).toBe(named.get('bias_hh_l1_reverse'));
    expect(lstm.weight_ih_l1.shape).toEqual([16, 8]);
    const gru = new nn.GRU(2, 3, { bias: false });
    expect(gru.bias_ih_l0).toBeUndefined();
    expect(gru.weight_hh_l0.shape).toEqual([9, 3]);
    // the forward runs what is assigned now
    const x = randn([4, 1, 2]);
    const before = gru.forward(x)[0];
    gru.weight_hh_l0 = new nn.Parameter(gru.weight_hh_l0.mul(0));
    expect([...gru.namedParameters()].map(([k]) => k)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(Array.from(gru.forward(x)[0].data)).not.toEqual(Array.from(before.data));
    const rnn = new nn.RNN(2, 3);
    (rnn as unknown as Record<string, unknown>)['weight_hh_l0'] = null;
    expect(() => rnn.forward(randn([2, 1, 2]))).toThrow('RNN.forward: parameter weight_hh_l0 is None; assign a Parameter to it');
  });

  it('cells expose weight_ih, weight_hh, bias_ih, bias_hh', () => {
    const cell = new nn.LSTMCell(2, 3);
    expect([...cell.namedParameters()].map(([k, p]) => [k, p === (cell as unknown as Record<string, unknown>)[k]])).toEqual([
      ['weight_ih', true], ['weight_hh', true], ['bias_ih', true], ['bias_hh', true],
    ]);
  });
});

describe('Module: traversal, apply, requiresGrad_, dtype', () => {
  it('children, namedChildren, modules, namedModules list each module once, in order', () => {
    const m = new WordLM(7, 5);
    expect([...m.children()]).toEqual([m.encoder, m.rnn, m.decoder]);
    expect([...m.namedModules()].map(([k, v]) => [k, v.constructor.name])).toEqual([
      ['', 'WordLM'], ['encoder', 'Embedding'], ['rnn', 'LSTM'], ['decoder', 'Linear'],
    ]);
    expect([...m.modules()]).toHaveLength(4);
    const shared = new nn.Linear(2, 2);
    const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect([...seq.namedModules()].map(([k]) => k)).toEqual(['', '0', '1']);
    expect([...seq.namedParameters()].map(([k]) => k)).toEqual(['0.weight', '0.bias']);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    // a module placed twice runs twice, as in PyTorch
    expect(seq.layers).toHaveLength(3);
  });

  it('apply visits children first, then the module itself, and returns it', () => {
    const m = new WordLM(7, 5);
    const seen: string[] = [];
    expect(m.apply((x) => seen.push(x.constructor.name))).toBe(m);
    expect(seen).toEqual(['Embedding', 'LSTM', 'Linear', 'WordLM']);
    const nested = new nn.Sequential(new nn.Sequential(new nn.Linear(1, 1)), new nn.Tanh());
    const order: string[] = [];
    nested.apply((x) => order.push(x.constructor.name));
    expect(order).toEqual(['Linear', 'Sequential', 'Tanh', 'Sequential']);
  });

  it('requiresGrad_ freezes and unfreezes every parameter', () => {
    const m = new WordLM(7, 5);
    expect(m.requiresGrad_(false)).toBe(m);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    m.requiresGrad_();
    expect(m.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('double() makes every parameter float64 (the tied one once), float() brings them back', () => {
    const m = new WordLM(7, 5);
    m.double();
    expect(new Set([...m.namedParameters('', { removeDuplicate: false })].map(([, p]) => p.dtype))).toEqual(new Set(['float64']));
    expect(m.decoder.weight).toBe(m.encoder.weight);
    expect(m.forward(tensor([[1, 2]]))[0].dtype).toBe('float64');
    m.float();
    expect(m.parameters().every((p) => p.dtype === 'float32')).toBe(true);
  });
});

describe('Sequential', () => {
  it('names the child that returns a tuple instead of failing inside the next one', () => {
    const seq = new nn.Sequential(new nn.LSTM(1, 4) as unknown as nn.Linear, new nn.Linear(4, 1));
    expect(() => seq.forward(ones([5, 2, 1]))).toThrow(ValueError);
    expect(() => seq.forward(ones([5, 2, 1]))).toThrow(
      'Sequential: child 0 (LSTM) returned 2 outputs (an array); Sequential passes one tensor from child to child — wrap it in a Module that picks one',
    );
  });

  it('rejects a child that is not a Module', () => {
    expect(() => new nn.Sequential(new nn.Linear(1, 1), ((x: Tensor) => x) as unknown as nn.Linear)).toThrow(
      'Sequential: child 1 is a function, not a Module with a forward',
    );
  });
});
