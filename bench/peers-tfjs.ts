// TensorFlow.js's side of the benchmark: the same RNN as a hand-written tf-op loop with PyTorch's
// parameterisation (W_ih, W_hh, b_ih, b_hh as tf.variable), trained with `optimizer.minimize` and
// tf.train.adam — the faster of tfjs's two options at these sizes (the Layers API is ~2× slower,
// /work/shared/reference/peers-results.md §3). Runs on the 'cpu' (pure JS) or 'wasm' (XNNPACK,
// SIMD, one thread) backend.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { Trainer } from './rnnkit-workloads.js';
import { type CharLmSpec, type GenerateSpec, type RnnInit, type RnnSpec, type Weights, GATES, charBatch } from './workloads.js';

export type TfBackend = 'cpu' | 'wasm';

// One compute thread, like every other figure. Must precede the wasm backend's initialisation.
// (Node 20 cannot start the threaded build anyway: its pthread workers come from blob: URLs.)
setThreadsCount(1);

export async function useBackend(name: TfBackend): Promise<string> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend '${name}' failed to initialise`);
  await tf.ready();
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${getThreadsCount()} thread${getThreadsCount() === 1 ? '' : 's'})`;
  }
  return name;
}

export const tfjsVersion: string = tf.version.tfjs;

type Cell = (xp: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D | null) => [tf.Tensor2D, tf.Tensor2D | null];

/**
 * One step of PyTorch's cell from the input projection xp = x W_ihᵀ + b_ih [B,G·H]: RNN tanh,
 * LSTM (gates i f g o, b_ih + b_hh), GRU (r z n, b_hn inside r ⊙ (·)).
 */
function cellStep(kind: 'rnn' | 'lstm' | 'gru', wHh: tf.Tensor2D, bHh: tf.Tensor1D, H: number): Cell {
  if (kind === 'rnn') return (xp, h) => [tf.tanh(tf.add(tf.add(xp, tf.matMul(h, wHh, false, true)), bHh)) as tf.Tensor2D, null];
  if (kind === 'lstm') {
    return (xp, h, c) => {
      const a = tf.add(tf.add(xp, tf.matMul(h, wHh, false, true)), bHh);
      const [ai, af, ag, ao] = tf.split(a, 4, 1) as tf.Tensor2D[];
      const cn = tf.add(tf.mul(tf.sigmoid(af!), c!), tf.mul(tf.sigmoid(ai!), tf.tanh(ag!))) as tf.Tensor2D;
      return [tf.mul(tf.sigmoid(ao!), tf.tanh(cn)) as tf.Tensor2D, cn];
    };
  }
  return (xp, h) => {
    const v = tf.add(tf.matMul(h, wHh, false, true), bHh);
    const [ur, uz, un] = tf.split(xp, 3, 1) as tf.Tensor2D[];
    const [vr, vz, vn] = tf.split(v, 3, 1) as tf.Tensor2D[];
    const r = tf.sigmoid(tf.add(ur!, vr!)), z = tf.sigmoid(tf.add(uz!, vz!));
    const n = tf.tanh(tf.add(un!, tf.mul(r, vn!)));
    return [tf.add(tf.mul(tf.sub(h, n), z), n) as tf.Tensor2D, null];
  };
  void H;
}

export function tfjsTrainer(spec: RnnSpec, init: RnnInit): Trainer & { dispose(): void } {
  const { B, T, I, H } = spec;
  const GH = GATES[spec.cell] * H;
  const wIh = tf.variable(tf.tensor2d(init.wIh, [GH, I]));
  const wHh = tf.variable(tf.tensor2d(init.wHh, [GH, H]));
  const bIh = tf.variable(tf.tensor1d(init.bIh));
  const bHh = tf.variable(tf.tensor1d(init.bHh));
  const step = cellStep(spec.cell, wHh, bHh, H);
  const linW = tf.variable(tf.tensor2d(init.linW, [1, H]));
  const linB = tf.variable(tf.tensor1d(init.linB));
  const vars = [wIh, wHh, bIh, bHh, linW, linB];
  const x2 = tf.tensor2d(init.x, [B * T, I]); // rows b·T + t
  const y2 = tf.tensor2d(init.y, [B * T, 1]);
  const opt = tf.train.adam(spec.lr, 0.9, 0.999, 1e-8);

  const loss = (): tf.Scalar => {
    // The input projection of every step is one matmul; only h_{t−1} → h_t is per step.
    const xp = tf.reshape(tf.add(tf.matMul(x2, wIh, false, true), bIh), [B, T, GH]);
    const xs = tf.unstack(xp, 1) as tf.Tensor2D[]; // T × [B,G·H]
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D | null = spec.cell === 'lstm' ? tf.zeros([B, H]) : null;
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      [h, c] = step(xs[t]!, h, c);
      hs.push(h);
    }
    const out = tf.reshape(tf.stack(hs, 1), [B * T, H]);
    const pred = tf.add(tf.matMul(spec.relu ? tf.relu(out) : out, linW, false, true), linB);
    const sq = tf.square(tf.sub(pred, y2));
    return spec.reduction === 'sum' ? tf.sum(sq) : tf.mean(sq);
  };

  return {
    // minimize disposes the cost and gradients itself when the cost is not returned.
    step: () => void opt.minimize(loss, false, vars),
    stepWithLoss: () => {
      const cost = opt.minimize(loss, true, vars)!;
      const v = cost.dataSync()[0]!;
      cost.dispose();
      return v;
    },
    dispose: () => {
      opt.dispose();
      tf.dispose([...vars, x2, y2]);
    },
  };
}

/**
 * LSTM generation, B = 1, from the given weights (PyTorch keys): tf.tidy per token, the argmax read
 * back with dataSync, as a user feeding the token back must.
 */
export function tfjsGenerator(spec: GenerateSpec, w: Weights): { step(): void; tokens(n: number): number[]; dispose(): void } {
  const t = (k: string) => tf.tensor(w[k]!.data, w[k]!.shape);
  const emb = t('embedding.weight') as tf.Tensor2D;
  const layers = Array.from({ length: spec.layers }, (_, l) => ({
    wIh: t(`rnn.weight_ih_l${l}`) as tf.Tensor2D, wHh: t(`rnn.weight_hh_l${l}`) as tf.Tensor2D,
    b: tf.add(t(`rnn.bias_ih_l${l}`), t(`rnn.bias_hh_l${l}`)) as tf.Tensor1D,
  }));
  const linW = t('linear.weight') as tf.Tensor2D, linB = t('linear.bias') as tf.Tensor1D;
  const fresh = () => layers.map(() => [tf.zeros([1, spec.H]), tf.zeros([1, spec.H])] as tf.Tensor2D[]);
  let state = fresh(), tok = spec.start;
  const one = () => {
    const [next, logits] = tf.tidy(() => {
      let x = tf.gather(emb, [tok]) as tf.Tensor2D;
      const ns = layers.map((p, l) => {
        const cell = cellStep('lstm', p.wHh, p.b, spec.H);
        const [h, c] = cell(tf.matMul(x, p.wIh, false, true), state[l]![0]!, state[l]![1]!);
        x = h;
        return [h, c!];
      });
      return [ns, tf.add(tf.matMul(x, linW, false, true), linB)] as const;
    });
    tf.dispose(state.flat());
    state = next.map((s) => [...s]);
    const v = logits.dataSync();
    logits.dispose();
    let best = 0;
    for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
    tok = best;
  };
  return {
    step: one,
    tokens: (n) => {
      tf.dispose(state.flat());
      state = fresh();
      tok = spec.start;
      return Array.from({ length: n }, () => (one(), tok));
    },
    dispose: () => {
      tf.dispose(state.flat());
      tf.dispose([emb, linW, linB, ...layers.flatMap((p) => [p.wIh, p.wHh, p.b])]);
    },
  };
}

/** One char-LM epoch (see workloads.ts), hand-written LSTM + softmax cross entropy + tf.train.adam. */
export function tfjsCharLm(spec: CharLmSpec, ids: Int32Array, V: number, w: Weights): { epoch(): number; dispose(): void } {
  const { B, T, H } = spec;
  const v = (k: string) => tf.variable(tf.tensor(w[k]!.data, w[k]!.shape));
  const wIh = v('rnn.weight_ih_l0') as tf.Variable<tf.Rank.R2>, wHh = v('rnn.weight_hh_l0') as tf.Variable<tf.Rank.R2>;
  const bIh = v('rnn.bias_ih_l0') as tf.Variable<tf.Rank.R1>, bHh = v('rnn.bias_hh_l0') as tf.Variable<tf.Rank.R1>;
  const linW = v('linear.weight') as tf.Variable<tf.Rank.R2>, linB = v('linear.bias') as tf.Variable<tf.Rank.R1>;
  const vars = [wIh, wHh, bIh, bHh, linW, linB];
  const opt = tf.train.adam(spec.lr, 0.9, 0.999, 1e-8);
  const cell = cellStep('lstm', wHh, bHh, H);
  const batches = Array.from({ length: spec.batches }, (_, k) => {
    const { x, y } = charBatch(ids, spec, k);
    // time-major rows t·B + b, so each step's rows are one contiguous slice
    const xt = new Int32Array(B * T), yt = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) { xt[t * B + b] = x[b * T + t]!; yt[t * B + b] = y[b * T + t]!; }
    return { x: tf.tensor1d(xt, 'int32'), y: tf.oneHot(tf.tensor1d(yt, 'int32'), V) };
  });
  return {
    epoch: () => {
      let h: tf.Tensor2D = tf.zeros([B, H]), c: tf.Tensor2D = tf.zeros([B, H]);
      let total = 0;
      for (const batch of batches) {
        let hN: tf.Tensor2D | null = null, cN: tf.Tensor2D | null = null;
        const cost = opt.minimize(() => {
          const xp = tf.add(tf.matMul(tf.oneHot(batch.x, V), wIh, false, true), bIh);
          const xs = tf.split(xp, T, 0) as tf.Tensor2D[];
          let hh = h, cc: tf.Tensor2D | null = c;
          const hs: tf.Tensor2D[] = [];
          for (let t = 0; t < T; t++) { [hh, cc] = cell(xs[t]!, hh, cc); hs.push(hh); }
          hN = tf.keep(hh); cN = tf.keep(cc!);
          const logits = tf.add(tf.matMul(tf.concat(hs, 0), linW, false, true), linB);
          return tf.losses.softmaxCrossEntropy(batch.y, logits) as tf.Scalar;
        }, true, vars)!;
        total += cost.dataSync()[0]!;
        cost.dispose();
        tf.dispose([h, c]);
        // the gradient stops at the batch boundary: the kept tensors are plain values next time
        h = hN!; c = cN!;
      }
      tf.dispose([h, c]);
      return total / spec.batches;
    },
    dispose: () => {
      opt.dispose();
      tf.dispose([...vars, ...batches.flatMap((b) => [b.x, b.y])]);
    },
  };
}

/** C = A·B, n×n float32; dataSync forces the result, as a user reading it would. */
export function tfjsMatmul(n: number): { run(): void; dispose(): void } {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  return {
    run: () => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    },
    dispose: () => tf.dispose([a, b]),
  };
}

/** Live tensors, to catch a leak that would slow later steps. */
export function tfjsTensorCount(): number {
  return tf.memory().numTensors;
}
