// GS10: market yield on US Treasury securities at 10-year constant maturity, monthly averages in
// percent (FRED series GS10, Board of Governors of the Federal Reserve System; public domain).
// The 59 values 2018-02 .. 2022-12 printed in the tutorial (§5).
import { ValueError } from '../errors.js';
import { fromData } from '../tensor/creation.js';
import { DIGITS_ROWS } from './digits-data.js';
import { BROWN_CATEGORIES_TSV } from './brown-data.js';
import type { SequenceData } from './sequences.js';

export interface Series {
  name: string;
  /** ISO dates, one per value, ascending. */
  dates: string[];
  values: number[];
}

const GS10: readonly (readonly [string, number])[] = [
  ['2018-02', 2.86],
  ['2018-03', 2.84],
  ['2018-04', 2.87],
  ['2018-05', 2.98],
  ['2018-06', 2.91],
  ['2018-07', 2.89],
  ['2018-08', 2.89],
  ['2018-09', 3.0],
  ['2018-10', 3.15],
  ['2018-11', 3.12],
  ['2018-12', 2.83],
  ['2019-01', 2.71],
  ['2019-02', 2.68],
  ['2019-03', 2.57],
  ['2019-04', 2.53],
  ['2019-05', 2.4],
  ['2019-06', 2.07],
  ['2019-07', 2.06],
  ['2019-08', 1.63],
  ['2019-09', 1.7],
  ['2019-10', 1.71],
  ['2019-11', 1.81],
  ['2019-12', 1.86],
  ['2020-01', 1.76],
  ['2020-02', 1.5],
  ['2020-03', 0.87],
  ['2020-04', 0.66],
  ['2020-05', 0.67],
  ['2020-06', 0.73],
  ['2020-07', 0.62],
  ['2020-08', 0.65],
  ['2020-09', 0.68],
  ['2020-10', 0.79],
  ['2020-11', 0.87],
  ['2020-12', 0.93],
  ['2021-01', 1.08],
  ['2021-02', 1.26],
  ['2021-03', 1.61],
  ['2021-04', 1.64],
  ['2021-05', 1.62],
  ['2021-06', 1.52],
  ['2021-07', 1.32],
  ['2021-08', 1.28],
  ['2021-09', 1.37],
  ['2021-10', 1.58],
  ['2021-11', 1.56],
  ['2021-12', 1.47],
  ['2022-01', 1.76],
  ['2022-02', 1.93],
  ['2022-03', 2.13],
  ['2022-04', 2.75],
  ['2022-05', 2.9],
  ['2022-06', 3.14],
  ['2022-07', 2.9],
  ['2022-08', 2.9],
  ['2022-09', 3.52],
  ['2022-10', 3.98],
  ['2022-11', 3.89],
  ['2022-12', 3.62],
];

/** The tutorial's GS10 series: 59 monthly values, 2018-02 to 2022-12 (dates are month starts). */
export function gs10(): Series {
  return {
    name: 'GS10',
    dates: GS10.map(([m]) => `${m}-01`),
    values: GS10.map(([, v]) => v),
  };
}

// ---------------------------------------------------------------------------------------------
// Digits: the 8×8 handwritten digits of scikit-learn's `load_digits()` (UCI "Optical Recognition
// of Handwritten Digits", test set; CC BY 4.0), 1,797 samples in the file's order.
// Legend: N = 1797 samples, T time steps, F features per step.

export interface DigitsOptions {
  /**
   * 'rows' (default): an image read row by row, T = 8 steps of F = 8 pixels (the recipe).
   * 'pixels': one pixel a step in row-major order, T = 64, F = 1 — the classic long-dependency task.
   */
  layout?: 'rows' | 'pixels';
}

const DIGITS_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Samples [start, end) of the bundled digits as SequenceData. */
function digitsRange(start: number, end: number, opts: DigitsOptions, source: string): SequenceData {
  const layout = opts.layout ?? 'rows';
  if (layout !== 'rows' && layout !== 'pixels') {
    throw new ValueError(`digits: layout must be 'rows' or 'pixels', got ${JSON.stringify(layout)}`);
  }
  const n = end - start;
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = DIGITS_ROWS[start + i]!;
    // Pixels are counts of set pixels in a 4×4 block, 0..16; /16 puts them in [0, 1] (exactly, in
    // float32), the scale the RNN recipes expect. Multiply by 16 to get scikit-learn's values back.
    for (let p = 0; p < 64; p++) x[i * 64 + p] = parseInt(row[p]!, 17) / 16;
    y[i] = parseInt(row[64]!, 10);
  }
  // Row-major [N,8,8] and [N,64,1] are the same bytes: only the shape differs.
  const shape = layout === 'rows' ? [n, 8, 8] : [n, 64, 1];
  return { x: fromData(x, shape), y, lengths: null, classes: [...DIGITS_CLASSES], source };
}

/**
 * The bundled 8×8 digits (1,797 samples, classes "0".."9") as SequenceData: x float32 [1797,8,8]
 * (rows as time steps) or [1797,64,1] (`layout: 'pixels'`), pixel values 0..16 divided by 16,
 * y the digit, every sequence full length (lengths null).
 */
export function digits(opts: DigitsOptions = {}): SequenceData {
  return digitsRange(0, DIGITS_ROWS.length, opts, 'digits');
}

/**
 * scikit-learn's classic split of the digits: the first half (n // 2 = 898 samples) trains, the
 * rest (899) tests, no shuffle — `train_test_split(X, y, test_size=0.5, shuffle=False)`, where
 * `SVC(gamma=0.001)` scores 96.9 % on the test half.
 */
export function digitsSplit(opts: DigitsOptions = {}): { train: SequenceData; test: SequenceData } {
  const n = DIGITS_ROWS.length;
  const half = Math.floor(n / 2);
  return { train: digitsRange(0, half, opts, 'digits (train: first half)'), test: digitsRange(half, n, opts, 'digits (test: second half)') };
}

// ---------------------------------------------------------------------------------------------
// Brown corpus genres: passages of 4 sentences from the first 12 texts of five genres
// (data/brown-categories.tsv, built by tools/make-brown-categories.ts; redistribution permitted).

export interface TextClassificationSet {
  /** One passage per entry: tokens as the corpus gives them, separated by single spaces. */
  texts: string[];
  /** Class id per passage, index into `classes`. */
  labels: Int32Array;
  classes: string[];
  /** The corpus text (file name, e.g. "ca01") each passage comes from. */
  documents: string[];
  /** Passage indices of the training documents and of the test documents (ascending). */
  trainIdx: Int32Array;
  testIdx: Int32Array;
}

/**
 * Five Brown corpus genres — government, learned, news, religion, romance — as 1,601 labelled
 * passages of about 4 sentences (12 texts a genre, ~2,000 words each). The split is by document:
 * in each genre, texts 3, 6, 9 and 12 (e.g. ca03, ca06, ca09, ca12) are test, the other 8 train, so
 * no passage of a test text is seen in training (passages of one text share names and topics).
 */
export function brownCategories(): TextClassificationSet {
  const lines = BROWN_CATEGORIES_TSV.split('\n').filter((l) => l !== '');
  const texts: string[] = [];
  const documents: string[] = [];
  const labelNames: string[] = [];
  for (const line of lines.slice(1)) {
    const [label, doc, text] = line.split('\t') as [string, string, string];
    labelNames.push(label);
    documents.push(doc);
    texts.push(text);
  }
  const classes = [...new Set(labelNames)].sort();
  const labels = Int32Array.from(labelNames, (l) => classes.indexOf(l));
  // The text's number within its genre: "ch07" → 7.
  const isTest = (doc: string): boolean => Number(doc.slice(2)) % 3 === 0;
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  documents.forEach((d, i) => (isTest(d) ? testIdx : trainIdx).push(i));
  return { texts, labels, classes, documents, trainIdx: Int32Array.from(trainIdx), testIdx: Int32Array.from(testIdx) };
}
