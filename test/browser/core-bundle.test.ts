// The core (everything but the CLI and the Node file helpers) must run in a browser: it bundles
// for platform "browser" (any `node:` import fails that build), and the numeric engine runs in a
// bare JS realm with no Node globals (no process, require, Buffer): a seeded RNN training step
// there gives exactly the numbers it gives in Node.
import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ENTRY = `
import { manualSeed, nn, optim, randn, kernels, jsKernels } from './src/index.ts';
export function run() {
  manualSeed(42);
  const rnn = new nn.RNN(3, 16, { batchFirst: true, numLayers: 2 });
  const head = new nn.Linear(16, 1);
  const opt = new optim.Adam([...rnn.parameters(), ...head.parameters()], { lr: 0.01 });
  const x = randn([8, 20, 3]), y = randn([8, 20]);
  const losses = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const [o] = rnn.forward(x);
    const loss = nn.functional.mseLoss(head.forward(o.relu()).squeeze(-1), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, wasm: kernels() !== jsKernels };
}
`;

describe('browser build of the core', () => {
  it('bundles src/index.ts for the browser (no node: imports) and runs without Node globals', async () => {
    const full = await build({ entryPoints: [join(ROOT, 'src/index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', loader: { '.wasm': 'file' }, outdir: join(ROOT, 'dist-browser-check') });
    expect(full.errors).toEqual([]);

    const r = await build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'browser', format: 'iife', globalName: 'core', write: false, logLevel: 'silent' });
    const code = r.outputFiles[0]!.text;
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
