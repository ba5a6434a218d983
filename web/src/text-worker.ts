// Tab 3's worker: the text pipeline (rnnkit/text) stage by stage on the typed text, and a
// character-level language model (models.RNNLM) trained on a corpus with held-out perplexity,
// sampled with a temperature as it trains. The training loop is trainLm's (sequential batches, the
// state carried across batches and detached, mean cross entropy, clipped gradient, Adam) written
// out so that Pause and Reset land between steps: train.trainLm is one synchronous call.
// Legend: B batch, T sequence length, V vocabulary, H hidden.
import { Generator, data, models, nn, optim, train } from 'rnnkit';
import * as text from 'rnnkit/text';
import brownCorpus from './corpora/brown-news.txt?raw';
import tangCorpus from './corpora/tang.txt?raw';
import type { DocStages, LmConfig, LmEpochRecord, LmStateMsg, LmStepRecord, StageOptions, StagesMsg, TextFromWorker, TextToWorker } from './text-protocol.js';
import { handleControl, POST_MS, RunControl } from './run-control.js';

const post = (m: TextFromWorker): void => (self as unknown as { postMessage(m: TextFromWorker): void }).postMessage(m);
const control = new RunControl();

// ---------------------------------------------------------------- the pipeline, stage by stage

let jieba: Promise<void> | null = null;

async function stages(seq: number, input: string, o: StageOptions): Promise<StagesMsg> {
  if (o.segmenter === 'jieba') await (jieba ??= text.initSegmenter());
  const t0 = performance.now();
  const lines = input.split('\n').filter((l) => l.trim() !== '');
  const docs: DocStages[] = lines.map((line) => {
    const cleaned = text.clean(line);
    const tokens = text.tokenize(cleaned, { segmenter: o.segmenter, lowercase: o.lowercase, punctuation: o.punctuation });
    const kept = text.removeStopwords(tokens);
    const stems = text.stemTokens(kept, { algorithm: o.stemmer });
    const lemmas = text.lemmatize(kept);
    const terms = o.normalise === 'stem' ? stems : o.normalise === 'lemma' ? lemmas : kept;
    return { input: line, cleaned, tokens, kept, stems, lemmas, terms, ids: [], bigrams: text.ngrams(terms, { n: 2 }) };
  });
  const terms = docs.map((d) => d.terms);
  const vocab = text.Vocab.build(terms);
  for (const d of docs) d.ids = vocab.encode(d.terms);
  const bigrams = docs.map((d) => d.bigrams);
  const bigramVocab = text.Vocab.build(bigrams, { specials: [] });
  const nonEmpty = terms.some((t) => t.length > 0);
  const tfidf = nonEmpty ? new text.TfidfVectorizer().fit(terms) : null;
  return {
    type: 'text-stages', seq, docs, vocab: [...vocab.tokens], counts: Array.from(vocab.counts),
    bow: rows(text.bagOfWordsDense(terms, vocab), vocab.size),
    bigramVocab: [...bigramVocab.tokens], bigramBow: rows(text.bagOfWordsDense(bigrams, bigramVocab), bigramVocab.size),
    tfidfFeatures: tfidf ? tfidf.vocabulary : [], tfidf: tfidf ? rows(text.toDense(tfidf.transform(terms)), tfidf.vocabulary.length) : terms.map(() => []),
    ms: performance.now() - t0,
  };
}

function rows(m: Float64Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; cols > 0 && i < m.length; i += cols) out.push(Array.from(m.subarray(i, i + cols)));
  return out;
}

// ---------------------------------------------------------------- the language model

interface Lm {
  cfg: LmConfig;
  corpus: models.LmCorpus;
  trainIds: Int32Array;
  valIds: Int32Array;
  model: models.RNNLM;
  lm: models.TextLM;
  opt: optim.Adam;
  gen: Generator;
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  valPerplexity: number;
  trainMs: number;
}
let lm: Lm | null = null;

function corpusText(c: LmConfig): string {
  return c.corpus === 'brown' ? brownCorpus : c.corpus === 'tang' ? tangCorpus : c.custom;
}

/** A one-line message for a config the corpus cannot serve, else null. */
function build(cfg: LmConfig): Lm | string {
  const corpus = models.buildLmCorpus(corpusText(cfg), { level: 'char' });
  const N = corpus.ids.length;
  if (N === 0) return 'the text is empty: paste some text, or choose a bundled corpus';
  const nVal = Math.floor((N * cfg.heldOut) / 100);
  const trainIds = corpus.ids.subarray(0, N - nVal), valIds = corpus.ids.subarray(N - nVal);
  const need = data.minCorpusLength('sequential', cfg.batchSize, cfg.seqLen);
  if (trainIds.length < need) return `the training text has ${trainIds.length} characters; sequence length ${cfg.seqLen} with batch size ${cfg.batchSize} needs at least ${need} (paste more text, or lower them)`;
  if (valIds.length < 2) return `the held-out ${cfg.heldOut} % is ${valIds.length} characters; it needs at least 2 (raise it, or paste more text)`;
  const gen = new Generator(cfg.seed);
  const model = new models.RNNLM(corpus.vocab.size, { cell: cfg.cell, hiddenSize: cfg.hidden, embedDim: cfg.embed, generator: gen });
  const opt = new optim.Adam(model.parameters(), { lr: cfg.lr });
  const lmodel = new models.TextLM(model, corpus.vocab, corpus.tokenizer);
  const m: Lm = {
    cfg, corpus, trainIds, valIds, model, lm: lmodel, opt, gen, epoch: 0, step: 0,
    stepsPerEpoch: Math.floor(Math.floor((trainIds.length - 1) / cfg.batchSize) / cfg.seqLen), loss: NaN, valPerplexity: NaN, trainMs: 0,
  };
  m.valPerplexity = valPerplexity(m);
  return m;
}

function valPerplexity(m: Lm): number {
  return train.evaluatePerplexity(m.model, m.valIds, { batchSize: Math.min(m.cfg.batchSize, Math.max(1, Math.floor((m.valIds.length - 1) / m.cfg.seqLen))), seqLen: m.cfg.seqLen });
}

function state(m: Lm, steps: LmStepRecord[], epochs: LmEpochRecord[]): LmStateMsg {
  return {
    type: 'lm-state', steps, epochs, epoch: m.epoch, totalEpochs: m.cfg.epochs, step: m.step, stepsPerEpoch: m.stepsPerEpoch, loss: m.loss,
    valPerplexity: m.valPerplexity, vocabSize: m.corpus.vocab.size, trainTokens: m.trainIds.length, valTokens: m.valIds.length,
    parameters: m.model.parameters().reduce((s, p) => s + p.numel(), 0), seed: m.cfg.seed, trainMs: m.trainMs, done: m.epoch >= m.cfg.epochs,
  };
}

/** The prefix used for samples: the configured one, or the text's first character. */
function prefixOf(m: Lm, prefix: string): string {
  return prefix.trim() === '' ? m.corpus.tokens[0]! : prefix;
}

/** Samples `length` characters after the prefix; the seed is the config's plus the step, so a sample is reproducible. */
function sample(m: Lm, temperature: number, prefix: string, length: number): void {
  const p = prefixOf(m, prefix), seed = m.cfg.seed + m.step;
  const base = { type: 'lm-sample' as const, step: m.step, epoch: m.epoch, temperature, seed, prefix: p };
  try {
    post({ ...base, text: m.lm.generate(p, { length, temperature, seed }).text });
  } catch (e) {
    if (!(e instanceof models.UnknownTokenError)) throw e;
    post({ ...base, text: '', error: e.message });
  }
}

async function trainLm(m: Lm, id: number): Promise<void> {
  const { batchSize: B, seqLen: T } = m.cfg;
  const V = m.corpus.vocab.size;
  const params = m.model.parameters();
  let steps: LmStepRecord[] = [], epochs: LmEpochRecord[] = [];
  let posted = -Infinity;
  while (m.epoch < m.cfg.epochs) {
    m.model.train();
    let ceSum = 0, count = 0, last = performance.now(), start = last;
    let st: train.LmState | null = null;
    for (const { x, y } of data.lmBatches('sequential', m.trainIds, B, T, { generator: m.gen })) {
      // each row continues the previous batch's row: carry its state, cut from its graph
      const s0: train.LmState = st === null ? m.model.beginState(B) : train.detachLmState(st);
      let next: train.LmState | null = null;
      const r = train.trainStep(m.opt, params, () => {
        const [logits, s] = m.model.forward(x, [B, T], s0);
        next = s;
        return nn.functional.crossEntropy(logits.reshape([B * T, V]), y);
      }, { clipGradNorm: m.cfg.clip > 0 ? m.cfg.clip : undefined });
      if (r.failure !== null) {
        post({ type: 'error', message: `epoch ${m.epoch + 1}, step ${m.step + 1}: ${r.failure}; training stopped (lower the learning rate)` });
        return;
      }
      st = next;
      m.step++;
      m.loss = r.loss;
      ceSum += r.loss * B * T;
      count += B * T;
      steps.push({ step: m.step, loss: r.loss });
      if (m.step % m.cfg.sampleEvery === 0) {
        m.trainMs += performance.now() - start;
        sample(m, m.cfg.temperature, m.cfg.prefix, m.cfg.sampleLength);
        start = performance.now();
      }
      if (performance.now() - posted >= POST_MS) {
        post(state(m, steps, epochs));
        steps = [];
        epochs = [];
        posted = performance.now();
      }
      if (performance.now() - last > 30) {
        m.trainMs += performance.now() - start;
        if (!(await control.checkpoint(id))) return;
        last = start = performance.now();
      }
    }
    m.trainMs += performance.now() - start;
    m.epoch++;
    m.valPerplexity = valPerplexity(m);
    epochs.push({ epoch: m.epoch, trainPerplexity: Math.exp(ceSum / count), valPerplexity: m.valPerplexity });
    post(state(m, steps, epochs));
    steps = [];
    epochs = [];
    posted = performance.now();
    if (!(await control.checkpoint(id))) return;
  }
  sample(m, m.cfg.temperature, m.cfg.prefix, m.cfg.sampleLength);
}

function setup(cfg: LmConfig): Lm | null {
  const m = build(cfg);
  if (typeof m === 'string') {
    post({ type: 'error', message: m });
    return null;
  }
  post(state(m, [], []));
  sample(m, cfg.temperature, cfg.prefix, cfg.sampleLength);
  return m;
}

async function handle(msg: TextToWorker): Promise<void> {
  if (handleControl(control, msg, post, () => {
    if (lm) lm = setup(lm.cfg);
  })) return;
  switch (msg.type) {
    case 'text-stages':
      post(await stages(msg.seq, msg.text, msg.options));
      return;
    case 'lm-setup':
      control.start();
      lm = setup(msg.config);
      return;
    case 'lm-train': {
      const id = control.start();
      // a trained-out model, or any changed setting but the sampling ones, starts afresh; otherwise training continues
      const key = (c: LmConfig) => JSON.stringify({ ...c, temperature: 0, prefix: '', sampleEvery: 0, sampleLength: 0 });
      const c = msg.config;
      if (!lm || key(lm.cfg) !== key(c) || lm.epoch >= lm.cfg.epochs) {
        lm = setup(c);
        if (!lm) return;
      } else lm.cfg = c;
      await trainLm(lm, id);
      return;
    }
    case 'lm-sample':
      // later samples of a run in progress use these settings too
      if (lm) {
        lm.cfg = { ...lm.cfg, temperature: msg.temperature, prefix: msg.prefix, sampleLength: msg.length };
        sample(lm, msg.temperature, msg.prefix, msg.length);
      }
      return;
  }
}

self.onmessage = (e: MessageEvent<TextToWorker>) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message.split('\n')[0]! : String(err) }));
};
