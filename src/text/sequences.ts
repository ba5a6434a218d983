// textSequences: labelled texts → token-id sequences a SequenceClassifier with an `embedding` reads.
// English words (the project's tokenizer) → a Vocab with <pad> = 0 and <unk> → ids cut to maxLen,
// zero-padded (0 is <pad>, so the padding is also the embedding's paddingIdx), with real lengths.
// Browser-safe (no node: imports).
//
// Legend: N texts, T steps (the longest sequence after truncation, ≤ maxLen).
//
// The vocabulary must come from the training texts only: build it on the training split, then pass
// it as `vocab` for the validation and test splits, so a word never seen in training reads as <unk>
// there — as it will for any new text — instead of leaking the test set into the vocabulary.
import type { SequenceData } from '../data/sequences.js';
import { showValue, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { tokenize } from './tokenize.js';
import { Vocab } from './vocab.js';

export const PAD = '<pad>';
export const UNK = '<unk>';

export interface TextSequencesOptions {
  /** Reuse this vocabulary (the training split's); its id 0 must be <pad> and it must have an unk token. Default: build one from `texts`. */
  vocab?: Vocab;
  /** Keep the first maxLen tokens of each text. Default 256. */
  maxLen?: number;
  /** Building only: keep words seen at least this often. Default 1. */
  minFreq?: number;
  /** Building only: at most this many entries, <pad> and <unk> included (the most frequent words fill it). Default unlimited. */
  maxVocab?: number;
  /** Lower-case every token. Default true. */
  lowercase?: boolean;
  /** Keep punctuation tokens. Default true. */
  punctuation?: boolean;
  /** Class names, index = class id. Default "0".."K-1" for K = the largest label + 1. */
  classes?: readonly string[];
  /** Named in error messages. Default 'texts'. */
  source?: string;
}

/** SequenceData whose x holds token ids ([N,T,1], as the data layer keeps F = 1), plus the vocabulary. */
export interface TextSequences extends SequenceData {
  vocab: Vocab;
}

/**
 * Tokenizes `texts` (English words), maps them to ids of `vocab` (or of a vocabulary built from
 * them: <pad> = 0, <unk> = 1, then words by frequency) and returns x float32 [N,T,1] with each
 * text's first `maxLen` ids, zeros after them, and `lengths` [N]. A text with no tokens becomes one
 * <unk> step (every sequence needs a step). Feed it to a SequenceClassifier built with
 * `embedding: { numEmbeddings: vocab.size, embeddingDim, paddingIdx: 0 }`.
 */
export function textSequences(texts: readonly string[], labels: ArrayLike<number>, opts: TextSequencesOptions = {}): TextSequences {
  const fn = 'textSequences';
  const source = opts.source ?? 'texts';
  if (!Array.isArray(texts)) throw new ValueError(`${fn}: texts must be an array of strings, got ${showValue(texts)}`);
  const N = texts.length;
  if (N === 0) throw new ValueError(`${fn}: no texts`);
  if (labels.length !== N) throw new ValueError(`${fn}: ${N} texts but ${labels.length} labels`);
  const maxLen = opts.maxLen ?? 256;
  if (!(Number.isInteger(maxLen) && maxLen >= 1)) throw new ValueError(`${fn}: maxLen must be an integer ≥ 1, got ${showValue(maxLen)}`);
  const y = new Int32Array(N);
  let maxLabel = 0;
  for (let i = 0; i < N; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${fn}: labels[${i}] = ${showValue(v)} is not a class index`);
    y[i] = v;
    maxLabel = Math.max(maxLabel, v);
  }
  const classes = opts.classes ? [...opts.classes] : Array.from({ length: maxLabel + 1 }, (_, k) => String(k));
  if (maxLabel >= classes.length) throw new ValueError(`${fn}: label ${maxLabel} but only ${classes.length} class names`);

  const tok = { lang: 'en' as const, lowercase: opts.lowercase ?? true, punctuation: opts.punctuation ?? true };
  const docs = texts.map((t, i) => {
    if (typeof t !== 'string') throw new ValueError(`${fn}: texts[${i}] is not a string (${showValue(t)})`);
    return tokenize(t, tok);
  });

  let vocab: Vocab;
  if (opts.vocab) {
    vocab = opts.vocab;
    // id 0 is both the padding value in x and the embedding's paddingIdx; anything else there
    // would be read as a word and trained.
    if (vocab.size === 0 || vocab.tokens[0] !== PAD) throw new ValueError(`${fn}: the vocabulary's id 0 must be '${PAD}', got ${showValue(vocab.tokens[0])}`);
    if (vocab.unkId < 0) throw new ValueError(`${fn}: the vocabulary has no unk token, so unseen words have no id`);
    if (opts.minFreq !== undefined || opts.maxVocab !== undefined) throw new ValueError(`${fn}: minFreq and maxVocab build a vocabulary; they cannot apply to a given one`);
  } else {
    vocab = Vocab.build(docs, { specials: [PAD, UNK], unk: UNK, minFreq: opts.minFreq ?? 1, maxSize: opts.maxVocab ?? Infinity });
  }

  const lengths = new Int32Array(N);
  for (let i = 0; i < N; i++) lengths[i] = Math.max(1, Math.min(maxLen, docs[i]!.length));
  const T = lengths.reduce((a, b) => Math.max(a, b), 1);
  const x = new Float32Array(N * T); // zeros = <pad>
  for (let i = 0; i < N; i++) {
    const d = docs[i]!;
    if (d.length === 0) { x[i * T] = vocab.unkId; continue; }
    for (let t = 0; t < lengths[i]!; t++) x[i * T + t] = vocab.id(d[t]!);
  }
  return { x: new Tensor(x, [N, T, 1]), y, lengths, classes, source, vocab };
}
