// The core (everything but the CLI and the Node file helpers) must run in a browser: it bundles
// for platform "browser" (any `node:` import fails that build), and the numeric engine runs in a
// bare JS realm with no Node globals (no process, require, Buffer): a seeded RNN training step
// there gives exactly the numbers it gives in Node.
import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleEntry } from './entry.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');


describe('browser build of the core', () => {
  it('bundles src/index.ts for the browser (no node: imports) and runs without Node globals', async () => {
    const full = await build({ entryPoints: [join(ROOT, 'src/index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', loader: { '.wasm': 'file' }, outdir: join(ROOT, 'dist-browser-check') });
    expect(full.errors).toEqual([]);

    const code = await bundleEntry(ROOT);
    // a fresh realm: ECMAScript built-ins plus web APIs every browser has (the bundle includes the
    // text and plot layers, whose dependencies touch some of them at load time)
    const sandbox: Record<string, unknown> = { atob, WebAssembly, performance, structuredClone, TextEncoder, TextDecoder, URL, console, setTimeout, clearTimeout, queueMicrotask };
    runInNewContext(code, sandbox);
    const inRealm = (sandbox.core as { run: () => { losses: number[]; wasm: boolean } }).run();
    expect(sandbox).not.toHaveProperty('process');
    expect(inRealm.wasm).toBe(true);

    const { runInThisContext } = await import('node:vm');
    const here = runInThisContext(`(() => { ${code}; return core; })()`) as { run: () => { losses: number[] } };
    expect(inRealm.losses).toEqual(here.run().losses);
    expect(inRealm.losses[4]).toBeLessThan(inRealm.losses[0]!);
  });
});
