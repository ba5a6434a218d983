// Node-only file helpers for safetensors. The format code itself is in ./safetensors.ts, which
// stays free of `node:` imports so it also runs in browsers.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';

import {
  parseSafetensors,
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

/** Read a safetensors file. Every error (I/O or format) is a SafetensorsError naming `path`. */
export function loadSafetensors(path: string): {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
} {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SafetensorsError(`cannot read ${path}: ${reason(err)}`, { cause: err });
  }
  return parseSafetensors(bytes, path);
}
