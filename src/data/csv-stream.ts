// A time-series CSV read row by row, for files too large to hold: the same rules and the same
// one-line errors as `parseSeriesCsv` (csv.ts), checked as the rows go by, so memory does not grow
// with the file. Browser-safe: it takes text in chunks (src/io/csv-stream.ts reads a file in Node).
//
// Where the whole-text reader and this one differ, it is because a row cannot look ahead:
// - the first problem in file order is reported (the whole-text reader checks every date before
//   any value, and column by column);
// - without a column named like a date, the date column is the first whose first cell is a date (the
//   whole-text reader asks every row); a named date column holds calendar dates or a numeric time
//   index, decided by its first cell;
// - without --fill, rows with a missing value come through as NaN and the error (the same text: the
//   count and the first five rows) is thrown when the stream ends; 'interpolate' holds the rows of
//   one gap until the value after it arrives.
import { csvRecordStream, CsvRecordReader, DataError, show, type CsvRecord } from './csv-records.js';
import {
  checkFieldCount, checkHeader, compareKeys, FILL_MODES, MISSING, namedDateColumn, NUMBER, parseDate, selectColumns, SHOW_ROWS,
  type CsvHeader, type DateKey, type ParseSeriesCsvOptions,
} from './csv.js';

/** One validated row: its line in the file, the date cell, and the selected columns' values in order. */
export interface SeriesRow {
  row: number;
  date: string;
  /** Values of `columns`, in that order (NaN only without fill, and then the stream ends in an error). */
  values: number[];
}

export interface SeriesStreamInfo {
  dateColumn: string;
  /** The selected value columns, in order. */
  columns: string[];
  target: string;
}

/** Push text, get validated rows: `push(chunk)` → rows completed so far; `end()` → the rest (and the deferred errors). */
export class SeriesRowReader {
  readonly source: string;
  private readonly records: CsvRecordReader;
  private readonly opts: ParseSeriesCsvOptions;
  private head: CsvHeader | null = null;
  private picks: number[] = [];
  private dateCol = -1;
  private byName = false;
  private numericIndex = false;
  /** Set once the header and first data row are read. */
  info: SeriesStreamInfo | null = null;
  private prevKey: DateKey | null = null;
  private prevDate = '';
  private prevRow = 0;
  private dataRows = 0;
  private missing: { row: number; col: string }[] = [];
  private missingCount = 0;
  private last: number[] | null = null;
  /** interpolate: rows of a gap waiting for the value after it. */
  private pending: SeriesRow[] = [];
  private firstRow: CsvRecord | null = null;

  constructor(opts: ParseSeriesCsvOptions = {}) {
    this.source = opts.source ?? 'CSV';
    this.opts = opts;
    if (opts.fill !== undefined && !FILL_MODES.includes(opts.fill)) this.fail(`unknown fill "${show(String(opts.fill))}"; expected ffill, interpolate or drop`);
    this.records = new CsvRecordReader(this.source);
  }

  private fail(msg: string): never {
    throw new DataError(`${this.source}: ${msg}`);
  }

  push(chunk: string): SeriesRow[] {
    const out: SeriesRow[] = [];
    for (const r of this.records.push(chunk)) this.take(r, out);
    return out;
  }

  end(): SeriesRow[] {
    const out: SeriesRow[] = [];
    for (const r of this.records.end()) this.take(r, out);
    const fail = (m: string) => this.fail(m);
    if (this.head === null) fail('empty file (no header, no data)');
    if (this.dataRows === 0) fail(`header only, no data rows (header: ${this.head!.list})`);
    if (this.opts.fill === undefined && this.missingCount > 0) {
      const shown = this.missing.map((m) => `row ${m.row} (${show(m.col)})`).join(', ');
      const more = this.missingCount > SHOW_ROWS ? ` and ${this.missingCount - SHOW_ROWS} more` : '';
      fail(`${this.missingCount} missing value${this.missingCount === 1 ? '' : 's'}: ${shown}${more}; set fill to ffill, interpolate or drop (--fill on the command line)`);
    }
    if (this.opts.fill === 'interpolate' && this.pending.length > 0) {
      // the first column (in the selected order) whose last values are missing, from the row after its last value
      const P = this.pending;
      this.info!.columns.forEach((name, c) => {
        if (!Number.isNaN(P[P.length - 1]!.values[c]!)) return;
        let q = P.length - 1;
        while (q > 0 && Number.isNaN(P[q - 1]!.values[c]!)) q--;
        fail(`row ${P[q]!.row}, column "${show(name)}": missing value at the end of the series cannot be interpolated; use fill 'drop'`);
      });
    }
    if (this.opts.fill === 'drop' && this.kept === 0) fail(`every row has a missing value in ${this.info!.columns.map(show).join(', ')}; nothing is left after fill 'drop'`);
    return out;
  }

  private kept = 0;

  private take(r: CsvRecord, out: SeriesRow[]): void {
    const fail = (m: string) => this.fail(m);
    if (this.head === null) {
      this.head = checkHeader(r, fail);
      return;
    }
    const head = this.head;
    checkFieldCount(r, head, fail);
    this.dataRows++;
    if (this.info === null) {
      // the first data row settles the date column and its form
      const named = namedDateColumn(head.header);
      this.byName = named >= 0;
      this.dateCol = this.byName ? named : head.header.findIndex((_, j) => parseDate(r.fields[j]!.trim(), false) !== null);
      const { dateName, selected, target } = selectColumns(head, this.dateCol, this.opts, fail);
      this.picks = selected.map((c) => head.seen.get(c)!);
      this.info = { dateColumn: dateName, columns: selected, target };
      const d = r.fields[this.dateCol]!.trim();
      this.numericIndex = this.byName && parseDate(d, true) === null && NUMBER.test(d);
      this.firstRow = r;
    }
    const info = this.info;
    const date = r.fields[this.dateCol]!.trim();
    const at = `row ${r.row}, column "${show(info.dateColumn)}"`;
    let key: DateKey | null;
    if (this.numericIndex) {
      if (!NUMBER.test(date)) fail(`${at}: "${show(date)}" is not a date (expected YYYY-MM-DD)`);
      const v = Number(date);
      if (!Number.isFinite(v)) fail(`${at}: time index "${show(date)}" is too large for a number (beyond ±1.8e308)`);
      key = { ms: v, frac: '' };
    } else {
      key = parseDate(date, this.byName);
      if (key === null) fail(`${at}: "${show(date)}" is not a date (expected YYYY-MM-DD)`);
    }
    if (this.prevKey !== null) {
      const order = compareKeys(key!, this.prevKey);
      if (order === 0) fail(`${at}: duplicate date ${show(date)} (also on row ${this.prevRow})`);
      if (order < 0) fail(`${at}: date ${show(date)} comes after ${show(this.prevDate)} on row ${this.prevRow}; dates must be in increasing order`);
    }
    this.prevKey = key;
    this.prevDate = date;
    this.prevRow = r.row;

    const values = new Array<number>(this.picks.length);
    let anyMissing = false;
    for (let c = 0; c < this.picks.length; c++) {
      const cell = r.fields[this.picks[c]!]!.trim();
      const name = info.columns[c]!;
      if (MISSING.has(cell.toLowerCase())) {
        values[c] = NaN;
        anyMissing = true;
        this.missingCount++;
        if (this.missing.length < SHOW_ROWS) this.missing.push({ row: r.row, col: name });
      } else if (!NUMBER.test(cell)) {
        fail(`row ${r.row}, column "${show(name)}": "${show(cell)}" is not a number`);
      } else {
        const v = Number(cell);
        if (!Number.isFinite(v)) fail(`row ${r.row}, column "${show(name)}": "${show(cell)}" is too large for a number (beyond ±1.8e308, it would be ${v})`);
        values[c] = v;
      }
    }
    const row: SeriesRow = { row: r.row, date, values };
    const fill = this.opts.fill;
    if (!anyMissing || fill === undefined) {
      if (fill === 'interpolate' && this.pending.length > 0) this.flushGap(row, out);
      this.last = values;
      this.kept++;
      out.push(row);
      return;
    }
    if (fill === 'drop') return;
    if (fill === 'ffill') {
      if (this.last === null) {
        const c = values.findIndex((v) => Number.isNaN(v));
        fail(`row ${r.row}, column "${show(info.columns[c]!)}": missing value at the start of the series cannot be forward-filled; use fill 'drop'`);
      }
      for (let c = 0; c < values.length; c++) if (Number.isNaN(values[c]!)) values[c] = this.last![c]!;
      this.last = values;
      this.kept++;
      out.push(row);
      return;
    }
    // interpolate: a row with a gap waits for the next complete row
    if (this.last === null) {
      const c = values.findIndex((v) => Number.isNaN(v));
      fail(`row ${r.row}, column "${show(info.columns[c]!)}": missing value at the start of the series cannot be interpolated; use fill 'drop'`);
    }
    this.pending.push(row);
  }

  /** Linear in the row position between the last complete row and `next`, column by column, as pandas' interpolate(). */
  private flushGap(next: SeriesRow, out: SeriesRow[]): void {
    const span = this.pending.length + 1;
    for (let k = 0; k < this.pending.length; k++) {
      const v = this.pending[k]!.values;
      for (let c = 0; c < v.length; c++) {
        if (!Number.isNaN(v[c]!)) continue;
        // the nearest values on each side in this column: scan back through the gap, then the last complete row
        let left = -1, a = this.last![c]!;
        for (let q = k - 1; q >= 0; q--) if (!Number.isNaN(this.pending[q]!.values[c]!) && !this.filled(q, c)) { left = q; a = this.pending[q]!.values[c]!; break; }
        let right = this.pending.length, b = next.values[c]!;
        for (let q = k + 1; q < this.pending.length; q++) if (!Number.isNaN(this.pending[q]!.values[c]!)) { right = q; b = this.pending[q]!.values[c]!; break; }
        const gap = right - left;
        v[c] = a + ((b - a) * (k - left)) / gap;
        this.markFilled(k, c);
      }
    }
    for (const p of this.pending) {
      this.kept++;
      out.push(p);
    }
    this.pending = [];
    this.filledCells.clear();
  }

  private filledCells = new Set<string>();
  private filled(q: number, c: number): boolean {
    return this.filledCells.has(`${q}:${c}`);
  }
  private markFilled(q: number, c: number): void {
    this.filledCells.add(`${q}:${c}`);
  }
}

/** Validated rows of a CSV arriving in chunks (any iterable of strings). `onInfo` is called once the columns are known. */
export function* seriesRows(chunks: Iterable<string>, opts: ParseSeriesCsvOptions = {}): Generator<SeriesRow, SeriesStreamInfo> {
  const r = new SeriesRowReader(opts);
  for (const c of chunks) yield* r.push(c);
  yield* r.end();
  return r.info!;
}

export { csvRecordStream };
