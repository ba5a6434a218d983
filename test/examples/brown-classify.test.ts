// examples/brown-classify.ts (docs/classification.md, "Text: Brown categories"): its quick recipe —
// a small Embedding + LSTM for a few epochs — learns the five genres from token ids, and the
// bag-of-words baseline beside it scores what the docs report. The example runs as a user runs it,
// in a child process: a minute of synchronous training inside the vitest worker would starve its
// RPC (vitest's fixed 60 s "Timeout calling onTaskUpdate") on a loaded machine.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BrownResult } from '../../examples/brown-classify.js';
import { QUICK, RECIPE } from '../../examples/brown-classify.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('examples/brown-classify', () => {
  it('--quick learns genres from tokens (well above the 20% of chance); the BoW baseline reaches 77.6%', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'examples/brown-classify.ts', '--quick', '--json'], { cwd: ROOT, timeout: 280_000 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as BrownResult;
    expect(r.recipe).toEqual(QUICK);
    expect(r.rnn.accuracy).toBeGreaterThan(0.4);
    expect(r.rnn.macroF1).toBeGreaterThan(0.3);
    expect(r.rnn.epochsRun).toBeLessThanOrEqual(QUICK.epochs);
    // the test split reads through the training vocabulary: some of its words are unseen there
    expect(r.testUnkRate).toBeGreaterThan(0.02);
    expect(r.testUnkRate).toBeLessThan(0.3);
    expect(r.vocabSize).toBeGreaterThan(1000);
    // deterministic (L-BFGS from zero weights): the figure in docs/classification.md
    expect(r.bow.accuracy).toBeCloseTo(0.776, 3);
  }, 300_000);

  it('the documented recipe is the default: Embedding(64) + LSTM(64), max pooling', () => {
    expect(RECIPE).toMatchObject({ cell: 'lstm', pool: 'max', embeddingDim: 64, hiddenSize: 64, maxLen: 128, epochs: 12, lr: 0.005 });
  });
});
