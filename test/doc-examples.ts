// Runs the ```ts examples of a docs page in order, in one scope (as a reader pasting them in order
// would), and collects every `console.log(x); // → y` line as [JSON of x, y]. Several arguments
// are checked as one array. Import lines are dropped; `scope` provides what they import. With
// `stripTypes`, TypeScript annotations are removed first (esbuild), for pages with typed examples.
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function runDocExamples(docPath: string, scope: Record<string, unknown>, opts: { stripTypes?: boolean } = {}): { blocks: number; checks: [got: string, want: string][] } {
  const md = readFileSync(join(ROOT, docPath), 'utf8');
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const body = blocks.join('\n').split('\n').filter((l) => !l.startsWith('import ')).map((line) => {
    const m = /^console\.log\((.*)\); \/\/ → (.*)$/.exec(line);
    return m ? `__check([${m[1]}], ${JSON.stringify(m[2])});` : line;
  }).join('\n');
  const code = opts.stripTypes ? transformSync(body, { loader: 'ts', target: 'es2022' }).code : body;
  const checks: [string, string][] = [];
  const check = (v: unknown[], want: string) => checks.push([JSON.stringify(v.length === 1 ? v[0] : v), want]);
  // names that can be parameters (an export may be named with a reserved word, e.g. rnnkit.var)
  const names = Object.keys(scope).filter((k) => {
    try {
      new Function(k, '');
      return true;
    } catch {
      return false;
    }
  });
  new Function(...names, '__check', code)(...names.map((k) => scope[k]), check);
  return { blocks: blocks.length, checks };
}
