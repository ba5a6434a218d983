// fetchFredCsv against a local HTTP server on 127.0.0.1 serving saved FRED responses: no network.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, parseSeriesCsv } from '../../src/data/csv.js';
import { fetchFredCsv, FRED_CSV_URL } from '../../src/data/fred.js';
import { FIXTURES } from '../helpers.js';

const saved = readFileSync(join(FIXTURES, 'fred', 'GS10.csv'), 'utf8');
let server: Server;
let base = '';
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(req.url ?? '');
    const id = url.searchParams.get('id');
    if (url.pathname === '/graph/fredgraph.csv' && id === 'GS10') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(saved);
    } else if (url.pathname === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html>\n<html><body>Error</body></html>');
    } else if (url.pathname === '/other') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('observation_date,DGS10\n2020-01-02,1.88\n');
    } else if (url.pathname === '/header-only') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('observation_date,GS10\n');
    } else if (url.pathname === '/slow') {
      setTimeout(() => res.end(saved), 2000).unref();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Series does not exist.');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    const msg = (e as Error).message;
    expect(msg, 'one line').not.toMatch(/\n/);
    return msg;
  }
  throw new Error('expected a DataError');
}

describe('fetchFredCsv', () => {
  it('downloads the saved response byte for byte, asking for id=SERIES, and it parses', async () => {
    const text = await fetchFredCsv('GS10', { baseUrl: `${base}/graph/fredgraph.csv` });
    expect(text).toBe(saved);
    expect(requests.at(-1)).toBe('/graph/fredgraph.csv?id=GS10');
    const t = parseSeriesCsv(text, { source: 'GS10' });
    expect(t.columns.GS10).toEqual([2.86, 2.84, 2.87, 2.98, 2.91, 2.89, 2.89, 3, 3.15, 3.12, 2.83, 2.71]);
  });

  it("defaults to FRED's graph CSV endpoint", async () => {
    expect(FRED_CSV_URL).toBe('https://fred.stlouisfed.org/graph/fredgraph.csv');
    let asked = '';
    const fake = (async (url: string | URL | Request) => {
      asked = String(url);
      return new Response('DATE,GS10\n2018-02-01,2.86\n', { status: 200 });
    }) as typeof fetch;
    await expect(fetchFredCsv('GS10', { fetch: fake })).resolves.toBe('DATE,GS10\n2018-02-01,2.86\n');
    expect(asked).toBe('https://fred.stlouisfed.org/graph/fredgraph.csv?id=GS10');
  });

  it('HTTP 404 is a one-line DataError with the status and URL', async () => {
    const url = `${base}/graph/fredgraph.csv?id=NOPE`;
    expect(await errorOf(fetchFredCsv('NOPE', { baseUrl: `${base}/graph/fredgraph.csv` }))).toBe(
      `cannot download FRED series NOPE: HTTP 404 Not Found from ${url}`,
    );
  });

  it('an unreachable port is a one-line DataError saying the connection was refused', async () => {
    // Bind a port, then close it, so nothing listens there.
    const tmp = createServer();
    await new Promise<void>((resolve) => tmp.listen(0, '127.0.0.1', resolve));
    const port = (tmp.address() as AddressInfo).port;
    await new Promise<void>((resolve) => tmp.close(() => resolve()));
    const msg = await errorOf(fetchFredCsv('GS10', { baseUrl: `http://127.0.0.1:${port}/fredgraph.csv` }));
    expect(msg).toMatch(/^cannot download FRED series GS10: .*ECONNREFUSED.*\(nothing listens there\)/);
    expect(msg).toContain(`(http://127.0.0.1:${port}/fredgraph.csv?id=GS10)`);
  });

  it('offline (DNS failure) is a one-line DataError', async () => {
    const offline = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND fred.stlouisfed.org'), { code: 'ENOTFOUND' }) });
    }) as typeof fetch;
    expect(await errorOf(fetchFredCsv('GS10', { fetch: offline }))).toBe(
      'cannot download FRED series GS10: getaddrinfo ENOTFOUND fred.stlouisfed.org (offline, or the host name does not resolve) (https://fred.stlouisfed.org/graph/fredgraph.csv?id=GS10)',
    );
  });

  it('a slow server times out', async () => {
    expect(await errorOf(fetchFredCsv('GS10', { baseUrl: `${base}/slow`, timeoutMs: 100 }))).toBe(
      `cannot download FRED series GS10: no answer within 100 ms (${base}/slow?id=GS10)`,
    );
  });

  it('rejects a response that is not a CSV for that series', async () => {
    expect(await errorOf(fetchFredCsv('GS10', { baseUrl: `${base}/html` }))).toBe(
      `cannot download FRED series GS10: the response from ${base}/html?id=GS10 is an HTML page, not a CSV (is "GS10" a FRED series id?)`,
    );
    expect(await errorOf(fetchFredCsv('GS10', { baseUrl: `${base}/other` }))).toBe(
      `cannot download FRED series GS10: the response from ${base}/other?id=GS10 is not a CSV for GS10 (header "observation_date,DGS10")`,
    );
    expect(await errorOf(fetchFredCsv('GS10', { baseUrl: `${base}/header-only` }))).toBe(
      `cannot download FRED series GS10: the CSV from ${base}/header-only?id=GS10 has a header but no observations`,
    );
  });

  it('rejects a bad series id and a bad baseUrl before any request', async () => {
    const n = requests.length;
    expect(await errorOf(fetchFredCsv('GS10&x=1', { baseUrl: base }))).toBe(
      'cannot download FRED series GS10&x=1: a series id is letters, digits, "_", "." or "-" (like GS10 or DGS10)',
    );
    expect(await errorOf(fetchFredCsv('GS10', { baseUrl: 'not a url' }))).toBe('cannot download FRED series GS10: option baseUrl "not a url" is not a URL');
    expect(requests.length).toBe(n);
  });
});
