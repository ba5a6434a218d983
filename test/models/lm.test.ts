// Language models: perplexity against a hand computation, generation (greedy = argmax, top-k stays
// in the top k, temperature → 0 is greedy, seeded), unknown prefixes, a model that learns a
// repetitive corpus, save/load, LSTM/GRU cells and Chinese word level.
import { describe, expect, it } from 'vitest';
import { Generator, models, tensor, train, type Tensor } from '../../src/index.js';
import { tokenize } from '../../src/text/index.js';
import { lmFromConfig, lmToConfig } from '../../src/io/lm-config.js';

const { RNNLM, TextLM, buildLmCorpus, generateIds, sampleNext, argmax } = models;

/** A V=3, H=2, one-hot, float64 model with fixed weights. */
function tinyModel(): models.RNNLM {
  const m = new RNNLM(3, { hiddenSize: 2, dtype: 'float64', generator: new Generator(0) });
  const t = (data: number[], shape: number[]) => tensor(data, { shape, dtype: 'float64' });
  m.loadStateDict({
    'rnn.weight_ih_l0': t([0.5, -0.3, 0.8, -0.6, 0.2, 0.4], [2, 3]),
    'rnn.weight_hh_l0': t([0.1, -0.7, 0.9, 0.3], [2, 2]),
    'rnn.bias_ih_l0': t([0.05, -0.1], [2]),
    'rnn.bias_hh_l0': t([0.2, 0.15], [2]),
    'linear.weight': t([1.2, -0.4, -0.8, 0.9, 0.3, 0.6], [3, 2]),
    'linear.bias': t([0.1, -0.2, 0.05], [3]),
  });
  return m;
}

/** The same model by hand: h_t = tanh(W_ih e_x + b_ih + W_hh h + b_hh), o = W h + b, CE = lse(o) − o_y. */
function handPerplexity(ids: number[]): number {
  const Wih = [[0.5, -0.3, 0.8], [-0.6, 0.2, 0.4]], Whh = [[0.1, -0.7], [0.9, 0.3]];
  const bih = [0.05, -0.1], bhh = [0.2, 0.15];
  const W = [[1.2, -0.4], [-0.8, 0.9], [0.3, 0.6]], b = [0.1, -0.2, 0.05];
  let h = [0, 0], ce = 0;
  for (let t = 0; t + 1 < ids.length; t++) {
    h = [0, 1].map((i) => Math.tanh(Wih[i]![ids[t]!]! + bih[i]! + Whh[i]![0]! * h[0]! + Whh[i]![1]! * h[1]! + bhh[i]!));
    const o = W.map((row, k) => row[0]! * h[0]! + row[1]! * h[1]! + b[k]!);
    ce += Math.log(o.reduce((s, v) => s + Math.exp(v), 0)) - o[ids[t + 1]!]!;
  }
  return Math.exp(ce / (ids.length - 1));
}

describe('perplexity', () => {
  const ids = [0, 2, 1, 1, 0, 2, 2, 1, 0, 0, 1];

  it('is exp(mean CE), equal to a hand computation of the tiny model', () => {
    const m = tinyModel();
    const want = handPerplexity(ids);
    // one row read in windows of 3 with the state carried over = one pass over the whole stream
    expect(train.evaluatePerplexity(m, ids, { batchSize: 1, seqLen: 3 })).toBeCloseTo(want, 12);
    expect(train.evaluatePerplexity(m, ids, { batchSize: 1, seqLen: 100 })).toBeCloseTo(want, 12);
    // two rows: ids[0..5] predicts ids[1..5], ids[5..10] predicts ids[6..10]
    const two = Math.exp((5 * Math.log(handPerplexity(ids.slice(0, 6))) + 5 * Math.log(handPerplexity(ids.slice(5)))) / 10);
    expect(train.evaluatePerplexity(m, ids, { batchSize: 2, seqLen: 2 })).toBeCloseTo(two, 12);
  });

  it('is the vocabulary size for a model that predicts uniformly', () => {
    const m = tinyModel();
    for (const p of m.linear.parameters()) p.data.fill(0);
    expect(train.evaluatePerplexity(m, ids)).toBeCloseTo(3, 14);
  });

  it('trainLm reports exp(mean CE) of the batches it saw (lr 0 ⇒ the evaluation of those batches)', () => {
    // sequential, B=1, offset drawn from the generator: with lr 0 the loop's perplexity is the
    // evaluation of the tokens it covered, state carried, so it matches the hand value on that span
    const m = tinyModel();
    const long = Array.from({ length: 40 }, (_, i) => (i * 7 + (i >> 2)) % 3);
    const gen = new Generator(3);
    const offset = new Generator(3).int(5 + 1);
    const covered = Math.floor((long.length - offset - 1) / 5) * 5; // one row, whole windows only
    const r = train.trainLm(m, long, { epochs: 1, batchSize: 1, seqLen: 5, lr: 0, clip: 0, generator: gen });
    expect(r.history[0]!.tokens).toBe(covered);
    expect(r.history[0]!.perplexity).toBeCloseTo(handPerplexity(long.slice(offset, offset + covered + 1)), 10);
  });
});

describe('sampling and generation', () => {
  const logits = [0.3, 2.0, -1.0, 1.5, 1.9, 0.0];

  it('temperature 0 and topK 1 are argmax; ties go to the lower id', () => {
    expect(argmax(logits)).toBe(1);
    expect(sampleNext(logits, { temperature: 0 })).toBe(1);
    expect(sampleNext(logits, { topK: 1 }, new Generator(5))).toBe(1);
    expect(argmax([1, 3, 3, 0])).toBe(1);
  });

  it('top-k never picks outside the k largest, and follows the renormalised softmax', () => {
    const gen = new Generator(11);
    const counts = new Map<number, number>();
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const k = sampleNext(logits, { topK: 3, temperature: 1 }, gen);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 3, 4]);
    const z = Math.exp(2.0) + Math.exp(1.5) + Math.exp(1.9);
    expect(counts.get(1)! / n).toBeCloseTo(Math.exp(2.0) / z, 1);
    expect(counts.get(3)! / n).toBeCloseTo(Math.exp(1.5) / z, 1);
  });

  it('a tiny temperature samples the argmax; a huge one is close to uniform', () => {
    const gen = new Generator(1);
    for (let i = 0; i < 200; i++) expect(sampleNext(logits, { temperature: 1e-6 }, gen)).toBe(1);
    const hits = new Set<number>();
    for (let i = 0; i < 500; i++) hits.add(sampleNext(logits, { temperature: 1e6 }, gen));
    expect(hits.size).toBe(6);
  });

  it('rejects bad options', () => {
    expect(() => sampleNext(logits, { temperature: -1 })).toThrow(/temperature must be/);
    expect(() => sampleNext(logits, { topK: 0 })).toThrow(/topK must be a positive integer/);
  });

  const model = () => new RNNLM(12, { hiddenSize: 16, embedDim: 8, generator: new Generator(4) });
  const prefix = [3, 1, 4, 1, 5];

  /** Logits at every position of prefix + generated, from one forward pass (the free-running result replayed). */
  function replay(m: models.RNNLM, all: number[]): Tensor {
    m.eval();
    return m.forward(all, [1, all.length])[0];
  }

  it('greedy generation picks the argmax at every step', () => {
    const m = model();
    const out = generateIds(m, prefix, { length: 20, temperature: 0 });
    const all = [...prefix, ...out];
    const logits = replay(m, all);
    const V = 12;
    for (let i = 0; i < out.length; i++) {
      const pos = prefix.length - 1 + i;
      expect(out[i]).toBe(argmax(logits.data.subarray(pos * V, (pos + 1) * V)));
    }
  });

  it('top-k generation stays in the top k at every step', () => {
    const m = model();
    const out = generateIds(m, prefix, { length: 40, topK: 2, temperature: 2, seed: 9 });
    const all = [...prefix, ...out];
    const logits = replay(m, all);
    const V = 12;
    for (let i = 0; i < out.length; i++) {
      const pos = prefix.length - 1 + i;
      const row = Array.from(logits.data.subarray(pos * V, (pos + 1) * V));
      const top2 = row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 2).map((p) => p[1]);
      expect(top2).toContain(out[i]);
    }
    expect(new Set(out).size).toBeGreaterThan(1); // it did sample, not just argmax
  });

  it('is reproducible for a seed, and temperature → 0 equals greedy', () => {
    const m = model();
    const a = generateIds(m, prefix, { length: 30, seed: 1 });
    expect(generateIds(m, prefix, { length: 30, seed: 1 })).toEqual(a);
    expect(generateIds(m, prefix, { length: 30, seed: 2 })).not.toEqual(a);
    expect(generateIds(m, prefix, { length: 30, temperature: 1e-7, seed: 3 })).toEqual(generateIds(m, prefix, { length: 30, temperature: 0 }));
  });

  it('an empty prefix or a bad length is an error', () => {
    expect(() => generateIds(model(), [], { length: 3 })).toThrow(/prefix is empty/);
    expect(() => generateIds(model(), [1], { length: -1 })).toThrow(/length must be an integer/);
  });
});

describe('text in, text out', () => {
  const corpus = 'the cat sat on the mat.\n'.repeat(40);

  it('names every unknown character of a prefix', () => {
    const c = buildLmCorpus(corpus, { level: 'char' });
    const lm = new TextLM(new RNNLM(c.vocab.size, { hiddenSize: 8, generator: new Generator(0) }), c.vocab, c.tokenizer);
    expect(() => lm.generate('the dog!', { length: 5 })).toThrow(models.UnknownTokenError);
    try {
      lm.generate('the dog!', { length: 5 });
    } catch (e) {
      expect((e as models.UnknownTokenError).tokens).toEqual(['d', 'g', '!']);
      expect((e as Error).message).toBe(`the prefix has 3 characters not in the model's vocabulary of ${c.vocab.size}: "d", "g", "!"`);
    }
    expect(() => lm.generate('   ', { length: 5 })).toThrow(/prefix is empty/);
  });

  it('learns a small repetitive corpus: perplexity from ~vocabulary size to below 1.1, and greedy text reproduces it', () => {
    const c = buildLmCorpus(corpus, { level: 'char' });
    expect(c.vocab.tokens.slice(0, 3)).toEqual(['<unk>', ' ', 't']); // <unk>, then by frequency
    const gen = new Generator(0);
    const m = new RNNLM(c.vocab.size, { hiddenSize: 32, generator: gen });
    const before = train.evaluatePerplexity(m, c.ids, { batchSize: 4, seqLen: 12 });
    const r = train.trainLm(m, c.ids, { epochs: 10, batchSize: 4, seqLen: 12, lr: 1, clip: 1, generator: gen });
    const after = train.evaluatePerplexity(m, c.ids, { batchSize: 4, seqLen: 12 });
    // measured (seed 0): before 12.05 (V = 13), after 1.014; the epoch perplexities go 4.97, 1.60, 1.10, … 1.009
    expect(before).toBeGreaterThan(8);
    expect(after).toBeLessThan(1.1);
    expect(r.history[9]!.perplexity).toBeLessThan(r.history[0]!.perplexity / 4);
    const lm = new TextLM(m, c.vocab, c.tokenizer);
    expect(lm.generate('the c', { length: 22, temperature: 0 }).text).toBe('the cat sat on the mat.\nthe');
  });

  it('saves and loads: same vocabulary, weights and generations', () => {
    const c = buildLmCorpus(corpus, { level: 'char' });
    const lm = new TextLM(new RNNLM(c.vocab.size, { cell: 'gru', hiddenSize: 8, numLayers: 2, embedDim: 4, generator: new Generator(2) }), c.vocab, c.tokenizer, { training: { epochs: 3 } });
    const { config, weights } = lmToConfig(lm);
    const back = lmFromConfig(JSON.parse(JSON.stringify(config)), () => weights);
    expect(back.vocab.tokens).toEqual(c.vocab.tokens);
    expect(back.model.config()).toEqual({ cell: 'gru', vocabSize: c.vocab.size, embedDim: 4, hiddenSize: 8, numLayers: 2, dropout: 0 });
    expect(back.training).toEqual({ epochs: 3 });
    expect(Object.keys(back.model.stateDict())).toEqual(Object.keys(lm.model.stateDict()));
    expect(back.generate('the', { length: 30, seed: 5 })).toEqual(lm.generate('the', { length: 30, seed: 5 }));
    expect(() => lmFromConfig({ ...config, model: { ...config.model, hiddenSize: 1e9 } }, () => weights, { source: 'dir' })).toThrow(/dir\/config.json: "model.hiddenSize" must be an integer in \[1, 1048576\], got 1000000000/);
  });

  it('RNN, LSTM and GRU cells: parameter names, state shapes, and one step lowers the loss', () => {
    for (const cell of models.LM_CELLS) {
      const m = new RNNLM(7, { cell, hiddenSize: 5, numLayers: 2, embedDim: 3, generator: new Generator(1) });
      expect(Object.keys(m.stateDict())[0]).toBe('embedding.weight');
      expect(Object.keys(m.stateDict())).toContain('rnn.weight_hh_l1');
      expect(Object.keys(m.stateDict()).slice(-2)).toEqual(['linear.weight', 'linear.bias']);
      const [logits, s] = m.forward([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(logits.shape).toEqual([2, 3, 7]);
      expect(s.h.shape).toEqual([2, 2, 5]);
      expect(s.c?.shape).toEqual(cell === 'lstm' ? [2, 2, 5] : undefined);
      const ids = Array.from({ length: 60 }, (_, i) => i % 7);
      const r = train.trainLm(m, ids, { epochs: 3, batchSize: 2, seqLen: 4, lr: 0.05, optimizer: 'adam', generator: new Generator(0) });
      expect(r.history[2]!.perplexity).toBeLessThan(r.history[0]!.perplexity);
    }
  });

  it('rejects out-of-range ids and a corpus too short for one batch', () => {
    const m = new RNNLM(4, { hiddenSize: 3, generator: new Generator(0) });
    expect(() => m.forward([0, 4], [1, 2])).toThrow(/token id 4 at position 1 is out of range for a vocabulary of 4/);
    expect(() => train.trainLm(m, [0, 1, 2, 3, 0, 1], { epochs: 1, batchSize: 2, seqLen: 3, lr: 1 })).toThrow(/the corpus has 6 tokens; seqLen 3 with batchSize 2 needs at least 10/);
  });
});

describe('tokenization', () => {
  it('char level keeps spaces, marks line ends, skips blank lines', () => {
    const t = { level: 'char', lang: 'en', lowercase: true } as const;
    expect(models.lmTokenize('Hi  you\n\n\nok\n', t)).toEqual(['h', 'i', ' ', 'y', 'o', 'u', '\n', 'o', 'k', '\n']);
    expect(models.lmTokenize('床前明月光，\n', { ...t, lang: 'zh' })).toEqual([...'床前明月光，', '\n']);
    expect(models.lmDetokenize(models.lmTokenize('a b\nc', t), t)).toBe('a b\nc');
  });

  it('word level: Chinese via the segmenter, English via the word tokenizer; detokenized back', () => {
    const zh = buildLmCorpus('白日依山盡，黃河入海流。\n欲窮千里目，更上一層樓。\n', { level: 'word', wordTokenizer: tokenize });
    expect(zh.tokenizer.lang).toBe('zh');
    expect(zh.tokens.some((w) => [...w].length > 1)).toBe(true); // words, not characters
    expect(zh.tokens.filter((w) => w === '\n')).toHaveLength(2);
    expect(models.lmDetokenize(zh.tokens, zh.tokenizer)).toBe('白日依山盡，黃河入海流。\n欲窮千里目，更上一層樓。\n');
    const en = buildLmCorpus("The jury didn't say.\nIt ended.", { level: 'word', lowercase: true, wordTokenizer: tokenize });
    expect(en.tokens).toEqual(['the', 'jury', 'did', "n't", 'say', '.', '\n', 'it', 'ended', '.']);
    expect(models.lmDetokenize(en.tokens, en.tokenizer)).toBe("the jury did n't say .\nit ended .");
    expect(() => buildLmCorpus('a b', { level: 'word' })).toThrow(/word level needs a word tokenizer/);
    expect(() => buildLmCorpus(' \n \n', { level: 'char' })).toThrow(/the corpus is empty/);
  });

  it('maxTokens truncates before the vocabulary; minFreq sends rare tokens to <unk>', () => {
    const c = buildLmCorpus('aaab', { level: 'char', maxTokens: 3 });
    expect(c.vocab.tokens).toEqual(['<unk>', 'a']);
    const d = buildLmCorpus('aaab', { level: 'char', minFreq: 2 });
    expect(Array.from(d.ids)).toEqual([1, 1, 1, 0]);
  });
});

describe('docs/language-models.md and the worked example', () => {
  it('the ```ts examples run, in order, and print what the comments say', async () => {
    const rnnkit = await import('../../src/index.js');
    const { runDocExamples } = await import('../doc-examples.js');
    const { checks } = runDocExamples('docs/language-models.md', { ...rnnkit });
    expect(checks.length).toBeGreaterThan(15);
    for (const [got, want] of checks) expect(got).toBe(want);
  });

  it('examples/lm-worked-example.ts runs (--quick) and its perplexities fall', async () => {
    const ex = await import('../../examples/lm-worked-example.js');
    for (const e of ex.experiments(true)) {
      const r = ex.runExperiment(e);
      expect(r.history).toHaveLength(2);
      expect(r.history[1]!.perplexity).toBeLessThan(r.history[0]!.perplexity);
      expect(r.sample.startsWith(e.prefix)).toBe(true);
    }
    expect(ex.d2lText('The Time-Machine, by H. G. Wells\n\n1895', 100)).toBe('the time machine by h g wells');
  });
});
