import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, parseSeriesCsv, type ParseSeriesCsvOptions } from '../../src/data/csv.js';
import { gs10 } from '../../src/data/datasets.js';
import { FIXTURES } from '../helpers.js';

const fred = (name: string) => readFileSync(join(FIXTURES, 'fred', name), 'utf8');

/** The DataError message thrown by parsing `text` (fails if it parses). */
function errorOf(text: string, opts: ParseSeriesCsvOptions = {}): string {
  try {
    parseSeriesCsv(text, { source: 'f.csv', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    const msg = (e as Error).message;
    expect(msg, 'one line').not.toMatch(/\n/);
    return msg;
  }
  throw new Error('expected a DataError');
}

describe('parseSeriesCsv: good files', () => {
  it("reads FRED's current format (observation_date,GS10) with the bundled values", () => {
    const t = parseSeriesCsv(fred('GS10.csv'), { source: 'GS10.csv' });
    const g = gs10();
    expect(t.dateColumn).toBe('observation_date');
    expect(t.target).toBe('GS10');
    expect(Object.keys(t.columns)).toEqual(['GS10']);
    expect(t.dates).toEqual(g.dates.slice(0, 12));
    expect(t.columns.GS10).toEqual(g.values.slice(0, 12));
  });

  it("reads FRED's legacy DATE header with CRLF and '.' for missing (with a fill)", () => {
    const t = parseSeriesCsv(fred('GS10_legacy_missing.csv'), { fill: 'interpolate' });
    expect(t.dateColumn).toBe('DATE');
    expect(t.dates).toEqual(['2018-02-01', '2018-03-01', '2018-04-01']);
    expect(t.columns.GS10![1]).toBeCloseTo((2.86 + 2.87) / 2, 12);
  });

  it('handles a BOM, quoted fields (commas, "" escapes, line breaks), CRLF and no trailing newline', () => {
    const text = '\uFEFF"date","a, the first","b"\r\n"2020-01-01","1.5","-2"\r\n2020-01-02,"2e1",+3.25';
    const t = parseSeriesCsv(text);
    expect(t.dates).toEqual(['2020-01-01', '2020-01-02']);
    expect(t.columns).toEqual({ 'a, the first': [1.5, 20], b: [-2, 3.25] });
    expect(t.target).toBe('a, the first');
    const multiline = 'date,"note\nsecond line",x\n2020-01-01,"say ""hi""",1\n';
    expect(parseSeriesCsv(multiline, { columns: ['x'] }).columns).toEqual({ x: [1] });
  });

  it('skips blank lines and a trailing newline', () => {
    const t = parseSeriesCsv('date,x\n\n2020-01,1\n2020-02,2\n\n\n');
    expect(t.columns.x).toEqual([1, 2]);
  });

  it('detects an unnamed date column by its cells, in any position', () => {
    const t = parseSeriesCsv('v,when\n1,2021-03-01\n2,2021-04-01\n');
    expect(t.dateColumn).toBe('when');
    expect(t.dates).toEqual(['2021-03-01', '2021-04-01']);
    expect(t.columns).toEqual({ v: [1, 2] });
  });

  it('accepts a numeric time index in a column named time, and date-times', () => {
    expect(parseSeriesCsv('time,y\n1,5\n2,6\n10,7\n').columns.y).toEqual([5, 6, 7]);
    const t = parseSeriesCsv('timestamp,y\n2020-01-01T10:00:00Z,1\n2020-01-01 11:30,2\n');
    expect(t.columns.y).toEqual([1, 2]);
  });

  it('selects several columns in the given order, with a target among them', () => {
    const text = 'DATE,a,b,c\n2020-01-01,1,2,3\n2020-02-01,4,5,6\n';
    const t = parseSeriesCsv(text, { columns: ['c', 'a'], target: 'a' });
    expect(Object.keys(t.columns)).toEqual(['c', 'a']);
    expect(t.columns).toEqual({ c: [3, 6], a: [1, 4] });
    expect(t.target).toBe('a');
    expect(parseSeriesCsv(text).target).toBe('a');
    expect(parseSeriesCsv(text, { target: 'b' }).target).toBe('b');
  });

  it('does not parse unselected columns (a text column is fine when not chosen)', () => {
    const t = parseSeriesCsv('date,note,y\n2020-01-01,holiday,1\n2020-01-02,,2\n', { columns: ['y'] });
    expect(t.columns).toEqual({ y: [1, 2] });
  });
});

describe('parseSeriesCsv: fill modes', () => {
  const text = 'date,x,y\n2020-01,1,10\n2020-02,.,11\n2020-03,,NA\n2020-04,7,13\n2020-05,9,.\n2020-06,10,15\n';

  it("ffill carries the last value forward", () => {
    const t = parseSeriesCsv(text, { fill: 'ffill' });
    expect(t.columns.x).toEqual([1, 1, 1, 7, 9, 10]);
    expect(t.columns.y).toEqual([10, 11, 11, 13, 13, 15]);
    expect(t.dates).toHaveLength(6);
  });

  it('interpolate is linear in the row position between the neighbours', () => {
    const t = parseSeriesCsv(text, { fill: 'interpolate' });
    expect(t.columns.x![1]).toBeCloseTo(3, 14);
    expect(t.columns.x![2]).toBeCloseTo(5, 14);
    expect(t.columns.x).toHaveLength(6);
    expect([t.columns.x![0], t.columns.x![3], t.columns.x![4], t.columns.x![5]]).toEqual([1, 7, 9, 10]);
    expect(t.columns.y![2]).toBeCloseTo(12, 14);
    expect(t.columns.y![4]).toBeCloseTo(14, 14);
  });

  it('drop removes every row with a missing selected cell, dates included', () => {
    const t = parseSeriesCsv(text, { fill: 'drop' });
    expect(t.dates).toEqual(['2020-01', '2020-04', '2020-06']);
    expect(t.columns).toEqual({ x: [1, 7, 10], y: [10, 13, 15] });
    // only the selected columns decide
    const onlyY = parseSeriesCsv(text, { fill: 'drop', columns: ['y'] });
    expect(onlyY.dates).toEqual(['2020-01', '2020-02', '2020-04', '2020-06']);
    expect(onlyY.columns.y).toEqual([10, 11, 13, 15]);
  });

  it('a missing first value cannot be forward-filled or interpolated; a missing last cannot be interpolated', () => {
    const lead = 'date,x\n2020-01,.\n2020-02,2\n';
    expect(errorOf(lead, { fill: 'ffill' })).toBe(`f.csv: row 2, column "x": missing value at the start of the series cannot be forward-filled; use fill 'drop'`);
    expect(errorOf(lead, { fill: 'interpolate' })).toBe(`f.csv: row 2, column "x": missing value at the start of the series cannot be interpolated; use fill 'drop'`);
    const trail = 'date,x\n2020-01,1\n2020-02,2\n2020-03,.\n';
    expect(errorOf(trail, { fill: 'interpolate' })).toBe(`f.csv: row 4, column "x": missing value at the end of the series cannot be interpolated; use fill 'drop'`);
    expect(parseSeriesCsv(trail, { fill: 'ffill' }).columns.x).toEqual([1, 2, 2]);
  });
});

describe('parseSeriesCsv: bad files, one line each', () => {
  it('missing values without fill name the first rows', () => {
    const text = 'DATE,GS10\n' + Array.from({ length: 10 }, (_, i) => `2020-${String(i + 1).padStart(2, '0')}-01,${i % 2 ? '.' : '1.5'}`).join('\n');
    expect(errorOf(text)).toBe(
      'f.csv: 5 missing values: row 3 (GS10), row 5 (GS10), row 7 (GS10), row 9 (GS10), row 11 (GS10); set fill to ffill, interpolate or drop (--fill on the command line)',
    );
    const seven = 'date,a,b\n2020-01,.,.\n2020-02,.,.\n2020-03,.,.\n2020-04,.,1\n';
    expect(errorOf(seven)).toBe(
      'f.csv: 7 missing values: row 2 (a), row 2 (b), row 3 (a), row 3 (b), row 4 (a) and 2 more; set fill to ffill, interpolate or drop (--fill on the command line)',
    );
  });

  it('a non-numeric cell names row, column and value', () => {
    expect(errorOf('date,x\n2020-01,1\n2020-02,abc\n')).toBe('f.csv: row 3, column "x": "abc" is not a number');
    expect(errorOf('date,x\n2020-01,"1,5"\n')).toBe('f.csv: row 2, column "x": "1,5" is not a number');
    expect(errorOf('date,x\n2020-01,Infinity\n')).toBe('f.csv: row 2, column "x": "Infinity" is not a number');
  });

  it('empty file and header only', () => {
    expect(errorOf('')).toBe('f.csv: empty file (no header, no data)');
    expect(errorOf('\uFEFF\r\n\n')).toBe('f.csv: empty file (no header, no data)');
    expect(errorOf('DATE,GS10\n')).toBe('f.csv: header only, no data rows (header: DATE, GS10)');
  });

  it('no such column lists the available ones', () => {
    const text = 'DATE,a,b\n2020-01-01,1,2\n';
    expect(errorOf(text, { columns: ['c'] })).toBe('f.csv: no column "c"; available: a, b');
    expect(errorOf(text, { target: 'zz' })).toBe('f.csv: no column "zz" (target); available: a, b');
    expect(errorOf(text, { columns: ['a'], target: 'b' })).toBe('f.csv: target "b" is not among the selected columns (a)');
    expect(errorOf(text, { columns: ['DATE'] })).toBe('f.csv: column "DATE" is the date column; available value columns: a, b');
    expect(errorOf(text, { columns: [] })).toBe('f.csv: option columns is empty; name at least one column');
  });

  it('unsorted and duplicate dates name both rows', () => {
    expect(errorOf('date,x\n2020-01-01,1\n2020-03-01,2\n2020-02-01,3\n')).toBe(
      'f.csv: row 4, column "date": date 2020-02-01 comes after 2020-03-01 on row 3; dates must be in increasing order',
    );
    expect(errorOf('date,x\n2020-01-01,1\n2020-01-01,2\n')).toBe('f.csv: row 3, column "date": duplicate date 2020-01-01 (also on row 2)');
    // same instant written two ways is a duplicate too
    expect(errorOf('date,x\n2020-01,1\n2020-01-01,2\n')).toBe('f.csv: row 3, column "date": duplicate date 2020-01-01 (also on row 2)');
  });

  it('ragged rows', () => {
    expect(errorOf('date,x\n2020-01,1\n2020-02,2,3\n')).toBe('f.csv: row 3 has 3 fields but the header has 2 (date, x)');
    expect(errorOf('date,x,y\n2020-01,1\n')).toBe('f.csv: row 2 has 2 fields but the header has 3 (date, x, y)');
  });

  it('bad dates, no date column, no value column, header problems, unclosed quote, bad fill', () => {
    expect(errorOf('date,x\n2020-01,1\n2020-02-30,2\n')).toBe('f.csv: row 3, column "date": "2020-02-30" is not a date (expected YYYY-MM-DD)');
    expect(errorOf('a,b\n1,2\n')).toBe('f.csv: no date column: none is named date/DATE/observation_date/time/… and no column holds dates in every row (header: a, b)');
    expect(errorOf('date\n2020-01-01\n')).toBe('f.csv: no value columns besides the date column "date"');
    expect(errorOf('date,x,x\n2020-01-01,1,2\n')).toBe('f.csv: row 1: column "x" appears twice in the header (columns 2 and 3)');
    expect(errorOf('date,,x\n2020-01-01,1,2\n')).toBe('f.csv: row 1: column 2 has an empty name in the header');
    expect(errorOf('date,x\n2020-01-01,"1\n')).toBe('f.csv: row 2: a quoted field is never closed (missing ")');
    expect(errorOf('date,x\n2020-01-01,1\n', { fill: 'zero' as never })).toBe('f.csv: unknown fill "zero"; expected ffill, interpolate or drop');
  });

  it('row numbers follow file lines across blank lines and multi-line quoted fields', () => {
    expect(errorOf('date,x\n\n2020-01,1\n2020-02,bad\n')).toBe('f.csv: row 4, column "x": "bad" is not a number');
    expect(errorOf('date,n,x\n2020-01,"a\nb",1\n2020-02,c,bad\n', { columns: ['x'] })).toBe('f.csv: row 4, column "x": "bad" is not a number');
  });

  it("defaults the source to 'CSV'", () => {
    expect(() => parseSeriesCsv('')).toThrow(/^CSV: empty file/);
  });
});
