// Runs the ```ts examples of docs/from-pytorch.md in order, in one scope, and checks every
// `console.log(x); // → y` line. The blocks are TypeScript (field declarations, `!`, type
// annotations), so esbuild strips the types before they run; import lines are dropped and the
// scope provides rnnkit's Node entry.
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/node.js';
import { runDocExamples } from '../doc-examples.js';

describe('docs/from-pytorch.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    const { checks } = runDocExamples('docs/from-pytorch.md', { ...rnnkit }, { stripTypes: true });
    expect(checks.length).toBeGreaterThan(20);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
