// An LSTM exported by rnnkit runs in onnxruntime-web inside Debian's headless Chromium and gives
// rnnkit's outputs (1e-5). Everything is served from 127.0.0.1: the page, the model and
// onnxruntime-web's .mjs/.wasm files from node_modules/onnxruntime-web/dist (no other origin).
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LSTM } from '../../src/nn/index.js';
import { manualSeed, noGrad, randn } from '../../src/index.js';
import { exportModel } from '../../src/onnx/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ORT_DIST = join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const PAGE = `<!doctype html><html><body>loading</body><script type="module">
import * as ort from '/ort/ort.wasm.min.mjs';
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '/ort/';
window.runModel = async (feeds) => {
  const bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const inputs = {};
  for (const [k, v] of Object.entries(feeds)) inputs[k] = new ort.Tensor('float32', Float32Array.from(v.data), v.shape);
  const out = await session.run(inputs);
  const res = {};
  for (const [k, v] of Object.entries(out)) res[k] = { data: Array.from(v.data), dims: Array.from(v.dims) };
  return res;
};
document.body.textContent = 'ready';
</script></html>`;

describe('ONNX in onnxruntime-web (headless Chromium)', () => {
  it('runs an exported 2-layer bidirectional batchFirst LSTM with h0/c0 to rnnkit\'s outputs', async () => {
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

    const server: Server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (path === '/' || path === '/index.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      if (path === '/model.onnx') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
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
      const feed = (t: { data: ArrayLike<number>; shape: readonly number[] }) => ({ data: Array.from(t.data), shape: [...t.shape] });
      const got = await page.evaluate((f) => (window as unknown as { runModel: (f: unknown) => Promise<Record<string, { data: number[]; dims: number[] }>> }).runModel(f),
        { x: feed(x), h0: feed(h0), c0: feed(c0) });
      const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => (a.length !== b.length ? Infinity : Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));
      expect(got.y!.dims).toEqual([3, 7, 8]);
      expect(maxAbs(got.y!.data, y.data)).toBeLessThan(1e-5);
      expect(maxAbs(got.h_n!.data, hN.data)).toBeLessThan(1e-5);
      expect(maxAbs(got.c_n!.data, cN.data)).toBeLessThan(1e-5);
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
    }
  });
});
