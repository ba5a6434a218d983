// Runs the ```ts examples of docs/text.md and checks every `console.log(x); // → y` line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as text from '../../src/text/index.js';

const md = readFileSync(new URL('../../docs/text.md', import.meta.url), 'utf8');
const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/text.md examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThan(5));
  it('run, in order, and print what the comments say', () => {
    // One scope for all blocks, as a reader pasting them in order would have.
    const body = blocks.join('\n').split('\n').filter((l) => !l.startsWith('import ')).map((line) => {
      const m = /^console\.log\((.*)\); \/\/ → (.*)$/.exec(line);
      return m ? `__check(${m[1]}, ${JSON.stringify(m[2])});` : line;
    }).join('\n');
    const checks: [string, string][] = [];
    const check = (v: unknown, expected: string) => checks.push([JSON.stringify(v), expected]);
    new Function('text', '__check', body)(text, check);
    expect(checks.length).toBeGreaterThan(30);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
