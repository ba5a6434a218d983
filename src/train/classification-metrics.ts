// Classification metrics with scikit-learn's conventions (browser-safe, no tensors needed).
// N samples (or N steps of per-step tagging), K = numClasses.
//
//   precision_k = TP_k / (TP_k + FP_k)      recall_k = TP_k / (TP_k + FN_k)
//   F1_k = 2 · precision_k · recall_k / (precision_k + recall_k)
//
// A 0/0 is 0 (sklearn's zero_division=0), and every class 0..K-1 counts in the macro average even
// when it occurs in neither yTrue nor yPred (sklearn with labels=range(K)): a model that never
// predicts a class is not flattered by leaving that class out. Weighted F1 weights by support.
import { ValueError } from '../errors.js';

export interface ClassMetrics {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples of this class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  perClass: ClassMetrics[];
  /** [K][K] counts: rows = true class, columns = predicted class. */
  confusion: number[][];
}

export interface ClassificationReportOptions {
  /** Class names, index = class id; default "0".."K-1". */
  classes?: string[];
  /**
   * Positions whose true label equals this value are left out (padding in per-step tagging, as
   * PyTorch's `CrossEntropyLoss({ ignoreIndex })`); their predictions are not looked at.
   */
  ignoreIndex?: number;
}

function checkLabel(fn: string, what: string, v: number, i: number, k: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= k) {
    throw new ValueError(`${fn}: ${what}[${i}] = ${v} is not a class index in 0..${k - 1}`);
  }
}

/**
 * Confusion matrix [K][K] (rows = true, columns = predicted), as sklearn's
 * `confusion_matrix(y_true, y_pred, labels=range(K))`.
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
  opts: { ignoreIndex?: number } = {},
): number[][] {
  return count('confusionMatrix', yTrue, yPred, numClasses, opts.ignoreIndex);
}

function count(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, k: number, ignoreIndex: number | undefined): number[][] {
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`${fn}: numClasses must be a positive integer, got ${k}`);
  if (yTrue.length !== yPred.length) {
    throw new ValueError(`${fn}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    if (ignoreIndex !== undefined && t === ignoreIndex) continue;
    const p = yPred[i]!;
    checkLabel(fn, 'yTrue', t, i, k);
    checkLabel(fn, 'yPred', p, i, k);
    m[t]![p]! += 1;
  }
  return m;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Accuracy, per-class precision/recall/F1/support, macro and weighted F1, confusion matrix. */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
  opts: ClassificationReportOptions = {},
): ClassificationReport {
  const fn = 'classificationReport';
  const classes = opts.classes ?? Array.from({ length: numClasses }, (_, i) => String(i));
  if (classes.length !== numClasses) {
    throw new ValueError(`${fn}: ${classes.length} class names for numClasses = ${numClasses}`);
  }
  const confusion = count(fn, yTrue, yPred, numClasses, opts.ignoreIndex);
  let total = 0;
  let correct = 0;
  const predicted = new Array<number>(numClasses).fill(0);
  for (let t = 0; t < numClasses; t++) {
    for (let p = 0; p < numClasses; p++) {
      const c = confusion[t]![p]!;
      total += c;
      predicted[p]! += c;
      if (t === p) correct += c;
    }
  }
  if (total === 0) throw new ValueError(`${fn}: no samples to score (all ${yTrue.length} ignored or none given)`);
  const perClass = classes.map((name, k) => {
    const tp = confusion[k]![k]!;
    const support = confusion[k]!.reduce((a, b) => a + b, 0);
    const precision = ratio(tp, predicted[k]!);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { class: name, precision, recall, f1, support };
  });
  const macroF1 = perClass.reduce((a, c) => a + c.f1, 0) / numClasses;
  const weightedF1 = perClass.reduce((a, c) => a + c.f1 * c.support, 0) / total;
  return { accuracy: correct / total, macroF1, weightedF1, perClass, confusion };
}
