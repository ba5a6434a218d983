// parseSeriesCsv never reports a false value: overflowing numbers, text glued after a closing
// quote and unclosed quotes are errors; dates with offsets compare as instants; years 0000–0099
// stay literal; columns named __proto__ or constructor keep their data.
import { describe, expect, it } from 'vitest';
import { DataError, parseSeriesCsv, type ParseSeriesCsvOptions } from '../../src/data/csv.js';
import { UserError } from '../../src/errors.js';

function errorOf(text: string, opts: ParseSeriesCsvOptions = {}): string {
  try {
    parseSeriesCsv(text, { source: 'f.csv', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg, 'one line').not.toMatch(/[\r\n\x85\u2028\u2029]/);
    return msg;
  }
  throw new Error('expected a DataError');
}

describe('parseSeriesCsv: numbers', () => {
  it('a cell that overflows is an error, like Infinity', () => {
    expect(errorOf('date,x\n2020-01,1\n2020-02,1e999\n')).toBe('f.csv: row 3, column "x": "1e999" is too large for a number (beyond ±1.8e308, it would be Infinity)');
    expect(errorOf('date,x\n2020-01,-1.8e308\n')).toBe('f.csv: row 2, column "x": "-1.8e308" is too large for a number (beyond ±1.8e308, it would be -Infinity)');
    expect(errorOf(`date,x\n2020-01,${'9'.repeat(400)}\n`)).toBe(
      `f.csv: row 2, column "x": "${'9'.repeat(40)}… (400 characters)" is too large for a number (beyond ±1.8e308, it would be Infinity)`,
    );
    expect(errorOf('date,x\n2020-01,Infinity\n')).toBe('f.csv: row 2, column "x": "Infinity" is not a number');
    expect(errorOf('date,x\n2020-01,0x10\n')).toBe('f.csv: row 2, column "x": "0x10" is not a number');
  });

  it('the largest doubles, subnormals, underflow to 0 and -0 read exactly as Number() reads them', () => {
    const cells = ['1.7976931348623157e308', '-1.7976931348623157e+308', '5e-324', '2.2250738585072014E-308', '1e-400', '-0', '+.5', '7.', ` ${'9'.repeat(300)} `, '0.1', '123456789012345678901234567890'];
    const t = parseSeriesCsv(`date,x\n${cells.map((c, i) => `${2000 + i},${c}`).join('\n')}\n`);
    t.columns.x!.forEach((v, i) => expect(Object.is(v, Number(cells[i]!.trim())), cells[i]).toBe(true));
    expect(Object.is(t.columns.x![5], -0)).toBe(true);
    expect(t.columns.x![4]).toBe(0);
  });

  it('missing markers (empty, ., NA, N/A, #N/A, NaN, null, none) stay missing values', () => {
    const t = parseSeriesCsv('date,x\n2020-01,1\n2020-02,\n2020-03,.\n2020-04,NA\n2020-05,n/a\n2020-06,#N/A\n2020-07,NaN\n2020-08,null\n2020-09,None\n2020-10," "\n2020-11,2\n', { fill: 'ffill' });
    expect(t.columns.x).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(errorOf('date,x\n2020-01,1\n2020-02,.\n')).toBe('f.csv: 1 missing value: row 3 (x); set fill to ffill, interpolate or drop (--fill on the command line)');
  });
});

describe('parseSeriesCsv: quotes', () => {
  it('text after a closing quote is an error, not glued on ("1"2 is not 12)', () => {
    expect(errorOf('date,x\n2020-01,"1"2\n')).toBe('f.csv: row 2, column "x": text after the closing quote in "1"2 (inside quotes, write a quote as "")');
    expect(errorOf('date,x\n"2020-01"x,1\n')).toBe('f.csv: row 2, column "date": text after the closing quote in "2020-01"x (inside quotes, write a quote as "")');
    expect(errorOf('"date"1,x\n2020-01,1\n')).toBe('f.csv: row 1, column 1: text after the closing quote in "date"1 (inside quotes, write a quote as "")');
    expect(errorOf('date,x\n2020-01,"a\nb"c\n')).toBe('f.csv: row 3, column "x": text after the closing quote in "a\\nb"c (inside quotes, write a quote as "")');
    expect(errorOf('date,x\n2020-01,"1" "2"\n')).toBe('f.csv: row 2, column "x": text after the closing quote in "1" "2" (inside quotes, write a quote as "")');
  });

  it('spaces around a quoted field and "" escapes are fine', () => {
    const t = parseSeriesCsv('date, "x" \n 2020-01 ,  "1.5"  \n"2020-02","2"\r\n');
    expect(t.columns).toEqual({ x: [1.5, 2] });
    expect(parseSeriesCsv('date,"a ""b"""\n2020-01,3\n').columns).toEqual({ 'a "b"': [3] });
  });

  it('an unclosed quote names the line where it opened', () => {
    expect(errorOf('date,x\n2020-01,1\n2020-02,"2\n2020-03,3\n2020-04,4\n')).toBe('f.csv: row 3: a quoted field is never closed (missing ")');
    // a record that started two lines earlier (a multi-line field before it)
    expect(errorOf('date,n,x\n2020-01,"a\nb",1\n2020-02,"c\nd","2\n', { columns: ['x'] })).toBe('f.csv: row 5: a quoted field is never closed (missing ")');
    expect(errorOf('date,x\r\n2020-01,1\r\n2020-02,"2\r\n')).toBe('f.csv: row 3: a quoted field is never closed (missing ")');
  });

  it('messages stay one line when a cell or name holds a line break', () => {
    expect(errorOf('date,x\n2020-01,"1\n2"\n')).toBe('f.csv: row 2, column "x": "1\\n2" is not a number');
    expect(errorOf('date,"a\nb"\n2020-01,z\n')).toBe('f.csv: row 3, column "a\\nb": "z" is not a number');
    // fast-check counterexample: U+2028 is a line break to many editors and terminals
    expect(errorOf('date,x,y\n2020-01-01,1,2\n2\u2028020-03-01,"4",5\n')).toBe('f.csv: row 3, column "date": "2\\u2028020-03-01" is not a date (expected YYYY-MM-DD)');
    expect(errorOf('date,x\n2020-01,\x001\x7f\n')).toBe('f.csv: row 2, column "x": "\\u00001\\u007f" is not a number');
  });
});

describe('parseSeriesCsv: dates', () => {
  it('date-times with offsets are ordered by their instant', () => {
    const t = parseSeriesCsv('time,y\n2020-01-01T00:00:00+05:00,1\n2020-01-01T00:00:00Z,2\n2020-01-01T00:00:00-05:00,3\n2020-01-01T07:00+0100,4\n2020-01-01T07:00:00.5+01,5\n');
    expect(t.columns.y).toEqual([1, 2, 3, 4, 5]);
    // 19:00 UTC, then 00:00 UTC: written as a later wall-clock time, it is the earlier instant
    expect(errorOf('time,y\n2020-01-01T00:00:00Z,1\n2020-01-01T03:00:00+05:00,2\n')).toBe(
      'f.csv: row 3, column "time": date 2020-01-01T03:00:00+05:00 comes after 2020-01-01T00:00:00Z on row 2; dates must be in increasing order',
    );
    expect(errorOf('time,y\n2020-01-01T05:00:00+05:00,1\n2020-01-01T00:00:00Z,2\n')).toBe('f.csv: row 3, column "time": duplicate date 2020-01-01T00:00:00Z (also on row 2)');
  });

  it('a date or date-time without an offset is read as UTC', () => {
    expect(errorOf('time,y\n2020-01-01 00:00,1\n2020-01-01T00:00:00Z,2\n')).toBe('f.csv: row 3, column "time": duplicate date 2020-01-01T00:00:00Z (also on row 2)');
    expect(parseSeriesCsv('time,y\n2020-01-01,1\n2020-01-01T00:00:01Z,2\n').dates).toHaveLength(2);
  });

  it('fractional seconds count to the last digit', () => {
    expect(parseSeriesCsv('time,y\n2020-01-01T00:00:00.1,1\n2020-01-01T00:00:00.1000001,2\n2020-01-01T00:00:00.12,3\n').columns.y).toEqual([1, 2, 3]);
    expect(errorOf('time,y\n2020-01-01T00:00:00.5,1\n2020-01-01T00:00:00.50,2\n')).toBe('f.csv: row 3, column "time": duplicate date 2020-01-01T00:00:00.50 (also on row 2)');
    expect(errorOf('time,y\n2020-01-01T00:00:00.123456789,1\n2020-01-01T00:00:00.123456788,2\n')).toMatch(/^f\.csv: row 3, column "time": date .* comes after/);
  });

  it('years 0000–0099 stay literal: 0099 comes before 1950', () => {
    const t = parseSeriesCsv('date,y\n0000-02-29,1\n0050-01-01,2\n0099-12-31,3\n1950-01-01,4\n');
    expect(t.dates).toEqual(['0000-02-29', '0050-01-01', '0099-12-31', '1950-01-01']);
    expect(errorOf('date,y\n1950-01-01,1\n0050-06-01,2\n')).toBe('f.csv: row 3, column "date": date 0050-06-01 comes after 1950-01-01 on row 2; dates must be in increasing order');
    expect(errorOf('date,y\n0001-02-29,1\n')).toBe('f.csv: row 2, column "date": "0001-02-29" is not a date (expected YYYY-MM-DD)');
    // Date.UTC would read 0070 as 1970 and call these duplicates
    expect(parseSeriesCsv('year,y\n0070,1\n1970,2\n').dates).toEqual(['0070', '1970']);
  });

  it('bad offsets are not dates', () => {
    expect(errorOf('time,y\n2020-01-01T00:00+24:00,1\n')).toBe('f.csv: row 2, column "time": "2020-01-01T00:00+24:00" is not a date (expected YYYY-MM-DD)');
  });

  it('a numeric time index must be finite', () => {
    expect(errorOf('time,y\n1,1\n1e999,2\n')).toBe('f.csv: row 3, column "time": time index "1e999" is too large for a number (beyond ±1.8e308)');
  });
});

describe('parseSeriesCsv: columns named like Object.prototype members', () => {
  it('__proto__, constructor, hasOwnProperty and toString keep their data', () => {
    const t = parseSeriesCsv('date,__proto__,constructor,hasOwnProperty,toString,x\n2020-01,1,2,3,4,5\n2020-02,6,7,8,9,10\n');
    expect(Object.keys(t.columns)).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'x']);
    expect(t.columns['__proto__']).toEqual([1, 6]);
    expect(t.columns['constructor']).toEqual([2, 7]);
    expect(t.columns['hasOwnProperty']).toEqual([3, 8]);
    expect(t.columns['toString']).toEqual([4, 9]);
    expect(t.columns.x).toEqual([5, 10]);
    expect(t.target).toBe('__proto__');
    expect(Object.getPrototypeOf(t.columns)).toBe(null);
  });

  it('selecting them, as target, with fill drop, round-trips their values', () => {
    const text = 'date,__proto__,x\n2020-01,1,.\n2020-02,2,3\n2020-03,.,4\n';
    const t = parseSeriesCsv(text, { columns: ['x', '__proto__'], target: '__proto__', fill: 'drop' });
    expect(t.dates).toEqual(['2020-02']);
    expect(Object.entries(t.columns)).toEqual([['x', [3]], ['__proto__', [2]]]);
    expect(t.target).toBe('__proto__');
    const f = parseSeriesCsv(text, { columns: ['__proto__'], fill: 'ffill' });
    expect(f.columns['__proto__']).toEqual([1, 2, 2]);
  });

  it('an unknown column named like a prototype member is still unknown', () => {
    expect(errorOf('date,x\n2020-01,1\n', { columns: ['constructor'] })).toBe('f.csv: no column "constructor"; available: x');
    expect(errorOf('date,x\n2020-01,1\n', { target: '__proto__' })).toBe('f.csv: no column "__proto__" (target); available: x');
  });
});
