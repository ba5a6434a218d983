// Runs the ```ts examples of docs/text.md and checks every `console.log(x); // → y` line.
import { describe, expect, it } from 'vitest';
import * as text from '../../src/text/index.js';
import { runDocExamples } from '../doc-examples.js';

describe('docs/text.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    const { blocks, checks } = runDocExamples('docs/text.md', { text });
    expect(blocks).toBeGreaterThan(5);
    expect(checks.length).toBeGreaterThan(30);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
