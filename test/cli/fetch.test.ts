// `rnnkit fetch fred` against a local HTTP server serving a saved FRED response (CI is offline),
// and a clear one-line error with exit code 2 when nothing answers.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers.js';

const ROOT = join(FIXTURES, '..', '..');
const SAVED = readFileSync(join(FIXTURES, 'fred/GS10.csv'), 'utf8');

// async spawn: the server lives in this process, so the CLI must not block the event loop
function rnnkit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: Server;
let port = 0;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id');
    if (id === 'GS10') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(SAVED);
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('rnnkit fetch fred', () => {
  it('downloads the series to a CSV that the reader accepts', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rnnkit-fetch-')), 'GS10.csv');
    const r = await rnnkit(['fetch', 'fred', 'GS10', '--out', out, '--base-url', `http://127.0.0.1:${port}/graph/fredgraph.csv`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out} (${SAVED.trim().split('\n').length - 1} rows)\n`);
    expect(readFileSync(out, 'utf8')).toBe(SAVED);
    expect(requests.at(-1)).toBe('/graph/fredgraph.csv?id=GS10');
  });

  it('an unknown series is a one-line error, exit code 2', async () => {
    const r = await rnnkit(['fetch', 'fred', 'NOPE', '--base-url', `http://127.0.0.1:${port}/graph/fredgraph.csv`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot download FRED series NOPE: HTTP 404/);
  });

  it('no server (offline) is a one-line error, exit code 2', async () => {
    const r = await rnnkit(['fetch', 'fred', 'GS10', '--base-url', 'http://127.0.0.1:9/x.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot download FRED series GS10/);
  });
});
