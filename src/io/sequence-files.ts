// Node-only: labelled sequences from files — safetensors, .npz, or a folder of PNG images in
// torchvision's ImageFolder layout — as SequenceData (src/data/sequences.ts).
//
// Legend: N samples, T time steps, F features per step; an image is H×W×C (C = 1 grey, 3 RGB).
//
// Folder layout (ImageFolder): root/<class>/<sample>. Class folders in sorted name order are the
// class ids (as torchvision sorts them). Each sample is either
//   * rows:   one PNG, read row by row — T = H, F = W·C;
//   * frames: a folder of PNG frames in natural name order (frame2 before frame10) — T = frames,
//             F = H·W·C (a frame flattened in PNG's H, W, C order); folders of different lengths
//             give variable lengths (zero-padded, `lengths` set).
// Names starting with '.' (.DS_Store, .git) are skipped everywhere, and so are plain files at the
// root and files that are not images (a README, labels.txt). An image in a format other than PNG
// (.jpg, .bmp, …) is an error rather than silently left out.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';

import { checkMemory } from '../memory.js';
import { DataError } from '../data/csv.js';
import { sequenceDataFromArrays, type LabelledArray, type SequenceData } from '../data/sequences.js';
import { Tensor } from '../tensor/tensor.js';
import { readNpz } from './npy.js';
import { decodePng, pngSize, resizeImage, type ColorMode, type Image } from './png.js';
import { decodeTensor, parseHeader, readHeaderLength } from './safetensors.js';

export type ImageMode = 'rows' | 'frames' | 'auto';

export interface ReadSequenceOptions {
  /** Folders only: how a sample becomes a sequence; 'auto' (default) goes by what the class folders hold. */
  mode?: ImageMode;
  /** Folders only: 'grey' (default) or 'rgb'. */
  color?: ColorMode;
  /** Folders only: resize every image to [height, width] (bilinear, as PyTorch's interpolate). */
  resize?: [number, number];
  /** Files only: class names, index = class id (a folder's names are its class folders). */
  classes?: readonly string[];
}

const OTHER_IMAGES = new Set(['.jpg', '.jpeg', '.bmp', '.gif', '.webp', '.tif', '.tiff', '.ppm', '.pgm']);

/** Natural order: digit runs compare as numbers (frame2 < frame10), then plain code-unit order. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [], rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const pa = ra[i]!, pb = rb[i]!;
    if (pa === pb) continue;
    const da = /^\d/.test(pa), db = /^\d/.test(pb);
    if (da && db) {
      const na = pa.replace(/^0+/, ''), nb = pb.replace(/^0+/, '');
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      continue; // same number, different leading zeros: decided by plain order below
    }
    return pa < pb ? -1 : 1;
  }
  return ra.length !== rb.length ? ra.length - rb.length : a < b ? -1 : a > b ? 1 : 0;
}

function plainCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a parent path is not a folder';
  return (err instanceof Error ? err.message : String(err)).replace(/[\r\n]+/g, ' ');
}

/** The whole file, after checking its size against the memory cap. */
function readWhole(path: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${ioReason(err)}`);
  }
  checkMemory(`${path} (${size} bytes)`, size);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${ioReason(err)}`);
  }
}

/** The first 24 bytes of a file: enough for a PNG's width and height. */
function readHead(path: string): Uint8Array {
  const buf = new Uint8Array(24);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    let got = 0, n = 0;
    while (got < 24 && (n = readSync(fd, buf, got, 24 - got, got)) > 0) got += n;
    return buf.subarray(0, got);
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${ioReason(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The arrays of a safetensors file, with their stored dtypes ('int64', 'uint8', 'float32', …). */
function readSafetensorsArrays(path: string): Record<string, LabelledArray> {
  const bytes = readWhole(path);
  const headerLen = readHeaderLength(bytes.subarray(0, 8), bytes.length, path);
  const { entries } = parseHeader(bytes.subarray(8, 8 + headerLen), bytes.length - 8 - headerLen, path);
  const base = 8 + headerLen;
  const DTYPE: Record<string, string> = {
    F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16',
    I8: 'int8', U64: 'uint64', U32: 'uint32', U16: 'uint16', U8: 'uint8', BOOL: 'bool',
  };
  const out = Object.create(null) as Record<string, LabelledArray>;
  for (const e of entries) {
    const t = decodeTensor(e, bytes.subarray(base + e.begin, base + e.end), path);
    out[e.name] = { dtype: DTYPE[e.stored] ?? e.stored, shape: t.shape, data: t.data };
  }
  return out;
}

/**
 * Reads labelled sequences from `path`: a `.safetensors` or `.npz` file with arrays x [N,T,F],
 * y [N] and optionally lengths [N] (see sequenceDataFromArrays), or a folder of class folders of
 * PNG images (see the top of this file). Every problem is a one-line UserError naming the file.
 */
export function readSequenceData(path: string, opts: ReadSequenceOptions = {}): SequenceData {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${ioReason(err)}`);
  }
  if (isDir) {
    if (opts.classes !== undefined) throw new DataError(`${path}: class names come from the class folders; the classes option is for files`);
    return readImageFolder(path, opts);
  }
  for (const k of ['mode', 'resize'] as const) {
    if (opts[k] !== undefined) throw new DataError(`${path}: the ${k} option is for image folders, not files`);
  }
  const ext = extname(path).toLowerCase();
  const classes = opts.classes === undefined ? {} : { classes: opts.classes };
  if (ext === '.npz') return sequenceDataFromArrays(readNpz(readWhole(path), path), path, classes);
  if (ext === '.safetensors') return sequenceDataFromArrays(readSafetensorsArrays(path), path, classes);
  throw new DataError(`${path}: expected a .safetensors file, a .npz file or a folder of class folders of PNG images`);
}

interface Sample {
  /** PNG paths: one in rows mode, the frames in order in frames mode. */
  files: string[];
  label: number;
}

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
  } catch (err) {
    throw new DataError(`cannot read ${dir}: ${ioReason(err)}`);
  }
}

/** A directory entry's kind, following symbolic links (a linked dataset is common). */
function kind(dir: string, e: Dirent): 'dir' | 'file' | 'other' {
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (e.isSymbolicLink()) {
    try {
      const st = statSync(join(dir, e.name));
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    } catch {
      return 'other';
    }
  }
  return 'other';
}

/** PNG files and sub-folders of `dir`; another image format is an error. */
function entriesOf(dir: string): { pngs: string[]; dirs: string[] } {
  const pngs: string[] = [], dirs: string[] = [];
  for (const e of listDir(dir)) {
    const k = kind(dir, e);
    const ext = extname(e.name).toLowerCase();
    if (k === 'dir') dirs.push(e.name);
    else if (k === 'file' && ext === '.png') pngs.push(e.name);
    else if (k === 'file' && OTHER_IMAGES.has(ext)) throw new DataError(`${join(dir, e.name)}: only PNG images are read; convert it to PNG or remove it`);
  }
  return { pngs, dirs };
}

function readImageFolder(root: string, opts: ReadSequenceOptions): SequenceData {
  const color = opts.color ?? 'grey';
  if (color !== 'grey' && color !== 'rgb') throw new DataError(`${root}: color must be 'grey' or 'rgb', got ${JSON.stringify(color)}`);
  const mode = opts.mode ?? 'auto';
  if (mode !== 'rows' && mode !== 'frames' && mode !== 'auto') throw new DataError(`${root}: mode must be 'rows', 'frames' or 'auto', got ${JSON.stringify(mode)}`);
  const resize = opts.resize;
  if (resize !== undefined && (!Array.isArray(resize) || resize.length !== 2 || !resize.every((v) => Number.isInteger(v) && v >= 1))) {
    throw new DataError(`${root}: resize must be [height, width], two positive integers, got ${JSON.stringify(resize)}`);
  }
  const classes = listDir(root).filter((e) => kind(root, e) === 'dir').map((e) => e.name).sort(plainCompare);
  if (classes.length === 0) throw new DataError(`${root}: no class folders (expected ${root}/<class>/<image>.png or ${root}/<class>/<sample>/<frame>.png)`);

  // Pass 1: the layout. Samples in sorted order within each class (as ImageFolder).
  const perClass = classes.map((c) => ({ dir: join(root, c), ...entriesOf(join(root, c)) }));
  let rowsAt: string | null = null, framesAt: string | null = null;
  for (const c of perClass) {
    if (c.pngs.length > 0) rowsAt ??= join(c.dir, c.pngs.sort(plainCompare)[0]!);
    if (c.dirs.length > 0) framesAt ??= join(c.dir, c.dirs.sort(plainCompare)[0]!);
  }
  let m: 'rows' | 'frames';
  if (mode === 'auto') {
    if (rowsAt !== null && framesAt !== null) {
      throw new DataError(`${root}: mixed layout: ${rowsAt} is an image (rows mode) but ${framesAt} is a folder of frames (frames mode); keep one kind, or choose the mode`);
    }
    m = framesAt !== null ? 'frames' : 'rows';
  } else {
    m = mode;
    if (m === 'rows' && framesAt !== null) throw new DataError(`${framesAt}: a folder, but mode 'rows' reads one PNG image per sample`);
    if (m === 'frames' && rowsAt !== null) throw new DataError(`${rowsAt}: an image directly in a class folder, but mode 'frames' reads a folder of frames per sample`);
  }
  const samples: Sample[] = [];
  perClass.forEach((c, label) => {
    const names = m === 'rows' ? c.pngs : c.dirs;
    if (names.length === 0) throw new DataError(`${c.dir}: empty class folder (no ${m === 'rows' ? 'PNG images' : 'folders of PNG frames'})`);
    for (const name of [...names].sort(plainCompare)) {
      if (m === 'rows') {
        samples.push({ files: [join(c.dir, name)], label });
      } else {
        const dir = join(c.dir, name);
        const { pngs } = entriesOf(dir);
        if (pngs.length === 0) throw new DataError(`${dir}: no PNG frames in this sample folder`);
        samples.push({ files: pngs.sort(naturalCompare).map((f) => join(dir, f)), label });
      }
    }
  });

  // Pass 2: every image's size from its header, so sizes and memory are checked before decoding.
  let first: { file: string; h: number; w: number } | null = null;
  for (const s of samples) {
    for (const file of s.files) {
      const size = pngSize(readHead(file));
      if (size === null) throw new DataError(`${file}: not a PNG image (no PNG signature and IHDR chunk)`);
      if (first === null) first = { file, h: size.height, w: size.width };
      else if (resize === undefined && (size.height !== first.h || size.width !== first.w)) {
        throw new DataError(`${root}: images differ in size: ${first.file} is ${first.h}x${first.w} but ${file} is ${size.height}x${size.width} (HxW); resize them to one size`);
      }
    }
  }
  const H = resize ? resize[0] : first!.h, W = resize ? resize[1] : first!.w;
  const C = color === 'grey' ? 1 : 3;
  const N = samples.length;
  const T = m === 'rows' ? H : samples.reduce((t, s) => Math.max(t, s.files.length), 0);
  const F = m === 'rows' ? W * C : H * W * C;
  checkMemory(`${root}: ${N} samples of ${T} steps of ${F} features (x of shape [${N},${T},${F}])`, N * T * F * 4);

  // Pass 3: decode each image straight into its place in x.
  const x = new Float32Array(N * T * F);
  const y = new Int32Array(N);
  const lengths = new Int32Array(N);
  samples.forEach((s, n) => {
    y[n] = s.label;
    lengths[n] = m === 'rows' ? T : s.files.length;
    s.files.forEach((file, t) => {
      let img: Image = decodePng(readWhole(file), { color, source: file });
      if (resize) img = resizeImage(img, H, W);
      x.set(img.data, m === 'rows' ? n * T * F : (n * T + t) * F);
    });
  });
  const variable = lengths.some((L) => L !== T);
  return { x: new Tensor(x, [N, T, F]), y, lengths: variable ? lengths : null, classes, source: root };
}
