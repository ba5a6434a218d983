// The playground's forecasting, gradient and model-file views in headless Chromium (issue 12):
// tab 1's multi-step forecast and the output-recurrent model's exposure-bias gap, tab 2's
// RNNbow contributions and Distill connectivity (checked against the library on the same weights),
// Save/Open of models as safetensors in tabs 1, 2 and 4 (a page-saved file loads with the library
// and the CLI; a CLI-saved directory opens in the page with the same numbers), and the page with no
// WebAssembly at all (Chromium's --js-flags=--jitless: plain-JS kernels) training to epoch 2.
// Screenshots and a report go to test/web/output/ (or $WEB_TEST_OUT). Needs /usr/bin/chromium.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { data, diagnostics, forecast, Generator, io, nn, train, type Tensor } from '../../src/index.js';
import { runCli } from '../../src/cli/program.js';
import { loadModel } from '../../src/io/model-files.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// its own build folder: another test file of the same run (or another session's) may rebuild web/dist,
// emptying it, while this page still loads its workers from it
const DIST = mkdtempSync(join(tmpdir(), 'rnnkit-web-dist-'));
const OUT = process.env.WEB_TEST_OUT ?? join(ROOT, 'test', 'web', 'output');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png' };

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const foreign: string[] = [];
const report: Record<string, unknown> = {};

function serve(): Promise<string> {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(DIST, path);
    if (!file.startsWith(DIST) || !existsSync(file)) return void res.writeHead(404).end();
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

async function openPage(b: Browser, errors: string[]): Promise<Page> {
  const p = await b.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  return p;
}

const text = async (id: string) => (await page.textContent(`#${id}`)) ?? '';
const dataset = (id: string) => page.evaluate((i) => ({ ...document.getElementById(i)!.dataset }), id);

/** Clicks a Save button and returns the downloaded file's path (under OUT) and name. */
async function saveFrom(button: string, as: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  expect(dl.suggestedFilename()).toMatch(/^rnnkit-.*\.safetensors$/);
  const path = join(OUT, as);
  await dl.saveAs(path);
  return path;
}

async function cli(args: string[]): Promise<string> {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('the playground: forecasts, gradient views, model files, no WebAssembly', () => {
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`).toBe(true);
    mkdirSync(OUT, { recursive: true });
    await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: DIST, emptyOutDir: true } });
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const sizes: Record<string, { bytes: number; gzip: number }> = {};
    const assets = readdirSync(join(DIST, 'assets'));
    const scripts = assets.filter((a) => a.endsWith('.js')).map((a) => readFileSync(join(DIST, 'assets', a), 'utf8')).join('\n') + html;
    // a wasm file no script names is never fetched (web/vite.config.ts drops it from web/dist)
    for (const f of ['index.html', ...assets.filter((a) => !a.endsWith('.wasm') || scripts.includes(a)).map((a) => `assets/${a}`)]) {
      const b = readFileSync(join(DIST, f));
      sizes[f] = { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
    }
    report.bundle = sizes;
    origin = await serve();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await openPage(browser, consoleErrors);
  }, 600_000); // the build takes minutes on a saturated machine

  afterEach(async (ctx) => {
    // what the page said when a test failed
    if (ctx.task.result?.state === 'fail') {
      const said = await page.evaluate(() => Array.from(document.querySelectorAll('[role="status"], [role="alert"]')).map((e) => `${e.id}: ${e.textContent}`)).catch(() => []);
      console.log(said.join('\n'), '\nconsole errors:', consoleErrors.join('\n'));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    writeFileSync(join(OUT, 'extras-report.json'), JSON.stringify(report, null, 2) + '\n');
    rmSync(DIST, { recursive: true, force: true }); // this file's own build folder
  });

  it('loads on the WebAssembly SIMD kernels and paints (PerformanceObserver paint entries)', async () => {
    await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('#ts-data-info')?.textContent?.startsWith('GS10'));
    report.paint = await page.evaluate(() => new Promise<Record<string, number>>((resolve) => {
      // buffered: the entries recorded before the observer was made
      new PerformanceObserver((l) => resolve(Object.fromEntries(l.getEntries().map((e) => [e.name, Math.round(e.startTime)])))).observe({ type: 'paint', buffered: true });
    }));
    expect((report.paint as Record<string, number>)['first-contentful-paint']).toBeGreaterThan(0);
    await page.waitForFunction(() => document.getElementById('ts-kernels')!.textContent !== '');
    expect(await text('ts-kernels')).toMatch(/^Numeric kernels: WebAssembly SIMD/);
    expect((await dataset('ts-kernels')).simd).toBe('true');
  });

  it('tab 1: an RNN\'s one-step, recursive and past-the-end forecasts; its saved file loads in the library and the CLI with the same predictions', async () => {
    await page.fill('#ts-epochs', '80');
    await page.fill('#ts-horizon', '12');
    await page.click('#ts-train');
    await page.waitForFunction(() => /done$/.test(document.getElementById('ts-status')!.textContent!), undefined, { timeout: 120_000 });
    const g = await dataset('ts-summary');
    const oneStep = Number(g.oneStep), rollout = Number(g.rollout), future = JSON.parse(g.future!) as number[];
    const values = data.gs10().values, sd = Math.sqrt(values.reduce((s, v) => s + (v - 1.9) ** 2, 0) / values.length);
    expect(future).toHaveLength(12);
    expect(future.every((v) => Number.isFinite(v) && v > Math.min(...values) - 5 * sd && v < Math.max(...values) + 5 * sd)).toBe(true);
    expect(oneStep).toBeGreaterThan(0);
    expect(rollout).toBeGreaterThan(0);
    expect(await text('ts-gap')).toMatch(/^Test span: one-step \(teacher-forced\) RMSE [\d.]+ · free-running from the origin RMSE [\d.]+ · exposure-bias gap [+-]?[\d.e+-]+$/);
    expect(await page.getAttribute('#ts-pred-chart', 'aria-label')).toMatch(/^Actual versus predicted chart: .*12-step recursive forecast past the end; exposure-bias gap/);
    expect(await text('ts-summary')).toMatch(/recursive from the test origin RMSE [\d.]+ · exposure-bias gap/);
    report.tab1Rnn = { oneStep, rollout, gap: rollout - oneStep, future };
    await page.screenshot({ path: join(OUT, 'tab1-forecast.png'), fullPage: true });

    // Save → the library and `rnnkit forecast` read the file; the one-step RMSE is the page's
    const file = await saveFrom('#ts-save', 'tab1-rnn.safetensors');
    const saved = loadModel(file);
    if (saved.kind !== 'forecaster') throw new Error('not a forecaster');
    expect(saved.model.name).toBe('rnn');
    const z = saved.scalers[0]!.transform(values), b = values.length - 12;
    const p = saved.scalers[0]!.inverseTransform(saved.model.predictOneStep(z, b));
    expect(rel(forecast.rmse(values.slice(b), p), oneStep)).toBeLessThan(1e-4);
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-web-'));
    const csv = join(dir, 'gs10.csv');
    const g10 = data.gs10();
    writeFileSync(csv, `DATE,GS10\n${g10.dates.map((d, i) => `${d},${g10.values[i]}`).join('\n')}\n`);
    const f = JSON.parse(await cli(['forecast', '--model', file, '--data', csv, '--steps', '12', '--json'])) as { forecast: { value: number }[] };
    const fromPage = future;
    for (let h = 0; h < 12; h++) expect(rel(f.forecast[h]!.value, fromPage[h]!)).toBeLessThan(1e-4);
  });

  it('tab 1: a CLI-saved model directory opens in the page with the library\'s numbers; the page re-opens its own file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-web-'));
    const csv = join(dir, 'gs10.csv');
    const g10 = data.gs10();
    writeFileSync(csv, `DATE,GS10\n${g10.dates.map((d, i) => `${d},${g10.values[i]}`).join('\n')}\n`);
    await cli(['train', '--data', csv, '--model', 'gru', '--epochs', '3', '--hidden', '6', '--save', join(dir, 'm'), '--out', join(dir, 'out'), '--json']);
    const files = readdirSync(join(dir, 'm')).map((f) => join(dir, 'm', f));
    expect(files.length).toBe(2);
    await page.fill('#ts-test', '12');
    await page.setInputFiles('#ts-open', files);
    await page.waitForFunction(() => /^loaded · /.test(document.getElementById('ts-status')!.textContent!));
    expect(await page.inputValue('#ts-model')).toBe('gru');
    expect(await page.inputValue('#ts-hidden')).toBe('6');
    const saved = loadModel(join(dir, 'm'));
    if (saved.kind !== 'forecaster') throw new Error('not a forecaster');
    const values = g10.values, b = values.length - 12, z = saved.scalers[0]!.transform(values);
    const expected = forecast.rmse(values.slice(b), saved.scalers[0]!.inverseTransform(saved.model.predictOneStep(z, b)));
    const oneStep = Number((await dataset('ts-summary')).oneStep);
    expect(rel(oneStep, expected)).toBeLessThan(1e-4);
    // Save the opened model and open that file: the same numbers
    const file = await saveFrom('#ts-save', 'tab1-gru-from-cli.safetensors');
    await page.fill('#ts-seqlen', '3'); // the form changes; the file's settings come back
    await page.setInputFiles('#ts-open', file);
    await page.waitForFunction((v) => /^loaded · /.test(document.getElementById('ts-status')!.textContent!) && document.getElementById('ts-summary')!.dataset.oneStep === v, String(oneStep));
    expect(await page.inputValue('#ts-seqlen')).toBe(String((saved.model.toJSON() as { options: { seqLen: number } }).options.seqLen));
    // a file that is not a model: the library's one-line error
    await page.setInputFiles('#ts-open', { name: 'plain.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(io.saveSafetensorsBytes({})) });
    await page.waitForFunction(() => document.getElementById('ts-error')!.textContent !== '');
    expect(await text('ts-error')).toMatch(/^plain\.safetensors: not an rnnkit model file/);
  });

  it('tab 1: the output-recurrent model trained by teacher forcing and by free running; the gap on the chart and in numbers', async () => {
    await page.selectOption('#ts-model', 'output-recurrent');
    await page.fill('#ts-seqlen', '12');
    await page.fill('#ts-hidden', '16');
    await page.fill('#ts-epochs', '150');
    await page.fill('#ts-batch', '8');
    const gaps: Record<string, { oneStep: number; rollout: number }> = {};
    for (const mode of ['teacher-forcing', 'free-running', 'scheduled-sampling'] as const) {
      await page.selectOption('#ts-mode', mode);
      await page.click('#ts-train');
      await page.waitForFunction(() => /done$/.test(document.getElementById('ts-status')!.textContent!), undefined, { timeout: 120_000 });
      expect(await text('ts-summary')).toContain(`trained 150 epochs by ${mode === 'scheduled-sampling' ? 'scheduled sampling (fed its own output with probability rising to 1.00)' : mode.replace('-', ' ')}`);
      const g = await dataset('ts-summary');
      gaps[mode] = { oneStep: Number(g.oneStep), rollout: Number(g.rollout) };
      expect(Number.isFinite(gaps[mode]!.oneStep) && Number.isFinite(gaps[mode]!.rollout)).toBe(true);
      expect(await page.isDisabled('#ts-save')).toBe(true); // no CLI model kind reads it
      if (mode === 'teacher-forcing') await page.screenshot({ path: join(OUT, 'tab1-output-recurrent.png'), fullPage: true });
    }
    report.outputRecurrentGS10 = gaps;
    expect(consoleErrors).toEqual([]);
    await page.selectOption('#ts-model', 'rnn');
    await page.fill('#ts-seqlen', '6');
    await page.fill('#ts-hidden', '10');
    await page.fill('#ts-batch', '4');
  });

  it('tab 2: RNNbow contributions and Distill connectivity, equal to the library\'s on the saved weights; save and open', async () => {
    await page.getByRole('tab', { name: 'Inside the network' }).click();
    await page.waitForFunction(() => document.getElementById('in-status')!.textContent!.startsWith('epoch 0'));
    await page.fill('#in-epochs', '4');
    await page.click('#in-train');
    await page.waitForFunction(() => /· done$/.test(document.getElementById('in-status')!.textContent!), undefined, { timeout: 60_000 });
    await page.fill('#in-connstep', '12');
    await page.dispatchEvent('#in-connstep', 'change');
    await page.waitForFunction(() => document.getElementById('in-conn')!.dataset.step === '12');
    await page.waitForTimeout(300);
    const c = await dataset('in-contrib'), k = await dataset('in-conn');
    const contrib = JSON.parse(c.values!) as number[], total = Number(c.total), conn = JSON.parse(k.values!) as number[];
    expect(contrib).toHaveLength(20);
    expect(contrib[0]).toBe(0); // h_0 = 0
    expect(contrib.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(total).toBeGreaterThan(0);
    expect(contrib.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(total * (1 - 1e-6)); // ‖Σ terms‖ ≤ Σ ‖terms‖
    expect(conn.slice(12).every((v) => v === 0)).toBe(true); // o_12 cannot see x_13…
    expect(conn.slice(0, 12).every((v) => v > 0)).toBe(true);
    expect(await page.getAttribute('#in-contrib', 'aria-label')).toMatch(/^Bar chart of the gradient contributions: for each step k = 1 to 20/);
    expect(await page.getAttribute('#in-conn', 'aria-label')).toMatch(/^Connectivity strip over the input sequence: .* moves the output o_12/);
    expect(await page.evaluate(() => (document.getElementById('in-contrib') as HTMLCanvasElement).width)).toBeGreaterThan(300);
    await page.screenshot({ path: join(OUT, 'tab2-contributions.png'), fullPage: true });

    // the saved weights give the library the same numbers (sample 0 of the same adding problem)
    const file = await saveFrom('#in-save', 'tab2-inside.safetensors');
    const { tensors, metadata } = io.loadSafetensorsBytes(new Uint8Array(readFileSync(file)));
    const cfg = JSON.parse(metadata.config!) as { seqLen: number; hidden: number; seed: number };
    expect(metadata.format).toBe('rnnkit-playground-inside');
    const rnn = new nn.RNN(2, cfg.hidden, { batchFirst: true });
    const head = new nn.Linear(cfg.hidden, 1);
    const pick = (p: string) => Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith(p)).map(([n, v]) => [n.slice(p.length), v]));
    rnn.loadStateDict(pick('rnn.'));
    head.loadStateDict(pick('head.'));
    const task = data.addingProblem(256, cfg.seqLen, { generator: new Generator(cfg.seed + 1) });
    const x = task.x.slice(0, 0, 1), y = task.y.slice(0, 0, 1);
    const loss = (out: Tensor) => nn.functional.mseLoss(head.forward(out.select(1, cfg.seqLen - 1)), y, 'mean');
    const lib = diagnostics.gradContributions(rnn, x, loss).norms;
    for (let i = 1; i < 20; i++) expect(rel(contrib[i]!, lib[i]!)).toBeLessThan(1e-3);
    const libConn = diagnostics.inputConnectivity(rnn, x, (out) => head.forward(out.select(1, 11))).norms;
    for (let i = 0; i < 12; i++) expect(rel(conn[i]!, libConn[i]!)).toBeLessThan(1e-3);
    report.tab2 = { contrib, total, conn, connStep: 12 };

    await page.click('#in-reset');
    await page.waitForFunction(() => document.getElementById('in-status')!.textContent!.startsWith('epoch 0'));
    await page.setInputFiles('#in-open', file);
    await page.waitForFunction(() => /^loaded · epoch 4/.test(document.getElementById('in-status')!.textContent!));
    expect(JSON.parse((await dataset('in-contrib')).values!)).toEqual(JSON.parse(c.values!));
  });

  it('tab 4: a trained classifier saved from the page scores the same with the library, and opens again', async () => {
    await page.getByRole('tab', { name: 'Sequences in, a class out' }).click();
    await page.waitForFunction(() => document.getElementById('cls-status')!.textContent!.startsWith('epoch 0'));
    await page.fill('#cls-epochs', '2');
    await page.dispatchEvent('#cls-epochs', 'change');
    await page.waitForFunction(() => document.getElementById('cls-status')!.textContent!.startsWith('epoch 0'));
    await page.click('#cls-train');
    await page.waitForFunction(() => /done in [\d.]+ s$/.test(document.getElementById('cls-status')!.textContent!), undefined, { timeout: 120_000 });
    const acc = Number(/test accuracy ([\d.]+) %/.exec(await text('cls-status'))![1]);
    const file = await saveFrom('#cls-save', 'tab4-digits.safetensors');
    const saved = loadModel(file);
    if (saved.kind !== 'classifier') throw new Error('not a classifier');
    const libAcc = 100 * train.evaluateClassifier(saved.model, data.digitsSplit().test).accuracy;
    expect(Math.abs(libAcc - acc)).toBeLessThanOrEqual(0.06);
    report.tab4 = { pageAccuracy: acc, libraryAccuracy: libAcc };
    await page.click('#cls-reset');
    await page.waitForFunction(() => document.getElementById('cls-status')!.textContent!.startsWith('epoch 0'));
    await page.setInputFiles('#cls-open', file);
    await page.waitForFunction(() => /^loaded /.test(document.getElementById('cls-status')!.textContent!));
    expect(await text('cls-status')).toBe(`loaded ${file.split('/').pop()} · test accuracy ${acc.toFixed(1)} %`);
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('with no WebAssembly (Chromium --js-flags=--jitless) the page runs on plain-JS kernels and trains to epoch 2', async () => {
    const errors: string[] = [];
    const b = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, '--js-flags=--jitless'] });
    try {
      const p = await openPage(b, errors);
      await p.goto(`${origin}/index.html`, { waitUntil: 'load' });
      expect(await p.evaluate(() => typeof WebAssembly)).toBe('undefined'); // the flag did remove it
      await p.waitForFunction(() => document.getElementById('ts-kernels')!.textContent !== '', undefined, { timeout: 60_000 });
      expect(await p.textContent('#ts-kernels')).toBe('Numeric kernels: plain JavaScript (no WebAssembly SIMD here)');
      expect(await p.evaluate(() => document.getElementById('ts-kernels')!.dataset.simd)).toBe('false');
      const t0 = Date.now();
      await p.click('#ts-train');
      await p.waitForFunction(() => /^epoch ([2-9]|\d\d+) · loss \d/.test(document.getElementById('ts-status')!.textContent!), undefined, { timeout: 120_000 });
      report.noWasm = { kernels: await p.textContent('#ts-kernels'), epoch2WallMs: Date.now() - t0, status: await p.textContent('#ts-status') };
      await p.screenshot({ path: join(OUT, 'tab1-no-wasm.png') });
      expect(errors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
