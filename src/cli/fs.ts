// Node file helpers for the CLI: every file is written atomically (temp file + rename); a report
// folder never overwrites files rnnkit did not write. Model directories: src/io/model-files.ts.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './errors.js';

/** Removes our own temporary file (never a directory); best effort, never masks the original error. */
function removeTmpFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing there to remove (or a parent is not a directory)
  }
}

function tmpName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes a file atomically: a temporary file in the same folder, then rename over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tmpName(path);
  try {
    writeFileSync(tmp, data, { flag: 'wx' }); // a fresh name: never over an existing file
    renameSync(tmp, path);
  } catch (e) {
    // anything but EEXIST means the temporary file, if there, is ours
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') removeTmpFile(tmp);
    throw new CliError(`cannot write ${path}: ${describe(e)}`);
  }
}

export interface OutputFileOptions {
  /** The option that named the path, for messages (e.g. '--out'). */
  option: string;
  /** Overwrite an existing regular file that rnnkit cannot recognise as its own. */
  force?: boolean;
  /** Recognises an existing file's text as rnnkit's own output (e.g. a vocabulary JSON with its marker). */
  isOurs?: (text: string) => boolean;
  /** Input files of the command: never overwritten, even with --force. */
  inputs?: string[];
}

/**
 * Writes one output file atomically, never over something rnnkit did not write: an existing
 * path that is not a regular file, or an input of the same command, is refused; an existing
 * regular file only if it is recognisably ours or `force` is set.
 */
export function writeOutputFile(path: string, data: string | Uint8Array, o: OutputFileOptions): void {
  checkOutputFile(path, o);
  writeFileAtomic(path, data);
}

/** The checks of `writeOutputFile`, to run before long work (a download, a training run). */
export function checkOutputFile(path: string, o: OutputFileOptions): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    st = null;
  }
  if (st !== null) {
    const target = resolve(path);
    if ((o.inputs ?? []).some((f) => resolve(f) === target)) throw new CliError(`${o.option} ${path}: refusing to overwrite an input file of this command`);
    if (!st.isFile()) throw new CliError(`${o.option} ${path}: refusing to write there, it is ${st.isDirectory() ? 'a directory' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}`);
    let ours = false;
    if (o.isOurs && st.size < 256 * 1024 * 1024) {
      try {
        ours = o.isOurs(readFileSync(path, 'utf8'));
      } catch {
        ours = false;
      }
    }
    if (!ours && !o.force) throw new CliError(`${o.option} ${path}: the file exists and rnnkit did not write it; refusing to overwrite it (add --force to replace it)`);
  }
}

/** The marker in results.json that makes a report folder rnnkit's. */
export const REPORT_FORMAT = 'rnnkit-report';

/**
 * Makes sure `dir` can take a report's `names` without overwriting anything rnnkit did not write:
 * it is created if absent; an existing file among `names` is refused unless the folder's
 * results.json carries rnnkit's report marker (an earlier report).
 */
export function checkReportDir(dir: string, names: string[], option: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    ensureDir(dir);
    return;
  }
  if (!st.isDirectory()) throw new CliError(`${option} ${dir}: refusing to write a report there, it is not a directory`);
  const clashes = names.filter((n) => existsSync(join(dir, n)));
  if (clashes.length === 0) return;
  let ours = false;
  try {
    const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { format?: unknown; files?: Record<string, unknown> };
    // reports from before the marker: results.json lists the files it wrote, itself among them
    ours = r.format === REPORT_FORMAT || (typeof r.files === 'object' && r.files !== null && Object.values(r.files).some((f) => typeof f === 'string' && f.endsWith('results.json')));
  } catch {
    ours = false;
  }
  if (!ours) throw new CliError(`${option} ${dir}: refusing to overwrite ${clashes.join(', ')} there, which rnnkit did not write (no rnnkit report marker in results.json); choose another --out`);
}

/** Creates `dir` (and parents) or fails with a one-line error. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create directory ${dir}: ${describe(e)}`);
  }
}

export function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a parent is not a directory';
    case 'EEXIST': return 'a file is in the way';
    case 'ENOSPC': return 'no space left on device';
    default: return err.message ?? String(e);
  }
}

/** Read a UTF-8 text file; empty, binary or non-UTF-8 input is a one-line CliError. */
export function readTextFile(file: string, where: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new CliError(`${where}: cannot read ${file}: ${describe(e)}`);
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) throw new CliError(`${where}: ${file} looks binary (NUL byte at offset ${nul}); expected UTF-8 text`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw new CliError(`${where}: ${file} is not valid UTF-8 (byte offset ${firstInvalidUtf8(buf)})`);
  }
  if (text.trim() === '') throw new CliError(`${where}: ${file} is empty`);
  return text;
}

function firstInvalidUtf8(buf: Buffer): number {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let lo = 0, hi = buf.length; // the longest valid prefix ends within a few bytes of the first bad byte
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      dec.decode(buf.subarray(0, mid), { stream: true });
      dec.decode(); // reset
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

