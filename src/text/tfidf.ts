// TF-IDF, matching scikit-learn's TfidfVectorizer (same defaults, same numbers):
//   tf(t, d)  = count of t in d            (binary: 1; sublinearTf: 1 + ln(count))
//   idf(t)    = ln((1 + N) / (1 + df(t))) + 1   (smoothIdf, default)   or   ln(N / df(t)) + 1
//   row       = tf ⊙ idf, then divided by its l2 (default) or l1 norm.
// Features are the n-grams of the fitted documents that pass minDf/maxDf/maxFeatures, sorted by
// code point like scikit-learn's vocabulary_.
import { csrFromRows, ngrams, type SparseMatrix } from './features.js';
import { compareCodePoints } from './vocab.js';
import { ValueError } from '../errors.js';

export interface TfidfOptions {
  /** Row normalisation. Default 'l2'. */
  norm?: 'l2' | 'l1' | null;
  /** Default true. */
  useIdf?: boolean;
  /** Add one to document frequencies, as if an extra document contained every term once. Default true. */
  smoothIdf?: boolean;
  /** Replace tf by 1 + ln(tf). Default false. */
  sublinearTf?: boolean;
  /** Count presence, not occurrences. Default false. */
  binary?: boolean;
  /** Word n-gram range. Default [1, 1]. */
  ngramRange?: [number, number];
  /** Keep terms in at least this many documents. Default 1. */
  minDf?: number;
  /** Keep terms in at most this fraction of documents (0, 1]. Default 1. */
  maxDf?: number;
  /** Keep only the most frequent terms (corpus count; ties by code point). Default unlimited. */
  maxFeatures?: number;
}

export interface TfidfJSON {
  format: 'rnnkit.tfidf';
  version: 1;
  options: Required<Omit<TfidfOptions, 'maxFeatures'>> & { maxFeatures: number | null };
  vocabulary: string[];
  idf: number[];
}

export class TfidfVectorizer {
  readonly options: Required<Omit<TfidfOptions, 'maxFeatures'>> & { maxFeatures: number | null };
  /** Feature names, column order. */
  vocabulary: string[] = [];
  /** idf per column (all 1 when useIdf is false). */
  idf: Float64Array = new Float64Array(0);
  private index = new Map<string, number>();

  constructor(options: TfidfOptions = {}) {
    const o = { norm: 'l2' as const, useIdf: true, smoothIdf: true, sublinearTf: false, binary: false,
      ngramRange: [1, 1] as [number, number], minDf: 1, maxDf: 1, ...options, maxFeatures: options.maxFeatures ?? null };
    if (o.norm !== 'l2' && o.norm !== 'l1' && o.norm !== null) throw new ValueError(`TfidfVectorizer: norm must be 'l2', 'l1' or null, got ${JSON.stringify(o.norm)}`);
    if (!Number.isInteger(o.minDf) || o.minDf < 1) throw new ValueError(`TfidfVectorizer: minDf must be an integer ≥ 1, got ${o.minDf}`);
    if (!(o.maxDf > 0 && o.maxDf <= 1)) throw new ValueError(`TfidfVectorizer: maxDf must be a fraction in (0, 1], got ${o.maxDf}`);
    if (o.maxFeatures !== null && !(Number.isInteger(o.maxFeatures) && o.maxFeatures >= 1)) {
      throw new ValueError(`TfidfVectorizer: maxFeatures must be an integer ≥ 1, got ${o.maxFeatures}`);
    }
    ngrams([], { n: o.ngramRange }); // validates the range
    this.options = o;
  }

  private terms(doc: readonly string[]): string[] {
    const [lo, hi] = this.options.ngramRange;
    return lo === 1 && hi === 1 ? [...doc] : ngrams(doc, { n: [lo, hi] });
  }

  /** Learn the vocabulary and idf from tokenized documents. */
  fit(docs: readonly (readonly string[])[]): this {
    if (docs.length === 0) throw new ValueError('TfidfVectorizer.fit: no documents');
    const df = new Map<string, number>();
    const tf = new Map<string, number>();
    for (const d of docs) {
      const terms = this.terms(d);
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
    }
    const n = docs.length;
    const { minDf, maxDf, maxFeatures } = this.options;
    let kept = [...df.keys()].filter((t) => df.get(t)! >= minDf && df.get(t)! <= maxDf * n);
    if (kept.length === 0) throw new ValueError(`TfidfVectorizer.fit: no terms remain after minDf=${minDf}, maxDf=${maxDf}`);
    if (maxFeatures !== null && kept.length > maxFeatures) {
      kept = kept.sort((a, b) => tf.get(b)! - tf.get(a)! || compareCodePoints(a, b)).slice(0, maxFeatures);
    }
    this.vocabulary = kept.sort(compareCodePoints);
    this.index = new Map(this.vocabulary.map((t, i) => [t, i]));
    this.idf = new Float64Array(this.vocabulary.length);
    const s = this.options.smoothIdf ? 1 : 0;
    for (let i = 0; i < this.vocabulary.length; i++) {
      this.idf[i] = this.options.useIdf ? Math.log((n + s) / (df.get(this.vocabulary[i])! + s)) + 1 : 1;
    }
    return this;
  }

  /** TF-IDF rows [N, V] for tokenized documents; unknown terms are ignored. */
  transform(docs: readonly (readonly string[])[]): SparseMatrix {
    if (this.vocabulary.length === 0) throw new ValueError('TfidfVectorizer.transform: call fit first');
    const { binary, sublinearTf, norm } = this.options;
    const rows = docs.map((d) => {
      const m = new Map<number, number>();
      for (const t of this.terms(d)) {
        const id = this.index.get(t);
        if (id !== undefined) m.set(id, binary ? 1 : (m.get(id) ?? 0) + 1);
      }
      let z = 0;
      for (const [id, c] of m) {
        const v = (sublinearTf ? 1 + Math.log(c) : c) * this.idf[id];
        m.set(id, v);
        z += norm === 'l1' ? Math.abs(v) : v * v;
      }
      if (norm !== null && z > 0) {
        const inv = norm === 'l2' ? 1 / Math.sqrt(z) : 1 / z;
        for (const [id, v] of m) m.set(id, v * inv);
      }
      return m;
    });
    return csrFromRows(rows, this.vocabulary.length);
  }

  fitTransform(docs: readonly (readonly string[])[]): SparseMatrix {
    return this.fit(docs).transform(docs);
  }

  toJSON(): TfidfJSON {
    return { format: 'rnnkit.tfidf', version: 1, options: { ...this.options }, vocabulary: [...this.vocabulary], idf: [...this.idf] };
  }

  static fromJSON(json: unknown): TfidfVectorizer {
    const j = json as Partial<TfidfJSON> | null;
    if (!j || j.format !== 'rnnkit.tfidf' || j.version !== 1) throw new ValueError("TfidfVectorizer.fromJSON: not an rnnkit TF-IDF model (format 'rnnkit.tfidf', version 1)");
    if (!Array.isArray(j.vocabulary) || !Array.isArray(j.idf) || j.vocabulary.length !== j.idf.length) {
      throw new ValueError('TfidfVectorizer.fromJSON: vocabulary and idf must be arrays of equal length');
    }
    const v = new TfidfVectorizer({ ...j.options, maxFeatures: j.options?.maxFeatures ?? undefined });
    v.vocabulary = [...j.vocabulary];
    v.idf = Float64Array.from(j.idf);
    v.index = new Map(v.vocabulary.map((t, i) => [t, i]));
    return v;
  }
}
