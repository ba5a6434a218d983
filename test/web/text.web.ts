// Tab 3 of the playground (Text) in headless Chromium: typed English and Chinese go through every
// stage of rnnkit/text's pipeline in the page's worker, and each stage shows exactly what the
// library gives in this (Node) process; the character-level language model trains past epoch 2
// while the main thread keeps answering within 200 ms, its held-out perplexity falls below the
// untrained one, and samples appear. Screenshot: test/web/output/tab-text.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data, models } from '../../src/index.js';
import * as text from '../../src/text/index.js';
import { buildSite, openSite, OUT, ROOT, percentile, roundTrips, type Site } from './harness.js';

const EN = "Children's geese were happily flying over the U.S. networks — they'd learned the studies!";
const ZH = '他说的确实在理，南京市长江大桥的循环神经网络很长。';

let site: Site;
let page: Page;

/** The library's answer for a line, with the page's default options (jieba, lower-case, no punctuation, Porter, vocabulary from stems). */
function expectedLine(line: string, normalise: 'stem' | 'lemma' = 'stem') {
  const cleaned = text.clean(line);
  const tokens = text.tokenize(cleaned, { segmenter: 'jieba', lowercase: true, punctuation: false });
  const kept = text.removeStopwords(tokens);
  const stems = text.stemTokens(kept, { algorithm: 'porter' });
  const lemmas = text.lemmatize(kept);
  return { cleaned, tokens, kept, stems, lemmas, terms: normalise === 'stem' ? stems : lemmas };
}

const texts = (sel: string) => page.$$eval(sel, (els) => els.map((e) => e.textContent ?? ''));

async function typeText(value: string): Promise<void> {
  const before = await page.getAttribute('#text-stages', 'data-seq');
  await page.fill('#text-input', value);
  await page.waitForFunction((b) => { const s = document.getElementById('text-stages')!.dataset.seq; return s !== undefined && s !== b; }, before);
}

describe('the playground\'s Text tab in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    await buildSite();
    site = await openSite();
    page = site.page;
    // opened on tab 3: the other tabs' workers never start (playground.web.ts tests them)
    await page.goto(`${site.origin}/index.html#tab-text`, { waitUntil: 'load' });
    expect(await page.getAttribute('#tab-text', 'aria-selected')).toBe('true');
  });

  afterAll(async () => {
    await site?.close();
  });

  it('shows each pipeline stage of typed English and Chinese exactly as rnnkit/text computes it', async () => {
    await page.waitForFunction(() => document.getElementById('text-stages')!.dataset.seq !== undefined, undefined, { timeout: 60_000 });
    await typeText(`${EN}\n${ZH}`);
    const lines = [expectedLine(EN), expectedLine(ZH)];
    // the library's own answers are not trivial: this is what the stages must show
    expect(lines[1]!.tokens).toContain('长江大桥');
    expect(lines[0]!.lemmas).toContain('goose');
    for (let i = 0; i < 2; i++) {
      const e = lines[i]!, doc = (stage: string) => `#text-stage-${stage} ol.docs > li[data-doc="${i}"]`;
      expect(await texts(`${doc('clean')} code`)).toEqual([e.cleaned]);
      expect(await texts(`${doc('tokens')} ol.tokens li`)).toEqual(e.tokens);
      expect(await texts(`${doc('kept')} ol.tokens li:not(.struck)`)).toEqual(e.kept);
      const rows = await page.$$eval(`${doc('stems')} tr`, (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
      expect(rows).toEqual(e.kept.map((t, k) => [t, e.stems[k], e.lemmas[k]]));
    }
    const vocab = text.Vocab.build(lines.map((l) => l.terms));
    const vocabRows = await page.$$eval('#text-stage-vocab tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(vocabRows).toEqual(vocab.tokens.map((t, id) => [String(id), t, String(vocab.counts[id])]));
    for (let i = 0; i < 2; i++) {
      expect(await texts(`#text-stage-ids ol.docs > li[data-doc="${i}"] ol.tokens li`)).toEqual(vocab.encode(lines[i]!.terms).map(String));
    }
    // bag of words: the first 40 columns (the caption says so when there are more)
    const V = vocab.size, K = Math.min(V, 40);
    const bow = text.bagOfWordsDense(lines.map((l) => l.terms), vocab);
    const bowRows = await page.$$eval('#text-stage-bow tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).slice(1).map((td) => Number(td.textContent))));
    expect(bowRows).toEqual([0, 1].map((r) => Array.from(bow.subarray(r * V, r * V + K))));
    expect(await texts('#text-stage-bow th')).toEqual(['line', ...vocab.tokens.slice(0, K)]);
    // bigrams, and TF-IDF to the 3 decimals shown
    for (let i = 0; i < 2; i++) {
      expect(await texts(`#text-stage-ngrams ol.docs > li[data-doc="${i}"] ol.tokens li`)).toEqual(text.ngrams(lines[i]!.terms, { n: 2 }));
    }
    const tfidf = new text.TfidfVectorizer().fit(lines.map((l) => l.terms));
    const F = tfidf.vocabulary.length, KF = Math.min(F, 40);
    const dense = text.toDense(tfidf.transform(lines.map((l) => l.terms)));
    const tfRows = await page.$$eval('#text-stage-tfidf tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).slice(1).map((td) => td.textContent)));
    expect(tfRows).toEqual([0, 1].map((r) => Array.from(dense.subarray(r * F, r * F + KF), (v) => (v === 0 ? '0' : v.toFixed(3)))));

    // vocabulary from lemmas instead: the vocabulary follows
    await page.selectOption('#text-normalise', 'lemma');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#text-stage-vocab td')).some((td) => td.textContent === 'goose'));
    const lemmaVocab = text.Vocab.build([expectedLine(EN, 'lemma').terms, expectedLine(ZH, 'lemma').terms]);
    expect(await page.$$eval('#text-stage-vocab tr', (trs) => trs.slice(1).map((tr) => tr.querySelectorAll('td')[1]!.textContent))).toEqual(lemmaVocab.tokens);
    await page.selectOption('#text-normalise', 'stem');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#text-stage-vocab td')).some((td) => td.textContent === 'gees'));
    await page.waitForTimeout(300); // laid out and painted before the next test times the main thread
  });

  it('trains the character-level language model past epoch 2 while the main thread answers; perplexity falls and samples appear', async () => {
    await page.waitForFunction(() => document.getElementById('lm-status')!.textContent!.startsWith('epoch 0'));
    const untrained = Number(/held-out perplexity ([\d.e+]+)/.exec((await page.textContent('#lm-status'))!)![1]);
    const vocabSize = Number(/^(\d+) characters in the vocabulary/.exec((await page.textContent('#lm-info'))!)![1]);
    // a fresh model predicts about uniformly: perplexity near the vocabulary size
    expect(untrained).toBeGreaterThan(0.5 * vocabSize);
    expect(untrained).toBeLessThan(2 * vocabSize);
    expect(await page.textContent('#lm-seeds')).toMatch(/^seed 0 /);
    await page.evaluate(() => {
      const g = globalThis as unknown as { __longTasks: number[] };
      g.__longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => g.__longTasks.push(Math.round(e.duration)))).observe({ type: 'longtask' });
    });
    const train = page.locator('#panel-text').getByRole('button', { name: /^Train/ });
    expect(await train.count()).toBe(1);
    await train.click();
    const { trips, reached } = await roundTrips(page, (s) => { const m = /^epoch (\d+) · loss \d/.exec(s); return m !== null && Number(m[1]) >= 2; }, 'lm-status', 40, 120_000);
    expect(reached).toBe(true);
    const status = (await page.textContent('#lm-status'))!;
    expect(status).not.toMatch(/done/); // measured during training
    const longTasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks);
    expect(Math.max(0, ...longTasks)).toBeLessThan(200);
    expect(percentile(trips, 0.95)).toBeLessThan(200);
    console.log(`text tab: ${trips.length} round trips while training, median ${percentile(trips, 0.5).toFixed(0)} ms, p95 ${percentile(trips, 0.95).toFixed(0)} ms, max ${Math.max(...trips).toFixed(0)} ms; long tasks ${JSON.stringify(longTasks)}`);

    // held-out perplexity after 2 epochs is well below the untrained one
    const m = /^epoch (\d+) · loss ([\d.]+) · held-out perplexity ([\d.]+)/.exec(status)!;
    expect(m).not.toBeNull();
    expect(Number(m[3])).toBeLessThan(0.5 * untrained);
    expect(Number(m[2])).toBeGreaterThan(0);
    // a sample drawn during training (every 20 steps), starting with the prefix
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#lm-samples li')).some((li) => Number((li as HTMLElement).dataset.step) > 0), undefined, { timeout: 60_000 });
    const sample = await page.$eval('#lm-samples li .sample', (p) => p.textContent ?? '');
    expect(sample.startsWith('The ')).toBe(true);
    expect(sample.length).toBeGreaterThan(100);
    // the temperature slider resamples at once: greedy (τ = 0)
    await page.fill('#lm-temp', '0');
    await page.waitForFunction(() => document.querySelector('#lm-samples li .info')!.textContent!.includes('temperature 0.00'));
    for (const id of ['lm-loss-chart', 'lm-ppl-chart']) {
      expect(await page.getAttribute(`#${id}`, 'aria-label')).toBeTruthy();
      expect(await page.locator(`#${id} canvas`).count()).toBe(1);
    }
    await page.click('#lm-pause');
    await page.waitForFunction(() => document.getElementById('lm-status')!.textContent!.endsWith('paused'));
    const held = await page.textContent('#lm-status');
    await page.waitForTimeout(400);
    expect(await page.textContent('#lm-status')).toBe(held);
    await page.screenshot({ path: join(OUT, 'tab-text.png'), fullPage: true });

    // the bundled Tang poems: the vocabulary the library builds from them, an embedding instead of one-hot
    await page.check('input[name="lm-corpus"][value="tang"]');
    const tang = models.buildLmCorpus(readFileSync(join(ROOT, 'web', 'src', 'corpora', 'tang.txt'), 'utf8'), { level: 'char' });
    await page.waitForFunction((v) => document.getElementById('lm-info')!.textContent!.startsWith(`${v} characters`), tang.vocab.size);
    expect(await page.inputValue('#lm-embed')).toBe('32');
    expect(await page.textContent('#lm-status')).toMatch(/^epoch 0 · loss – \(untrained\)/);
    // pasted text too short for one batch: a one-line error, and Train is refused by the worker
    await page.fill('#lm-custom', 'abc');
    await page.dispatchEvent('#lm-custom', 'change');
    await page.waitForFunction(() => document.getElementById('lm-error')!.textContent !== '');
    expect(await page.textContent('#lm-error')).toBe(`the training text has 3 characters; sequence length 32 with batch size 32 needs at least ${data.minCorpusLength('sequential', 32, 32)} (paste more text, or lower them)`);
    expect(await page.isChecked('input[name="lm-corpus"][value="custom"]')).toBe(true);
    expect(site.consoleErrors).toEqual([]);
    expect(site.foreign).toEqual([]);
  });
});
