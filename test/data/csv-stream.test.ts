// The streaming CSV readers: any chunking gives the records and rows the whole-text reader gives,
// and a file with one problem gets the whole-text reader's message (row numbers included).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSeriesCsv, type ParseSeriesCsvOptions } from '../../src/data/csv.js';
import { csvRecords, csvRecordStream } from '../../src/data/csv-records.js';
import { seriesRows, type SeriesRow } from '../../src/data/csv-stream.js';
import { fileTextChunks, seriesFileRows } from '../../src/io/csv-stream.js';

function cut(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  let i = 0, k = 0;
  while (i < text.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

function streamed(text: string, opts: ParseSeriesCsvOptions, sizes = [3]): { dates: string[]; columns: Record<string, number[]>; rows: number[] } {
  const rows: SeriesRow[] = [...seriesRows(cut(text, sizes), { source: 'f.csv', ...opts })];
  const gen = seriesRows(cut(text, sizes), { source: 'f.csv', ...opts });
  let r = gen.next();
  while (!r.done) r = gen.next();
  const info = r.value;
  const columns: Record<string, number[]> = Object.create(null);
  info.columns.forEach((c, j) => (columns[c] = rows.map((row) => row.values[j]!)));
  return { dates: rows.map((x) => x.date), columns, rows: rows.map((x) => x.row) };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const ONE_PROBLEM: [string, ParseSeriesCsvOptions?][] = [
  ['date,x\n2020-01,"1"2\n'],
  ['date,x\n"2020-01"x,1\n'],
  ['"date"1,x\n2020-01,1\n'],
  ['date,x\n2020-01,"a\nb"c\n'],
  ['date,x\n2020-01,"1" "2"\n'],
  ['date,x\n2020-01,1\n2020-02,"2\n2020-03,3\n2020-04,4\n'],
  ['date,n,x\n2020-01,"a\nb",1\n2020-02,"c\nd","2\n', { columns: ['x'] }],
  ['date,x\r\n2020-01,1\r\n2020-02,"2\r\n'],
  ['date,x\n2020-01,1\n2020-02,1e999\n'],
  ['date,x\n2020-01,0x10\n'],
  ['date,x\n\n2020-01,1\n2020-02,bad\n'],
  ['date,n,x\n2020-01,"a\nb",1\n2020-02,c,bad\n', { columns: ['x'] }],
  ['date,x\n2020-01-01,1\n2020-03-01,2\n2020-02-01,3\n'],
  ['date,x\n2020-01-01,1\n2020-01-01,2\n'],
  ['date,x\n2020-01,1\n2020-02,2,3\n'],
  ['date,x,y\n2020-01,1\n'],
  ['date,x\n2020-01,1\n2020-02-30,2\n'],
  ['date\n2020-01-01\n'],
  ['date,x,x\n2020-01-01,1,2\n'],
  ['date,,x\n2020-01-01,1,2\n'],
  [''],
  ['\uFEFF\r\n\n'],
  ['DATE,GS10\n'],
  ['date,x\n2020-01,1\n2020-02,.\n'],
  ['date,x,y\n2020-01,1,.\n2020-02,.,2\n2020-03,3,4\n2020-04,.,5\n2020-05,6,.\n2020-06,7,.\n2020-07,.,8\n'],
  ['date,x\n2020-01,.\n2020-02,1\n', { fill: 'ffill' }],
  ['date,x\n2020-01,.\n2020-02,1\n', { fill: 'interpolate' }],
  ['date,x\n2020-01,1\n2020-02,.\n', { fill: 'interpolate' }],
  ['date,x,y\n2020-01,1,1\n2020-02,.,2\n2020-03,.,.\n', { fill: 'interpolate' }],
  ['date,x\n2020-01,.\n2020-02,.\n', { fill: 'drop' }],
  ['time,y\n2020-01-01T00:00:00Z,1\n2020-01-01T03:00:00+05:00,2\n'],
  ['time,y\n1,1\n1e999,2\n'],
  ['date,x\n2020-01,1\n', { columns: ['constructor'] }],
  ['date,x\n2020-01,1\n', { target: '__proto__' }],
  ['a,b\n1,2\n'],
];

describe('streaming CSV', () => {
  it('records: any chunking gives the whole-text records (quotes, CRLF, CR, blank lines, BOM)', () => {
    const cell = fc.oneof(fc.constantFrom('', ' ', '1', 'a b', '"q ""x"""', '"a,b"', '"l1\nl2"', '"l1\r\nl2"', '  "s"  ', '.'), fc.stringMatching(/^[a-z0-9. ]{0,5}$/));
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(table, fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), (rows, nl, bom, sizes) => {
      const text = (bom ? '\uFEFF' : '') + rows.map((r) => r.join(',')).join(nl) + nl;
      let whole: unknown, err: string | null = null;
      try {
        whole = csvRecords(text, 'f.csv');
      } catch (e) {
        err = (e as Error).message;
      }
      if (err !== null) expect(errorOf(() => [...csvRecordStream(cut(text, sizes), 'f.csv')])).toBe(err);
      else expect([...csvRecordStream(cut(text, sizes), 'f.csv')]).toEqual(whole);
    }), { numRuns: 400 });
  });

  it('rows: the same dates, values and line numbers as parseSeriesCsv, in every fill mode', () => {
    const text = 'date,a,"b, the second"\n2020-01,1,"2"\n\n2020-02,.,3\r\n2020-03,4,"5"\n2020-04,,6\n2020-05,.,.\n2020-06,9,10\n';
    for (const fill of ['ffill', 'interpolate', 'drop'] as const) {
      for (const sizes of [[1], [2, 7], [1000]]) {
        const s = streamed(text, { fill }, sizes);
        const w = parseSeriesCsv(text, { source: 'f.csv', fill });
        expect(s.dates).toEqual(w.dates);
        expect(s.columns).toEqual(w.columns);
      }
    }
    expect(streamed(text, { fill: 'ffill' }).rows).toEqual([2, 4, 5, 6, 7, 8]);
    // interpolate by row position across a gap where the columns' gaps differ
    expect(streamed('date,x,y\n2020-01,0,0\n2020-02,.,1\n2020-03,2,.\n2020-04,.,.\n2020-05,8,4\n', { fill: 'interpolate' }).columns)
      .toEqual({ x: [0, 1, 2, 5, 8], y: [0, 1, 2, 3, 4] });
  });

  it('a file with one problem gets the whole-text message', () => {
    for (const [text, opts] of ONE_PROBLEM) {
      const want = errorOf(() => parseSeriesCsv(text, { source: 'f.csv', ...opts }));
      for (const sizes of [[1], [5], [4096]]) expect(errorOf(() => [...seriesRows(cut(text, sizes), { source: 'f.csv', ...opts })]), JSON.stringify(text)).toBe(want);
    }
  });

  it('reads a file in chunks, with multi-byte characters split across them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-csv-stream-'));
    const file = join(dir, 's.csv');
    const text = '\uFEFFdate,"é ü ☃"\n' + Array.from({ length: 500 }, (_, i) => `${2000 + i}-01-01,${i}.5`).join('\n') + '\n';
    writeFileSync(file, text);
    expect([...fileTextChunks(file, '--data', 7)].join('')).toBe(text.slice(1));
    const rows = [...seriesFileRows(file)];
    expect(rows).toHaveLength(500);
    expect(rows[499]).toEqual({ row: 501, date: '2499-01-01', values: [499.5] });
    writeFileSync(file, Buffer.from([0x64, 0x61, 0x74, 0x65, 0x0a, 0x00]));
    expect(errorOf(() => [...seriesFileRows(file)])).toBe(`--data: ${file} looks binary (NUL byte at offset 5); expected UTF-8 text`);
    writeFileSync(file, Buffer.from([0x64, 0xff, 0x0a]));
    expect(errorOf(() => [...seriesFileRows(file)])).toBe(`--data: ${file} is not valid UTF-8 (in the bytes 0–3)`);
    expect(errorOf(() => [...seriesFileRows(join(dir, 'nope.csv'))])).toBe(`--data: cannot read ${join(dir, 'nope.csv')}: no such file`);
  });
});
