// PyTorch's examples/word_language_model/main.py as a command: parses the arguments and runs
// train.ts on a corpus. Without --data it trains on a slice of the bundled Brown news corpus.
//   npx tsx examples/pytorch/word_language_model/main.ts [--data DIR] [--model LSTM] [--epochs 3] [--save model.safetensors]
// DIR holds train.txt, valid.txt and test.txt, as upstream's --data.
import { parseArgs } from 'node:util';
import { io } from '../../../src/node.js';
import { BROWN_NEWS, Corpus, sliceLines } from './data.js';
import type { RNNType } from './model.js';
import { defaults, run } from './train.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    model: { type: 'string' }, // type of network (RNN_TANH, RNN_RELU, LSTM, GRU); RNNModel rejects others
    emsize: { type: 'string' },
    nhid: { type: 'string' },
    nlayers: { type: 'string' },
    lr: { type: 'string' },
    clip: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    bptt: { type: 'string' },
    dropout: { type: 'string' },
    tied: { type: 'boolean' },
    seed: { type: 'string' },
    'log-interval': { type: 'string' },
    save: { type: 'string' },
  },
});
const num = (v: string | undefined, d: number): number => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got '${v}'`);
  return n;
};
const args = {
  ...defaults,
  model: (values.model ?? defaults.model) as RNNType,
  emsize: num(values.emsize, defaults.emsize),
  nhid: num(values.nhid, defaults.nhid),
  nlayers: num(values.nlayers, defaults.nlayers),
  lr: num(values.lr, defaults.lr),
  clip: num(values.clip, defaults.clip),
  epochs: num(values.epochs, defaults.epochs),
  batchSize: num(values['batch-size'], defaults.batchSize),
  bptt: num(values.bptt, defaults.bptt),
  dropout: num(values.dropout, defaults.dropout),
  tied: values.tied ?? defaults.tied,
  seed: num(values.seed, defaults.seed),
  logInterval: num(values['log-interval'], defaults.logInterval),
};

const corpus = new Corpus(values.data ?? sliceLines(BROWN_NEWS, { train: [0, 400], valid: [400, 450], test: [450, 500] }));
console.log(`vocab size (${corpus.dictionary.length}), ${corpus.train.size(0)} training tokens`);
const { model } = run(corpus, args, { log: (line) => console.log(line) });
if (values.save) {
  io.saveSafetensors(values.save, model.stateDict());
  console.log(`saved the best model's state_dict to ${values.save}`);
}
