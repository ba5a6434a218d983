// Type-level test (checked by `tsc --noEmit`, which includes test/): a PyTorch user's subclass
// with its own forward signature compiles, and the PyTorch attribute names are typed.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Tensor, nn, ones } from '../../src/index.js';

class Tagger extends nn.Module {
  rnn = new nn.GRU(3, 4);
  head = new nn.Linear(4, 2);

  override forward(x: Tensor, h?: Tensor): [Tensor, Tensor] {
    const [out, hN] = this.rnn.forward(x, h);
    return [this.head.forward(out), hN];
  }
}

class Stateful extends nn.Module {
  lstm: nn.LSTM;
  constructor() {
    super();
    this.lstm = new nn.LSTM(1, 2);
  }

  override forward(x: Tensor, state?: nn.LSTMState): [Tensor, nn.LSTMState] {
    return this.lstm.forward(x, state);
  }
}

describe('Module subclass types', () => {
  it("a forward(x, h?) returning a tuple type-checks and runs; PyTorch's attribute names are typed", () => {
    const t = new Tagger();
    const [y, h] = t.forward(ones([5, 1, 3]));
    expectTypeOf(t.forward).returns.toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(new Stateful().forward).parameter(1).toEqualTypeOf<nn.LSTMState | undefined>();
    expectTypeOf(t.rnn.weight_ih_l0).toEqualTypeOf<nn.Parameter>();
    expectTypeOf(t.rnn.bias_hh_l0_reverse).toEqualTypeOf<nn.Parameter | undefined>();
    expectTypeOf(new nn.GRUCell(1, 1).weight_hh).toEqualTypeOf<nn.Parameter>();
    const m: nn.Module = t;
    expect(m).toBe(t);
    expect(y.shape).toEqual([5, 1, 2]);
    expect(h.shape).toEqual([1, 1, 4]);
    expect([...t.namedParameters()].map(([k]) => k)).toEqual([
      'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.weight', 'head.bias',
    ]);
  });
});

describe('Module.forward on the base class', () => {
  it('is declared for every module, and one that defines none says so when called', () => {
    class NoForward extends nn.Module {}
    const m: nn.Module = new NoForward();
    expect(() => m.forward()).toThrow('NoForward has no forward(); define forward(...) in the subclass');
    expectTypeOf<nn.Linear['forward']>().returns.toEqualTypeOf<Tensor>();
  });
});
