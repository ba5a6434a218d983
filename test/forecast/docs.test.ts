// Runs the ```ts examples of docs/forecasting.md in order and checks every `console.log(x); // → y` line.
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/index.js';
import { runDocExamples } from '../doc-examples.js';

describe('docs/forecasting.md examples', () => {
  it('run, and print what the page says', () => {
    const { blocks, checks } = runDocExamples('docs/forecasting.md', { ...rnnkit });
    expect(blocks).toBe(3);
    expect(checks.length).toBe(7);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
