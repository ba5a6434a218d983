// rnnkit's side of the benchmark: the tutorial model (models.TutorialRNN), the medium and large
// models (nn.RNN / LSTM / GRU + Linear head on every step), LSTM generation (models.RNNLM, noGrad),
// a char-LM epoch and 512³ matmul, through the public API only. It times the
// compiled package in dist/ through the Node entry (what `npm install` users run in Node: relaxed SIMD
// on; `npm run bench` builds it first): under
// tsx, the dev-time transform adds about a third to every op at tutorial size.
import { Tensor, kernels, manualSeed, matmul, models, nn, noGrad, optim, randn } from '../dist/node.js';
import { type CharLmSpec, type GenerateSpec, type RnnInit, type RnnSpec, GATES, charBatch } from './workloads.js';

/** nn.RNN / LSTM / GRU (batch first) + Linear(H,1) on every step, with relu in between when asked. */
class RnnHead extends nn.Module {
  readonly rnn: nn.RNN | nn.LSTM | nn.GRU;
  readonly linear: nn.Linear;

  constructor(readonly spec: RnnSpec) {
    super();
    const { I, H } = spec, o = { batchFirst: true };
    this.rnn = this.registerModule('rnn', spec.cell === 'lstm' ? new nn.LSTM(I, H, o) : spec.cell === 'gru' ? new nn.GRU(I, H, o) : new nn.RNN(I, H, o));
    this.linear = this.registerModule('linear', new nn.Linear(spec.H, 1));
  }

  override forward(x: Tensor): Tensor {
    const [output] = (this.rnn as nn.RNN).forward(x);
    return this.linear.forward(this.spec.relu ? output.relu() : output);
  }
}

type Model = nn.Module & { forward(x: Tensor): Tensor };

function buildModel(spec: RnnSpec): Model {
  // The tutorial workload is the library's own tutorial model, so the bench times what users run.
  if (spec.name === 'tutorial' && spec.relu && spec.I === 1) return new models.TutorialRNN(spec.I, spec.H);
  return new RnnHead(spec);
}

/** Draws PyTorch-style initial weights and one batch (x, y ~ N(0,1)) from a seeded generator. */
export function makeInit(spec: RnnSpec, seed: number): RnnInit {
  manualSeed(seed);
  const sd = buildModel(spec).stateDict();
  const get = (k: string) => Float32Array.from(sd[k]!.data);
  return {
    wIh: get('rnn.weight_ih_l0'),
    wHh: get('rnn.weight_hh_l0'),
    bIh: get('rnn.bias_ih_l0'),
    bHh: get('rnn.bias_hh_l0'),
    linW: get('linear.weight'),
    linB: get('linear.bias'),
    x: randn([spec.B, spec.T, spec.I]).data as Float32Array,
    y: randn([spec.B, spec.T, 1]).data as Float32Array,
  };
}

export interface Trainer {
  /** zeroGrad, forward, loss, backward, Adam step. */
  step(): void;
  /** The same step, returning the loss computed before the update. */
  stepWithLoss(): number;
}

export function rnnkitTrainer(spec: RnnSpec, init: RnnInit): Trainer {
  const model = buildModel(spec);
  const H = spec.H, I = spec.I, GH = GATES[spec.cell] * H;
  model.loadStateDict({
    'rnn.weight_ih_l0': new Tensor(Float32Array.from(init.wIh), [GH, I]),
    'rnn.weight_hh_l0': new Tensor(Float32Array.from(init.wHh), [GH, H]),
    'rnn.bias_ih_l0': new Tensor(Float32Array.from(init.bIh), [GH]),
    'rnn.bias_hh_l0': new Tensor(Float32Array.from(init.bHh), [GH]),
    'linear.weight': new Tensor(Float32Array.from(init.linW), [1, H]),
    'linear.bias': new Tensor(Float32Array.from(init.linB), [1]),
  });
  const x = new Tensor(Float32Array.from(init.x), [spec.B, spec.T, I]);
  const y = new Tensor(Float32Array.from(init.y), [spec.B, spec.T, 1]);
  const lossFn = new nn.MSELoss({ reduction: spec.reduction });
  const opt = new optim.Adam(model.parameters(), { lr: spec.lr });
  const run = (): Tensor => {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  return { step: () => void run(), stepWithLoss: () => run().item() };
}

export interface TokenGenerator {
  /** One token: forward [1,1] under noGrad, argmax of the logits fed back. */
  step(): void;
  /** The next `n` tokens from the start token and a fresh state. */
  tokens(n: number): number[];
  /** The weights in PyTorch's state-dict keys, for the peers to load. */
  weights: Record<string, { data: Float32Array; shape: number[] }>;
}

/** LSTM generation, B = 1: Embedding → LSTM layers → Linear, one token at a time under noGrad. */
export function rnnkitGenerator(spec: GenerateSpec, seed: number): TokenGenerator {
  manualSeed(seed);
  const lm = new models.RNNLM(spec.V, { cell: 'lstm', hiddenSize: spec.H, numLayers: spec.layers, embedDim: spec.E });
  lm.eval();
  const weights: TokenGenerator['weights'] = {};
  for (const [k, t] of Object.entries(lm.stateDict())) weights[k] = { data: Float32Array.from(t.data), shape: [...t.shape] };
  let state = lm.beginState(1), tok = spec.start;
  const one = () => noGrad(() => {
    const [logits, next] = lm.forward([tok], [1, 1], state);
    state = next;
    tok = models.argmax(logits.data);
  });
  return {
    step: one,
    tokens: (n) => {
      state = lm.beginState(1);
      tok = spec.start;
      return Array.from({ length: n }, () => (one(), tok));
    },
    weights,
  };
}

/** The char LM as rnnkitCharLm draws it (same seed), its weights in PyTorch's keys, for tfjs to load. */
export function charLmWeights(spec: CharLmSpec, V: number, seed: number): TokenGenerator['weights'] {
  manualSeed(seed);
  const lm = new models.RNNLM(V, { cell: 'lstm', hiddenSize: spec.H });
  const weights: TokenGenerator['weights'] = {};
  for (const [k, t] of Object.entries(lm.stateDict())) weights[k] = { data: Float32Array.from(t.data), shape: [...t.shape] };
  return weights;
}

/**
 * One char-LM epoch: RNNLM (one-hot, LSTM, Linear), CrossEntropyLoss (mean), Adam; the state
 * carried from batch to batch and detached. Returns the mean loss of the epoch.
 */
export function rnnkitCharLm(spec: CharLmSpec, ids: Int32Array, V: number, seed: number): () => number {
  manualSeed(seed);
  const lm = new models.RNNLM(V, { cell: 'lstm', hiddenSize: spec.H });
  const opt = new optim.Adam(lm.parameters(), { lr: spec.lr });
  const lossFn = new nn.CrossEntropyLoss();
  const batches = Array.from({ length: spec.batches }, (_, k) => charBatch(ids, spec, k));
  return () => {
    let state = lm.beginState(spec.B), total = 0;
    for (const { x, y } of batches) {
      opt.zeroGrad();
      const [logits, next] = lm.forward(x, [spec.B, spec.T], state);
      const loss = lossFn.forward(logits.reshape([spec.B * spec.T, V]), y);
      loss.backward();
      opt.step();
      total += loss.item();
      state = { h: next.h.detach(), ...(next.c ? { c: next.c.detach() } : {}) };
    }
    return total / spec.batches;
  };
}

/** C = A·B on n×n float32 tensors through the differentiable `matmul` op (no grad). */
export function rnnkitMatmul(n: number, seed: number): () => void {
  manualSeed(seed);
  const a = randn([n, n]), b = randn([n, n]);
  return () => void matmul(a, b);
}

/** The same product through the raw kernel interface, into a preallocated C. */
export function rnnkitGemm(n: number, seed: number): () => void {
  manualSeed(seed);
  const a = randn([n, n]).data, b = randn([n, n]).data;
  const c = new Float32Array(n * n);
  const k = kernels();
  return () => k.gemm(n, n, n, a, 0, n, 1, b, 0, n, 1, c, 0, n, false);
}

/**
 * Guards the timed products against a kernel swap that computes something else: both paths on a
 * ragged shape, against a plain triple loop. Returns the largest relative error of each path.
 */
export function checkMatmul(): { op: number; gemm: number } {
  const M = 37, K = 29, N = 41;
  manualSeed(7);
  const a = randn([M, K]), b = randn([K, N]);
  const ref = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let p = 0; p < K; p++) s += a.data[i * K + p]! * b.data[p * N + j]!;
    ref[i * N + j] = s;
  }
  const viaOp = matmul(a, b).data;
  const viaGemm = new Float32Array(M * N);
  kernels().gemm(M, N, K, a.data, 0, K, 1, b.data, 0, N, 1, viaGemm, 0, N, false);
  let op = 0, gemm = 0;
  for (let i = 0; i < M * N; i++) {
    const scale = Math.max(1, Math.abs(ref[i]!));
    op = Math.max(op, Math.abs(viaOp[i]! - ref[i]!) / scale);
    gemm = Math.max(gemm, Math.abs(viaGemm[i]! - ref[i]!) / scale);
  }
  return { op, gemm };
}
