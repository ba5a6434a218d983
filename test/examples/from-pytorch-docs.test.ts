// Runs the ```ts examples of docs/from-pytorch.md in order, in one scope, and checks every
// `console.log(x); // → y` line. The blocks are TypeScript (field declarations, `!`, type
// annotations), so esbuild strips the types before they run; import lines are dropped and the
// scope provides rnnkit's Node entry.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/node.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runTsDocExamples(docPath: string, scope: Record<string, unknown>): [got: string, want: string][] {
  const md = readFileSync(docPath, 'utf8');
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const ts = blocks.join('\n').split('\n').filter((l) => !l.startsWith('import ')).map((line) => {
    const m = /^console\.log\((.*)\); \/\/ → (.*)$/.exec(line);
    return m ? `__check([${m[1]}], ${JSON.stringify(m[2])});` : line;
  }).join('\n');
  const { code } = transformSync(ts, { loader: 'ts', target: 'es2022' });
  const checks: [string, string][] = [];
  const check = (v: unknown[], want: string) => checks.push([JSON.stringify(v.length === 1 ? v[0] : v), want]);
  const names = Object.keys(scope);
  new Function(...names, '__check', code)(...names.map((k) => scope[k]), check);
  return checks;
}

describe('docs/from-pytorch.md examples', () => {
  it('run, in order, and print what the comments say', () => {
    const checks = runTsDocExamples(join(ROOT, 'docs', 'from-pytorch.md'), { ...rnnkit });
    expect(checks.length).toBeGreaterThan(20);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
