// examples/pytorch/word_language_model reproduces PyTorch's examples/word_language_model: from
// PyTorch's initial weights (a safetensors state_dict with both keys of the tied weight), the
// rnnkit port's per-step training losses, validation losses, learning-rate annealing and test
// loss equal PyTorch 1.13's (tools/reference/example_word_language_model.py) in float32, for
// --model LSTM (word_language_model.json) and --model GRU (word_language_model_gru.json, lr 10).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io, nn, Tensor, tensor } from '../../src/node.js';
import { BROWN_NEWS, Corpus, sliceLines } from '../../examples/pytorch/word_language_model/data.js';
import { RNNModel } from '../../examples/pytorch/word_language_model/model.js';
import { batchify, defaults, getBatch, repackageHidden, run } from '../../examples/pytorch/word_language_model/train.js';
import { FIXTURES, loadFixture } from '../helpers.js';

const REGEN = 'regenerate with /usr/bin/python3 tools/reference/example_word_language_model.py';

describe('examples/pytorch/word_language_model', () => {
  const ref = loadFixture('pytorch_examples/word_language_model.json');
  const corpus = new Corpus(sliceLines(BROWN_NEWS, { train: ref.splits.train, valid: ref.splits.valid, test: ref.splits.test }));

  it("builds PyTorch's dictionary and batches (ids in order of first appearance, '<eos>' per line)", () => {
    expect(corpus.dictionary.length, REGEN).toBe(ref.sizes.ntokens);
    expect(corpus.dictionary.idx2word.slice(0, 20)).toEqual(ref.vocabHead);
    expect(corpus.train.tolist().slice(0, 20)).toEqual(ref.trainIdsHead);
    const train = batchify(corpus.train, ref.args.batchSize);
    expect(train.shape).toEqual([ref.sizes.trainRows, ref.args.batchSize]);
    expect(batchify(corpus.valid, ref.args.evalBatchSize).size(0)).toBe(ref.sizes.valRows);
    expect(batchify(corpus.test, ref.args.evalBatchSize).size(0)).toBe(ref.sizes.testRows);
    // get_batch: the target is the next row, flattened
    const [data, target] = getBatch(train, 0, 3);
    expect(data.shape).toEqual([3, ref.args.batchSize]);
    expect(target.tolist()).toEqual(train.slice(0, 1, 4).tolist());
  });

  it.each([
    ['LSTM', ''],
    ['GRU', '_gru'],
  ] as const)("%s: trains from PyTorch's initial weights to PyTorch's per-step losses (1e-4 relative, float32)", (model, suffix) => {
    const ref = loadFixture(`pytorch_examples/word_language_model${suffix}.json`);
    const init = io.loadSafetensors(join(FIXTURES, `pytorch_examples/word_language_model${suffix}_init.safetensors`)).tensors;
    const { args } = ref;
    const result = run(corpus, {
      ...defaults, model, emsize: args.emsize, nhid: args.nhid, nlayers: args.nlayers, lr: args.lr, clip: args.clip,
      epochs: args.epochs, batchSize: args.batchSize, bptt: args.bptt, dropout: args.dropout, tied: args.tied,
    }, { init });
    expect(result.model.rnn).toBeInstanceOf(model === 'LSTM' ? nn.LSTM : nn.GRU);
    expect(result.model.decoder.weight).toBe(result.model.encoder.weight); // still tied after loading and training
    const expected: number[] = ref.stepLosses;
    expect(result.stepLosses).toHaveLength(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(result.stepLosses[i]! - expected[i]!) / Math.abs(expected[i]!));
    expect(worst, `max relative difference of the step losses; ${REGEN}`).toBeLessThan(1e-4);
    expect(result.epochs.map((e) => e.lr)).toEqual(ref.epochs.map((e: { lr: number }) => e.lr));
    for (let k = 0; k < ref.epochs.length; k++) {
      expect(Math.abs(result.epochs[k]!.valLoss - ref.epochs[k].valLoss) / ref.epochs[k].valLoss, `epoch ${k + 1} valid loss`).toBeLessThan(1e-4);
    }
    expect(Math.abs(result.testLoss - ref.testLoss) / ref.testLoss, 'test loss').toBeLessThan(1e-4);
    console.log(`word_language_model ${model}: ${expected.length} steps, max relative step-loss difference ${worst.toExponential(2)} ` +
      `(PyTorch's own float32 vs float64: ${ref.float32VsFloat64MaxRel.toExponential(2)})`);
  });

  it("builds upstream's four recurrent nets, their hidden states, and rejects an unknown --model", () => {
    const cases = [['LSTM', nn.LSTM], ['GRU', nn.GRU], ['RNN_TANH', nn.RNN], ['RNN_RELU', nn.RNN]] as const;
    const input = tensor([[1, 2], [3, 4], [5, 6]]); // [T=3, B=2]
    for (const [rnnType, cls] of cases) {
      const m = new RNNModel(rnnType, 10, 4, 4, 2, { dropout: 0, tieWeights: true });
      expect(m.rnn).toBeInstanceOf(cls);
      if (m.rnn instanceof nn.RNN) expect(m.rnn.nonlinearity).toBe(rnnType === 'RNN_TANH' ? 'tanh' : 'relu');
      const hidden = m.initHidden(2);
      if (rnnType === 'LSTM') {
        expect(Array.isArray(hidden)).toBe(true);
        expect((hidden as nn.LSTMState).map((t) => t.shape)).toEqual([[2, 2, 4], [2, 2, 4]]);
      } else {
        expect(hidden).toBeInstanceOf(Tensor);
        expect((hidden as Tensor).shape).toEqual([2, 2, 4]);
      }
      const [out, next] = m.forward(input, hidden);
      expect(out.shape).toEqual([6, 10]);
      const repacked = repackageHidden(next);
      expect(Array.isArray(repacked)).toBe(Array.isArray(next));
      for (const t of Array.isArray(repacked) ? repacked : [repacked]) expect(t.requiresGrad).toBe(false);
    }
    expect(() => new RNNModel('Transformer' as 'LSTM', 10, 4, 4, 2)).toThrow(
      "An invalid option for `--model` was supplied, options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']");
  });
});
