// Downloads a FRED series as CSV text (https://fred.stlouisfed.org, Federal Reserve Bank of St.
// Louis) through the global `fetch`, so it runs in Node ≥ 18 and in browsers. The text goes to
// `parseSeriesCsv`; saving it is the caller's job.
import { DataError } from './csv.js';

export interface FetchFredOptions {
  /** The graph CSV endpoint; the series goes in its `id` query parameter. */
  baseUrl?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Abort the request (and the body download) after this many milliseconds. Default 30000. */
  timeoutMs?: number;
}

export const FRED_CSV_URL = 'https://fred.stlouisfed.org/graph/fredgraph.csv';

const SERIES_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The CSV text of FRED series `series` (`DATE,GS10` or `observation_date,GS10` header, '.' for a
 * missing value). Fails with a one-line `DataError` "cannot download FRED series X: …" when offline,
 * on a DNS or HTTP error, on a timeout, or when the response is not a CSV for that series.
 */
export async function fetchFredCsv(series: string, opts: FetchFredOptions = {}): Promise<string> {
  const fail = (why: string): never => {
    throw new DataError(`cannot download FRED series ${series}: ${oneLine(why)}`);
  };
  if (!SERIES_ID.test(series)) fail('a series id is letters, digits, "_", "." or "-" (like GS10 or DGS10)');
  const timeoutMs = opts.timeoutMs ?? 30000;
  if (!(timeoutMs > 0)) fail(`option timeoutMs must be positive, got ${timeoutMs}`);
  const fetchFn = opts.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') fail('no fetch available in this environment (Node ≥ 18 or a browser is needed)');

  let url: URL;
  try {
    url = new URL(opts.baseUrl ?? FRED_CSV_URL);
  } catch {
    return fail(`option baseUrl "${opts.baseUrl}" is not a URL`);
  }
  url.searchParams.set('id', series);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let text: string;
  try {
    const res = await fetchFn(url.toString(), { signal: controller.signal, headers: { accept: 'text/csv' } });
    if (!res.ok) fail(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${url}`);
    text = await res.text();
  } catch (e) {
    if (e instanceof DataError) throw e;
    return fail(`${timedOut ? `no answer within ${timeoutMs} ms` : describeFetchError(e)} (${url})`);
  } finally {
    clearTimeout(timer);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkFredCsv(text, series, url.toString(), fail);
  return text;
}

/** The response must look like FRED's CSV for this series: a date column, the series column, data rows. */
function checkFredCsv(text: string, series: string, url: string, fail: (why: string) => never): void {
  const head = text.trimStart();
  if (head === '') fail(`empty response from ${url}`);
  if (head.startsWith('<')) fail(`the response from ${url} is an HTML page, not a CSV (is "${series}" a FRED series id?)`);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  const dateOk = /^(date|observation_date)$/i.test(header[0] ?? '');
  const seriesOk = header.slice(1).some((h) => h.toUpperCase() === series.toUpperCase());
  if (!dateOk || !seriesOk) fail(`the response from ${url} is not a CSV for ${series} (header "${truncate(lines[0]!, 80)}")`);
  if (lines.length < 2) fail(`the CSV from ${url} has a header but no observations`);
}

// Node's fetch rejects with TypeError('fetch failed') and puts the reason (ECONNREFUSED,
// ENOTFOUND, …) in `cause`, sometimes as an AggregateError with an empty message.
function describeFetchError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string; errors?: { message?: string }[] } };
  const cause = err.cause;
  const code = cause?.code;
  let msg = cause?.message || cause?.errors?.[0]?.message || err.message || String(e);
  if (code !== undefined && !msg.includes(code)) msg = `${code}: ${msg}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') msg += ' (offline, or the host name does not resolve)';
  else if (code === 'ECONNREFUSED') msg += ' (nothing listens there)';
  return msg;
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}
