// Tab 3, text: the typed text through every stage of rnnkit/text's pipeline (clean, segment, stop
// words, stems and lemmas, vocabulary ids, bag-of-words, bigram and TF-IDF vectors), recomputed in
// the worker as the user types; and a character-level language model trained on a corpus, with its
// loss, training and held-out perplexity, and samples drawn with a temperature as it trains.
import type uPlot from 'uplot';
import { COLORS, lineChart } from './charts.js';
import type { Cell, CorpusName, DocStages, LmConfig, LmSampleMsg, LmStateMsg, Normalise, Segmenter, StageOptions, StagesMsg, StemAlgorithm, TextFromWorker, TextToWorker } from './text-protocol.js';
import { fmt, num, Runner, throttled } from './runner.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** Vector tables show at most this many columns (the caption says how many there are). */
const MAX_COLS = 40;
const MAX_SAMPLES = 6;
const DEBOUNCE_MS = 250;

export function textTab(): void {
  const stagesEl = $('text-stages'), stagesInfo = $('text-stages-info');
  const status = $('lm-status'), error = $('lm-error'), seeds = $('lm-seeds'), info = $('lm-info'), samples = $<HTMLOListElement>('lm-samples');
  const temp = $<HTMLInputElement>('lm-temp'), tempOut = $('lm-temp-out');
  const loss: { step: number[]; loss: number[] } = { step: [], loss: [] };
  const ppl: { epoch: number[]; train: (number | null)[]; val: number[] } = { epoch: [], train: [], val: [] };

  const lossChart: uPlot = lineChart($('lm-loss-chart'), { xLabel: 'step', yLabel: 'cross entropy', height: 200, lines: [{ label: 'training loss', stroke: COLORS.train }] });
  const pplChart: uPlot = lineChart($('lm-ppl-chart'), {
    xLabel: 'epoch', yLabel: 'perplexity', height: 200, log: true,
    lines: [{ label: 'training', stroke: COLORS.train }, { label: 'held-out', stroke: COLORS.val, dash: [6, 4] }],
  });
  // each chart redraws only when its data changed: the perplexity chart once an epoch, so a frame
  // during training draws one chart (a frame's work is one main-thread task)
  const drawLoss = throttled(() => lossChart.setData([loss.step, loss.loss] as uPlot.AlignedData));
  const drawPpl = throttled(() => pplChart.setData([ppl.epoch, ppl.train, ppl.val] as uPlot.AlignedData));

  // ---- the pipeline: each input, debounced, goes to the worker; only the newest answer is drawn
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stageOptions = (): StageOptions => ({
    segmenter: $<HTMLSelectElement>('text-segmenter').value as Segmenter,
    lowercase: $<HTMLInputElement>('text-lowercase').checked,
    punctuation: $<HTMLInputElement>('text-punct').checked,
    stemmer: $<HTMLSelectElement>('text-stemmer').value as StemAlgorithm,
    normalise: $<HTMLSelectElement>('text-normalise').value as Normalise,
  });
  const requestStages = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      runner.send({ type: 'text-stages', seq: ++seq, text: $<HTMLTextAreaElement>('text-input').value, options: stageOptions() });
    }, DEBOUNCE_MS);
  };
  $('text-input').addEventListener('input', requestStages);
  for (const id of ['text-segmenter', 'text-lowercase', 'text-punct', 'text-stemmer', 'text-normalise']) $(id).addEventListener('change', requestStages);
  $('text-form').addEventListener('submit', (e) => e.preventDefault());

  function renderStages(m: StagesMsg): void {
    const o = stageOptions();
    const docs = m.docs;
    const section = (id: string, title: string, note: string, ...body: Node[]): HTMLElement => {
      const s = document.createElement('section');
      s.id = id;
      s.className = 'stage';
      s.setAttribute('aria-labelledby', `${id}-h`);
      const h = document.createElement('h3');
      h.id = `${id}-h`;
      h.textContent = title;
      const p = document.createElement('p');
      p.className = 'info';
      p.textContent = note;
      s.append(h, p, ...body);
      return s;
    };
    const perDoc = (f: (d: DocStages) => Node): HTMLElement => {
      const ol = document.createElement('ol');
      ol.className = 'docs';
      docs.forEach((d, i) => {
        const li = document.createElement('li');
        li.dataset.doc = String(i);
        li.append(f(d));
        ol.append(li);
      });
      return ol;
    };
    const lemmaNote = o.normalise === 'lemma' ? 'lemmas' : o.normalise === 'stem' ? 'stems' : 'tokens after stop words';
    stagesEl.replaceChildren(
      section('text-stage-clean', '1. Clean', 'text.clean: Unicode NFKC (full-width → half-width), HTML, URLs, e-mail addresses, emoji and control characters removed, whitespace collapsed.',
        perDoc((d) => code(d.cleaned))),
      section('text-stage-tokens', '2. Segment and tokenize', `text.tokenize: Chinese runs segmented by ${o.segmenter === 'jieba' ? 'jieba' : 'Intl.Segmenter'}, English by wink-nlp's rules${o.lowercase ? ', lower-cased' : ''}${o.punctuation ? '' : ', punctuation dropped'}.`,
        perDoc((d) => tokenList(d.tokens))),
      section('text-stage-kept', '3. Stop words removed', 'text.removeStopwords: the English (108) and Chinese (78) lists of the stopword package (struck out: removed).',
        perDoc((d) => tokenList(d.tokens, new Set(d.tokens.filter((t) => !d.kept.includes(t)))))),
      section('text-stage-stems', '4. Stems and lemmas', `text.stemTokens (${o.stemmer === 'porter' ? 'Porter' : 'Porter2'}) and text.lemmatize (wink-nlp, part-of-speech aware) of the kept tokens; Chinese words are their own stem and lemma.`,
        perDoc((d) => table(['token', 'stem', 'lemma'], d.kept.map((t, i) => [t, d.stems[i]!, d.lemmas[i]!]), 'stems-table'))),
      section('text-stage-vocab', '5. Vocabulary', `text.Vocab.build over the ${lemmaNote} of every line: reserved tokens first, then by frequency (ties by code point).`,
        table(['id', 'token', 'count'], m.vocab.map((t, i) => [String(i), t, String(m.counts[i])]), 'vocab-table')),
      section('text-stage-ids', '6. Token ids', 'vocab.encode: each line as vocabulary ids.',
        perDoc((d) => tokenList(d.ids.map(String)))),
      section('text-stage-bow', '7. Bag of words', 'text.bagOfWordsDense: one row per line, one column per vocabulary id, each cell a count.',
        matrix(m.vocab, m.bow, (v) => String(v))),
      section('text-stage-ngrams', '8. Bigrams and their vectors', 'text.ngrams(terms, { n: 2 }) per line, then a bag of words over the bigram vocabulary.',
        perDoc((d) => tokenList(d.bigrams)), matrix(m.bigramVocab, m.bigramBow, (v) => String(v))),
      section('text-stage-tfidf', '9. TF-IDF', 'text.TfidfVectorizer (scikit-learn\'s definition): counts × (ln((1 + N)/(1 + df)) + 1), each row scaled to unit length; features sorted by code point.',
        matrix(m.tfidfFeatures, m.tfidf, (v) => (v === 0 ? '0' : v.toFixed(3)))),
    );
    const tokens = docs.reduce((s, d) => s + d.tokens.length, 0);
    stagesInfo.textContent = `${docs.length} line${docs.length === 1 ? '' : 's'}, ${tokens} tokens, vocabulary of ${m.vocab.length} · computed in the worker in ${m.ms.toFixed(1)} ms`;
    stagesEl.dataset.seq = String(m.seq);
  }

  // ---- the language model
  let epoch0Val = NaN;
  const runner = new Runner<TextToWorker, TextFromWorker>({ train: $('lm-train'), pause: $('lm-pause'), reset: $('lm-reset') }, status, error, (m) => {
    if (m.type === 'text-stages') {
      if (m.seq === seq) renderStages(m);
    } else if (m.type === 'lm-state') onState(m);
    else if (m.type === 'lm-sample') onSample(m);
    else if (m.type === 'reset') runner.stopped();
  }, new Worker(new URL('./text-worker.ts', import.meta.url), { type: 'module' }));

  function onState(m: LmStateMsg): void {
    if (m.step === 0) {
      loss.step = []; loss.loss = [];
      ppl.epoch = [0]; ppl.train = [null]; ppl.val = [m.valPerplexity];
      epoch0Val = m.valPerplexity;
      samples.replaceChildren();
      runner.setStatus(`epoch 0 · loss – (untrained) · held-out perplexity ${fmt(m.valPerplexity)}`);
      info.textContent = `${m.vocabSize} characters in the vocabulary (a uniform guess has perplexity ${m.vocabSize}); ${m.trainTokens.toLocaleString('en')} training characters, ${m.valTokens.toLocaleString('en')} held out; ${m.parameters.toLocaleString('en')} parameters; ${m.stepsPerEpoch} steps an epoch`;
    }
    for (const r of m.steps) {
      loss.step.push(r.step); loss.loss.push(r.loss);
    }
    for (const e of m.epochs) {
      ppl.epoch.push(e.epoch); ppl.train.push(e.trainPerplexity); ppl.val.push(e.valPerplexity);
    }
    if (m.step > 0) {
      runner.setStatus(`epoch ${m.epoch} · loss ${fmt(m.loss)} · held-out perplexity ${fmt(m.valPerplexity)}${m.done ? ` · done in ${(m.trainMs / 1000).toFixed(1)} s` : ''}`);
      if (m.done && runner.running) runner.stopped();
    }
    if (m.step === 0 || m.steps.length > 0) drawLoss();
    if (m.step === 0 || m.epochs.length > 0) {
      $('lm-ppl-chart').setAttribute('aria-label', `Perplexity chart: training perplexity and held-out perplexity per epoch, log scale; held-out ${fmt(epoch0Val)} untrained, ${fmt(m.valPerplexity)} at epoch ${m.epoch}`);
      drawPpl();
    }
  }

  function onSample(m: LmSampleMsg): void {
    const li = document.createElement('li');
    const head = document.createElement('p');
    head.className = 'info';
    head.textContent = `step ${m.step} (epoch ${m.epoch}) · temperature ${m.temperature.toFixed(2)} · seed ${m.seed}`;
    const body = document.createElement('p');
    body.className = m.error ? 'error' : 'sample';
    body.lang = /\p{Script=Han}/u.test(m.text) ? 'zh' : 'en';
    if (m.error) body.textContent = m.error;
    else {
      const b = document.createElement('b');
      b.textContent = m.prefix;
      body.append(b, m.text.slice(m.prefix.length));
    }
    li.dataset.step = String(m.step);
    li.append(head, body);
    samples.prepend(li);
    while (samples.children.length > MAX_SAMPLES) samples.lastElementChild!.remove();
  }

  const corpus = (): CorpusName => (document.querySelector<HTMLInputElement>('input[name="lm-corpus"]:checked')?.value ?? 'brown') as CorpusName;
  function config(): LmConfig | string {
    const c: LmConfig = {
      corpus: corpus(), custom: $<HTMLTextAreaElement>('lm-custom').value, cell: $<HTMLSelectElement>('lm-cell').value as Cell,
      hidden: num('lm-hidden'), embed: num('lm-embed'), seqLen: num('lm-seqlen'), batchSize: num('lm-batch'), lr: num('lm-lr'), clip: num('lm-clip'),
      epochs: num('lm-epochs'), heldOut: num('lm-heldout'), seed: num('lm-seed'), sampleEvery: num('lm-every'), sampleLength: num('lm-length'),
      temperature: Number(temp.value), prefix: $<HTMLInputElement>('lm-prefix').value,
    };
    const int = (name: string, v: number, lo: number, hi: number): string | null => (Number.isInteger(v) && v >= lo && v <= hi ? null : `${name} must be an integer in ${lo} … ${hi}, got ${v}`);
    const bad = int('hidden units', c.hidden, 1, 512) ?? int('embedding size', c.embed, 0, 256) ?? int('sequence length', c.seqLen, 1, 200) ?? int('batch size', c.batchSize, 1, 256)
      ?? int('epochs', c.epochs, 1, 1000) ?? int('held-out percent', c.heldOut, 1, 50) ?? int('seed', c.seed, 0, 2147483647) ?? int('sample every', c.sampleEvery, 1, 10000)
      ?? int('characters to sample', c.sampleLength, 1, 1000);
    if (bad) return bad;
    if (!(c.lr > 0 && c.lr <= 1)) return `learning rate must be in (0, 1], got ${c.lr}`;
    if (!(c.clip >= 0)) return `clip must be ≥ 0, got ${c.clip}`;
    if (c.corpus === 'custom' && c.custom.trim() === '') return 'my text is empty: paste some text above, or choose a bundled corpus';
    return c;
  }

  const setup = runner.bindForm({
    form: $('lm-form'), reset: $('lm-reset'), config,
    showSeeds: (c) => (seeds.textContent = `seed ${c.seed} (weights and batch offsets: Generator(${c.seed}); the sample at step k: seed ${c.seed} + k)`),
    fields: ['lm-custom', 'lm-heldout', 'lm-cell', 'lm-hidden', 'lm-embed', 'lm-epochs', 'lm-seqlen', 'lm-batch', 'lm-lr', 'lm-clip', 'lm-seed'],
    setup: (c) => ({ type: 'lm-setup', config: c }),
    train: (c) => ({ type: 'lm-train', config: c }),
  });

  // A new corpus: one-hot input for English's ~70 characters, an embedding for the thousands of Chinese
  // ones (the Tang lines have 1,613), and samples more often (an epoch of them is 6 steps).
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="lm-corpus"]')) {
    r.addEventListener('change', () => {
      const c = corpus();
      $<HTMLInputElement>('lm-embed').value = c === 'brown' ? '0' : '32';
      $<HTMLInputElement>('lm-prefix').value = c === 'brown' ? 'The ' : '';
      $<HTMLInputElement>('lm-every').value = c === 'brown' ? '20' : '5';
      setup();
    });
  }
  $('lm-custom').addEventListener('input', () => {
    const r = document.querySelector<HTMLInputElement>('input[name="lm-corpus"][value="custom"]')!;
    if (!r.checked) r.checked = true;
  });

  // sampling settings apply at once, without retraining
  const resample = (): void => {
    tempOut.textContent = `τ = ${Number(temp.value).toFixed(2)}`;
    const length = num('lm-length');
    if (!Number.isInteger(length) || length < 1 || length > 1000) return runner.showError(`characters to sample must be an integer in 1 … 1000, got ${length}`);
    runner.send({ type: 'lm-sample', temperature: Number(temp.value), prefix: $<HTMLInputElement>('lm-prefix').value, length });
  };
  const resampleSoon = throttled(resample, 200);
  temp.addEventListener('input', () => {
    tempOut.textContent = `τ = ${Number(temp.value).toFixed(2)}`;
    resampleSoon();
  });
  $('lm-prefix').addEventListener('change', resampleSoon);
  $('lm-length').addEventListener('change', resampleSoon);

  requestStages();
  setup();
}

function code(s: string): HTMLElement {
  const c = document.createElement('code');
  c.className = 'cleaned';
  c.textContent = s;
  return c;
}

/** Tokens as a list of chips; `struck` ones are shown as removed. */
function tokenList(tokens: readonly string[], struck?: Set<string>): HTMLElement {
  const ol = document.createElement('ol');
  ol.className = 'tokens';
  for (const t of tokens) {
    const li = document.createElement('li');
    li.textContent = t;
    if (struck?.has(t)) li.className = 'struck';
    ol.append(li);
  }
  if (tokens.length === 0) ol.dataset.empty = '(none)';
  return ol;
}

function table(head: string[], rows: string[][], cls: string): HTMLTableElement {
  const t = document.createElement('table');
  t.className = `stage-table ${cls}`;
  const tr = document.createElement('tr');
  for (const h of head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  t.append(tr);
  for (const r of rows) {
    const row = document.createElement('tr');
    for (const v of r) {
      const td = document.createElement('td');
      td.textContent = v;
      row.append(td);
    }
    t.append(row);
  }
  return t;
}

/** m[doc][feature] with the features as column heads (the first MAX_COLS), one row per line. */
function matrix(features: readonly string[], m: readonly (readonly number[])[], show: (v: number) => string): HTMLElement {
  const K = Math.min(features.length, MAX_COLS);
  const wrap = document.createElement('div');
  wrap.className = 'matrix-wrap';
  const t = table(['line', ...features.slice(0, K)], m.map((row, i) => [String(i + 1), ...row.slice(0, K).map(show)]), 'matrix');
  t.querySelectorAll('td').forEach((td) => {
    if (td.textContent !== '0' && td.cellIndex > 0) td.classList.add('nz');
  });
  wrap.append(t);
  if (features.length > K) {
    const p = document.createElement('p');
    p.className = 'info';
    p.textContent = `the first ${K} of ${features.length} columns`;
    wrap.append(p);
  }
  return wrap;
}
