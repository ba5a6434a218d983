// The core in a real browser: Debian's headless Chromium loads a page with the browser bundle of
// src/index.ts, trains a seeded RNN for 5 steps, and must print exactly the losses Node computes,
// with the WebAssembly SIMD kernels active. Needs /usr/bin/chromium (apt-get install -y chromium);
// run with `npm run test:browser` (CI does).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleEntry } from './entry.js';
import { runInThisContext } from 'node:vm';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// the same bundle (./entry.ts) runs in Chromium and, through node:vm, in this process
describe('the core in headless Chromium', () => {
  it('trains a seeded RNN to the same losses as Node, on the SIMD kernels', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-browser-'));
    const code = await bundleEntry(ROOT);
    writeFileSync(join(dir, 'page.js'), code + '\ndocument.body.textContent = JSON.stringify(core.run());\n');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body>loading</body><script src="page.js"></script></html>');
    const dom = execFileSync(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${join(dir, 'index.html')}`,
    ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const inBrowser = JSON.parse(/<body>(.*)<\/body>/s.exec(dom)![1]!) as { wasm: boolean; losses: number[] };
    expect(inBrowser.wasm).toBe(true);
    const inNode = (runInThisContext(`(() => { ${code}; return core; })()`) as { run: () => { losses: number[] } }).run();
    expect(inBrowser.losses).toEqual(inNode.losses);
    expect(inBrowser.losses[4]).toBeLessThan(inBrowser.losses[0]!);
  });
});
