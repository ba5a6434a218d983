// The playground (web/) in a real browser: builds web/dist with Vite, serves it from a Node http
// server on 127.0.0.1 and drives Debian's headless Chromium with playwright-core. The page must
// load with no console error and no request to another origin; Train must reach "epoch 2" while
// the main thread keeps answering within 200 ms; both tabs must draw their charts; a dropped
// malformed CSV must show the library's one-line error; tab 4 must train the digits classifier,
// show its confusion matrix and classify a digit drawn on its pad. Screenshots, sizes and timings go to
// test/web/output/ (or $WEB_TEST_OUT). Needs /usr/bin/chromium (or $CHROMIUM).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data } from '../../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'web', 'dist');
const OUT = process.env.WEB_TEST_OUT ?? join(ROOT, 'test', 'web', 'output');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// the flags of test/browser/chromium.browser.ts: nothing in the background reaches the network
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png' };
const BAD_CSV = 'date,value\n2020-01-01,1.5\n2020-02-01,abc\n2020-03-01,2.5\n';

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

/** Sizes of the built files, raw and gzipped (level 9, as a static host would serve them). */
function bundleSizes(): Record<string, { bytes: number; gzip: number }> {
  const out: Record<string, { bytes: number; gzip: number }> = {};
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const b = readFileSync(p);
        out[p.slice(DIST.length + 1)] = { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
      }
    }
  };
  walk(DIST);
  return out;
}

async function statusText(id: string): Promise<string> {
  return (await page.textContent(`#${id}`)) ?? '';
}

describe('the playground in headless Chromium', () => {
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`).toBe(true);
    mkdirSync(OUT, { recursive: true });
    await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
    report.bundle = bundleSizes();
    origin = await serve();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  });

  it('loads with no console error, no foreign request, and paints quickly', async () => {
    await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('#ts-data-info')?.textContent?.startsWith('GS10'));
    report.paint = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)])));
    report.domContentLoadedMs = await page.evaluate(() => Math.round((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd));
    expect(await page.getByRole('button', { name: /^Train/ }).first().isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('time series: Train reaches epoch 2 while the main thread answers within 200 ms; Pause holds; charts drawn', async () => {
    await page.evaluate(() => {
      const g = globalThis as unknown as { __longTasks: number[] };
      g.__longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => g.__longTasks.push(Math.round(e.duration)))).observe({ type: 'longtask' });
    });
    await page.fill('#ts-epochs', '600');
    await page.getByRole('button', { name: /^Train/ }).first().click();
    // round trips to the page while the worker trains: each must come back within 200 ms
    const trips: number[] = [];
    const t0 = Date.now();
    let reached = false;
    while (Date.now() - t0 < 60_000) {
      const t = performance.now();
      const s = await page.evaluate(() => document.getElementById('ts-status')!.textContent ?? '');
      trips.push(performance.now() - t);
      const m = /^epoch (\d+) · loss (\S+)/.exec(s);
      if (m && Number(m[1]) >= 2) reached = true;
      if (reached && trips.length >= 60) break;
    }
    expect(reached).toBe(true);
    const status = await statusText('ts-status');
    expect(status).toMatch(/^epoch \d+ · loss \d/);
    expect(status).not.toMatch(/done/); // the measurements above were taken during training
    const sorted = [...trips].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))]!;
    const longTasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks);
    report.mainThreadRoundTripMs = { count: trips.length, median: Math.round(sorted[sorted.length >> 1]!), p95: Math.round(p95), max: Math.round(sorted[sorted.length - 1]!), loadavg1: loadavg()[0], cpus: cpus().length, all: trips.map(Math.round) };
    report.longTasksMs = longTasks;
    // The page's main thread answers within 200 ms: no task on it ran 200 ms or more (the Long
    // Tasks API, measured in the page), and 95 % of the round trips came back within 200 ms. A
    // lone slow round trip with no long task is the OS scheduler on a saturated machine delaying
    // the test process or the browser's IPC, not the page; the maximum is reported all the same.
    expect(Math.max(0, ...longTasks)).toBeLessThan(200);
    expect(p95).toBeLessThan(200);

    await page.click('#ts-pause');
    await page.waitForFunction(() => document.getElementById('ts-status')!.textContent!.endsWith('paused'));
    const held = await statusText('ts-status');
    await page.waitForTimeout(400);
    expect(await statusText('ts-status')).toBe(held);
    await page.click('#ts-pause'); // Resume
    await page.waitForFunction(() => /done$/.test(document.getElementById('ts-status')!.textContent!), undefined, { timeout: 120_000 });
    // charts: uPlot canvases with their series drawn, labelled for assistive technology
    for (const id of ['ts-loss-chart', 'ts-pred-chart']) {
      expect(await page.getAttribute(`#${id}`, 'aria-label')).toBeTruthy();
      expect(await page.locator(`#${id} canvas`).count()).toBe(1);
    }
    expect(await page.textContent('#ts-summary')).toMatch(/test RMSE \d/);
    await page.screenshot({ path: join(OUT, 'tab1-time-series.png'), fullPage: true });
  });

  it('time series: a dropped malformed CSV shows the library\'s one-line error', async () => {
    let expected = '';
    try {
      data.parseSeriesCsv(BAD_CSV, { source: 'bad.csv' });
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(/^bad\.csv: /);
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'bad.csv', { type: 'text/csv' }));
      document.getElementById('ts-drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, BAD_CSV);
    await page.waitForFunction(() => document.getElementById('ts-error')!.textContent !== '');
    expect(await page.textContent('#ts-error')).toBe(expected);
    expect(expected).not.toContain('\n');
    await page.screenshot({ path: join(OUT, 'tab1-bad-csv.png') });
    expect(await page.isChecked('input[name="ts-source"][value="gs10"]')).toBe(true); // GS10 stays loaded
  });

  it('time series: a chosen CSV loads, and AR(p) fits in closed form on it', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${2000 + i}-01-01,${(Math.sin(i / 3) + 2).toFixed(3)}`);
    await page.setInputFiles('#ts-file', { name: 'sine.csv', mimeType: 'text/csv', buffer: Buffer.from(`date,level\n${rows.join('\n')}\n`) });
    await page.waitForFunction(() => document.getElementById('ts-data-info')!.textContent!.startsWith('level: 40 points'));
    expect(await page.textContent('#ts-error')).toBe('');
    await page.selectOption('#ts-model', 'ar');
    await page.getByRole('button', { name: /^Train/ }).first().click();
    await page.waitForFunction(() => /^AR\(2\) fitted by least squares · test RMSE \d/.test(document.getElementById('ts-summary')!.textContent!));
    await page.selectOption('#ts-model', 'rnn');
    await page.check('input[name="ts-source"][value="gs10"]');
    await page.waitForFunction(() => document.getElementById('ts-data-info')!.textContent!.startsWith('GS10'));
  });

  it('inside the network: graph, heatmap and gradient norms drawn; training and the W_hh slider update them', async () => {
    await page.getByRole('tab', { name: 'Inside the network' }).click();
    await page.waitForFunction(() => document.getElementById('in-status')!.textContent!.startsWith('epoch 0'));
    expect(await page.getAttribute('#in-graph', 'aria-label')).toMatch(/^Unrolled graph/);
    expect(await page.locator('#in-graph circle').count()).toBeGreaterThan(20);
    expect(await page.locator('#in-grad-chart canvas').count()).toBe(1);
    expect(await page.evaluate(() => (document.getElementById('in-heatmap') as HTMLCanvasElement).width)).toBeGreaterThan(100);

    // ρ slider: scaling W_hh down makes the gradient at step 1 shrink relative to step T
    const ratio = async () => Number(/= ([\d.e+-]+)$/.exec((await page.textContent('#in-radius-out'))!)![1]);
    const setRadius = async (v: string) => {
      await page.fill('#in-radius', v); // fires input
      await page.waitForFunction((r) => document.getElementById('in-radius-out')!.textContent!.startsWith(`ρ(W_hh) = ${Number(r).toFixed(3)}`), v);
    };
    await setRadius('0.5');
    const small = await ratio();
    await setRadius('1.8');
    const large = await ratio();
    report.gradRatioFirstOverLast = { rho05: small, rho18: large };
    expect(small).toBeLessThan(large);
    await page.click('#in-reset');
    await page.waitForFunction(() => document.getElementById('in-status')!.textContent!.startsWith('epoch 0'));

    await page.locator('#in-train').click();
    await page.waitForFunction(() => /^epoch ([2-9]|\d\d+) · loss \d/.test(document.getElementById('in-status')!.textContent!), undefined, { timeout: 60_000 });
    await page.click('#in-pause');
    await page.waitForFunction(() => document.getElementById('in-status')!.textContent!.endsWith('paused'));
    await page.waitForTimeout(300); // the last frame is drawn
    await page.screenshot({ path: join(OUT, 'tab2-inside.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('sequences in, a class out: trains past epoch 2 with a confusion matrix; a drawn digit gets probabilities summing to 1', async () => {
    await page.getByRole('tab', { name: 'Sequences in, a class out' }).click();
    await page.waitForFunction(() => document.getElementById('cls-status')!.textContent!.startsWith('epoch 0'));
    const t0 = Date.now();
    await page.locator('#cls-train').click();
    await page.waitForFunction(() => /^epoch ([2-9]|\d\d+) · loss \d/.test(document.getElementById('cls-status')!.textContent!), undefined, { timeout: 90_000 });
    // the confusion matrix: 10×10 counts over the test digits (the second half)
    const counts = await page.$$eval('#cls-confusion td', (tds) => tds.map((td) => Number(td.textContent)));
    expect(counts.length).toBe(100);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(data.digitsSplit().test.y.length); // 899
    expect(await page.getAttribute('#cls-confusion', 'aria-label')).toMatch(/^Confusion matrix/);
    expect(await page.locator('#cls-acc-chart canvas').count()).toBe(1);
    await page.waitForFunction(() => /done in [\d.]+ s$/.test(document.getElementById('cls-status')!.textContent!), undefined, { timeout: 180_000 });
    const done = await statusText('cls-status');
    report.classifier = { status: done, wallSeconds: (Date.now() - t0) / 1000, testAccuracy: Number(/test accuracy ([\d.]+) %/.exec(done)![1]) };
    expect(report.classifier).toMatchObject({ testAccuracy: expect.any(Number) });

    // a 7 drawn by clicking cells (row, column)
    const seven: [number, number][] = [[1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 6], [2, 6], [3, 5], [4, 5], [5, 4], [6, 4], [7, 3]];
    for (const [r, c] of seven) await page.click(`#cls-pad button[data-r="${r}"][data-c="${c}"]`);
    await page.waitForFunction((n) => document.getElementById('cls-probs')!.dataset.cells === String(n), seven.length);
    const p = await page.$$eval('#cls-probs li', (lis) => lis.map((li) => Number((li as HTMLElement).dataset.p)));
    expect(p.length).toBe(10);
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
    report.classifierDrawnSeven = p.map((v) => +v.toFixed(4));
    expect(await page.evaluate(() => (document.getElementById('cls-hidden-map') as HTMLCanvasElement).width)).toBeGreaterThan(100);
    expect(await page.evaluate(() => (document.getElementById('cls-prefix') as HTMLCanvasElement).width)).toBeGreaterThan(100);
    // keyboard: arrow keys move along the pad, Space toggles the focused cell
    await page.focus('#cls-pad button[data-r="0"][data-c="0"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    expect(await page.getAttribute('#cls-pad button[data-r="1"][data-c="1"]', 'aria-pressed')).toBe('false'); // it was painted above
    await page.keyboard.press('Space');
    expect(await page.getAttribute('#cls-pad button[data-r="1"][data-c="1"]', 'aria-pressed')).toBe('true');
    await page.waitForTimeout(300); // the last frame is drawn
    await page.screenshot({ path: join(OUT, 'tab4-classifier.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('keyboard: arrow keys move between tabs', async () => {
    await page.getByRole('tab', { name: 'Inside the network' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#tab-text', 'aria-selected')).toBe('true');
    expect(await page.isVisible('#panel-text')).toBe(true);
    await page.keyboard.press('Home');
    expect(await page.getAttribute('#tab-ts', 'aria-selected')).toBe('true');
  });
});
