// Runs the ```ts examples of docs/core.md in order and checks every `console.log(x); // → y` line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/index.js';

const md = readFileSync(new URL('../../docs/core.md', import.meta.url), 'utf8');
const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/core.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    const body = blocks.join('\n').split('\n').filter((l) => !l.startsWith('import ')).map((line) => {
      const m = /^console\.log\((.*)\); \/\/ → (.*)$/.exec(line);
      return m ? `__check([${m[1]}], ${JSON.stringify(m[2])});` : line;
    }).join('\n');
    const checks: [string, string][] = [];
    const check = (v: unknown[], expected: string) => checks.push([JSON.stringify(v.length === 1 ? v[0] : v), expected]);
    const names = Object.keys(rnnkit);
    new Function(...names, '__check', body)(...names.map((k) => (rnnkit as Record<string, unknown>)[k]), check);
    expect(checks.length).toBeGreaterThan(15);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
