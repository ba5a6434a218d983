// An LSTM, an Embedding→LSTM→Linear language model and a sequence classifier exported by rnnkit run
// in onnxruntime-web inside Debian's headless Chromium and give rnnkit's outputs (1e-5). Everything is served from 127.0.0.1: the page, the model and
// onnxruntime-web's .mjs/.wasm files from node_modules/onnxruntime-web/dist (no other origin).
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LSTM } from '../../src/nn/index.js';
import { manualSeed, noGrad, randn } from '../../src/index.js';
import { exportModel, exportSavedModel } from '../../src/onnx/index.js';
import { RNNLM } from '../../src/models/rnnlm.js';
import { TextLM } from '../../src/models/lm.js';
import { SequenceClassifier } from '../../src/models/classifier.js';
import { Vocab } from '../../src/text/vocab.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ORT_DIST = join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const PAGE = `<!doctype html><html><body>loading</body><script type="module">
import * as ort from '/ort/ort.wasm.min.mjs';
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '/ort/';
window.runModel = async (model, feeds) => {
  const bytes = new Uint8Array(await (await fetch('/' + model + '.onnx')).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const inputs = {};
  for (const [k, v] of Object.entries(feeds)) {
    inputs[k] = v.int64 ? new ort.Tensor('int64', BigInt64Array.from(v.data, (x) => BigInt(x)), v.shape) : new ort.Tensor('float32', Float32Array.from(v.data), v.shape);
  }
  const out = await session.run(inputs);
  const res = {};
  for (const [k, v] of Object.entries(out)) res[k] = { data: Array.from(v.data, Number), dims: Array.from(v.dims) };
  return res;
};
document.body.textContent = 'ready';
</script></html>`;

describe('ONNX in onnxruntime-web (headless Chromium)', () => {
  it('runs an exported LSTM (2 layers, bidirectional, batchFirst, h0/c0), a language model and a classifier to rnnkit\'s outputs', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`).toBe(true);
    manualSeed(11);
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const bytes = exportModel(lstm, [randn([2, 5, 3]), [randn([4, 2, 4]), randn([4, 2, 4])]], {
      inputNames: ['x', 'h0', 'c0'], outputNames: ['y', 'h_n', 'c_n'],
      dynamicAxes: { x: { 0: 'batch', 1: 'seq' }, h0: { 1: 'batch' }, c0: { 1: 'batch' } },
    });
    // other sizes than traced: the dynamic axes at work in the browser too
    const x = randn([3, 7, 3]), h0 = randn([4, 3, 4]), c0 = randn([4, 3, 4]);
    const [y, [hN, cN]] = noGrad(() => lstm.forward(x, [h0, c0]));
    // the language model (int64 ids, states in and out) and a classifier, as saved models export them
    const vocab = new Vocab(['a', 'b', 'c', 'd', 'e', 'f']);
    const lm = new RNNLM(vocab.size, { cell: 'lstm', hiddenSize: 5, embedDim: 3 });
    const lmExport = exportSavedModel({ kind: 'language-model', lm: new TextLM(lm, vocab, { level: 'char', lang: 'en', lowercase: false } as never) });
    const ids = Array.from({ length: 2 * 6 }, (_, i) => (i * 5 + 1) % vocab.size), s0 = lm.beginState(2);
    const [logits, next] = noGrad(() => lm.eval().forward(ids, [2, 6], s0));
    const clf = new SequenceClassifier({ numClasses: 3, inputSize: 2, hiddenSize: 4, cell: 'gru', bidirectional: true });
    const clfExport = exportSavedModel({ kind: 'classifier', model: clf, classes: ['p', 'q', 'r'], input: { features: 2, steps: 5 } });
    const cx = randn([4, 9, 2]);
    const clfWant = noGrad(() => clf.eval().forward(cx));
    const models: Record<string, Uint8Array> = { lstm: bytes, lm: lmExport.bytes, clf: clfExport.bytes };

    const server: Server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (path === '/' || path === '/index.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      const model = /^\/(\w+)\.onnx$/.exec(path)?.[1];
      if (model !== undefined && models[model]) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(models[model]);
      const file = join(ORT_DIST, path.replace(/^\/ort\//, ''));
      if (!path.startsWith('/ort/') || !file.startsWith(ORT_DIST) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    const origin = await new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      const foreign: string[] = [], errors: string[] = [];
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => document.body.textContent === 'ready', undefined, { timeout: 60_000 });
      const feed = (t: { data: ArrayLike<number>; shape: readonly number[] }, int64 = false) => ({ data: Array.from(t.data), shape: [...t.shape], int64 });
      type Out = Record<string, { data: number[]; dims: number[] }>;
      const run = (model: string, f: unknown) => page.evaluate(([m, ff]) => (window as unknown as { runModel: (m: unknown, f: unknown) => Promise<Out> }).runModel(m, ff), [model, f] as const);
      const got = await run('lstm', { x: feed(x), h0: feed(h0), c0: feed(c0) });
      const lmGot = await run('lm', { ids: { data: ids, shape: [2, 6], int64: true }, h0: feed(s0.h), c0: feed(s0.c!) });
      const clfGot = await run('clf', { x: feed(cx) });
      const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => (a.length !== b.length ? Infinity : Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));
      expect(got.y!.dims).toEqual([3, 7, 8]);
      expect(maxAbs(got.y!.data, y.data)).toBeLessThan(1e-5);
      expect(maxAbs(got.h_n!.data, hN.data)).toBeLessThan(1e-5);
      expect(maxAbs(got.c_n!.data, cN.data)).toBeLessThan(1e-5);
      expect(maxAbs(lmGot.logits!.data, logits.data)).toBeLessThan(1e-5);
      expect(maxAbs(lmGot.h_n!.data, next.h.data)).toBeLessThan(1e-5);
      expect(maxAbs(lmGot.c_n!.data, next.c!.data)).toBeLessThan(1e-5);
      expect(clfGot.logits!.dims).toEqual([4, 3]);
      expect(maxAbs(clfGot.logits!.data, clfWant.data)).toBeLessThan(1e-5);
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
    }
  });
});
