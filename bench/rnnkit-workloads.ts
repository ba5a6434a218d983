// rnnkit's side of the benchmark: the tutorial model (models.TutorialRNN), the medium model
// (nn.RNN + Linear head on every step) and 512³ matmul, through the public API only. It times the
// compiled package in dist/ (what `npm install` users run; `npm run bench` builds it first): under
// tsx, the dev-time transform adds about a third to every op at tutorial size.
import { Tensor, kernels, manualSeed, matmul, models, nn, optim, randn } from '../dist/index.js';
import type { RnnInit, RnnSpec } from './workloads.js';

/** nn.RNN (batch first) + Linear(H,1) on every step, with relu in between when asked. */
class RnnHead extends nn.Module {
  readonly rnn: nn.RNN;
  readonly linear: nn.Linear;

  constructor(readonly spec: RnnSpec) {
    super();
    this.rnn = this.registerModule('rnn', new nn.RNN(spec.I, spec.H, { batchFirst: true }));
    this.linear = this.registerModule('linear', new nn.Linear(spec.H, 1));
  }

  override forward(x: Tensor): Tensor {
    const [output] = this.rnn.forward(x);
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
  const H = spec.H, I = spec.I;
  model.loadStateDict({
    'rnn.weight_ih_l0': new Tensor(Float32Array.from(init.wIh), [H, I]),
    'rnn.weight_hh_l0': new Tensor(Float32Array.from(init.wHh), [H, H]),
    'rnn.bias_ih_l0': new Tensor(Float32Array.from(init.bIh), [H]),
    'rnn.bias_hh_l0': new Tensor(Float32Array.from(init.bHh), [H]),
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
