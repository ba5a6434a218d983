// NumPy's .npy and .npz formats, on bytes (browser-safe: no `node:` imports).
//
// .npy (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic
// "\x93NUMPY", a major and minor version byte, the header length (u16 LE for version 1, u32 LE for
// versions 2 and 3), then the header — a Python dict literal such as
// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by
// "\n" — then the raw values. .npz is a zip archive of .npy members named `<key>.npy`, stored
// (`np.savez`) or deflated (`np.savez_compressed`).
//
// Read: float32, float64, int8/16/32/64, uint8/16/32/64, bool, and fixed-width unicode strings
// (`<U…`, for a list of class names), all little-endian and C order. int64/uint64 values come back
// as a Float64Array holding the exact integer; one beyond ±2^53 is an error (float64 stops holding
// every integer there). Fortran order, big-endian data, object arrays, structured dtypes and any
// other dtype are a one-line NpyError naming the source (file and member) and the problem.
// Every size in a header is checked against the bytes present and the memory cap before anything
// is allocated; a deflated member's declared size is checked before it is inflated.
import { unzipSync, zipSync } from 'fflate';

import { UserError } from '../errors.js';
import { checkMemory } from '../memory.js';

/** Every failure of this module: a one-line message naming the file (and the .npz member). */
export class NpyError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NpyError';
  }
}

export type NpyDType =
  | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'str';

/** What each dtype's `data` is; int64/uint64 hold exact integers in a Float64Array, bool 0/1 bytes. */
export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** One array, C order (row-major). `shape` [] is a scalar. */
export type NpyArray =
  | { dtype: Exclude<NpyDType, 'str'>; shape: number[]; data: NpyData }
  | { dtype: 'str'; shape: number[]; data: string[] };

interface DTypeInfo {
  dtype: NpyDType;
  itemSize: number;
}

// descr type character + size → dtype. The byte-order character is checked separately.
const DESCRS: ReadonlyMap<string, NpyDType> = new Map([
  ['f4', 'float32'], ['f8', 'float64'],
  ['i1', 'int8'], ['i2', 'int16'], ['i4', 'int32'], ['i8', 'int64'],
  ['u1', 'uint8'], ['u2', 'uint16'], ['u4', 'uint32'], ['u8', 'uint64'],
  ['b1', 'bool'],
] as const);

const DESCR_OF: Record<Exclude<NpyDType, 'str'>, string> = {
  float32: '<f4', float64: '<f8', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8', bool: '|b1',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN_PLATFORM = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const READABLE = 'float32, float64, int8/16/32/64, uint8/16/32/64, bool or <U strings';

function fail(where: string, msg: string): never {
  throw new NpyError(`${where}: ${msg}`);
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A descr string → dtype and item size, or an error saying what it is. */
function parseDescr(descr: string, where: string): DTypeInfo {
  const m = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) fail(where, `dtype '${descr}' is not read (readable: ${READABLE})`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  if (kind === 'O') fail(where, `dtype '${descr}' is an object array (pickled Python objects), which is not read; save a numeric array`);
  if (kind === 'U' && size > 0) {
    if (order === '>') fail(where, `dtype '${descr}' is big-endian; save with little-endian byte order (arr.astype(arr.dtype.newbyteorder('<')))`);
    return { dtype: 'str', itemSize: 4 * size };
  }
  const dtype = DESCRS.get(`${kind}${sizeText}`);
  if (dtype === undefined) fail(where, `dtype '${descr}' is not read (readable: ${READABLE})`);
  if (order === '>' && size > 1) fail(where, `dtype '${descr}' is big-endian; save with little-endian byte order (arr.astype(arr.dtype.newbyteorder('<')))`);
  return { dtype, itemSize: size };
}

/** The header dict → descr, fortran_order, shape. Only what np.save writes is accepted. */
function parseHeaderDict(text: string, where: string): { descr: DTypeInfo; shape: number[] } {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) fail(where, `the .npy header is not a dict: ${JSON.stringify(t.slice(0, 60))}`);
  const str = `(?:'([^']*)'|"([^"]*)")`;
  if (new RegExp(`['"]descr['"]\\s*:\\s*\\[`).test(t)) fail(where, 'the array has a structured dtype (named fields), which is not read; save each field as its own array');
  const d = new RegExp(`['"]descr['"]\\s*:\\s*${str}`).exec(t);
  if (!d) fail(where, "the .npy header has no 'descr'");
  const f = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(t);
  if (!f) fail(where, "the .npy header has no 'fortran_order'");
  const s = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(t);
  if (!s) fail(where, "the .npy header has no 'shape'");
  const descr = parseDescr(d[1] ?? d[2] ?? '', where);
  const parts = s[1]!.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const shape = parts.map((p) => {
    const m = /^(\d+)L?$/.exec(p);
    if (!m) fail(where, `the .npy shape (${s[1]}) has a dimension that is not a non-negative integer`);
    return Number(m[1]);
  });
  if (f[1] === 'True' && shape.filter((n) => n > 1).length > 1) {
    fail(where, `the array of shape ${fmtShape(shape)} is in Fortran order, which is not read; save np.ascontiguousarray(arr)`);
  }
  return { descr, shape };
}

/** Reads values little-endian, exactly; `off` is a byte offset into `bytes`. */
function decodeValues(bytes: Uint8Array, off: number, count: number, info: DTypeInfo, where: string): NpyData | string[] {
  const n = count * info.itemSize;
  const view = new DataView(bytes.buffer, bytes.byteOffset + off, n);
  switch (info.dtype) {
    case 'str': {
      const chars = info.itemSize / 4;
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        let s = '';
        for (let j = 0; j < chars; j++) {
          const cp = view.getUint32(4 * (i * chars + j), true);
          if (cp === 0) break; // numpy pads with NULs
          if (cp > 0x10ffff) fail(where, `string ${i} holds code point ${cp}, which is not Unicode`);
          s += String.fromCodePoint(cp);
        }
        out.push(s);
      }
      return out;
    }
    case 'int64':
    case 'uint64': {
      // v = hi·2^32 + lo is exact while |v| ≤ 2^53.
      const signed = info.dtype === 'int64';
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(8 * i, true);
        const hi = signed ? view.getInt32(8 * i + 4, true) : view.getUint32(8 * i + 4, true);
        if (hi < -0x200000 || hi > 0x200000 || (hi === 0x200000 && lo !== 0)) {
          const v = signed ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
          fail(where, `${info.dtype} value ${v} at index ${i} is beyond ±2^53, which a float64 cannot hold exactly`);
        }
        out[i] = hi * 4294967296 + lo;
      }
      return out;
    }
    case 'bool': {
      const out = bytes.slice(off, off + n);
      for (let i = 0; i < count; i++) if (out[i]! > 1) fail(where, `bool byte ${out[i]} at index ${i} is neither 0 nor 1`);
      return out;
    }
    default: {
      // slice() copies into a fresh, aligned buffer; on a little-endian platform that is the array.
      const buf = bytes.slice(off, off + n).buffer;
      if (!LITTLE_ENDIAN_PLATFORM && info.itemSize > 1) {
        const get = { float32: 'getFloat32', float64: 'getFloat64', int16: 'getInt16', int32: 'getInt32', uint16: 'getUint16', uint32: 'getUint32' } as const;
        const out = new Float64Array(count);
        const g = get[info.dtype as keyof typeof get];
        for (let i = 0; i < count; i++) out[i] = view[g](i * info.itemSize, true);
        return new CTORS[info.dtype](out);
      }
      return new CTORS[info.dtype](buf);
    }
  }
}

const CTORS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
} as const;

/**
 * Parses one .npy array. `source` names it in messages (a file name, or `file.npz: member 'x.npy'`).
 * See the top of this file for the dtypes read and the errors.
 */
export function readNpy(bytes: Uint8Array, source = '.npy data'): NpyArray {
  const where = source;
  if (!(bytes instanceof Uint8Array)) fail(where, 'expected a Uint8Array');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(where, 'not a .npy array (no \\x93NUMPY magic at the start)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(where, `.npy format version ${major}.${bytes[7]} is not read (1.0 to 3.0 are)`);
  const lenSize = major === 1 ? 2 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 + lenSize) fail(where, 'the file ends inside the .npy header');
  const headerLen = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenSize + headerLen;
  if (dataStart > bytes.length) fail(where, `the .npy header claims ${headerLen} bytes but the file has only ${bytes.length - 8 - lenSize} after the header length`);
  const headerBytes = bytes.subarray(8 + lenSize, dataStart);
  // Version 3 headers are UTF-8; 1 and 2 are latin-1, which for what np.save writes is ASCII.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const { descr, shape } = parseHeaderDict(text, where);
  let count = 1;
  for (const d of shape) count *= d;
  const need = count * descr.itemSize;
  const have = bytes.length - dataStart;
  if (need !== have) {
    fail(where, `shape ${fmtShape(shape)} of ${descr.dtype} needs ${need} bytes of data but ${have} follow the header${need > have ? ' (truncated file?)' : ''}`);
  }
  // What is allocated: the values, widened to 8 bytes for int64/uint64, and a JS string per item.
  const outItem = descr.dtype === 'str' ? 2 * descr.itemSize + 16 : descr.dtype === 'int64' || descr.dtype === 'uint64' ? 8 : descr.itemSize;
  checkMemory(`${where}: array of shape ${fmtShape(shape)}`, count * outItem);
  const data = decodeValues(bytes, dataStart, count, descr, where);
  return (descr.dtype === 'str' ? { dtype: 'str', shape, data } : { dtype: descr.dtype, shape, data }) as NpyArray;
}

/**
 * Parses a .npz archive (stored or deflated members) into its arrays, keyed like `np.load`: the
 * member name without its `.npy` suffix. The record has a null prototype. A member that is not a
 * `.npy` array is an error naming it; each member's declared size is checked against the memory
 * cap before it is inflated.
 */
export function readNpz(bytes: Uint8Array, source = '.npz data'): Record<string, NpyArray> {
  if (!(bytes instanceof Uint8Array)) fail(source, 'expected a Uint8Array');
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (file) => {
        if (!file.name.endsWith('/')) checkMemory(`${source}: member '${file.name}'`, file.originalSize);
        return !file.name.endsWith('/');
      },
    });
  } catch (err) {
    if (err instanceof UserError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    fail(source, `not a readable .npz (zip) archive: ${msg.replace(/[\r\n]+/g, ' ')}`);
  }
  const out = Object.create(null) as Record<string, NpyArray>;
  for (const [name, data] of Object.entries(members)) {
    if (!name.endsWith('.npy')) fail(source, `member '${name}' is not a .npy array (an .npz holds only <name>.npy members)`);
    out[name.slice(0, -4)] = readNpy(data, `${source}: member '${name}'`);
  }
  return out;
}

/** Shape checks shared by the writers. */
function checkWritable(arr: NpyArray, where: string): void {
  if (!Array.isArray(arr.shape) || arr.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(where, `shape ${JSON.stringify(arr.shape)} is not a list of non-negative integers`);
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.data.length !== count) fail(where, `${arr.data.length} values do not fill shape ${fmtShape(arr.shape)}`);
}

/** Serializes one array as .npy version 1.0, the header padded to a multiple of 64 bytes like NumPy's. */
export function writeNpy(arr: NpyArray, source = 'writeNpy'): Uint8Array {
  checkWritable(arr, source);
  let descr: string;
  let itemSize: number;
  if (arr.dtype === 'str') {
    const chars = arr.data.reduce((m, s) => Math.max(m, [...s].length), 1);
    descr = `<U${chars}`;
    itemSize = 4 * chars;
  } else {
    descr = DESCR_OF[arr.dtype];
    if (descr === undefined) fail(source, `dtype '${String(arr.dtype)}' is not written`);
    itemSize = Number(descr.slice(2));
  }
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const count = arr.data.length;
  const out = new Uint8Array(10 + header.length + count * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const off = 10 + header.length;
  if (arr.dtype === 'str') {
    const chars = itemSize / 4;
    arr.data.forEach((s, i) => {
      let j = 0;
      for (const c of s) view.setUint32(off + 4 * (i * chars + j++), c.codePointAt(0)!, true);
    });
    return out;
  }
  const data = arr.data;
  for (let i = 0; i < count; i++) {
    const v = data[i]!;
    const p = off + i * itemSize;
    switch (arr.dtype) {
      case 'float32': view.setFloat32(p, v, true); break;
      case 'float64': view.setFloat64(p, v, true); break;
      case 'int8': view.setInt8(p, v); break;
      case 'int16': view.setInt16(p, v, true); break;
      case 'int32': view.setInt32(p, v, true); break;
      case 'uint8': case 'bool': view.setUint8(p, v); break;
      case 'uint16': view.setUint16(p, v, true); break;
      case 'uint32': view.setUint32(p, v, true); break;
      case 'int64':
      case 'uint64':
        if (!Number.isInteger(v) || Math.abs(v) > 2 ** 53 || (arr.dtype === 'uint64' && v < 0)) fail(source, `${arr.dtype} value ${v} at index ${i} is not an exact ${arr.dtype === 'uint64' ? 'non-negative ' : ''}integer within ±2^53`);
        view.setBigInt64(p, BigInt(v), true);
        break;
    }
  }
  return out;
}

/**
 * Serializes arrays as an uncompressed (stored) .npz, members `<key>.npy` in key order, with a
 * fixed timestamp so the same arrays always give the same bytes. `np.load` reads it.
 */
export function writeNpz(arrays: Record<string, NpyArray>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [key, arr] of Object.entries(arrays)) files[`${key}.npy`] = [writeNpy(arr, `writeNpz: array '${key}'`), { level: 0 }];
  return zipSync(files, { level: 0, mtime: new Date(1980, 0, 1, 0, 0, 0) });
}
