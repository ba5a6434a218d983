// WordVectors: a trained embedding table [V, D] with cosine queries and the word2vec text format.
// V vocabulary size, D vector dimension; `vectors` is row-major, row i is the vector of vocab[i].
import { Rng } from './rng.js';
import type { Vocab } from './vocab.js';
import { ValueError } from '../errors.js';

export interface Neighbour {
  word: string;
  similarity: number;
}

/** What nn.Embedding.fromPretrained (engine) takes: row i of `vectors` is the embedding of vocab[i]. */
export interface EmbeddingWeights {
  vocab: string[];
  dim: number;
  vectors: Float32Array; // [V, D] row-major
}

export class WordVectors {
  readonly vocab: readonly string[];
  readonly dim: number;
  readonly vectors: Float32Array; // [V, D]
  private readonly index: Map<string, number>;
  private unit?: Float32Array; // [V, D], rows scaled to unit length (zero rows stay zero)

  constructor(vocab: readonly string[], dim: number, vectors: Float32Array) {
    if (!Number.isInteger(dim) || dim < 1) throw new ValueError(`WordVectors: dim must be a positive integer, got ${dim}`);
    if (vectors.length !== vocab.length * dim) {
      throw new ValueError(`WordVectors: vectors has ${vectors.length} values but expects V*D = ${vocab.length}*${dim} = ${vocab.length * dim}`);
    }
    this.vocab = [...vocab];
    this.dim = dim;
    this.vectors = vectors;
    this.index = new Map();
    this.vocab.forEach((w, i) => {
      if (this.index.has(w)) throw new ValueError(`WordVectors: duplicate word '${w}' at rows ${this.index.get(w)} and ${i}`);
      this.index.set(w, i);
    });
  }

  get size(): number {
    return this.vocab.length;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  private row(word: string, where: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw new ValueError(`WordVectors.${where}: '${word}' is not in the vocabulary (${this.size} words)`);
    return i;
  }

  /** A copy of the vector of `word`. */
  vector(word: string): Float32Array {
    const i = this.row(word, 'vector');
    return this.vectors.slice(i * this.dim, (i + 1) * this.dim);
  }

  private normalized(): Float32Array {
    if (!this.unit) {
      const D = this.dim;
      const u = new Float32Array(this.vectors.length);
      for (let i = 0; i < this.size; i++) {
        let z = 0;
        for (let d = 0; d < D; d++) z += this.vectors[i * D + d] ** 2;
        const inv = z > 0 ? 1 / Math.sqrt(z) : 0;
        for (let d = 0; d < D; d++) u[i * D + d] = this.vectors[i * D + d] * inv;
      }
      this.unit = u;
    }
    return this.unit;
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const u = this.normalized();
    const i = this.row(a, 'similarity') * this.dim;
    const j = this.row(b, 'similarity') * this.dim;
    let s = 0;
    for (let d = 0; d < this.dim; d++) s += u[i + d] * u[j + d];
    return s;
  }

  /** The k nearest words to a query vector by cosine, skipping `exclude`. */
  nearest(query: ArrayLike<number>, k = 10, exclude: Iterable<string> = []): Neighbour[] {
    if (query.length !== this.dim) throw new ValueError(`WordVectors.nearest: query has length ${query.length} but expects ${this.dim}`);
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`WordVectors.nearest: k must be a positive integer, got ${k}`);
    const u = this.normalized();
    const D = this.dim;
    let qz = 0;
    for (let d = 0; d < D; d++) qz += query[d] * query[d];
    const qinv = qz > 0 ? 1 / Math.sqrt(qz) : 0;
    const skip = new Set<number>();
    for (const w of exclude) {
      const i = this.index.get(w);
      if (i !== undefined) skip.add(i);
    }
    const best: Neighbour[] = []; // kept sorted descending, length ≤ k
    for (let i = 0; i < this.size; i++) {
      if (skip.has(i)) continue;
      let s = 0;
      for (let d = 0; d < D; d++) s += u[i * D + d] * query[d];
      s *= qinv;
      if (best.length === k && s <= best[k - 1].similarity) continue;
      let p = best.length < k ? best.length : k - 1;
      best[p] = { word: this.vocab[i], similarity: s };
      while (p > 0 && best[p - 1].similarity < s) {
        [best[p - 1], best[p]] = [best[p], best[p - 1]];
        p--;
      }
    }
    return best;
  }

  /** The k words most similar to `word` (itself excluded). */
  mostSimilar(word: string, k = 10): Neighbour[] {
    const i = this.row(word, 'mostSimilar');
    return this.nearest(this.normalized().subarray(i * this.dim, (i + 1) * this.dim), k, [word]);
  }

  /**
   * "a is to b as c is to ?": the words nearest to unit(b) − unit(a) + unit(c) (3CosAdd, as in
   * word2vec's compute-accuracy and gensim), excluding a, b and c. analogy('man', 'king', 'woman') ≈ queen.
   */
  analogy(a: string, b: string, c: string, k = 1): Neighbour[] {
    const u = this.normalized();
    const D = this.dim;
    const [ia, ib, ic] = [a, b, c].map((w) => this.row(w, 'analogy') * D);
    const q = new Float32Array(D);
    for (let d = 0; d < D; d++) q[d] = u[ib + d] - u[ia + d] + u[ic + d];
    return this.nearest(q, k, [a, b, c]);
  }

  /**
   * The word2vec text format: a header "V D", then one line per word: the word and D numbers.
   * By default each number is the shortest decimal that reads back to the same float32, so a
   * write/read round trip is exact; `precision` gives fixed decimals instead (C word2vec uses 6).
   */
  toWord2vecText(options: { precision?: number } = {}): string {
    const D = this.dim;
    const lines: string[] = [`${this.size} ${D}`];
    for (let i = 0; i < this.size; i++) {
      const w = this.vocab[i];
      if (w === '' || /\s/u.test(w)) throw new ValueError(`WordVectors.toWord2vecText: word ${i} ${JSON.stringify(w)} is empty or contains whitespace`);
      const parts = new Array<string>(D + 1);
      parts[0] = w;
      for (let d = 0; d < D; d++) {
        const v = this.vectors[i * D + d];
        parts[d + 1] = options.precision === undefined ? shortestFloat32(v) : v.toFixed(options.precision);
      }
      lines.push(parts.join(' '));
    }
    return lines.join('\n') + '\n';
  }

  /** Read the word2vec text format (with its "V D" header) or the header-less GloVe text format. */
  static fromWord2vecText(text: string): WordVectors {
    const lines = text.split(/\r?\n/);
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    if (lines.length === 0) throw new ValueError('fromWord2vecText: the text is empty');
    let first = 0;
    let V = -1;
    let D = -1;
    const head = lines[0].trim().split(/\s+/);
    if (head.length === 2 && /^\d+$/.test(head[0]) && /^\d+$/.test(head[1])) {
      V = Number(head[0]);
      D = Number(head[1]);
      if (D < 1) throw new ValueError(`fromWord2vecText: line 1: dimension must be ≥ 1, got ${D}`);
      first = 1;
    }
    const vocab: string[] = [];
    const values: number[] = [];
    for (let n = first; n < lines.length; n++) {
      const parts = lines[n].trim().split(/[ \t]+/);
      if (D < 0) D = parts.length - 1;
      if (parts.length !== D + 1 || D < 1) {
        throw new ValueError(`fromWord2vecText: line ${n + 1}: expected a word and ${D} numbers, got ${parts.length - 1} numbers`);
      }
      vocab.push(parts[0]);
      for (let d = 1; d <= D; d++) {
        const x = Number(parts[d]);
        if (!Number.isFinite(x) || parts[d] === '') throw new ValueError(`fromWord2vecText: line ${n + 1}: '${parts[d]}' is not a finite number`);
        values.push(x);
      }
    }
    if (V >= 0 && vocab.length !== V) throw new ValueError(`fromWord2vecText: header says ${V} words but the file has ${vocab.length}`);
    return new WordVectors(vocab, D, Float32Array.from(values));
  }

  /** The table as plain data, ready for nn.Embedding.fromPretrained. */
  toEmbeddingWeights(): EmbeddingWeights {
    return { vocab: [...this.vocab], dim: this.dim, vectors: this.vectors.slice() };
  }
}

/** Shortest decimal string s with Math.fround(Number(s)) === v (at most 9 significant digits). */
export function shortestFloat32(v: number): string {
  if (v === 0) return '0';
  for (let p = 6; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * Embedding weights aligned to a Vocab's ids (row id = vocab.id(token)), for nn.Embedding: rows of
 * tokens that have a trained vector copy it; the others (reserved tokens, out-of-vocabulary words)
 * are zeros, or small seeded uniform values in ±0.5/D with `oov: 'random'`. <pad> is always zero.
 */
export function embeddingWeights(wv: WordVectors, vocab?: Vocab, options: { oov?: 'zeros' | 'random'; seed?: number } = {}): EmbeddingWeights & { missing: number } {
  if (!vocab) return { ...wv.toEmbeddingWeights(), missing: 0 };
  const D = wv.dim;
  const out = new Float32Array(vocab.size * D);
  const rng = new Rng(options.seed ?? 0);
  let missing = 0;
  for (let id = 0; id < vocab.size; id++) {
    const t = vocab.tokens[id];
    if (wv.has(t)) {
      out.set(wv.vector(t), id * D);
    } else {
      missing++;
      if (options.oov === 'random' && t !== '<pad>') for (let d = 0; d < D; d++) out[id * D + d] = (rng.next() - 0.5) / D;
    }
  }
  return { vocab: [...vocab.tokens], dim: D, vectors: out, missing };
}
