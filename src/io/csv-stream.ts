// Node-only: a CSV file read in chunks (64 KiB by default: the rows of one chunk die young, in V8's
// nursery, where 1 MiB chunks pushed them into the old generation and the heap grew to 200 MB) and decoded as UTF-8 as it goes, for
// the streaming readers in src/data/csv-stream.ts. Memory: one chunk, whatever the file's size.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataError } from '../data/csv-records.js';
import { seriesRows, type SeriesRow, type SeriesStreamInfo } from '../data/csv-stream.js';
import type { ParseSeriesCsvOptions } from '../data/csv.js';

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message;
}

function openForReading(file: string, where: string): number {
  try {
    return openSync(file, 'r');
  } catch (e) {
    throw new DataError(`${where}: cannot read ${file}: ${reason(e)}`);
  }
}

/** The file's size in bytes; a one-line DataError when it cannot be read. */
export function fileSize(file: string, where = 'CSV'): number {
  const fd = openForReading(file, where);
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** The text of `file` in pieces; a NUL byte (a binary file) or invalid UTF-8 is a one-line error with its byte offset. */
export function* fileTextChunks(file: string, where = 'CSV', chunkBytes = 1 << 16): Generator<string> {
  const fd = openForReading(file, where);
  try {
    if (fstatSync(fd).isDirectory()) throw new DataError(`${where}: cannot read ${file}: is a directory`);
    const buf = Buffer.allocUnsafe(chunkBytes);
    const dec = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) break;
      const bytes = buf.subarray(0, n);
      const nul = bytes.indexOf(0);
      if (nul >= 0) throw new DataError(`${where}: ${file} looks binary (NUL byte at offset ${offset + nul}); expected UTF-8 text`);
      let text: string;
      try {
        text = dec.decode(bytes, { stream: true });
      } catch {
        throw new DataError(`${where}: ${file} is not valid UTF-8 (in the bytes ${offset}–${offset + n})`);
      }
      offset += n;
      if (text !== '') yield text;
    }
    let tail: string;
    try {
      tail = dec.decode();
    } catch {
      throw new DataError(`${where}: ${file} is not valid UTF-8 (it ends inside a character)`);
    }
    if (tail !== '') yield tail;
  } finally {
    closeSync(fd);
  }
}

/** Validated rows of a series CSV file, read in chunks; the generator's return value names the columns. */
export function seriesFileRows(file: string, opts: Omit<ParseSeriesCsvOptions, 'source'> & { where?: string } = {}): Generator<SeriesRow, SeriesStreamInfo> {
  return seriesRows(fileTextChunks(file, opts.where ?? '--data'), { ...opts, source: file });
}
