// Brown categories (docs/classification.md, "Text: Brown categories"): name the genre of a Brown
// corpus passage (government, learned, news, religion, romance) from its words, with Embedding +
// LSTM over the token ids, beside the bag-of-words logistic-regression baseline on the same split
// (trained on 1,060 passages of 40 documents, tested on 541 passages of 20 other documents).
//
//   npx tsx examples/brown-classify.ts [--quick] [--json] [--cell lstm|gru] [--pool mean|max|last]
//       [--emb 64] [--hidden 64] [--epochs 12] [--lr 0.005] [--dropout 0.3] [--max-len 128] [--seed 0]
//
// --quick trains a small model for a few epochs on the same split (the test suite does this).
import { pathToFileURL } from 'node:url';
import { data, manualSeed, models, train } from '../src/index.js';
import { textSequences } from '../src/text/index.js';

export interface BrownRecipe {
  cell: models.ClassifierCell;
  pool: models.Pooling;
  embeddingDim: number;
  hiddenSize: number;
  bidirectional: boolean;
  dropout: number;
  epochs: number;
  lr: number;
  batchSize: number;
  weightDecay: number;
  /** Tokens kept from the start of each passage (median passage: 84 tokens, longest 243). */
  maxLen: number;
  /** Words seen fewer times in the training passages read as <unk>. */
  minFreq: number;
  /** Fraction of the training passages held out to pick the epoch (early stopping, best weights). */
  val: number;
  patience: number;
  seed: number;
}

/** The recipe the docs report (chosen on the validation split of the training passages). */
export const RECIPE: BrownRecipe = {
  cell: 'lstm', pool: 'max', embeddingDim: 64, hiddenSize: 64, bidirectional: false, dropout: 0.3,
  epochs: 12, lr: 5e-3, batchSize: 32, weightDecay: 0, maxLen: 128, minFreq: 2, val: 0.15, patience: 4, seed: 0,
};

/** Small and short, for the test suite: still well above chance. */
export const QUICK: BrownRecipe = { ...RECIPE, embeddingDim: 32, hiddenSize: 32, epochs: 5, lr: 0.01, maxLen: 64 };

/** seconds: wall clock; cpuSeconds: this process's CPU time (user + system), the honest figure on a shared machine. */
export interface Scores { accuracy: number; macroF1: number; seconds: number; cpuSeconds: number }

export interface BrownResult {
  recipe: BrownRecipe;
  vocabSize: number;
  parameters: number;
  /** Share of test tokens that are <unk> (unseen or rare in training). */
  testUnkRate: number;
  rnn: Scores & { epochsRun: number; keptEpoch: number; valAccuracy: number[] | null };
  bow: Scores;
}

/** Trains the RNN and the BoW baseline on Brown's training documents; scores both on its test documents. */
export function runBrown(recipe: BrownRecipe = RECIPE, log: (line: string) => void = () => {}): BrownResult {
  const b = data.brownCategories();
  const pick = <T>(xs: readonly T[], idx: Int32Array): T[] => Array.from(idx, (i) => xs[i]!);
  const trainTexts = pick(b.texts, b.trainIdx), testTexts = pick(b.texts, b.testIdx);
  const trainLabels = Array.from(b.trainIdx, (i) => b.labels[i]!), testLabels = Array.from(b.testIdx, (i) => b.labels[i]!);

  let t0 = performance.now(), c0 = process.cpuUsage();
  const all = textSequences(trainTexts, trainLabels, { maxLen: recipe.maxLen, minFreq: recipe.minFreq, classes: b.classes, source: 'brown train' });
  // The test split reads through the training vocabulary: its unseen words are <unk>.
  const test = textSequences(testTexts, testLabels, { vocab: all.vocab, maxLen: recipe.maxLen, classes: b.classes, source: 'brown test' });
  let unk = 0, steps = 0;
  for (let i = 0; i < test.lengths!.length; i++) {
    for (let t = 0; t < test.lengths![i]!; t++) { steps++; if (test.x.data[i * test.x.shape[1]! + t] === all.vocab.unkId) unk++; }
  }
  const split = recipe.val > 0 ? train.stratifiedSplit(all, recipe.val, recipe.seed) : { train: all, val: null };

  manualSeed(recipe.seed);
  const model = new models.SequenceClassifier({
    numClasses: b.classes.length, cell: recipe.cell, pool: recipe.pool, hiddenSize: recipe.hiddenSize,
    bidirectional: recipe.bidirectional, dropout: recipe.dropout,
    embedding: { numEmbeddings: all.vocab.size, embeddingDim: recipe.embeddingDim, paddingIdx: 0 },
  });
  const parameters = model.parameters().reduce((a, p) => a + p.numel(), 0);
  log(`vocabulary ${all.vocab.size} (minFreq ${recipe.minFreq}), ${parameters} parameters, test <unk> ${(100 * unk / steps).toFixed(1)}%`);
  const fitted = train.trainClassifier(model, split, {
    epochs: recipe.epochs, lr: recipe.lr, batchSize: recipe.batchSize, seed: recipe.seed, weightDecay: recipe.weightDecay,
    clipGradNorm: 5, earlyStopping: split.val ? { patience: recipe.patience } : undefined,
    onEpoch: (e) => log(`  epoch ${String(e.epoch).padStart(2)}  loss ${e.train.toFixed(3)}  train acc ${(100 * e.trainAccuracy).toFixed(1)}%` +
      (e.valAccuracy === null ? '' : `  val loss ${e.val!.toFixed(3)}  val acc ${(100 * e.valAccuracy).toFixed(1)}%`)),
  });
  const rnnReport = train.evaluateClassifier(model, test);
  const rnnSeconds = (performance.now() - t0) / 1000, rnnCpu = cpuSince(c0);

  t0 = performance.now(); c0 = process.cpuUsage();
  const bow = models.fitBowClassifier(trainTexts, trainLabels, { classes: b.classes });
  const bowReport = train.classificationReport(testLabels, bow.predict(testTexts), b.classes.length, { classes: b.classes });
  const bowSeconds = (performance.now() - t0) / 1000, bowCpu = cpuSince(c0);

  return {
    recipe, vocabSize: all.vocab.size, parameters, testUnkRate: unk / steps,
    rnn: {
      accuracy: rnnReport.accuracy, macroF1: rnnReport.macroF1, seconds: rnnSeconds, cpuSeconds: rnnCpu,
      epochsRun: fitted.history.train.length, keptEpoch: fitted.keptEpoch, valAccuracy: fitted.history.valAccuracy,
    },
    bow: { accuracy: bowReport.accuracy, macroF1: bowReport.macroF1, seconds: bowSeconds, cpuSeconds: bowCpu },
  };
}

function cpuSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

function recipeLine(r: BrownRecipe): string {
  return `Embedding(${r.embeddingDim}) → ${r.bidirectional ? 'bi-' : ''}${r.cell.toUpperCase()}(${r.hiddenSize}) → ${r.pool} pool → dropout ${r.dropout} → Linear(5); ` +
    `Adam ${r.lr}, batch ${r.batchSize}, ≤ ${r.epochs} epochs, maxLen ${r.maxLen}`;
}

function main(argv: string[]): void {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, v: number): number => {
    const s = flag(name);
    if (s === undefined) return v;
    const n = Number(s);
    if (!Number.isFinite(n)) throw new Error(`${name}: expected a number, got ${s}`);
    return n;
  };
  const base = argv.includes('--quick') ? QUICK : RECIPE;
  const recipe: BrownRecipe = {
    ...base,
    cell: (flag('--cell') as models.ClassifierCell | undefined) ?? base.cell,
    pool: (flag('--pool') as models.Pooling | undefined) ?? base.pool,
    bidirectional: argv.includes('--bidirectional') || base.bidirectional,
    embeddingDim: num('--emb', base.embeddingDim), hiddenSize: num('--hidden', base.hiddenSize),
    epochs: num('--epochs', base.epochs), lr: num('--lr', base.lr), dropout: num('--dropout', base.dropout),
    maxLen: num('--max-len', base.maxLen), minFreq: num('--min-freq', base.minFreq), batchSize: num('--batch-size', base.batchSize),
    weightDecay: num('--weight-decay', base.weightDecay), val: num('--val', base.val), seed: num('--seed', base.seed),
  };
  const json = argv.includes('--json');
  if (!json) console.log(`Brown categories, 5 genres: ${recipeLine(recipe)}`);
  const r = runBrown(recipe, json ? () => {} : (l) => console.log(l));
  if (json) { console.log(JSON.stringify(r)); return; }
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`.padStart(7);
  console.log(`\n  model                     test accuracy  macro-F1   wall s    CPU s`);
  console.log(`  ${`${recipe.cell.toUpperCase()} (epoch ${r.rnn.keptEpoch} kept)`.padEnd(26)}${pct(r.rnn.accuracy)}      ${r.rnn.macroF1.toFixed(3)}   ${r.rnn.seconds.toFixed(1).padStart(7)}  ${r.rnn.cpuSeconds.toFixed(1).padStart(7)}`);
  console.log(`  ${'BoW logistic regression'.padEnd(26)}${pct(r.bow.accuracy)}      ${r.bow.macroF1.toFixed(3)}   ${r.bow.seconds.toFixed(1).padStart(7)}  ${r.bow.cpuSeconds.toFixed(1).padStart(7)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
