// GloVe (Pennington et al. 2014), following the reference C tools (cooccur.c, shuffle.c, glove.c):
// co-occurrence counts X_ij within a symmetric window, each pair weighted 1/distance; then
// weighted least squares
//   J = Σ_ij f(X_ij) (w_i·w̃_j + b_i + b̃_j − ln X_ij)²,   f(x) = min(1, (x / xMax)^α),
// minimised by AdaGrad over the shuffled non-zero entries (gradient-squares start at 1). The
// result is w + w̃ (glove.c's model 2). V vocabulary, D dim, Z non-zero co-occurrences.
import { encodeCorpus, type TrainProgress } from './corpus.js';
import { Rng } from './rng.js';
import { WordVectors } from './vectors.js';
import { checkMemory } from '../memory.js';
import { ValueError } from '../errors.js';

export interface GloveOptions {
  /** D. Default 100. */
  dim?: number;
  /** Context distance counted on each side. Default 10. */
  window?: number;
  /** Weight each co-occurrence by 1/distance. Default true. */
  distanceWeighting?: boolean;
  /** Iterations over the co-occurrence entries. Default 15. */
  epochs?: number;
  /** AdaGrad initial learning rate η. Default 0.05. */
  lr?: number;
  /** Weighting cut-off. Default 100. */
  xMax?: number;
  /** Weighting exponent. Default 0.75. */
  alpha?: number;
  /** Drop words rarer than this. Default 5. */
  minCount?: number;
  /** Keep at most this many words. */
  maxVocab?: number;
  /** Seed (initialisation and shuffle). Default 1. */
  seed?: number;
  /** Called after counting (progress 0) and after every iteration with its loss. */
  onProgress?: (p: TrainProgress) => void;
}

export interface GloveResult {
  vectors: WordVectors;
  /** Mean f-weighted squared error per iteration. */
  losses: number[];
  /** Number of non-zero co-occurrence entries Z. */
  nonZero: number;
  /** Seconds spent counting co-occurrences. */
  countSeconds: number;
  /** Seconds per training iteration (mean). */
  secondsPerIteration: number;
  /** Seconds of each iteration. */
  iterationSeconds: number[];
}

/** Sparse co-occurrence counts in coordinate form, entries in first-seen order. */
export interface Cooccurrence {
  rows: Int32Array; // [Z]
  cols: Int32Array; // [Z]
  values: Float64Array; // [Z]
}

/**
 * Count co-occurrences of word ids within `window` on both sides, weight 1/d (or 1), per sentence.
 * An open-addressing hash table keyed by i·V + j keeps memory at ~24 bytes per entry.
 */
export function cooccurrence(ids: Int32Array, starts: Int32Array, V: number, window: number, distanceWeighting = true): Cooccurrence {
  let cap = 1 << 16;
  let keys = new Float64Array(cap).fill(-1);
  let vals = new Float64Array(cap);
  let size = 0;
  const add = (i: number, j: number, w: number): void => {
    const key = i * V + j;
    let h = (Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca77)) & (cap - 1);
    for (;;) {
      const k = keys[h];
      if (k === key) { vals[h] += w; return; }
      if (k === -1) break;
      h = (h + 1) & (cap - 1);
    }
    keys[h] = key;
    vals[h] = w;
    if (++size * 10 > cap * 7) {
      // grow ×2 and re-insert
      const ok = keys, ov = vals;
      cap *= 2;
      keys = new Float64Array(cap).fill(-1);
      vals = new Float64Array(cap);
      for (let q = 0; q < ok.length; q++) {
        if (ok[q] === -1) continue;
        const ii = Math.floor(ok[q] / V), jj = ok[q] - ii * V;
        let hh = (Math.imul(ii, 0x9e3779b1) ^ Math.imul(jj, 0x85ebca77)) & (cap - 1);
        while (keys[hh] !== -1) hh = (hh + 1) & (cap - 1);
        keys[hh] = ok[q];
        vals[hh] = ov[q];
      }
    }
  };
  for (let s = 0; s + 1 < starts.length; s++) {
    const from = starts[s], to = starts[s + 1];
    for (let p = from; p < to; p++) {
      const j = ids[p];
      for (let q = Math.max(from, p - window); q < p; q++) {
        const w = distanceWeighting ? 1 / (p - q) : 1;
        add(ids[q], j, w);
        add(j, ids[q], w);
      }
    }
  }
  const rows = new Int32Array(size), cols = new Int32Array(size), values = new Float64Array(size);
  let z = 0;
  for (let h = 0; h < cap; h++) {
    if (keys[h] === -1) continue;
    const i = Math.floor(keys[h] / V);
    rows[z] = i;
    cols[z] = keys[h] - i * V;
    values[z++] = vals[h];
  }
  return { rows, cols, values };
}

/** Train GloVe vectors on tokenized sentences. Deterministic for a given seed. */
export function trainGlove(sentences: readonly (readonly string[])[], options: GloveOptions = {}): GloveResult {
  const D = options.dim ?? 100;
  const window = options.window ?? 10;
  const epochs = options.epochs ?? 15;
  const eta = options.lr ?? 0.05;
  const xMax = options.xMax ?? 100;
  const alpha = options.alpha ?? 0.75;
  for (const [name, v] of [['dim', D], ['window', window], ['epochs', epochs]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`trainGlove: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (!(eta > 0)) throw new ValueError(`trainGlove: lr must be > 0, got ${eta}`);
  if (!(xMax > 0)) throw new ValueError(`trainGlove: xMax must be > 0, got ${xMax}`);
  const corpus = encodeCorpus(sentences, options.minCount ?? 5, options.maxVocab, 'trainGlove');
  const V = corpus.words.length;
  checkMemory(`trainGlove: dim ${D} for ${V} words (weights and AdaGrad sums)`, 2 * 2 * V * (D + 1) * 4);
  const rng = new Rng(options.seed ?? 1);

  const tc = performance.now();
  const co = cooccurrence(corpus.ids, corpus.starts, V, window, options.distanceWeighting ?? true);
  const Z = co.rows.length;
  if (Z === 0) throw new ValueError(`trainGlove: no two vocabulary words occur within window=${window} of each other in any sentence`);
  // Shuffle once, as shuffle.c does; precompute f(X) and ln X so the loop has no pow/log.
  const order = new Int32Array(Z);
  for (let z = 0; z < Z; z++) order[z] = z;
  for (let z = Z - 1; z > 0; z--) {
    const k = rng.int(z + 1);
    const t = order[z]; order[z] = order[k]; order[k] = t;
  }
  const ci = new Int32Array(Z), cj = new Int32Array(Z), fx = new Float32Array(Z), lx = new Float32Array(Z);
  for (let z = 0; z < Z; z++) {
    const o = order[z];
    const x = co.values[o];
    ci[z] = co.rows[o];
    cj[z] = co.cols[o];
    fx[z] = x > xMax ? 1 : Math.pow(x / xMax, alpha);
    lx[z] = Math.log(x);
  }
  const countSeconds = (performance.now() - tc) / 1000;
  options.onProgress?.({ epoch: 0, progress: 0, lr: eta });

  // W holds word rows [0, V) and context rows [V, 2V), each D weights followed by a bias.
  const S = D + 1;
  const W = new Float32Array(2 * V * S);
  for (let i = 0; i < W.length; i++) W[i] = (rng.next() - 0.5) / D;
  const G = new Float32Array(2 * V * S).fill(1); // AdaGrad sums of squared gradients
  const losses: number[] = [];
  const iterationSeconds: number[] = [];
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const ti = performance.now();
    const cost = gloveIteration(W, G, ci, cj, fx, lx, V, D, eta);
    iterationSeconds.push((performance.now() - ti) / 1000);
    losses.push(cost / Z);
    options.onProgress?.({ epoch, progress: (epoch + 1) / epochs, lr: eta, loss: cost / Z });
  }
  const secondsPerIteration = (performance.now() - t0) / 1000 / epochs;
  const out = new Float32Array(V * D);
  for (let i = 0; i < V; i++) for (let d = 0; d < D; d++) out[i * D + d] = W[i * S + d] + W[(V + i) * S + d];
  return { vectors: new WordVectors(corpus.words, D, out), losses, nonZero: Z, countSeconds, secondsPerIteration, iterationSeconds };
}

function gloveIteration(W: Float32Array, G: Float32Array, ci: Int32Array, cj: Int32Array, fx: Float32Array, lx: Float32Array, V: number, D: number, eta: number): number {
  const S = D + 1;
  let cost = 0;
  for (let z = 0; z < ci.length; z++) {
    const l1 = ci[z] * S;
    const l2 = (V + cj[z]) * S;
    let diff = W[l1 + D] + W[l2 + D] - lx[z];
    for (let d = 0; d < D; d++) diff += W[l1 + d] * W[l2 + d];
    let fdiff = fx[z] * diff;
    if (!Number.isFinite(fdiff)) continue; // glove.c skips NaN/inf updates
    cost += 0.5 * fdiff * diff;
    fdiff *= eta;
    for (let d = 0; d < D; d++) {
      const t1 = fdiff * W[l2 + d];
      const t2 = fdiff * W[l1 + d];
      W[l1 + d] -= t1 / Math.sqrt(G[l1 + d]);
      W[l2 + d] -= t2 / Math.sqrt(G[l2 + d]);
      G[l1 + d] += t1 * t1;
      G[l2 + d] += t2 * t2;
    }
    W[l1 + D] -= fdiff / Math.sqrt(G[l1 + D]);
    W[l2 + D] -= fdiff / Math.sqrt(G[l2 + D]);
    G[l1 + D] += fdiff * fdiff;
    G[l2 + D] += fdiff * fdiff;
  }
  return cost;
}
