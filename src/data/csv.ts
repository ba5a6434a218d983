// CSV reader for time series: FRED's download format (`DATE,GS10` or `observation_date,GS10`,
// '.' for a missing value) and any CSV with a date column and one or more numeric columns.
// Browser-safe: it takes the file's text; reading the file is the caller's job (the CLI's). The
// records come from csv-records.ts (papaparse, held to RFC 4180 strictly); a file too large for
// memory is read row by row with csv-stream.ts.
//
// Row numbers in messages are the file's line numbers, as a spreadsheet or editor shows them: the
// header is row 1, the first data row is row 2 (a quoted field spanning lines counts from its
// first line).
//
// A value cell is a decimal number (optional sign, digits, point, exponent) read exactly as
// `Number(cell.trim())` reads it, or a missing marker; a number that overflows to ±Infinity
// (1e999) is an error, not a value. Column names are user text, so the columns live in a
// prototype-free object: a column named `__proto__` or `constructor` is a column like any other.
//
// Dates are compared as instants: a date-time with an offset (Z, +05:00, +0530, +05) is moved to
// UTC; a date or date-time without one is read as UTC. Days are proleptic Gregorian (year 0050 is
// year 50), and fractional seconds count to the last digit written.

import { daysFromCivil, daysInMonth } from './dates.js';
import { csvRecords, DataError, show, type CsvRecord } from './csv-records.js';

export { DataError };

export type FillMode = 'ffill' | 'interpolate' | 'drop';

export interface ParseSeriesCsvOptions {
  /** The file name (or URL) the text came from, for error messages. Default 'CSV'. */
  source?: string;
  /** Value columns to read, in this order. Default: every column except the date column. */
  columns?: string[];
  /** The column to forecast; one of `columns`. Default: the first of `columns`. */
  target?: string;
  /**
   * How to repair missing cells ('.', empty, NA, N/A, #N/A, NaN, null). Without it, a missing
   * value is an error naming the first rows that have one.
   * - 'ffill': the last value before it (a missing first value is an error);
   * - 'interpolate': linear in the row position between the nearest values on each side, like
   *   pandas' `interpolate()` (a missing first or last value is an error);
   * - 'drop': drops every row with a missing cell in any selected column.
   */
  fill?: FillMode;
}

export interface SeriesTable {
  /** The date cells as written in the file, ascending. */
  dates: string[];
  /**
   * The selected value columns, in the order selected, each as long as `dates`. A prototype-free
   * object (`Object.create(null)`): look columns up with `columns[name]` or `Object.hasOwn`, not `in`.
   */
  columns: Record<string, number[]>;
  target: string;
  /** The name of the date column that was detected. */
  dateColumn: string;
}

const DATE_NAMES = new Set(['date', 'dates', 'datetime', 'time', 'timestamp', 'observation_date', 'period', 'month', 'year', 'day', 'ds']);
export const MISSING = new Set(['.', '', 'na', 'n/a', '#n/a', 'nan', 'null', 'none']);
// No backtracking blow-up on a long run of digits: after \d+ only '.', 'e' or the end can follow.
export const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
export const FILL_MODES: readonly FillMode[] = ['ffill', 'interpolate', 'drop'];
export const SHOW_ROWS = 5;

/** Parses a time-series CSV into dates and numeric columns; every problem is a one-line `DataError`. */
export function parseSeriesCsv(text: string, opts: ParseSeriesCsvOptions = {}): SeriesTable {
  const src = opts.source ?? 'CSV';
  const fail = (msg: string): never => {
    throw new DataError(`${src}: ${msg}`);
  };
  if (opts.fill !== undefined && !FILL_MODES.includes(opts.fill)) {
    fail(`unknown fill "${show(String(opts.fill))}"; expected ffill, interpolate or drop`);
  }

  const records = csvRecords(text, src);
  if (records.length === 0) fail('empty file (no header, no data)');
  const rows = records.slice(1);
  const head = checkHeader(records[0]!, fail);
  if (rows.length === 0) fail(`header only, no data rows (header: ${head.list})`);
  const { header, seen } = head;
  for (const r of rows) checkFieldCount(r, head, fail);

  // The date column: a conventional name, else the first column whose cells all parse as dates.
  const byName = namedDateColumn(header) >= 0;
  const dateCol = byName ? namedDateColumn(header) : header.findIndex((_, j) => rows.every((r) => parseDate(r.fields[j]!.trim(), false) !== null));
  const { dateName, selected, target } = selectColumns(head, dateCol, opts, fail);

  // Dates: strictly increasing (no duplicates), all in one form (all calendar dates or all numbers).
  const dates = rows.map((r) => r.fields[dateCol]!.trim());
  const keys = parseDateColumn(dates, rows, dateName, byName, fail);
  for (let i = 1; i < keys.length; i++) {
    const order = compareKeys(keys[i]!, keys[i - 1]!);
    const at = `row ${rows[i]!.row}, column "${show(dateName)}"`;
    if (order === 0) fail(`${at}: duplicate date ${show(dates[i]!)} (also on row ${rows[i - 1]!.row})`);
    if (order < 0) fail(`${at}: date ${show(dates[i]!)} comes after ${show(dates[i - 1]!)} on row ${rows[i - 1]!.row}; dates must be in increasing order`);
  }

  // Values: numbers, or missing (NaN until filled).
  const columns: Record<string, number[]> = Object.create(null);
  const missing: { i: number; col: string }[] = [];
  for (const name of selected) {
    const j = seen.get(name)!;
    const out = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const cell = rows[i]!.fields[j]!.trim();
      if (MISSING.has(cell.toLowerCase())) {
        out[i] = NaN;
        missing.push({ i, col: name });
      } else if (!NUMBER.test(cell)) {
        fail(`row ${rows[i]!.row}, column "${show(name)}": "${show(cell)}" is not a number`);
      } else {
        out[i] = Number(cell);
        if (!Number.isFinite(out[i]!)) fail(`row ${rows[i]!.row}, column "${show(name)}": "${show(cell)}" is too large for a number (beyond ±1.8e308, it would be ${out[i]})`);
      }
    }
    columns[name] = out;
  }
  if (missing.length === 0) return { dates, columns, target, dateColumn: dateName };

  if (opts.fill === undefined) {
    missing.sort((a, b) => a.i - b.i);
    const shown = missing.slice(0, SHOW_ROWS).map((m) => `row ${rows[m.i]!.row} (${show(m.col)})`).join(', ');
    const more = missing.length > SHOW_ROWS ? ` and ${missing.length - SHOW_ROWS} more` : '';
    fail(`${missing.length} missing value${missing.length === 1 ? '' : 's'}: ${shown}${more}; set fill to ffill, interpolate or drop (--fill on the command line)`);
  }
  if (opts.fill === 'drop') {
    const keep = rows.map((_, i) => selected.every((c) => !Number.isNaN(columns[c]![i]!)));
    const kept = keep.filter(Boolean).length;
    if (kept === 0) fail(`every row has a missing value in ${selected.map(show).join(', ')}; nothing is left after fill 'drop'`);
    const out: Record<string, number[]> = Object.create(null);
    for (const c of selected) out[c] = columns[c]!.filter((_, i) => keep[i]);
    return { dates: dates.filter((_, i) => keep[i]), columns: out, target, dateColumn: dateName };
  }
  for (const c of selected) {
    const bad = opts.fill === 'ffill' ? forwardFill(columns[c]!) : interpolate(columns[c]!);
    if (bad !== null) {
      fail(`row ${rows[bad.i]!.row}, column "${show(c)}": missing value at the ${bad.edge} of the series cannot be ${opts.fill === 'ffill' ? 'forward-filled' : 'interpolated'}; use fill 'drop'`);
    }
  }
  return { dates, columns, target, dateColumn: dateName };
}

/** The header's trimmed names: none empty, none twice. */
export interface CsvHeader {
  header: string[];
  seen: Map<string, number>;
  /** The names for messages: "a, b, c". */
  list: string;
}

export function checkHeader(rec: CsvRecord, fail: (m: string) => never): CsvHeader {
  const header = rec.fields.map((h) => h.trim());
  const seen = new Map<string, number>();
  header.forEach((h, j) => {
    if (h === '') fail(`row ${rec.row}: column ${j + 1} has an empty name in the header`);
    if (seen.has(h)) fail(`row ${rec.row}: column "${show(h)}" appears twice in the header (columns ${seen.get(h)! + 1} and ${j + 1})`);
    seen.set(h, j);
  });
  return { header, seen, list: header.map(show).join(', ') };
}

export function checkFieldCount(r: CsvRecord, h: CsvHeader, fail: (m: string) => never): void {
  if (r.fields.length !== h.header.length) {
    fail(`row ${r.row} has ${r.fields.length} field${r.fields.length === 1 ? '' : 's'} but the header has ${h.header.length} (${h.list})`);
  }
}

/** The first column named like a date (date, DATE, observation_date, time, …), else −1. */
export function namedDateColumn(header: readonly string[]): number {
  return header.findIndex((h) => DATE_NAMES.has(h.toLowerCase()));
}

/** The value columns to read and the target, checked against the header; dateCol −1 is an error. */
export function selectColumns(h: CsvHeader, dateCol: number, opts: ParseSeriesCsvOptions, fail: (m: string) => never): { dateName: string; selected: string[]; target: string } {
  const { header, seen } = h;
  if (dateCol < 0) fail(`no date column: none is named date/DATE/observation_date/time/… and no column holds dates in every row (header: ${h.list})`);
  const dateName = header[dateCol]!;
  const valueNames = header.filter((_, j) => j !== dateCol);
  if (valueNames.length === 0) fail(`no value columns besides the date column "${show(dateName)}"`);
  const available = valueNames.map(show).join(', ');
  const selected = opts.columns ?? valueNames;
  if (selected.length === 0) fail('option columns is empty; name at least one column');
  for (const c of selected) {
    if (c === dateName) fail(`column "${show(c)}" is the date column; available value columns: ${available}`);
    if (!seen.has(c)) fail(`no column "${show(c)}"; available: ${available}`);
  }
  if (new Set(selected).size !== selected.length) fail(`option columns names a column twice (${selected.map(show).join(', ')})`);
  const target = opts.target ?? selected[0]!;
  if (!selected.includes(target)) {
    fail(seen.has(target) && target !== dateName
      ? `target "${show(target)}" is not among the selected columns (${selected.map(show).join(', ')})`
      : `no column "${show(target)}" (target); available: ${available}`);
  }
  return { dateName, selected, target };
}

/** A date's place in time: whole seconds as UTC milliseconds, then the fractional digits (trailing zeros dropped). */
export interface DateKey {
  ms: number;
  frac: string;
}

export function compareKeys(a: DateKey, b: DateKey): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  // same-length digit strings compare as numbers
  const n = Math.max(a.frac.length, b.frac.length);
  const fa = a.frac.padEnd(n, '0'), fb = b.frac.padEnd(n, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/**
 * Sort keys for the date column. Calendar dates (YYYY-MM-DD, YYYY-MM, YYYY/MM/DD, optional time
 * and offset; a bare YYYY only in a column named like a date) become instants; a column named like
 * a date may instead hold plain numbers (a time index), used as they are.
 */
function parseDateColumn(dates: string[], rows: CsvRecord[], name: string, byName: boolean, fail: (m: string) => never): DateKey[] {
  const asDates = dates.map((d) => parseDate(d, byName));
  if (asDates.every((k) => k !== null)) return asDates as DateKey[];
  if (byName && dates.every((d) => NUMBER.test(d))) {
    // Rounding to the nearest double never reverses an order; it can only make two indices equal,
    // which is then reported as a duplicate.
    return dates.map((d, i) => {
      const v = Number(d);
      if (!Number.isFinite(v)) fail(`row ${rows[i]!.row}, column "${show(name)}": time index "${show(d)}" is too large for a number (beyond ±1.8e308)`);
      return { ms: v, frac: '' };
    });
  }
  const i = asDates.findIndex((k) => k === null);
  return fail(`row ${rows[i]!.row}, column "${show(name)}": "${show(dates[i]!)}" is not a date (expected YYYY-MM-DD)`);
}

const DATE_RE = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?)?)?)?$/;

export function parseDate(s: string, allowYear: boolean): DateKey | null {
  const m = DATE_RE.exec(s);
  if (m === null) return null;
  if (m[2] === undefined && !allowYear) return null;
  const y = Number(m[1]), mo = m[2] === undefined ? 1 : Number(m[2]), d = m[3] === undefined ? 1 : Number(m[3]);
  const h = Number(m[4] ?? 0), mi = Number(m[5] ?? 0), sec = Number(m[6] ?? 0);
  const oh = Number(m[10] ?? 0), om = Number(m[11] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59) return null;
  const offset = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return { ms: seconds * 1000, frac: (m[7] ?? '').replace(/0+$/, '') };
}

/** Fills NaNs with the previous value in place; returns the first unfillable position (a leading NaN). */
function forwardFill(v: number[]): { i: number; edge: string } | null {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isNaN(v[i]!)) continue;
    if (i === 0) return { i, edge: 'start' };
    v[i] = v[i - 1]!;
  }
  return null;
}

/** Linear interpolation in the row position, in place; a NaN with no value on one side is unfillable. */
function interpolate(v: number[]): { i: number; edge: string } | null {
  let prev = -1;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) continue;
    if (i - prev > 1) {
      if (prev < 0) return { i: 0, edge: 'start' };
      const a = v[prev]!, b = v[i]!, span = i - prev;
      for (let k = prev + 1; k < i; k++) v[k] = a + ((b - a) * (k - prev)) / span;
    }
    prev = i;
  }
  if (prev < v.length - 1) return { i: prev < 0 ? 0 : prev + 1, edge: prev < 0 ? 'start' : 'end' };
  return null;
}
