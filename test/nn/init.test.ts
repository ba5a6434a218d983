// Initialisers against torch.nn.init's definitions: exact values where the definition is
// deterministic (gains, fans, identity, orthogonal's QR step against PyTorch), and spreads checked
// statistically with tolerances computed from the sample size.
import { describe, expect, it } from 'vitest';
import { Generator, nn, zeros, type Tensor } from '../../src/index.js';

const init = nn.init;

// From tools/reference/init_check.py (torch 1.13.0a0). orthogonal_'s Gaussian draw is replayed by
// re-seeding torch; `expected` is torch.nn.init.orthogonal_'s result for that draw.
const TORCH_ORTHOGONAL = [
  { shape: [3, 5], gain: 1.0,
    gaussian: [0.6613521715704522, 0.2669240982925188, 0.061677258237348306, 0.6213173286854216, -0.45190596470388295, -0.16613023453557194, -1.5227684840130555, 0.38168390241818895, -1.0276085758313882, -0.5630527986537884, -0.8922905087810341, -0.05825017908369636, -0.19550957739962468, -0.9656359311683427, 0.42241532118215536],
    expected: [0.6298039514649258, 0.2541911239916935, 0.05873509247147998, 0.5916788747975337, -0.43034887386130816, 0.20212264423311505, -0.7363055199481248, 0.24200048155724013, -0.2997775369609107, -0.5182372171523856, -0.06606822901383225, 0.537976272618833, -0.24128340578278734, -0.5584966629056233, -0.5797243438318457] },
  { shape: [5, 3], gain: 1.0,
    gaussian: [0.39229682477920974, -0.22356401839813858, -0.31950026476687593, -1.2050371108761633, 1.0444635443343404, -0.6332277352132832, 0.5731067383666415, 0.5409474150400865, -0.391905858634541, -1.0426788307393724, 1.31861730540547, 0.7476389752940185, -1.3264806766986035, -1.241297177880561, -0.10280492920404735],
    expected: [0.1794100094594755, -0.07506042126883258, -0.26579266941886154, -0.5511023944254189, 0.39752688713365397, -0.6778893563988218, 0.2621002232417188, 0.29524788201466123, -0.3673458118892661, -0.47685070862204826, 0.5375983747540122, 0.5740937736715978, -0.6066424597962237, -0.6783472435209519, -0.0727576173558982] },
  { shape: [4, 4], gain: 2.0,
    gaussian: [-0.21774879177876416, 0.1466771298110492, 0.6690811213485476, -0.5141241139283437, -1.5859705131070332, -0.7477303158580806, 0.653905739227061, 0.9104898970780404, 0.1482982579868126, -0.8088912118682788, 1.5865660172970877, -0.34676114240658795, 0.5483733310758553, 1.1468065969716013, -0.1245583850711936, 0.554316113203163],
    expected: [-0.256378161225689, 0.43144001244982577, 1.108934925723936, -1.586944575154873, -1.8673270266485034, 0.2635573210120161, 0.30964274978356876, 0.5897021973805929, 0.17460686869969486, -1.4177443981384552, 1.3074826390566423, 0.5000024115095814, 0.6456566079561816, 1.3169654041565761, 0.9822799227214203, 0.9401360658306992] },
  { shape: [2, 3, 2], gain: 0.5,
    gaussian: [-1.6052762948770103, 0.23248570595798024, 2.23987006611963, 0.8472938216191219, 1.2006442576704193, -0.40155032608088304, -1.426019662932614, 0.9039317209976984, 0.855715573697555, 0.6888809439412216, 0.8849856989469904, 1.7706430143923884],
    expected: [-0.2542149368699954, 0.036816926314739096, 0.3547105437691772, 0.13417923510154678, 0.19013655477320374, -0.06359035582880686, -0.12489835994377652, 0.17244803464041164, -0.07672692764074718, 0.05180298070447978, 0.053224940915197555, 0.4396118861695288] },
];
const TORCH_GAIN = { linear: 1, sigmoid: 1, tanh: 1.6666666666666667, relu: 1.4142135623730951, leaky_relu: 1.4141428569978354, leaky_relu_02: 1.3867504905630728, selu: 0.75 };
const TORCH_FANS: [number[], [number, number]][] = [[[7, 3], [3, 7]], [[4, 3, 5], [15, 20]], [[6, 2, 3, 3], [18, 54]]];

/** max |(MᵀM or MMᵀ) − s²I| for M viewed as rows × cols; `rowsOrthonormal` picks MMᵀ. */
function gramError(t: Tensor, s: number, rowsOrthonormal: boolean): number {
  const rows = t.shape[0]!, cols = t.data.length / rows;
  const m = rowsOrthonormal ? rows : cols;
  const at = (r: number, c: number) => t.data[r * cols + c]!;
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      if (rowsOrthonormal) for (let k = 0; k < cols; k++) dot += at(i, k) * at(j, k);
      else for (let k = 0; k < rows; k++) dot += at(k, i) * at(k, j);
      worst = Math.max(worst, Math.abs(dot - (i === j ? s * s : 0)));
    }
  }
  return worst;
}

function moments(d: ArrayLike<number>): { n: number; mean: number; meanSq: number; maxAbs: number } {
  let s = 0, s2 = 0, m = 0;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    s2 += d[i]! ** 2;
    m = Math.max(m, Math.abs(d[i]!));
  }
  return { n: d.length, mean: s / d.length, meanSq: s2 / d.length, maxAbs: m };
}

/**
 * U(−a, a): every |w| ≤ a; the largest |w| falls below a(1 − 20/n) with probability (1 − 20/n)ⁿ ≈ e⁻²⁰;
 * the mean of w² (a²/3) has standard deviation a²·√(4/45/n), so 6σ bounds a false alarm at ~1e−9.
 */
function expectUniform(t: Tensor, a: number): void {
  const { n, mean, meanSq, maxAbs } = moments(t.data);
  expect(maxAbs).toBeLessThanOrEqual(a * (1 + 1e-7)); // float32 rounding of values near a
  expect(maxAbs).toBeGreaterThan(a * (1 - 20 / n));
  expect(Math.abs(meanSq - a * a / 3)).toBeLessThan(6 * a * a * Math.sqrt(4 / 45 / n));
  expect(Math.abs(mean)).toBeLessThan(6 * a / Math.sqrt(3 * n));
}

/** N(0, s²): the mean of w² (s²) has standard deviation s²·√(2/n); the mean has s/√n. */
function expectNormal(t: Tensor, s: number): void {
  const { n, mean, meanSq } = moments(t.data);
  expect(Math.abs(meanSq - s * s)).toBeLessThan(6 * s * s * Math.sqrt(2 / n));
  expect(Math.abs(mean)).toBeLessThan(6 * s / Math.sqrt(n));
}

describe('calculateGain and fans', () => {
  it('equal torch.nn.init.calculate_gain exactly', () => {
    expect(init.calculateGain('linear')).toBe(TORCH_GAIN.linear);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(TORCH_GAIN.sigmoid);
    expect(init.calculateGain('tanh')).toBe(TORCH_GAIN.tanh);
    expect(init.calculateGain('relu')).toBe(TORCH_GAIN.relu);
    expect(init.calculateGain('leaky_relu')).toBe(TORCH_GAIN.leaky_relu);
    expect(init.calculateGain('leaky_relu', 0.2)).toBe(TORCH_GAIN.leaky_relu_02);
    expect(init.calculateGain('selu')).toBe(TORCH_GAIN.selu);
    expect(() => init.calculateGain('gelu' as 'relu')).toThrow(/unsupported nonlinearity 'gelu'/);
  });

  it('fan_in and fan_out equal _calculate_fan_in_and_fan_out', () => {
    for (const [shape, fans] of TORCH_FANS) expect(init.calculateFans(zeros(shape))).toEqual(fans);
    expect(() => init.xavierUniform_(zeros([5]))).toThrow(/xavierUniform_: fan in and fan out cannot be computed .* \[5\]/);
  });
});

describe('Xavier and Kaiming', () => {
  // [400, 200]: fan_in 200, fan_out 400, 80 000 draws
  const W = () => zeros([400, 200]);

  it('xavierUniform_: U(±gain·√(6/(fan_in+fan_out)))', () => {
    expectUniform(init.xavierUniform_(W(), 2, new Generator(1)), 2 * Math.sqrt(6 / 600));
  });

  it('xavierNormal_: N(0, gain²·2/(fan_in+fan_out))', () => {
    expectNormal(init.xavierNormal_(W(), 5 / 3, new Generator(2)), (5 / 3) * Math.sqrt(2 / 600));
  });

  it('kaimingUniform_: default leaky_relu a=0, fan_in → U(±√2·√(3/fan_in)); leaky slope and fan_out', () => {
    expectUniform(init.kaimingUniform_(W(), { generator: new Generator(3) }), Math.SQRT2 * Math.sqrt(3 / 200));
    const g = Math.sqrt(2 / (1 + 0.1 ** 2));
    expectUniform(init.kaimingUniform_(W(), { a: 0.1, mode: 'fan_out', generator: new Generator(4) }), g * Math.sqrt(3 / 400));
  });

  it('kaimingNormal_: std = gain/√fan', () => {
    expectNormal(init.kaimingNormal_(W(), { mode: 'fan_out', nonlinearity: 'relu', generator: new Generator(5) }), Math.SQRT2 / 20);
    expectNormal(init.kaimingNormal_(W(), { nonlinearity: 'tanh', generator: new Generator(6) }), (5 / 3) / Math.sqrt(200));
    expect(() => init.kaimingNormal_(W(), { mode: 'fanin' as 'fan_in' })).toThrow(/mode must be 'fan_in' or 'fan_out'/);
  });

  it('the same generator seed gives the same draw', () => {
    const a = init.kaimingUniform_(zeros([3, 4]), { generator: new Generator(7) });
    const b = init.kaimingUniform_(zeros([3, 4]), { generator: new Generator(7) });
    expect([...a.data]).toEqual([...b.data]);
  });
});

describe('orthogonal_', () => {
  it("maps torch's Gaussian draw to torch's result (QR with the sign correction)", () => {
    for (const c of TORCH_ORTHOGONAL) {
      const rows = c.shape[0]!;
      const q = init.orthogonalFromGaussian(c.gaussian, rows, c.gaussian.length / rows);
      for (let i = 0; i < q.length; i++) expect(Math.abs(c.gain * q[i]! - c.expected[i]!), `${JSON.stringify(c.shape)}[${i}]`).toBeLessThan(1e-12);
    }
  });

  it('square: QᵀQ = QQᵀ = gain²·I to 1e−5 (float32)', () => {
    const q = init.orthogonal_(zeros([64, 64]), 1, new Generator(8));
    expect(gramError(q, 1, false)).toBeLessThan(1e-5);
    expect(gramError(q, 1, true)).toBeLessThan(1e-5);
    const q2 = init.orthogonal_(zeros([16, 16], { dtype: 'float64' }), 2, new Generator(9));
    expect(gramError(q2, 2, false)).toBeLessThan(1e-12);
  });

  it('tall: orthonormal columns; wide: orthonormal rows; >2-D: rows × rest', () => {
    expect(gramError(init.orthogonal_(zeros([50, 20]), 1, new Generator(10)), 1, false)).toBeLessThan(1e-5);
    expect(gramError(init.orthogonal_(zeros([20, 50]), 1, new Generator(11)), 1, true)).toBeLessThan(1e-5);
    expect(gramError(init.orthogonal_(zeros([6, 4, 3]), 0.5, new Generator(12)), 0.5, true)).toBeLessThan(1e-5);
    expect(() => init.orthogonal_(zeros([4]))).toThrow(/only tensors with 2 or more dimensions/);
  });

  it('is not the identity or a permutation: entries spread like a Haar matrix (≈ N(0, 1/n))', () => {
    const q = init.orthogonal_(zeros([128, 128], { dtype: 'float64' }), 1, new Generator(13));
    // Σ q² = n exactly; the mean of q⁴ for a Haar matrix is 3/(n(n+2)) → a loose check of the spread
    const m4 = Array.from(q.data).reduce((s, v) => s + v ** 4, 0) / q.data.length;
    expect(m4 * 128 * 130 / 3).toBeGreaterThan(0.9);
    expect(m4 * 128 * 130 / 3).toBeLessThan(1.1);
  });
});

describe('eye_', () => {
  it('is the identity, exactly, also for non-square matrices', () => {
    expect(init.eye_(zeros([3, 3])).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(init.eye_(init.constant_(zeros([2, 4]), -3)).toArray()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0]]);
    expect(init.eye_(init.constant_(zeros([3, 2]), 7)).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(() => init.eye_(zeros([2, 2, 2]))).toThrow(/only 2-D tensors/);
  });
});

describe('initParameters', () => {
  it('applies the first matching rule per parameter name and leaves the rest alone', () => {
    const rnn = new nn.RNN(3, 8, { numLayers: 2, generator: new Generator(14) });
    const before = Object.fromEntries([...rnn.namedParameters()].map(([k, p]) => [k, [...p.data]]));
    const applied = init.initParameters(rnn, [
      { pattern: 'weight_hh_l1', init: (t) => init.eye_(t) },
      { pattern: /^weight_hh/, init: (t) => init.orthogonal_(t, 1, new Generator(15)) },
      { pattern: /^bias/, init: init.zeros_ },
    ]);
    expect(Object.fromEntries(applied)).toEqual({ weight_hh_l0: 1, weight_hh_l1: 0, bias_ih_l0: 2, bias_hh_l0: 2, bias_ih_l1: 2, bias_hh_l1: 2 });
    const p = Object.fromEntries(rnn.namedParameters());
    expect(gramError(p.weight_hh_l0!, 1, false)).toBeLessThan(1e-5);
    expect(p.weight_hh_l1!.toArray()).toEqual(init.eye_(zeros([8, 8])).toArray());
    for (const k of ['bias_ih_l0', 'bias_hh_l0', 'bias_ih_l1', 'bias_hh_l1']) expect([...p[k]!.data].every((v) => v === 0)).toBe(true);
    expect([...p.weight_ih_l0!.data]).toEqual(before.weight_ih_l0);
    expect([...p.weight_ih_l1!.data]).toEqual(before.weight_ih_l1);
  });

  it('a rule that matches nothing is an error naming the parameters', () => {
    const rnn = new nn.RNN(2, 4);
    expect(() => init.initParameters(rnn, [{ pattern: /^weight_hr/, init: init.zeros_ }])).toThrow(/\/\^weight_hr\/ matched no parameter \(the module has weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0\)/);
  });

  it('a global RegExp does not skip parameters (lastIndex is reset)', () => {
    const rnn = new nn.RNN(2, 4);
    const applied = init.initParameters(rnn, [{ pattern: /bias/g, init: init.zeros_ }]);
    expect([...applied.keys()]).toEqual(['bias_ih_l0', 'bias_hh_l0']);
  });
});

describe('irnn_', () => {
  it('W_hh = I, biases 0, W_ih ~ N(0, 0.001²) (Le et al. 2015)', () => {
    const rnn = init.irnn_(new nn.RNN(100, 200, { nonlinearity: 'relu' }), { generator: new Generator(16) });
    const p = Object.fromEntries(rnn.namedParameters());
    expect(p.weight_hh_l0!.toArray()).toEqual(init.eye_(zeros([200, 200])).toArray());
    expect([...p.bias_ih_l0!.data, ...p.bias_hh_l0!.data].every((v) => v === 0)).toBe(true);
    expectNormal(p.weight_ih_l0!, 0.001);
  });

  it('scale and inputStd options; tanh is refused', () => {
    const rnn = init.irnn_(new nn.RNN(1, 3, { nonlinearity: 'relu', bias: false }), { scale: 0.5, inputStd: 0 });
    expect(Object.fromEntries(rnn.namedParameters()).weight_hh_l0!.toArray()).toEqual([[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]);
    expect([...Object.fromEntries(rnn.namedParameters()).weight_ih_l0!.data]).toEqual([0, 0, 0]);
    expect(() => init.irnn_(new nn.RNN(1, 3))).toThrow(/nonlinearity 'relu', got 'tanh'/);
  });
});

describe('in-place initialisers bump the version (no stale cached weights)', () => {
  it('re-initialising after a forward changes what the next forward computes', async () => {
    const { LSTM } = await import('../../src/nn/lstm.js');
    const init = await import('../../src/nn/init.js');
    const { manualSeed, randn } = await import('../../src/index.js');
    manualSeed(0);
    const a = new LSTM(16, 64, { batchFirst: true });
    const x = randn([8, 5, 16]);
    a.forward(x); // the kernels may now hold packed copies of W_ih and W_hh
    const inits: [string, (t: Parameters<typeof init.zeros_>[0]) => unknown][] = [
      ['orthogonal_', (t) => init.orthogonal_(t)], ['uniform_', (t) => init.uniform_(t, -0.2, 0.2)], ['normal_', (t) => init.normal_(t, 0, 0.1)],
      ['constant_', (t) => init.constant_(t, 0.01)], ['eye_', (t) => init.eye_(t)],
    ];
    for (const [name, f] of inits) {
      const v = a.weight_hh_l0._version;
      f(a.weight_hh_l0);
      f(a.weight_ih_l0);
      expect(a.weight_hh_l0._version, name).toBeGreaterThan(v);
      const b = new LSTM(16, 64, { batchFirst: true });
      b.loadStateDict(a.stateDict());
      expect(Array.from(a.forward(x)[0].data), name).toEqual(Array.from(b.forward(x)[0].data));
    }
  });
});
