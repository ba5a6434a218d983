// data.py of PyTorch's examples/word_language_model: a word-to-id dictionary grown in order of
// first appearance, and a corpus of train/valid/test id sequences with '<eos>' after each line.
// rnnkit has no int64 dtype: the ids are a float32 tensor holding exact integers.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cat, tensor, type Tensor } from '../../../src/node.js';

export class Dictionary {
  word2idx = new Map<string, number>();
  idx2word: string[] = [];

  addWord(word: string): number {
    if (!this.word2idx.has(word)) {
      this.idx2word.push(word);
      this.word2idx.set(word, this.idx2word.length - 1);
    }
    return this.word2idx.get(word)!;
  }

  /** Python's `len(dictionary)`. */
  get length(): number {
    return this.idx2word.length;
  }
}

/** Python's `for line in f`: each line keeps its newline, and there is no empty line after the last. */
function lines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((l) => l !== '');
}

/** Python's `str.split()`: runs of whitespace separate, leading and trailing whitespace ignored. */
function splitWords(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== '');
}

export class Corpus {
  dictionary = new Dictionary();
  train: Tensor; // [N] ids
  valid: Tensor;
  test: Tensor;

  /**
   * Reads source/train.txt, source/valid.txt and source/test.txt, as upstream; or takes the
   * three splits as text (the bundled default slices one file, see sliceLines).
   */
  constructor(source: string | { train: string; valid: string; test: string }) {
    const read = (split: 'train' | 'valid' | 'test'): string => {
      if (typeof source !== 'string') return source[split];
      const path = join(source, `${split}.txt`);
      if (!existsSync(path)) throw new Error(`Corpus: ${path} does not exist`);
      return readFileSync(path, 'utf8');
    };
    this.train = this.tokenize(read('train'));
    this.valid = this.tokenize(read('valid'));
    this.test = this.tokenize(read('test'));
  }

  /** Tokenizes a text: adds its words to the dictionary, then returns their ids. */
  tokenize(text: string): Tensor {
    for (const line of lines(text)) {
      for (const word of [...splitWords(line), '<eos>']) this.dictionary.addWord(word);
    }
    const idss: Tensor[] = [];
    for (const line of lines(text)) {
      const ids = [...splitWords(line), '<eos>'].map((word) => this.dictionary.word2idx.get(word)!);
      idss.push(tensor(ids));
    }
    return cat(idss);
  }
}

/** Line ranges [start, end) of one file, standing in for train.txt, valid.txt and test.txt. */
export type Splits = Record<'train' | 'valid' | 'test', readonly [number, number]>;

/** The bundled corpus (Brown news, one sentence a line), sliced by line ranges. */
export const BROWN_NEWS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'text', 'brown-news.txt');

/** The texts of `splits` of a one-sentence-a-line file, for `new Corpus(texts)`. */
export function sliceLines(path: string, splits: Splits): { train: string; valid: string; test: string } {
  const all = readFileSync(path, 'utf8').split('\n');
  const part = ([a, b]: readonly [number, number]) => all.slice(a, b).map((l) => `${l}\n`).join('');
  return { train: part(splits.train), valid: part(splits.valid), test: part(splits.test) };
}
