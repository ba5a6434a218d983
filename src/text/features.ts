// Count features: bag-of-words (counts or binary, sparse CSR or dense), word and character n-grams.
// Shapes: N documents, V vocabulary entries; a matrix is [N, V], row-major when dense.
import type { Vocab } from './vocab.js';
import { ValueError } from '../errors.js';

/** Compressed sparse rows: row r has columns indices[indptr[r]..indptr[r+1]) (ascending) with values data[…]. */
export interface SparseMatrix {
  rows: number; // N
  cols: number; // V
  indptr: Int32Array; // [N + 1]
  indices: Int32Array; // [nnz]
  data: Float64Array; // [nnz]
}

/** Dense row-major copy of a sparse matrix: Float64Array [rows * cols]. */
export function toDense(m: SparseMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]; k < m.indptr[r + 1]; k++) out[r * m.cols + m.indices[k]] = m.data[k];
  }
  return out;
}

/** Build a CSR matrix from per-row maps column → value. */
export function csrFromRows(rows: Map<number, number>[], cols: number): SparseMatrix {
  const indptr = new Int32Array(rows.length + 1);
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) {
    nnz += rows[r].size;
    indptr[r + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const data = new Float64Array(nnz);
  for (let r = 0; r < rows.length; r++) {
    const keys = [...rows[r].keys()].sort((a, b) => a - b);
    let k = indptr[r];
    for (const c of keys) {
      indices[k] = c;
      data[k++] = rows[r].get(c)!;
    }
  }
  return { rows: rows.length, cols, indptr, indices, data };
}

export interface BagOfWordsOptions {
  /** 1 for presence instead of counts. Default false. */
  binary?: boolean;
}

/**
 * Bag-of-words over a vocabulary: entry [d, id] counts token `vocab.tokens[id]` in document d.
 * Out-of-vocabulary tokens are ignored (scikit-learn's CountVectorizer does the same); they are
 * not counted as <unk>, so reserved-token columns stay zero.
 */
export function bagOfWords(docs: readonly (readonly string[])[], vocab: Vocab, options: BagOfWordsOptions = {}): SparseMatrix {
  const rows = docs.map((doc) => {
    const m = new Map<number, number>();
    for (const t of doc) {
      if (!vocab.has(t)) continue;
      const id = vocab.id(t);
      m.set(id, options.binary ? 1 : (m.get(id) ?? 0) + 1);
    }
    return m;
  });
  return csrFromRows(rows, vocab.size);
}

/** Dense bag-of-words: Float64Array [N * V], row-major. */
export function bagOfWordsDense(docs: readonly (readonly string[])[], vocab: Vocab, options: BagOfWordsOptions = {}): Float64Array {
  return toDense(bagOfWords(docs, vocab, options));
}

export interface NgramOptions {
  /** n, or an inclusive range [min, max]. Default 2. */
  n?: number | [number, number];
  /** Separator between the tokens of a word n-gram. Default ' ' (scikit-learn's). */
  sep?: string;
}

function ngramRange(n: number | [number, number] | undefined, where: string): [number, number] {
  const [lo, hi] = typeof n === 'number' ? [n, n] : n ?? [2, 2];
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
    throw new ValueError(`${where}: n must be an integer ≥ 1 or a range [min, max] with 1 ≤ min ≤ max, got ${JSON.stringify(n)}`);
  }
  return [lo, hi];
}

/** Word n-grams in scikit-learn's order: all n = min first, then min+1, …; each left to right. */
export function ngrams(tokens: readonly string[], options: NgramOptions = {}): string[] {
  const [lo, hi] = ngramRange(options.n, 'ngrams');
  const sep = options.sep ?? ' ';
  const out: string[] = [];
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(sep));
  }
  return out;
}

/**
 * Character n-grams of a text (code points; whitespace runs collapsed to one space first), in
 * scikit-learn's `analyzer='char'` order.
 */
export function charNgrams(text: string, options: Omit<NgramOptions, 'sep'> = {}): string[] {
  const [lo, hi] = ngramRange(options.n, 'charNgrams');
  const cps = Array.from(text.replace(/\s\s+/gu, ' '));
  const out: string[] = [];
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= cps.length; i++) out.push(cps.slice(i, i + n).join(''));
  }
  return out;
}

/** Count n-grams over a corpus; sorted by count desc, then code point. */
export function countNgrams(docs: readonly (readonly string[])[], options: NgramOptions = {}): { ngrams: string[]; counts: number[] } {
  const m = new Map<string, number>();
  for (const d of docs) for (const g of ngrams(d, options)) m.set(g, (m.get(g) ?? 0) + 1);
  const e = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { ngrams: e.map((x) => x[0]), counts: e.map((x) => x[1]) };
}
