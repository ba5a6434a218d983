// Bag-of-words logistic regression: the linear baseline that a recurrent text classifier must beat.
// Softmax regression on TF-IDF features (the text layer's TfidfVectorizer, scikit-learn's numbers),
// composed from primitives (linear, crossEntropy), so its gradient needs no hand-written backward.
//
// Legend: N documents, V features (vocabulary), K classes.
//
//   p(k | x) = softmax(W x + b)_k
//   L(W, b)  = −(1/N) Σₙ log p(yₙ | xₙ) + (λ/2)‖W‖²        (λ = l2; the bias is not penalised)
//
// With λ > 0 the loss is strictly convex in W, so full-batch L-BFGS from zero weights reaches the
// same optimum every run: no seed, no shuffling. λ = 1/(C·N) gives scikit-learn's
// LogisticRegression(C) objective divided by N.
import { ValueError } from '../errors.js';
import { checkMemory } from '../memory.js';
import { noGrad } from '../autograd/grad-mode.js';
import { crossEntropy, linear } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { LBFGS } from '../optim/lbfgs.js';
import { zeros } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { alloc } from '../tensor/dtype.js';
import { TfidfVectorizer, type TfidfOptions } from '../text/tfidf.js';
import { tokenize } from '../text/tokenize.js';

export interface BowClassifierOptions {
  /** K; default: the largest label + 1 (or classes.length). */
  numClasses?: number;
  /** Class names, index = class id; default "0".."K-1". */
  classes?: string[];
  /** Text → tokens. Default: English words, lower-cased, punctuation dropped (`text.tokenize`). */
  tokenizer?: (text: string) => string[];
  /**
   * Feature options over the defaults { sublinearTf: true, minDf: 2, maxFeatures: 20000 } (l2-normed
   * TF-IDF). Raw counts: { useIdf: false, norm: null, sublinearTf: false }.
   */
  features?: TfidfOptions;
  /** λ, the L2 penalty on W (default 1e-4, about scikit-learn's C = 10 on a thousand texts). */
  l2?: number;
  /** 'lbfgs' (default; full batch, strong-Wolfe line search) or 'adam' (full batch). */
  optimizer?: 'lbfgs' | 'adam';
  /** L-BFGS iterations or Adam steps (defaults 200 and 300). */
  maxIter?: number;
  /** Adam's learning rate (default 0.1); L-BFGS uses 1 with its line search. */
  lr?: number;
  /** Default 'float32'; 'float64' for gradient checks. */
  dtype?: DType;
}

const defaultTokenizer = (text: string): string[] => tokenize(text, { lang: 'en', lowercase: true, punctuation: false });

/** Mean cross-entropy of softmax(x Wᵀ + b) plus (λ/2)‖W‖². x [N,V], weight [K,V], bias [K]. */
export function bowLoss(weight: Tensor, bias: Tensor, x: Tensor, y: ArrayLike<number>, l2: number): Tensor {
  const ce = crossEntropy(linear(x, weight, bias, 'bowLoss'), y);
  return l2 === 0 ? ce : ce.add(weight.square().sum().mul(l2 / 2));
}

export class BowClassifier {
  /** Per-iteration training loss (L-BFGS: every closure call). */
  readonly losses: number[] = [];

  constructor(
    readonly vectorizer: TfidfVectorizer,
    readonly tokenizer: (text: string) => string[],
    readonly weight: Tensor, // [K,V]
    readonly bias: Tensor, // [K]
    readonly classes: string[],
  ) {}

  /** Dense features [N,V] in the weights' dtype. */
  features(texts: readonly string[]): Tensor {
    const m = this.vectorizer.transform(texts.map((t) => this.tokenizer(t)));
    checkMemory(`BowClassifier: features of ${m.rows} texts × ${m.cols} terms`, m.rows * m.cols * 8);
    const out = alloc(this.weight.dtype, m.rows * m.cols);
    for (let r = 0; r < m.rows; r++) {
      for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) out[r * m.cols + m.indices[k]!] = m.data[k]!;
    }
    return new Tensor(out, [m.rows, m.cols]);
  }

  /** Class probabilities [N,K]. */
  predictProba(texts: readonly string[]): Tensor {
    return noGrad(() => linear(this.features(texts), this.weight, this.bias).softmax(1));
  }

  /** Most probable class id per text. */
  predict(texts: readonly string[]): Int32Array {
    const logits = noGrad(() => linear(this.features(texts), this.weight, this.bias));
    return Int32Array.from(logits.argmax(1).data);
  }
}

/** Fit softmax regression on bag-of-words features of `texts` (labels: class ids 0..K-1). */
export function fitBowClassifier(texts: readonly string[], labels: ArrayLike<number>, opts: BowClassifierOptions = {}): BowClassifier {
  const fn = 'fitBowClassifier';
  if (texts.length === 0) throw new ValueError(`${fn}: no texts`);
  if (texts.length !== labels.length) throw new ValueError(`${fn}: ${texts.length} texts but ${labels.length} labels`);
  let maxLabel = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${fn}: labels[${i}] = ${v} is not a class index`);
    maxLabel = Math.max(maxLabel, v);
  }
  const K = opts.numClasses ?? opts.classes?.length ?? maxLabel + 1;
  if (maxLabel >= K) throw new ValueError(`${fn}: label ${maxLabel} is out of range for ${K} classes`);
  const classes = opts.classes ?? Array.from({ length: K }, (_, i) => String(i));
  if (classes.length !== K) throw new ValueError(`${fn}: ${classes.length} class names for ${K} classes`);
  const l2 = opts.l2 ?? 1e-4;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new ValueError(`${fn}: l2 must be ≥ 0, got ${l2}`);
  const optimizer = opts.optimizer ?? 'lbfgs';
  if (optimizer !== 'lbfgs' && optimizer !== 'adam') throw new ValueError(`${fn}: optimizer must be 'lbfgs' or 'adam', got ${JSON.stringify(optimizer)}`);
  const maxIter = opts.maxIter ?? (optimizer === 'lbfgs' ? 200 : 300);
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new ValueError(`${fn}: maxIter must be a positive integer, got ${maxIter}`);
  const dtype = opts.dtype ?? 'float32';

  const tokenizer = opts.tokenizer ?? defaultTokenizer;
  const tokens = texts.map((t) => tokenizer(t));
  // minDf 2 would leave nothing of a tiny corpus; clamp it to what the corpus can give.
  const features = { sublinearTf: true, minDf: texts.length >= 20 ? 2 : 1, maxFeatures: 20000, ...opts.features };
  const vectorizer = new TfidfVectorizer(features).fit(tokens);
  const V = vectorizer.vocabulary.length;
  const model = new BowClassifier(vectorizer, tokenizer, zeros([K, V], { dtype, requiresGrad: true }), zeros([K], { dtype, requiresGrad: true }), classes);
  const x = model.features(texts);
  const y = Int32Array.from(labels);
  const params = [model.weight, model.bias];
  const opt = optimizer === 'lbfgs'
    ? new LBFGS(params, { lr: 1, maxIter, lineSearchFn: 'strong_wolfe', historySize: 20 })
    : new Adam(params, { lr: opts.lr ?? 0.1 });
  const closure = (): Tensor => {
    opt.zeroGrad();
    const loss = bowLoss(model.weight, model.bias, x, y, l2);
    loss.backward();
    model.losses.push(loss.item());
    return loss;
  };
  if (opt instanceof LBFGS) {
    opt.step(closure);
  } else {
    for (let i = 0; i < maxIter; i++) { closure(); opt.step(); }
  }
  return model;
}
