// Runs the ```ts examples of docs/long-term-dependencies.md in order, in one scope, and checks every
// `console.log(x); // → y` line (x's JSON must equal y).
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/index.js';
import { runDocExamples } from '../doc-examples.js';

describe('docs/long-term-dependencies.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    const { blocks, checks } = runDocExamples('docs/long-term-dependencies.md', { ...rnnkit });
    expect(blocks).toBeGreaterThan(5);
    expect(checks.length).toBeGreaterThan(12);
    expect(checks.map(([g]) => g)).toEqual(checks.map(([, w]) => w));
  });
});
