// Vocab: token ↔ id. Counts tokens over a corpus (a list of token lists = documents), drops the
// too-rare and the too-frequent, and orders ids deterministically: reserved tokens first, then
// frequency descending, ties by code-point order of the token — never by Map/Set iteration order.

import { showValue, ValueError } from '../errors.js';
export const DEFAULT_SPECIALS: readonly string[] = ['<pad>', '<unk>', '<bos>', '<eos>'];

export interface VocabOptions {
  /** Keep tokens whose corpus count is ≥ minFreq. Default 1. */
  minFreq?: number;
  /** Keep tokens whose corpus count is ≤ maxFreq. Default Infinity. */
  maxFreq?: number;
  /** Keep tokens that occur in at most this fraction of documents (0, 1]. Default 1. */
  maxDocFreq?: number;
  /** Total size, reserved tokens included; the most frequent survivors fill it. Default unlimited. */
  maxSize?: number;
  /** Reserved tokens, in id order. Default ['<pad>', '<unk>', '<bos>', '<eos>']; pass [] for none. */
  specials?: string[];
  /** Which reserved token stands for out-of-vocabulary words. Default '<unk>' if present, else none. */
  unk?: string | null;
}

/** The JSON form written by `toJSON` and read by `Vocab.fromJSON`. */
export interface VocabJSON {
  format: 'rnnkit.vocab';
  version: 1;
  tokens: string[];
  counts: number[];
  specials: string[];
  unk: string | null;
}

export function compareCodePoints(a: string, b: string): number {
  // JS `<` compares UTF-16 code units, which misorders astral characters against U+E000–U+FFFF;
  // Python and most tools sort by code point, so we do too.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function checkCount(name: string, v: number, min: number): void {
  if (!(v === Infinity || (Number.isInteger(v) && v >= min))) {
    throw new ValueError(`Vocab.build: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

export class Vocab {
  /** tokens[id] */
  readonly tokens: readonly string[];
  /** counts[id]: corpus frequency (0 for reserved tokens). */
  readonly counts: readonly number[];
  readonly specials: readonly string[];
  /** id of the unknown token, or -1 when out-of-vocabulary tokens are an error. */
  readonly unkId: number;
  private readonly index: Map<string, number>;

  constructor(tokens: string[], counts?: number[], options: { specials?: string[]; unk?: string | null } = {}) {
    const specials = options.specials ?? [];
    if (counts && counts.length !== tokens.length) {
      throw new ValueError(`Vocab: ${tokens.length} tokens but ${counts.length} counts`);
    }
    this.index = new Map();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string') throw new ValueError(`Vocab: token ${i} is not a string`);
      if (this.index.has(t)) throw new ValueError(`Vocab: duplicate token ${showValue(t)} at ids ${this.index.get(t)} and ${i}`);
      this.index.set(t, i);
    });
    if (!Array.isArray(specials)) throw new ValueError(`Vocab: specials must be a list of tokens, got ${showValue(specials)}`);
    for (const s of specials) if (typeof s !== 'string' || !this.index.has(s)) throw new ValueError(`Vocab: reserved token ${showValue(s)} is not in the token list`);
    const unk = options.unk === undefined ? (this.index.has('<unk>') ? '<unk>' : null) : options.unk;
    if (unk !== null && (typeof unk !== 'string' || !this.index.has(unk))) throw new ValueError(`Vocab: unk token ${showValue(unk)} is not in the token list`);
    this.tokens = [...tokens];
    this.counts = counts ? [...counts] : tokens.map(() => 0);
    this.specials = [...specials];
    this.unkId = unk === null ? -1 : this.index.get(unk)!;
  }

  /** Count `docs` (token lists) and build a vocabulary with the given filters. */
  static build(docs: Iterable<readonly string[]>, options: VocabOptions = {}): Vocab {
    const minFreq = options.minFreq ?? 1;
    const maxFreq = options.maxFreq ?? Infinity;
    const maxDocFreq = options.maxDocFreq ?? 1;
    const maxSize = options.maxSize ?? Infinity;
    const specials = options.specials ?? [...DEFAULT_SPECIALS];
    checkCount('minFreq', minFreq, 1);
    checkCount('maxFreq', maxFreq, 1);
    checkCount('maxSize', maxSize, specials.length);
    if (!(maxDocFreq > 0 && maxDocFreq <= 1)) throw new ValueError(`Vocab.build: maxDocFreq must be a fraction in (0, 1], got ${maxDocFreq}`);
    if (minFreq > maxFreq) throw new ValueError(`Vocab.build: minFreq ${minFreq} > maxFreq ${maxFreq}`);

    const count = new Map<string, number>();
    const df = new Map<string, number>();
    let nDocs = 0;
    for (const doc of docs) {
      nDocs++;
      const seen = new Set<string>();
      for (const t of doc) {
        count.set(t, (count.get(t) ?? 0) + 1);
        if (!seen.has(t)) {
          seen.add(t);
          df.set(t, (df.get(t) ?? 0) + 1);
        }
      }
    }
    const specialSet = new Set(specials);
    const kept: [string, number][] = [];
    for (const [t, c] of count) {
      if (specialSet.has(t) || c < minFreq || c > maxFreq) continue;
      if (df.get(t)! > maxDocFreq * nDocs) continue;
      kept.push([t, c]);
    }
    kept.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const room = maxSize - specials.length;
    if (kept.length > room) kept.length = room;
    return new Vocab(
      [...specials, ...kept.map((k) => k[0])],
      [...specials.map(() => 0), ...kept.map((k) => k[1])],
      { specials, unk: options.unk === undefined ? (specialSet.has('<unk>') ? '<unk>' : null) : options.unk },
    );
  }

  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** id of `token`; the unk id when unknown, or -1 if the vocabulary has no unk token. */
  id(token: string): number {
    return this.index.get(token) ?? this.unkId;
  }

  token(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new ValueError(`Vocab.token: id ${id} is out of range [0, ${this.size})`);
    return t;
  }

  /** Token list → ids. Unknown tokens map to <unk>; without an unk token they are an error. */
  encode(tokens: readonly string[], options: { bos?: boolean; eos?: boolean } = {}): number[] {
    const out: number[] = [];
    if (options.bos) out.push(this.requireSpecial('<bos>'));
    for (const t of tokens) {
      const id = this.index.get(t) ?? this.unkId;
      if (id < 0) throw new ValueError(`Vocab.encode: token '${t}' is not in the vocabulary and there is no unk token`);
      out.push(id);
    }
    if (options.eos) out.push(this.requireSpecial('<eos>'));
    return out;
  }

  /** ids → tokens; `skipSpecials` drops reserved tokens (<pad>, <bos>, …). */
  decode(ids: readonly number[], options: { skipSpecials?: boolean } = {}): string[] {
    const out: string[] = [];
    const special = new Set(this.specials);
    for (const id of ids) {
      const t = this.token(id);
      if (options.skipSpecials && special.has(t)) continue;
      out.push(t);
    }
    return out;
  }

  private requireSpecial(t: string): number {
    const id = this.index.get(t);
    if (id === undefined) throw new ValueError(`Vocab.encode: the vocabulary has no '${t}' token`);
    return id;
  }

  toJSON(): VocabJSON {
    return {
      format: 'rnnkit.vocab', version: 1, tokens: [...this.tokens], counts: [...this.counts],
      specials: [...this.specials], unk: this.unkId < 0 ? null : this.tokens[this.unkId],
    };
  }

  static fromJSON(json: unknown): Vocab {
    const j = json as Partial<VocabJSON> | null;
    if (!j || typeof j !== 'object' || j.format !== 'rnnkit.vocab') throw new ValueError("Vocab.fromJSON: not an rnnkit vocabulary (missing format: 'rnnkit.vocab')");
    if (j.version !== 1) throw new ValueError(`Vocab.fromJSON: unsupported version ${showValue(j.version)} (expected 1)`);
    if (!Array.isArray(j.tokens) || !Array.isArray(j.counts)) throw new ValueError('Vocab.fromJSON: tokens and counts must be arrays');
    if (!j.counts.every((c) => Number.isInteger(c) && c >= 0)) throw new ValueError('Vocab.fromJSON: counts must be non-negative integers');
    return new Vocab(j.tokens, j.counts, { specials: j.specials ?? [], unk: j.unk ?? null });
  }
}
