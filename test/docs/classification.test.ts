// Runs the ```ts examples of docs/classification.md in order and checks every `console.log(x); // → y` line.
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/index.js';
import { runDocExamples } from '../doc-examples.js';

describe('docs/classification.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    const { checks } = runDocExamples('docs/classification.md', { ...rnnkit });
    expect(checks.length).toBe(4);
    for (const [got, want] of checks) expect(got).toBe(want);
  }, 60_000);
});
