// The README's example runs as written (with the package name pointed at the sources and the
// output file in a temp folder), and the weights it saves load back into an identical RNN.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { io, nn } from '../../src/node.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('README', () => {
  it('starts with the install-and-run command and the test command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toMatch(/^npm ci && npm run demo/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });

  it('the PyTorch-style example runs and saves loadable weights', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-readme-'));
    const out = join(dir, 'rnn.safetensors');
    const file = join(dir, 'example.mts');
    writeFileSync(file, code.replace("from 'rnnkit'", `from ${JSON.stringify(join(ROOT, 'src/node.ts'))}`).replace("'rnn.safetensors'", JSON.stringify(out)));
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rnn = new nn.RNN(1, 10, { batchFirst: true });
    const { tensors } = io.loadSafetensors(out);
    rnn.loadStateDict(tensors);
    expect(Object.keys(tensors).sort()).toEqual(['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']);
  });
});
