// What a playground test needs (for test files other than playground.web.ts, which has its own
// copy): web/dist built with Vite unless it is newer than every source it is built from, a static
// server on 127.0.0.1, and Debian's headless Chromium through playwright-core, recording console
// errors and requests to other origins.
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'web', 'dist');
export const OUT = process.env.WEB_TEST_OUT ?? join(ROOT, 'test', 'web', 'output');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// the flags of test/browser/chromium.browser.ts: nothing in the background reaches the network
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png' };

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir)) {
    if (f === 'dist' || f === 'node_modules') continue;
    const p = join(dir, f), s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Builds web/dist unless its index.html is newer than web/ and src/ (another test file of this run built it). */
export async function buildSite(): Promise<void> {
  const index = join(DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs > Math.max(newest(join(ROOT, 'web')), newest(join(ROOT, 'src')))) return;
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

export interface Site {
  origin: string;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  foreign: string[];
  close(): Promise<void>;
}

export async function openSite(): Promise<Site> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(DIST, path);
    if (!file.startsWith(DIST) || !existsSync(file)) return void res.writeHead(404).end();
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  const origin = await new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const consoleErrors: string[] = [], foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  return {
    origin, browser, page, consoleErrors, foreign,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Round trips to the page while `until()` is false (or fewer than `min` trips were made), at most
 * `ms`: how long the main thread takes to answer while a worker trains. Returns their durations.
 */
export async function roundTrips(page: Page, until: (status: string) => boolean, statusId: string, min: number, ms: number): Promise<{ trips: number[]; reached: boolean }> {
  const trips: number[] = [];
  const t0 = Date.now();
  let reached = false;
  while (Date.now() - t0 < ms) {
    const t = performance.now();
    const s = await page.evaluate((id) => document.getElementById(id)!.textContent ?? '', statusId);
    trips.push(performance.now() - t);
    if (until(s)) reached = true;
    if (reached && trips.length >= min) break;
  }
  return { trips, reached };
}

export function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}
