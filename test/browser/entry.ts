// The program both browser tests bundle: a seeded 2-layer RNN trained for 5 Adam steps through
// the public API. Built as an IIFE with globalName `core`, it exposes `core.run()`.
import { build } from 'esbuild';

export const ENTRY = `
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

export interface RunResult {
  losses: number[];
  wasm: boolean;
}

/** The browser bundle (platform "browser", so any node: import would fail the build). */
export async function bundleEntry(root: string): Promise<string> {
  const r = await build({ stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'browser', format: 'iife', globalName: 'core', write: false, logLevel: 'silent' });
  return r.outputFiles[0]!.text;
}
