// Issue 8 in CI: kill -9 `rnnkit train --save DIR` at random moments (8 kills, 4 of them with an
// old model in DIR) and check that DIR is always a complete model, and that the next save clears
// every leftover. The same code as the full run: `npx tsx tools/crash-test.ts --runs 60`.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, crashTest, formatSummary } from '../../tools/crash-test.js';

describe('model directories survive kill -9 of train --save', () => {
  it('leaves the old or the new complete model, never a partial one, and the next save cleans up', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: the crash test spawns the built CLI; run \`npm run build\` first (npm ci does it via prepare)`);
    const seed = Number(process.env.RNNKIT_CRASH_SEED ?? Date.now() % 1_000_000);
    const s = await crashTest({ runs: 8, seed, epochs: 2, calibrationRuns: 1 });
    const report = formatSummary(s);
    expect(s.failures, report).toEqual([]);
    expect(s.runs).toBe(8);
    expect(s.withOldModel).toBe(4);
    expect(s.kinds).toEqual({ uniform: 4, tail: 2, save: 2 });
    expect(s.outcomes.oldKept + s.outcomes.newModel + s.outcomes.absent).toBe(8);
    // an old model is never lost: every absent DIR is a run without one
    expect(s.records.filter((r) => r.outcome === 'absent').every((r) => !r.oldModel), report).toBe(true);
    expect(s.staleCleaned, report).toBe(s.staleLeft);
  }, 180_000);
});
