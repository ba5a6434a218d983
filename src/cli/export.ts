// `rnnkit export --model DIR --format onnx|pytorch --out PATH`: a saved model (forecaster,
// language model, classifier) for other runtimes.
//   onnx     one file, PATH (e.g. model.onnx), from src/onnx/saved.ts
//   pytorch  a folder, PATH: model.py, model.safetensors, config.json, README.md, train_ddp.py
//            (and data/ with --data), from ./export-pytorch/
// Nothing rnnkit did not write is replaced: an existing PATH must carry our marker (an ONNX file
// whose producer is rnnkit; a folder whose config.json says "rnnkit-pytorch-export" and which holds
// only the export's own files). Files are written into a temporary sibling, then renamed onto PATH.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, type Stats, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SavedModel } from '../io/model-dir.js';
import { loadModel } from '../io/model-files.js';
import { CliError } from './errors.js';
import { describe, writeFileAtomic } from './fs.js';
import { exportData } from './export-pytorch/data.js';
import { EXPORT_FORMAT, pytorchExport, type ExportFiles } from './export-pytorch/index.js';
import { choiceOption, intOption } from './options.js';

type Out = (s: string) => void;
export interface ExportCliIO {
  stdout: Out;
  stderr: Out;
}

export const EXPORT_FORMATS = ['onnx', 'pytorch'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface ExportFlags {
  model: string;
  format: ExportFormat;
  out: string;
  data?: string;
  opset?: number;
  json?: boolean;
}

/** What a PyTorch export folder may hold: its files, data/, and Python's bytecode cache of model.py. */
const EXPORT_ENTRIES = new Set(['model.py', 'model.safetensors', 'config.json', 'README.md', 'train_ddp.py', 'data', '__pycache__']);
const DATA_ENTRIES = new Set(['x.npy', 'y.npy', 'lengths.npy', 'ids.npy']);

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`--out ${path}: cannot inspect it: ${describe(e)}`);
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * 'create' (absent or an empty folder) or 'replace' (an earlier export holding only its own files);
 * anything else is refused with one line naming what is in the way.
 */
export function checkExportFolder(out: string): 'create' | 'replace' {
  const st = lstatOrNull(out);
  if (st === null) return 'create';
  if (st.isSymbolicLink()) throw new CliError(`--out ${out}: refusing to write there, it is a symbolic link`);
  if (!st.isDirectory()) throw new CliError(`--out ${out}: refusing to write there, it is ${st.isFile() ? 'a file' : 'not a regular file or folder'}; --format pytorch writes a folder`);
  const entries = listDir(out);
  if (entries.length === 0) return 'create';
  let marked = false;
  try {
    marked = (JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { format?: unknown }).format === EXPORT_FORMAT;
  } catch {
    marked = false;
  }
  if (!marked) throw new CliError(`--out ${out}: refusing to write there, the folder has other content (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}) and is not an rnnkit PyTorch export; choose another --out`);
  const foreign = [
    ...entries.filter((e) => !EXPORT_ENTRIES.has(e)),
    ...listDir(join(out, 'data')).filter((e) => !DATA_ENTRIES.has(e)).map((e) => `data/${e}`),
    ...listDir(join(out, '__pycache__')).filter((e) => !/^model\..*\.pyc$/.test(e)).map((e) => `__pycache__/${e}`),
  ];
  if (foreign.length > 0) throw new CliError(`--out ${out}: an earlier export, but it now also holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}, which rnnkit did not write; move them away or choose another --out`);
  return 'replace';
}

/** Writes the folder into a temporary sibling, then renames it onto `out` (the old export, if any, is moved aside and removed). */
function writeExportFolder(out: string, files: ExportFiles): void {
  const target = checkExportFolder(out);
  const parent = dirname(resolve(out));
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const tmp = join(parent, `.${basename(out)}.rnnkit-tmp-${tag}`);
  let created = false; // the temp folder is removed on failure only if this call made it
  try {
    mkdirSync(parent, { recursive: true });
    mkdirSync(tmp);
    created = true;
    for (const [name, data] of files) {
      if (name.includes('/')) mkdirSync(join(tmp, dirname(name)), { recursive: true });
      writeFileSync(join(tmp, name), data, { flag: 'wx' });
    }
    if (target === 'replace') {
      const old = join(parent, `.${basename(out)}.rnnkit-old-${tag}`);
      renameSync(out, old);
      try {
        renameSync(tmp, out);
      } catch (e) {
        renameSync(old, out); // put the earlier export back
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, out); // onto an absent path or an empty folder: one step
    }
  } catch (e) {
    if (created) rmSync(tmp, { recursive: true, force: true });
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot write --out ${out}: ${describe(e)}`);
  }
}

/** The producer_name (field 2) of an ONNX ModelProto, read from the top-level fields; null if not one. */
export function onnxProducer(bytes: Uint8Array): string | null {
  let i = 0;
  const varint = (): number => {
    let v = 0, shift = 0;
    for (;;) {
      if (i >= bytes.length || shift > 49) throw new Error('truncated');
      const b = bytes[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  try {
    while (i < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) varint();
      else if (wire === 2) {
        const n = varint();
        if (i + n > bytes.length) return null;
        if (field === 2) return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + n));
        i += n;
      } else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return null;
    }
  } catch {
    return null;
  }
  return null;
}

/** An existing --out file for ONNX may be replaced only when it is an ONNX model rnnkit produced. */
function checkOnnxOut(out: string): void {
  const st = lstatOrNull(out);
  if (st === null) return;
  if (!st.isFile()) throw new CliError(`--out ${out}: refusing to write there, it is ${st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; --format onnx writes one file`);
  let ours = false;
  try {
    ours = st.size < 2 ** 31 && onnxProducer(readFileSync(out)) === 'rnnkit';
  } catch {
    ours = false;
  }
  if (!ours) throw new CliError(`--out ${out}: the file exists and is not an ONNX model rnnkit wrote; refusing to overwrite it`);
}

async function exportOnnx(saved: SavedModel, o: ExportFlags, io: ExportCliIO): Promise<void> {
  checkOnnxOut(o.out);
  // loaded only here: protobufjs and the ONNX schema are not needed by any other command
  const onnx = await import('../onnx/saved.js');
  const r = onnx.exportSavedModel(saved, o.opset === undefined ? {} : { opset: o.opset });
  writeFileAtomic(o.out, r.bytes);
  if (o.json) io.stdout(JSON.stringify({ format: 'onnx', model: resolve(o.model), kind: saved.kind, out: resolve(o.out), bytes: r.bytes.byteLength, inputs: r.inputNames, outputs: r.outputNames, description: r.description }) + '\n');
  else io.stdout(`${r.description}\nwrote ${o.out} (${r.bytes.byteLength} bytes; inputs ${r.inputNames.join(', ')}; outputs ${r.outputNames.join(', ')})\n`);
}

async function exportPytorch(saved: SavedModel, o: ExportFlags, io: ExportCliIO): Promise<void> {
  checkExportFolder(o.out); // refuse before reading --data
  const data = o.data === undefined ? null : await exportData(saved, o.data);
  const { files, description, trainable } = pytorchExport(saved, data);
  writeExportFolder(o.out, files);
  const names = [...files.keys()];
  if (o.json) {
    io.stdout(JSON.stringify({ format: 'pytorch', model: resolve(o.model), kind: saved.kind, out: resolve(o.out), files: names, trainable, data: data?.info ?? null, description }) + '\n');
    return;
  }
  io.stdout(`${description}\nwrote ${o.out}/: ${names.join(', ')}\n`);
  io.stdout(`use: python -c "import sys; sys.path.insert(0, '${o.out}'); import model; ..." (see ${join(o.out, 'README.md')})\n`);
}

export function registerExportCommand(program: Command, io: ExportCliIO): void {
  program.command('export')
    .description('export a saved model (forecaster, language model, classifier) as ONNX or as a PyTorch folder')
    .requiredOption('--model <dir>', 'model directory written by `rnnkit train --save`, `lm train` or `classify train --save`')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(' or '), choiceOption('format', EXPORT_FORMATS))
    .requiredOption('--out <path>', 'onnx: the file to write (e.g. model.onnx); pytorch: the folder to write')
    .option('--data <file>', 'pytorch: also convert this training data (the CSV, corpus or sequence file rnnkit read) into data/ for train_ddp.py')
    .option('--opset <n>', 'onnx: the opset version', intOption('opset'))
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: ExportFlags) => {
      if (o.format === 'onnx' && o.data !== undefined) throw new CliError('--data applies to --format pytorch (train_ddp.py reads it); drop it for onnx');
      if (o.format === 'pytorch' && o.opset !== undefined) throw new CliError('--opset applies to --format onnx');
      const saved = loadModel(o.model, { source: o.model });
      if (o.format === 'onnx') await exportOnnx(saved, o, io);
      else await exportPytorch(saved, o, io);
    });
}
