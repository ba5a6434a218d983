// The training code of main.py in PyTorch's examples/word_language_model: batchify, get_batch,
// repackage_hidden, evaluate, train, and the epoch loop that keeps the best model by validation
// loss and divides the learning rate by 4 when validation does not improve.
// Legend: N tokens, R rows (N / B), B batch, T bptt, V ntokens, L nlayers, H nhid.
import { manualSeed, nn, noGrad, Tensor } from '../../../src/node.js';
import type { Corpus } from './data.js';
import { RNNModel, type Hidden, type RNNType } from './model.js';

export interface Args {
  /** Type of recurrent net (upstream's Transformer is not ported). */
  model: RNNType;
  emsize: number;
  nhid: number;
  nlayers: number;
  lr: number;
  clip: number;
  epochs: number;
  batchSize: number;
  bptt: number;
  dropout: number;
  tied: boolean;
  seed: number;
  logInterval: number;
}

/** Upstream's defaults (emsize 200, batch 20, bptt 35, …) are for WikiText-2; these run in seconds. */
export const defaults: Args = {
  model: 'LSTM', emsize: 16, nhid: 16, nlayers: 2, lr: 20, clip: 0.25, epochs: 3,
  batchSize: 4, bptt: 8, dropout: 0.2, tied: true, seed: 1111, logInterval: 50,
};

export const evalBatchSize = 10;

// Starting from sequential data, batchify arranges the dataset into columns. For instance, with
// the alphabet as the sequence and batch size 4, we'd get
// ┌ a g m s ┐
// │ b h n t │
// │ c i o u │
// │ d j p v │
// │ e k q w │
// └ f l r x ┘.
// These columns are treated as independent by the model, which means that the dependence of
// e.g. 'g' on 'f' can not be learned, but allows more efficient batch processing.
/** data [N] → [R,B]. */
export function batchify(data: Tensor, bsz: number): Tensor {
  // Work out how cleanly we can divide the dataset into bsz parts.
  const nbatch = Math.floor(data.size(0) / bsz);
  // Trim off any extra elements that wouldn't cleanly fit (remainders).
  data = data.narrow(0, 0, nbatch * bsz);
  // Evenly divide the data across the bsz batches. (rnnkit's t() returns a contiguous copy.)
  return data.view(bsz, -1).t();
}

/** Wraps hidden states in new Tensors, to detach them from their history. */
export function repackageHidden(h: Tensor): Tensor;
export function repackageHidden(h: nn.LSTMState): nn.LSTMState;
export function repackageHidden(h: Hidden): Hidden;
export function repackageHidden(h: Hidden): Hidden {
  if (h instanceof Tensor) {
    return h.detach();
  } else {
    return h.map((v) => repackageHidden(v)) as nn.LSTMState; // upstream: tuple(repackage_hidden(v) for v in h)
  }
}

// getBatch subdivides the source data into chunks of length bptt. If source is equal to the
// example output of the batchify function, with a bptt-limit of 2, we'd get the following two
// tensors for i = 0:
// ┌ a g m s ┐ ┌ b h n t ┐
// └ b h n t ┘ └ c i o u ┘
// The chunks are along dimension 0, corresponding to the seq_len dimension in the LSTM.
/** source [R,B] → data [T,B] and target [T·B] (the next token of each). */
export function getBatch(source: Tensor, i: number, bptt: number): [Tensor, Tensor] {
  const seqLen = Math.min(bptt, source.size(0) - 1 - i);
  const data = source.slice(0, i, i + seqLen);
  const target = source.slice(0, i + 1, i + 1 + seqLen).view(-1);
  return [data, target];
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  valLoss: number;
  seconds: number;
}

export interface RunResult {
  model: RNNModel;
  /** Every training step's loss, in order. */
  stepLosses: number[];
  epochs: EpochRecord[];
  /** Loss of the best model (by validation loss) on the test split. */
  testLoss: number;
}

export interface RunOptions {
  /** Initial weights instead of the seeded draw (a PyTorch state_dict loads as it is). */
  init?: nn.StateDict;
  log?: (line: string) => void;
}

/** main.py from "Load data" to "Run on test data". */
export function run(corpus: Corpus, args: Args, opts: RunOptions = {}): RunResult {
  const log = opts.log ?? (() => {});
  // Set the random seed manually for reproducibility.
  manualSeed(args.seed);

  const trainData = batchify(corpus.train, args.batchSize);
  const valData = batchify(corpus.valid, evalBatchSize);
  const testData = batchify(corpus.test, evalBatchSize);

  const ntokens = corpus.dictionary.length;
  const model = new RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, { dropout: args.dropout, tieWeights: args.tied });
  if (opts.init) model.loadStateDict(opts.init);

  const criterion = new nn.NLLLoss();

  function evaluate(dataSource: Tensor): number {
    // Turn on evaluation mode which disables dropout.
    model.eval();
    let totalLoss = 0;
    let hidden = model.initHidden(evalBatchSize);
    noGrad(() => {
      for (let i = 0; i < dataSource.size(0) - 1; i += args.bptt) {
        const [data, targets] = getBatch(dataSource, i, args.bptt);
        let output: Tensor;
        [output, hidden] = model.forward(data, hidden);
        hidden = repackageHidden(hidden);
        totalLoss += data.size(0) * criterion.forward(output, targets).item();
      }
    });
    return totalLoss / (dataSource.size(0) - 1);
  }

  const stepLosses: number[] = [];

  function train(epoch: number, lr: number): void {
    // Turn on training mode which enables dropout.
    model.train();
    let totalLoss = 0;
    let startTime = performance.now();
    let hidden = model.initHidden(args.batchSize);
    for (let batch = 0, i = 0; i < trainData.size(0) - 1; batch++, i += args.bptt) {
      const [data, targets] = getBatch(trainData, i, args.bptt);
      // Starting each batch, we detach the hidden state from how it was previously produced.
      // If we didn't, the model would try backpropagating all the way to start of the dataset.
      model.zeroGrad();
      hidden = repackageHidden(hidden);
      let output: Tensor;
      [output, hidden] = model.forward(data, hidden);
      const loss = criterion.forward(output, targets);
      loss.backward();

      // `clipGradNorm_` helps prevent the exploding gradient problem in RNNs / LSTMs.
      nn.utils.clipGradNorm_(model.parameters(), args.clip);
      // PyTorch: p.data.add_(p.grad, alpha=-lr). An in-place update of a leaf that requires
      // grad is allowed under noGrad, as under torch.no_grad() (p.data is the older spelling).
      noGrad(() => {
        for (const p of model.parameters()) p.add_(p.grad!, { alpha: -lr });
      });

      const l = loss.item();
      stepLosses.push(l);
      totalLoss += l;

      if (batch % args.logInterval === 0 && batch > 0) {
        const curLoss = totalLoss / args.logInterval;
        const elapsed = performance.now() - startTime;
        log(`| epoch ${pad(epoch, 3)} | ${pad(batch, 5)}/${pad(Math.floor(trainData.size(0) / args.bptt), 5)} batches | ` +
          `lr ${lr.toFixed(2)} | ms/batch ${(elapsed / args.logInterval).toFixed(2).padStart(5)} | ` +
          `loss ${curLoss.toFixed(2).padStart(5)} | ppl ${Math.exp(curLoss).toFixed(2).padStart(8)}`);
        totalLoss = 0;
        startTime = performance.now();
      }
    }
  }

  // Loop over epochs.
  let lr = args.lr;
  let bestValLoss: number | null = null;
  let best: nn.StateDict | null = null;
  const epochs: EpochRecord[] = [];
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const epochStartTime = performance.now();
    train(epoch, lr);
    const valLoss = evaluate(valData);
    const seconds = (performance.now() - epochStartTime) / 1000;
    epochs.push({ epoch, lr, valLoss, seconds });
    log('-'.repeat(89));
    log(`| end of epoch ${pad(epoch, 3)} | time: ${seconds.toFixed(2).padStart(5)}s | valid loss ${valLoss.toFixed(2).padStart(5)} | ` +
      `valid ppl ${Math.exp(valLoss).toFixed(2).padStart(8)}`);
    log('-'.repeat(89));
    // Save the model if the validation loss is the best we've seen so far.
    // (Upstream: torch.save(model, f); here a copy of the state dict, written by main.ts.)
    if (bestValLoss === null || valLoss < bestValLoss) {
      best = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]));
      bestValLoss = valLoss;
    } else {
      // Anneal the learning rate if no improvement has been seen in the validation dataset.
      lr /= 4.0;
    }
  }

  // Load the best saved model.
  if (best) model.loadStateDict(best);

  // Run on test data.
  const testLoss = evaluate(testData);
  log('='.repeat(89));
  log(`| End of training | test loss ${testLoss.toFixed(2).padStart(5)} | test ppl ${Math.exp(testLoss).toFixed(2).padStart(8)}`);
  log('='.repeat(89));
  return { model, stepLosses, epochs, testLoss };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}
