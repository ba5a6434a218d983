// Runs the ```ts examples of docs/long-term-dependencies.md in order, in one scope, and checks every
// `console.log(x); // → y` line (x's JSON must equal y).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/index.js';
import * as diagnostics from '../../src/diagnostics/index.js';

const md = readFileSync(new URL('../../docs/long-term-dependencies.md', import.meta.url), 'utf8');
const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/long-term-dependencies.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    expect(blocks.length).toBeGreaterThan(5);
    const body = blocks.join('\n').split('\n').filter((l) => !l.startsWith('import ')).map((line) => {
      const m = /^console\.log\((.*)\); \/\/ → (.*)$/.exec(line);
      return m ? `__check(${m[1]}, ${JSON.stringify(m[2])});` : line;
    }).join('\n');
    const checks: [string, string][] = [];
    const check = (v: unknown, expected: string) => checks.push([JSON.stringify(v), expected]);
    const { Generator, data, nn, optim, randn, train, zeros } = rnnkit;
    new Function('Generator', 'data', 'diagnostics', 'nn', 'optim', 'randn', 'train', 'zeros', '__check', body)(Generator, data, diagnostics, nn, optim, randn, train, zeros, check);
    expect(checks.length).toBeGreaterThan(12);
    expect(checks.map(([g]) => g)).toEqual(checks.map(([, w]) => w));
  });
});
