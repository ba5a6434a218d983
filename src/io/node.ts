// Node-only file helpers for safetensors. The format code itself is in ./safetensors.ts, which
// stays free of `node:` imports so it also runs in browsers.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';

import {
  decodeTensor,
  parseHeader,
  readHeaderLength,
  SafetensorsError,
  serializeSafetensors,
  type RawTensor,
  type TensorLike,
} from './safetensors.js';

/** A short, one-line reason for a file-system error. */
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'a parent path is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default: {
      const msg = err instanceof Error ? err.message : String(err);
      return msg.replace(/[\r\n]+/g, ' ');
    }
  }
}

/**
 * Write tensors to `path` in safetensors format, atomically: the bytes go to a temporary file
 * (`<path>.tmp-<pid>-<random>`, same directory) which is fsynced and then renamed over `path`.
 * If serialization or writing fails, `path` is left untouched and the temporary file removed.
 */
export function saveSafetensors(
  path: string,
  tensors: Record<string, TensorLike> | Map<string, TensorLike>,
  metadata?: Record<string, string>,
): void {
  const bytes = serializeSafetensors(tensors, metadata); // throws before any file is touched
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; keep the original error
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may never have been created
    }
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : reason(err);
    throw new SafetensorsError(`cannot write ${path}: ${why}`, { cause: err });
  }
}

/** Fill `buf` from `fd` at `position`; a short read means the file shrank while we read it. */
function readFully(fd: number, buf: Uint8Array, position: number, path: string): void {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) {
      throw new SafetensorsError(`${path}: the file ended at byte ${position + got}, before the ${position + buf.length} its size promised (changed while being read?)`);
    }
    got += n;
  }
}

/**
 * Read a safetensors file. Every error (I/O or format) is a SafetensorsError naming `path`.
 *
 * The file is read in steps so that a bad file costs next to nothing: the 8-byte header length
 * first (checked against the file size), then the header, which is validated whole against the
 * file size (dtypes, shapes, offsets tiling the data exactly); only then is each tensor read,
 * straight into its own buffer. A 1.5 GB file with a bad header is refused after reading a few
 * bytes. Dtypes map as parseSafetensors documents: F32 → float32, F64 → float64, F16/BF16 →
 * float32 (exact), I8/U8/I16/U16/I32/U32/BOOL → float64 (exact integers), I64/U64 → float64 when
 * |v| ≤ 2^53, else an error naming the tensor.
 */
export function loadSafetensors(path: string): {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
} {
  let fd: number;
  let size: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new SafetensorsError(`cannot read ${path}: ${reason(err)}`, { cause: err });
  }
  try {
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch (err) {
      throw new SafetensorsError(`cannot read ${path}: ${reason(err)}`, { cause: err });
    }
    const prefix = new Uint8Array(8);
    if (size >= 8) readFully(fd, prefix, 0, path);
    const headerLen = readHeaderLength(prefix, size, path);
    const headerBytes = new Uint8Array(headerLen);
    readFully(fd, headerBytes, 8, path);
    const base = 8 + headerLen;
    const { entries, metadata } = parseHeader(headerBytes, size - base, path);
    // Read in file order (sequential I/O), return in header order (like parseSafetensors).
    const decoded = new Map<string, RawTensor>();
    for (const e of [...entries].sort((x, y) => x.begin - y.begin)) {
      const bytes = new Uint8Array(e.end - e.begin); // ours alone, so F32/F64 may be a view of it
      readFully(fd, bytes, base + e.begin, path);
      decoded.set(e.name, decodeTensor(e, bytes, path, false));
    }
    const tensors = new Map<string, RawTensor>();
    for (const e of entries) tensors.set(e.name, decoded.get(e.name)!);
    return { tensors, metadata };
  } catch (err) {
    if (err instanceof SafetensorsError) throw err;
    throw new SafetensorsError(`cannot read ${path}: ${reason(err)}`, { cause: err });
  } finally {
    closeSync(fd);
  }
}
