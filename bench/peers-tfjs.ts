// TensorFlow.js's side of the benchmark: the same RNN as a hand-written tf-op loop with PyTorch's
// parameterisation (W_ih, W_hh, b_ih, b_hh as tf.variable), trained with `optimizer.minimize` and
// tf.train.adam — the faster of tfjs's two options at these sizes (the Layers API is ~2× slower,
// /work/shared/reference/peers-results.md §3). Runs on the 'cpu' (pure JS) or 'wasm' (XNNPACK,
// SIMD, one thread) backend.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { Trainer } from './rnnkit-workloads.js';
import type { RnnInit, RnnSpec } from './workloads.js';

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

export function tfjsTrainer(spec: RnnSpec, init: RnnInit): Trainer & { dispose(): void } {
  const { B, T, I, H } = spec;
  const wIh = tf.variable(tf.tensor2d(init.wIh, [H, I]));
  const wHh = tf.variable(tf.tensor2d(init.wHh, [H, H]));
  const bIh = tf.variable(tf.tensor1d(init.bIh));
  const bHh = tf.variable(tf.tensor1d(init.bHh));
  const linW = tf.variable(tf.tensor2d(init.linW, [1, H]));
  const linB = tf.variable(tf.tensor1d(init.linB));
  const vars = [wIh, wHh, bIh, bHh, linW, linB];
  const x2 = tf.tensor2d(init.x, [B * T, I]); // rows b·T + t
  const y2 = tf.tensor2d(init.y, [B * T, 1]);
  const opt = tf.train.adam(spec.lr, 0.9, 0.999, 1e-8);

  const loss = (): tf.Scalar => {
    // The input projection of every step is one matmul; only h_{t−1} → h_t is per step.
    const xp = tf.reshape(tf.add(tf.matMul(x2, wIh, false, true), bIh), [B, T, H]);
    const xs = tf.unstack(xp, 1); // T × [B,H]
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      h = tf.tanh(tf.add(tf.add(xs[t]!, tf.matMul(h, wHh, false, true)), bHh)) as tf.Tensor2D;
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
