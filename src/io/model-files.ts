// Node-only: model directories on disk. Never destroys what rnnkit did not create, and replaces a
// model atomically.
//
// Writing DIR:
//  - DIR absent, or an empty directory: the files go into a sibling temporary directory
//    `.<name>.rnnkit-tmp-<pid>-<hex>` (marked by a `.rnnkit-tmp` file), which is then renamed onto
//    DIR in one step.
//  - DIR an rnnkit model directory (config.json with our format): the new weights go in under a
//    new name (weights-<id>.safetensors) beside the old ones; then config.json is replaced by
//    rename — the commit point; then the old model's files are removed. A reader sees the old
//    complete model or the new one, never a mixture and never an absent DIR.
//  - anything else (a file, a symlink, a device, a folder with other content and no marker) is
//    refused with one line and left untouched.
// Writing FILE.safetensors (a path ending in `.safetensors`): one file, the weights with config.json
// in the header's `__metadata__` (./model-bundle.ts), written to `.<name>.rnnkit-tmp-<pid>-<hex>`
// beside it and renamed onto it. An existing FILE is replaced only when it is one of ours (a
// safetensors file whose metadata carries the model marker and config); a user's file, another
// safetensors file, a directory or a symlink is refused with one line and left untouched.
// A killed save leaves only names that are ours: temporary folders beside DIR, marked by
// `.rnnkit-tmp` until they have become DIR (removed by the next save to DIR once their process is gone) or unreferenced weight and temp files inside DIR (removed by the
// next save into DIR). Only one writer per directory at a time is supported.
import { randomBytes } from 'node:crypto';
import {
  closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, rmdirSync, unlinkSync, writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ValueError } from '../errors.js';
import { checkMemory, formatBytes } from '../memory.js';
import { CONFIG_KEY, modelFromSafetensors, modelToSafetensors } from './model-bundle.js';
import {
  isModelConfig, type LoadModelOptions, MAX_CONFIG_BYTES, modelFromFiles, type ModelFiles, modelToFiles, referencedFiles, type SavedModel,
} from './model-dir.js';
import { parseHeader, readHeaderLength } from './safetensors.js';

const TMP_MARK = '.rnnkit-tmp';
const INNER_TMP = /^\.rnnkit-tmp-(\d+)-[0-9a-f]+-/;
const OUR_WEIGHTS = /^weights-[0-9a-f]{8,64}\.safetensors$/;

/** A short reason for a file-system error. */
function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'permission denied', ENOTDIR: 'a parent is not a directory',
    EISDIR: 'is a directory', ENOSPC: 'no space left on device', EROFS: 'read-only file system', ENOTEMPTY: 'the directory is not empty', EEXIST: 'it already exists',
  };
  return (code && reasons[code]) ?? ((e as Error)?.message ?? String(e)).split('\n')[0]!;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ValueError(`cannot inspect ${path}: ${why(e)}`);
  }
}

/** The parsed config.json of DIR when DIR is a real directory holding an rnnkit model; else null. */
function ourConfig(dir: string): unknown {
  const cfg = join(dir, 'config.json');
  const st = lstatOrNull(cfg);
  if (!st?.isFile() || st.size > MAX_CONFIG_BYTES) return null;
  try {
    const json: unknown = JSON.parse(readFileSync(cfg, 'utf8'));
    return isModelConfig(json) ? json : null;
  } catch {
    return null;
  }
}

export type SaveTarget = 'create' | 'replace';

/**
 * What saving to `dir` would do: 'create' (absent or an empty directory) or 'replace' (an rnnkit
 * model directory). Anything else is a ValueError naming the path, and nothing is touched. Call it
 * before a long training run, so a refusal comes first; `saveModel` checks again.
 */
export function checkModelTarget(dir: string, option = 'model directory'): SaveTarget {
  if (isModelFilePath(dir)) return checkModelFileTarget(dir, option);
  const path = resolve(dir);
  const st = lstatOrNull(path);
  if (st === null) {
    const parent = lstatOrNull(dirname(path));
    if (parent !== null && !parent.isDirectory()) throw new ValueError(`${option} ${dir}: ${dirname(path)} is not a directory`);
    return 'create';
  }
  const refuse = (what: string): never => {
    throw new ValueError(`${option} ${dir}: refusing to write there, it is ${what}; only an empty folder or an rnnkit model directory (config.json with "format": "rnnkit-model") is replaced. Choose another path, or move it away yourself`);
  };
  if (st.isSymbolicLink()) refuse('a symbolic link');
  if (st.isFile()) refuse('a file');
  if (!st.isDirectory()) refuse('not a regular file or directory (a device, socket or pipe)');
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch (e) {
    throw new ValueError(`${option} ${dir}: cannot list it: ${why(e)}`);
  }
  if (entries.length === 0) return 'create';
  if (ourConfig(path) === null) refuse(`a folder with other content (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}) and no rnnkit model in it`);
  return 'replace';
}

/** A save path that names one file (`*.safetensors`) rather than a model directory. */
export function isModelFilePath(path: string): boolean {
  return path.endsWith('.safetensors');
}

/**
 * True when `path` is a regular file in the one-file model format: a safetensors header whose
 * `__metadata__` has one of our format markers and a config.json with the model marker (what
 * modelFromSafetensors reads). Reads the header only.
 */
function isOurModelFile(path: string, size: number): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) !== 8) return false;
    const headerLen = readHeaderLength(prefix, size, path);
    const header = Buffer.alloc(headerLen);
    if (readSync(fd, header, 0, headerLen, 8) !== headerLen) return false;
    const { metadata } = parseHeader(header, size - 8 - headerLen, path);
    const config = Object.prototype.hasOwnProperty.call(metadata, CONFIG_KEY) ? metadata[CONFIG_KEY]! : null;
    // the metadata's format is ours ("rnnkit-model", or "rnnkit-lm" that a language model's weights carry) and so is the embedded config
    return isModelConfig({ format: metadata.format }) && config !== null && config.length <= MAX_CONFIG_BYTES && isModelConfig(JSON.parse(config));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** checkModelTarget for a one-file model: 'create' (absent) or 'replace' (an rnnkit model file). */
function checkModelFileTarget(file: string, option: string): SaveTarget {
  const path = resolve(file);
  const st = lstatOrNull(path);
  if (st === null) {
    const parent = lstatOrNull(dirname(path));
    if (parent !== null && !parent.isDirectory()) throw new ValueError(`${option} ${file}: ${dirname(path)} is not a directory`);
    return 'create';
  }
  const refuse = (what: string): never => {
    throw new ValueError(`${option} ${file}: refusing to write there, it is ${what}; only a model file rnnkit wrote (a .safetensors file with the rnnkit model marker in its metadata) is replaced. Choose another path, or move it away yourself`);
  };
  if (st.isSymbolicLink()) refuse('a symbolic link');
  if (st.isDirectory()) refuse('a directory');
  if (!st.isFile()) refuse('not a regular file (a device, socket or pipe)');
  if (!isOurModelFile(path, st.size)) refuse('a file that is not an rnnkit model file (no rnnkit model marker in its safetensors metadata)');
  return 'replace';
}

/** Removes `.<name>.rnnkit-tmp-<pid>-<hex>` files beside `file` left by killed saves of a one-file model. */
function removeStaleFileSiblings(file: string): void {
  const parent = dirname(file);
  const prefix = `.${basename(file)}.rnnkit-tmp-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]+$/.exec(n.slice(prefix.length));
    if (!m || pidAlive(Number(m[1]))) continue;
    const p = join(parent, n);
    if (lstatOrNull(p)?.isFile()) unlinkSync(p);
  }
}

/**
 * Writes a one-file model (./model-bundle.ts) to `file`: a temporary file beside it, then a rename
 * onto it. Refuses anything at `file` that is not an rnnkit model file (see checkModelFileTarget).
 */
function writeModelFile(file: string, bytes: Uint8Array, option: string): SaveTarget {
  const path = resolve(file);
  const target = checkModelFileTarget(file, option);
  const tmp = join(dirname(path), `.${basename(path)}.rnnkit-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleFileSiblings(path);
    try {
      writeDurably(tmp, bytes);
      renameSync(tmp, path); // onto an absent path or our own model file: atomic
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    fsyncDir(dirname(path));
    return target;
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError(`cannot write ${option} ${file}: ${why(e)}`);
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeDurably(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // not supported on every platform; the renames are still atomic
  }
}

/** Removes `.<name>.rnnkit-tmp-<pid>-<hex>` siblings of `dir` left by killed saves (ours by name and marker). */
function removeStaleSiblings(dir: string): void {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.rnnkit-tmp-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]+$/.exec(n.slice(prefix.length));
    if (!m || pidAlive(Number(m[1]))) continue;
    const p = join(parent, n);
    const st = lstatOrNull(p);
    if (!st?.isDirectory()) continue;
    const inside = readdirSync(p);
    if (inside.length === 0) rmdirSync(p);
    else if (inside.includes(TMP_MARK) || ourConfig(p) !== null) rmSync(p, { recursive: true, force: true });
  }
}

/** Inside an rnnkit model directory: temp files of dead saves and weight files no config refers to. */
function removeStaleInside(dir: string, keep: Set<string>): void {
  for (const n of readdirSync(dir)) {
    const m = INNER_TMP.exec(n);
    if ((m && !pidAlive(Number(m[1]))) || (OUR_WEIGHTS.test(n) && !keep.has(n)) || n === TMP_MARK) {
      const st = lstatOrNull(join(dir, n));
      if (st?.isFile()) unlinkSync(join(dir, n));
    }
  }
}

/**
 * Writes a model directory's files (config.json last) to `dir` as described at the top of this
 * file. Refuses any `dir` that is not absent, empty, or an rnnkit model directory.
 */
export function writeModelFiles(dir: string, files: ModelFiles, option = 'model directory'): SaveTarget {
  const config = files.get('config.json');
  if (config === undefined || !isModelConfig(JSON.parse(String(config)))) throw new ValueError('writeModelFiles: config.json with the rnnkit model marker must be among the files');
  const path = resolve(dir);
  const target = checkModelTarget(dir, option);
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    if (target === 'create') {
      mkdirSync(dirname(path), { recursive: true });
      removeStaleSiblings(path);
      const tmp = join(dirname(path), `.${basename(path)}.rnnkit-tmp-${tag}`);
      mkdirSync(tmp);
      try {
        writeDurably(join(tmp, TMP_MARK), `rnnkit temporary folder for ${path}; safe to delete\n`);
        for (const [name, data] of files) if (name !== 'config.json') writeDurably(join(tmp, name), data);
        writeDurably(join(tmp, 'config.json'), config);
        fsyncDir(tmp);
        renameSync(tmp, path); // onto an absent path or an empty directory: atomic
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      // the marker goes only after the rename: a folder left by a kill before it always carries it
      rmSync(join(path, TMP_MARK), { force: true });
      fsyncDir(dirname(path));
      return target;
    }
    removeStaleSiblings(path);
    const old = ourConfig(path);
    const oldFiles = new Set(referencedFiles(old));
    removeStaleInside(path, oldFiles);
    for (const [name, data] of files) {
      if (name === 'config.json') continue;
      if (oldFiles.has(name)) throw new ValueError(`${option} ${dir}: the new weights file name ${name} is in use; save again`);
      const tmp = join(path, `.rnnkit-tmp-${tag}-${name}`);
      writeDurably(tmp, data);
      renameSync(tmp, join(path, name));
    }
    const tmpConfig = join(path, `.rnnkit-tmp-${tag}-config.json`);
    writeDurably(tmpConfig, config);
    renameSync(tmpConfig, join(path, 'config.json')); // the commit point
    fsyncDir(path);
    for (const name of oldFiles) {
      if (!files.has(name)) rmSync(join(path, name), { force: true });
    }
    return target;
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError(`cannot write ${option} ${dir}: ${why(e)}`);
  }
}

/**
 * Saves a model directory, or one model file when `dir` ends in `.safetensors` (see
 * `checkModelTarget` for what may be replaced).
 */
export function saveModel(dir: string, model: SavedModel, option = 'model directory'): SaveTarget {
  if (isModelFilePath(dir)) return writeModelFile(dir, modelToSafetensors(model), option);
  return writeModelFiles(dir, modelToFiles(model), option);
}

/**
 * Loads a model directory written by `saveModel` (or `rnnkit train --save`, `rnnkit lm train`),
 * or a one-file model (`*.safetensors` with config.json in its metadata, ./model-bundle.ts).
 * Every problem is one ValueError line; sizes are validated before anything large is read.
 */
export function loadModel(dir: string, opts: LoadModelOptions = {}): SavedModel {
  const source = opts.source ?? dir;
  const st = lstatOrNull(dir);
  if (st === null) throw new ValueError(`${source}: no such model directory`);
  // one file from the playground's Save (./model-bundle.ts): the weights with config.json inside
  if (st.isFile() && dir.endsWith('.safetensors')) {
    checkMemory(`${source} (${formatBytes(st.size)})`, st.size);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(dir);
    } catch (e) {
      throw new ValueError(`${source}: cannot read: ${why(e)}`);
    }
    return modelFromSafetensors(bytes, { ...opts, source });
  }
  if (!st.isDirectory() && !st.isSymbolicLink()) throw new ValueError(`${source}: not a directory (nor a .safetensors model file)`);
  const file = (name: string): string => {
    const p = join(dir, name);
    const s = lstatOrNull(p);
    if (s === null) throw Object.assign(new ValueError(`${source}: missing ${name}`), { missing: true });
    if (!s.isFile()) throw new ValueError(`${source}/${name}: not a regular file`);
    return p;
  };
  const read = {
    config: (): string => {
      const p = file('config.json');
      const size = lstatSync(p).size;
      if (size > MAX_CONFIG_BYTES) throw new ValueError(`${source}/config.json: ${size} bytes is too large for a model config (limit ${MAX_CONFIG_BYTES})`);
      return readText(p, `${source}/config.json`);
    },
    size: (name: string): number => lstatSync(file(name)).size,
    bytes: (name: string): Uint8Array => {
      try {
        return readFileSync(file(name));
      } catch (e) {
        if (e instanceof ValueError) throw e;
        throw new ValueError(`${source}/${name}: cannot read: ${why(e)}`);
      }
    },
  };
  try {
    return modelFromFiles(read, { ...opts, source });
  } catch (e) {
    // a save replaced the model between reading config.json and its weights: read the new one
    if ((e as { missing?: boolean }).missing) return modelFromFiles(read, { ...opts, source });
    throw e;
  }
}

function readText(path: string, where: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new ValueError(`${where}: cannot read: ${why(e)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ValueError(`${where}: not valid UTF-8`);
  }
}
