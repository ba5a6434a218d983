// CSV records from text that arrives in pieces, tokenized by papaparse's Parser (RFC 4180: quoted
// fields with "" escapes, commas and line breaks inside quotes) and held to RFC 4180 strictly:
//
// - a quote may open a field only at its start (spaces before it are allowed when the quoted text
//   holds no comma or line break); text after the closing quote other than spaces (`"1"2`,
//   `"1" "2"`) is an error naming the row and column, never glued on;
// - a quoted field never closed is an error naming the line where it opened;
// - one line ending per file (CRLF, LF or CR), detected from the first line break; a BOM is
//   dropped; blank lines are no records.
//
// Rows are the file's line numbers as an editor shows them (a record spanning lines counts from its
// first line). Browser-safe: the caller feeds strings (a Node file reader is in src/io/csv-stream.ts).
// Memory: the pending text is at most one chunk plus one unfinished record.
import Papa from 'papaparse';
import { UserError } from '../errors.js';

/** A problem with input data (a CSV file, a download): one line, naming the file, row and column. */
export class DataError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

export interface CsvRecord {
  /** The line the record starts on (1-based). */
  row: number;
  fields: string[];
}

const ESCAPES = new Map([['\r', '\\r'], ['\n', '\\n'], ['\t', '\\t']]);

/** A cell or name for a one-line message: line breaks (U+2028 too) and control characters escaped, long text cut short. */
export function show(text: string): string {
  const one = text.replace(/[\x00-\x1f\x7f\x85\u2028\u2029]/g, (c) => ESCAPES.get(c) ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return one.length <= 60 ? one : `${one.slice(0, 40)}… (${text.length} characters)`;
}

interface PapaStep {
  data: string[][];
  errors: { code: string; index: number }[];
  meta: { cursor: number };
}

/** Line breaks in s[a, b): CRLF, LF and a lone CR each count once. */
function countBreaks(s: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      if (s.charCodeAt(i + 1) !== 10 || i + 1 >= b) n++;
    }
  }
  return n;
}

/**
 * Push text in, get records out: `push(chunk)` returns the records completed so far, `end()` the
 * last one. The first record is the header; `header` (its trimmed names) names columns in errors.
 */
export class CsvRecordReader {
  private buf = '';
  private started = false;
  private newline: '\n' | '\r\n' | '\r' | null = null;
  /** The line of buf[0]. */
  private line = 1;
  private header: string[] | null = null;
  private ended = false;

  constructor(readonly source: string) {}

  push(chunk: string): CsvRecord[] {
    if (this.ended) throw new Error('CsvRecordReader: push after end');
    if (!this.started) {
      if (chunk === '') return [];
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.buf += chunk;
    return this.run(false);
  }

  end(): CsvRecord[] {
    if (this.ended) return [];
    this.ended = true;
    return this.run(true);
  }

  private fail(msg: string): never {
    throw new DataError(`${this.source}: ${msg}`);
  }

  private column(j: number): string {
    const name = this.header?.[j];
    return name ? `column "${show(name)}"` : `column ${j + 1}`;
  }

  private run(last: boolean): CsvRecord[] {
    const s = this.buf;
    if (this.newline === null) {
      const i = s.search(/[\r\n]/);
      if (i < 0 || (s[i] === '\r' && i === s.length - 1 && !last)) {
        if (!last) return [];
        this.newline = '\n';
      } else this.newline = s[i] === '\n' ? '\n' : s[i + 1] === '\n' ? '\r\n' : '\r';
    }
    const out: CsvRecord[] = [];
    let prev = 0;
    let line = this.line;
    let nextQuote = s.indexOf('"');
    const parser = new Papa.Parser({
      delimiter: ',', newline: this.newline, quoteChar: '"',
      step: (res) => {
        const r = res as unknown as PapaStep;
        const end = r.meta.cursor;
        const start = prev;
        prev = end;
        if (nextQuote >= 0 && nextQuote < start) nextQuote = s.indexOf('"', start);
        const quoted = nextQuote >= 0 && nextQuote < end;
        const fields = r.data[0]!;
        if (quoted) this.checkQuotes(s, start, end, line);
        const missing = r.errors.find((e) => e.code === 'MissingQuotes');
        if (missing) this.fail(`row ${line + countBreaks(s, start, missing.index)}: a quoted field is never closed (missing ")`);
        if (r.errors.length > 0) this.fail(`row ${line}: a quoted field does not close before a comma or the end of its line (is the line ending mixed? one kind per file: CRLF, LF or CR)`);
        const row = line;
        line += quoted ? countBreaks(s, start, end) : end > start && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13) ? 1 : 0;
        // a blank line is no record (a trailing newline, an empty line between blocks)
        if (fields.length === 1 && !quoted && fields[0]!.trim() === '') return;
        if (this.header === null) this.header = fields.map((h) => h.trim());
        out.push({ row, fields: quoted ? fields.map(unquoteSpaced) : fields });
      },
    });
    parser.parse(s, 0, !last);
    if (last) {
      this.buf = '';
    } else {
      // the unfinished record is parsed again with the next chunk (its errors too)
      this.buf = s.slice(prev);
      this.line = line;
    }
    return out;
  }

  /**
   * RFC 4180 quotes in the record s[start, end): each quoted field closes before a comma, the line
   * end or spaces; papaparse would glue text after the closing quote onto the field.
   */
  private checkQuotes(s: string, start: number, end: number, line: number): void {
    let col = 0;
    let i = start;
    let lineAt = line;
    while (i < end) {
      const fieldStart = i;
      let j = i;
      while (j < end && (s[j] === ' ' || s[j] === '\t')) j++;
      if (s[j] === '"') {
        // a quoted field: find its closing quote ("" is an escaped quote)
        let k = j + 1;
        for (;;) {
          k = s.indexOf('"', k);
          if (k < 0 || k >= end) return; // unterminated: papaparse reports it at the end
          if (s[k + 1] === '"') { k += 2; continue; }
          break;
        }
        lineAt += countBreaks(s, j, k);
        let m = k + 1;
        while (m < end && (s[m] === ' ' || s[m] === '\t')) m++;
        const c = s[m];
        if (m < end && c !== ',' && c !== '\r' && c !== '\n') {
          let stop = m;
          while (stop < end && s[stop] !== ',' && s[stop] !== '\r' && s[stop] !== '\n') stop++;
          this.fail(`row ${lineAt}, ${this.column(col)}: text after the closing quote in ${show(s.slice(fieldStart, stop).trim())} (inside quotes, write a quote as "")`);
        }
        if (j > fieldStart) {
          // papaparse splits a quoted field that has spaces before it at its commas and line breaks
          const inner = s.slice(j + 1, k);
          if (/[,\r\n]/.test(inner)) this.fail(`row ${lineAt}, ${this.column(col)}: a quoted field holding a comma or line break must start with its quote (no spaces before it): ${show(s.slice(fieldStart, k + 1))}`);
        }
        if (m >= end || c === '\r' || c === '\n') return;
        i = m + 1;
      } else {
        while (j < end && s[j] !== ',' && s[j] !== '\r' && s[j] !== '\n') j++;
        i = j + 1;
        if (s[j] === '\r' || s[j] === '\n') break;
      }
      col++;
    }
  }
}

/** ` "x" ` (a quoted field with spaces before its quote, which papaparse leaves as text) → `x`. */
function unquoteSpaced(f: string): string {
  const m = /^[ \t]+"((?:[^"]|"")*)"[ \t]*$/.exec(f);
  return m ? m[1]!.replace(/""/g, '"') : f;
}

/** Records of a whole text (the header first). */
export function csvRecords(text: string, source: string): CsvRecord[] {
  const r = new CsvRecordReader(source);
  const out = r.push(text);
  for (const rec of r.end()) out.push(rec);
  return out;
}

/** Records of text arriving in chunks (any iterable of strings), one at a time. */
export function* csvRecordStream(chunks: Iterable<string>, source: string): Generator<CsvRecord> {
  const r = new CsvRecordReader(source);
  for (const c of chunks) yield* r.push(c);
  yield* r.end();
}
