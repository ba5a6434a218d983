// Writes an exported ONNX file (Node only): temp file + rename, so a reader never sees half a model.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { ValueError } from '../errors.js';

export function saveOnnx(path: string, bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new ValueError(`saveOnnx: nothing to write to ${path} (expects the bytes exportModel returns)`);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  let created = false; // remove the temp file only if this call made it ('wx': never a file already there)
  try {
    writeFileSync(tmp, bytes, { flag: 'wx' });
    created = true;
    renameSync(tmp, path);
  } catch (e) {
    if (created) rmSync(tmp, { force: true });
    throw new ValueError(`saveOnnx: cannot write ${path}: ${(e as Error).message}`);
  }
}
