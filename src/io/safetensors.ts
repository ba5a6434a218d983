// Reader and writer for the safetensors format (https://huggingface.co/docs/safetensors).
//
// Layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON header, then the data buffer.
// The header maps tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets are
// relative to the start of the data buffer) plus an optional "__metadata__" map of string→string.
// Tensor data is little-endian and row-major; tensors must be contiguous, non-overlapping and
// cover the whole data buffer.
//
// This module is environment-neutral (browser and Node): no `node:` imports. File helpers live in
// ./node.ts. The reader takes F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL
// (see READ_AS for what each becomes); the writer writes F32 and F64.
//
// Writer conventions (chosen to match the reference Rust implementation, which PyTorch's
// `safetensors.torch.save_file` uses, so that our output is byte-identical to it for F32/F64):
//   * compact JSON (no whitespace), "__metadata__" first when metadata is given;
//   * tensors ordered by descending dtype alignment (all F64 before all F32), then by name in
//     code-point order (= UTF-8 byte order, as Rust's `str` ordering);
//   * data written in that same order, back to back starting at offset 0;
//   * the header padded with spaces so that N is a multiple of 8.
//   * metadata keys are written in code-point order (the reference writes a hash map in
//     arbitrary order; we are deterministic).

import { UserError } from '../errors.js';
import type { TensorLike } from '../tensor/dtype.js';

export type SafeDType = 'float32' | 'float64';

export type { TensorLike };

export interface RawTensor {
  shape: number[];
  dtype: SafeDType;
  data: Float32Array | Float64Array;
}

/** Every failure of this module (and of ./node.ts): a one-line, user-facing message. */
export class SafetensorsError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SafetensorsError';
  }
}

/** The reference implementation rejects headers larger than this. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

/** Dtypes the format defines that rnnkit does not read (the readable ones are in READ_AS below). */
const KNOWN_UNREADABLE = new Set(['F4', 'F6_E2M3', 'F6_E3M2', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'C64']);

const LITTLE_ENDIAN_PLATFORM = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Quote a name for a one-line message: control characters escaped, very long names shortened. */
function q(s: string): string {
  let body = JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"');
  // Also escape line/paragraph separators, which JSON.stringify leaves raw.
  body = body.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (body.length > 120) body = `${body.slice(0, 100)}…(${s.length} chars)`;
  return `'${body}'`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'number') return `the number ${v}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the string has no lone surrogates (so it survives UTF-8 encoding unchanged). */
function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** Compare by Unicode code point (equivalently, by UTF-8 bytes), like Rust's `str::cmp`. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (a code point ≥ U+10000) sorts after every BMP code unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------
// Writer

interface Entry {
  name: string;
  code: 'F32' | 'F64';
  itemSize: number;
  shape: number[];
  data: Float32Array | Float64Array;
}

function validateForWrite(name: unknown, t: unknown): Entry {
  if (typeof name !== 'string') {
    throw new SafetensorsError(`cannot serialize: tensor names must be strings, got ${describe(name)}`);
  }
  const where = `cannot serialize tensor ${q(name)}`;
  if (name === METADATA_KEY) {
    throw new SafetensorsError(`${where}: the name ${q(METADATA_KEY)} is reserved for metadata`);
  }
  if (!isWellFormed(name)) {
    throw new SafetensorsError(`${where}: the name contains a lone UTF-16 surrogate`);
  }
  if (!isPlainObject(t)) {
    throw new SafetensorsError(`${where}: expected a tensor, got ${describe(t)}`);
  }
  const { shape, data } = t as Partial<TensorLike>;
  // no dtype: read it off a typed array (a Tensor always has one)
  const dtype = (t as Partial<TensorLike>).dtype ?? (data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : undefined);
  let code: 'F32' | 'F64';
  if (dtype === 'float32') {
    code = 'F32';
    if (!(data instanceof Float32Array)) {
      throw new SafetensorsError(`${where}: dtype float32 needs its data in a Float32Array`);
    }
  } else if (dtype === 'float64') {
    code = 'F64';
    if (!(data instanceof Float64Array)) {
      throw new SafetensorsError(`${where}: dtype float64 needs its data in a Float64Array`);
    }
  } else {
    throw new SafetensorsError(
      `${where}: unsupported dtype ${typeof dtype === 'string' ? q(dtype) : describe(dtype)} (expected float32 or float64)`,
    );
  }
  if (!Array.isArray(shape)) {
    throw new SafetensorsError(`${where}: shape must be an array, got ${describe(shape)}`);
  }
  let count = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new SafetensorsError(
        `${where}: shape [${(shape as unknown[]).map(String).join(', ')}] must hold non-negative integers`,
      );
    }
    count *= d;
  }
  if (count !== data.length) {
    throw new SafetensorsError(
      `${where}: shape [${shape.join(', ')}] has ${count} elements but the data has ${data.length}`,
    );
  }
  return { name, code, itemSize: code === 'F64' ? 8 : 4, shape: [...(shape as number[])], data };
}

/** @internal Exported for tests; `nativeLE=false` forces the portable DataView path. */
export function writeLittleEndian(
  out: Uint8Array,
  offset: number,
  data: Float32Array | Float64Array,
  nativeLE = LITTLE_ENDIAN_PLATFORM,
): void {
  if (nativeLE) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  } else {
    for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
  }
}

/**
 * Serialize tensors (and optional string metadata) to safetensors bytes. Deterministic: the same
 * input always yields the same bytes, independent of the input's key order (see the ordering
 * notes at the top of this file). Throws SafetensorsError on invalid input, before producing
 * anything.
 */
export function serializeSafetensors(
  tensors: Record<string, TensorLike> | Map<string, TensorLike>,
  metadata?: Record<string, string>,
): Uint8Array {
  const pairs: [unknown, unknown][] =
    tensors instanceof Map ? [...tensors.entries()] : Object.keys(tensors).map((k) => [k, tensors[k]]);
  const entries = pairs.map(([name, t]) => validateForWrite(name, t));
  entries.sort((a, b) => b.itemSize - a.itemSize || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) {
      throw new SafetensorsError(`cannot serialize: metadata must be an object of strings, got ${describe(metadata)}`);
    }
    const keys = Object.keys(metadata).sort(compareCodePoints);
    const items: string[] = [];
    for (const k of keys) {
      const v: unknown = metadata[k];
      if (typeof v !== 'string') {
        throw new SafetensorsError(`cannot serialize: metadata value for ${q(k)} must be a string, got ${describe(v)}`);
      }
      if (!isWellFormed(k) || !isWellFormed(v)) {
        throw new SafetensorsError(`cannot serialize: metadata entry ${q(k)} contains a lone UTF-16 surrogate`);
      }
      items.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${items.join(',')}}`);
  }
  let offset = 0;
  for (const e of entries) {
    const end = offset + e.data.length * e.itemSize;
    // Built by hand: a JS object would move integer-like names ("0", "12") to the front.
    parts.push(
      `${JSON.stringify(e.name)}:{"dtype":"${e.code}","shape":[${e.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  if (headerLen > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`cannot serialize: header would be ${headerLen} bytes (limit ${MAX_HEADER_BYTES})`);
  }

  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen, true); // u64 LE; the high word stays 0 (headerLen ≤ 1e8).
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const e of entries) {
    writeLittleEndian(out, pos, e.data);
    pos += e.data.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reader
//
// Reading is three steps, so that a file reader (./node.ts) validates everything from the first
// 8 + N bytes before it reads, or allocates room for, the data:
//   readHeaderLength(first 8 bytes, total size)  → N, checked against the size;
//   parseHeader(the N header bytes, data length) → every entry checked: dtype, shape, offsets in
//     range, byte size = product(shape) × item size, and the entries covering the data buffer
//     contiguously with no overlap and no hole;
//   decodeTensor(entry, the entry's bytes)       → a float32 or float64 tensor.
// Nothing a file says is used to key a plain object: tensors go into a Map and metadata into a
// null-prototype object, so names such as "__proto__" or "constructor" are kept as data.

/**
 * The header may nest `[`/`{` this deep. A valid header needs 3 levels (the header object, a
 * tensor entry, its shape array); the rest is room for extra fields, which the reference reader
 * ignores. Checked by a linear scan before JSON.parse: a header nested thousands deep is refused
 * here instead of overflowing the stack in whatever walks it recursively later (JSON.stringify in
 * an error message, structured clone, a user's code).
 */
export const MAX_HEADER_DEPTH = 8;

/** The safetensors dtypes rnnkit reads (the `dtype` field of a header entry). */
export type StoredDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/**
 * What each stored dtype becomes. rnnkit tensors are float32 or float64 only, so:
 *   F32 → float32 and F64 → float64, bit for bit;
 *   F16 and BF16 → float32, widened exactly (every half and bfloat16 value — subnormals, ±0, ±inf,
 *     NaN — is a float32 value);
 *   I8, U8, I16, U16, I32, U32 and BOOL → float64 holding the exact integer (labels, indices,
 *     masks; BOOL as 0/1, and a BOOL byte other than 0 or 1 is an error);
 *   I64 and U64 → float64 holding the exact integer when |v| ≤ 2^53; a value beyond is an error
 *     naming the tensor, the index and the value (float64 stops holding every integer there).
 * The format's other dtypes (F8_*, F6_*, F4, C64) are an error naming the tensor.
 */
const READ_AS: ReadonlyMap<string, { dtype: SafeDType; itemSize: number }> = new Map([
  ['F64', { dtype: 'float64', itemSize: 8 }],
  ['F32', { dtype: 'float32', itemSize: 4 }],
  ['F16', { dtype: 'float32', itemSize: 2 }],
  ['BF16', { dtype: 'float32', itemSize: 2 }],
  ['I64', { dtype: 'float64', itemSize: 8 }],
  ['U64', { dtype: 'float64', itemSize: 8 }],
  ['I32', { dtype: 'float64', itemSize: 4 }],
  ['U32', { dtype: 'float64', itemSize: 4 }],
  ['I16', { dtype: 'float64', itemSize: 2 }],
  ['U16', { dtype: 'float64', itemSize: 2 }],
  ['I8', { dtype: 'float64', itemSize: 1 }],
  ['U8', { dtype: 'float64', itemSize: 1 }],
  ['BOOL', { dtype: 'float64', itemSize: 1 }],
] as const);

const READABLE = 'F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL';

/** One validated header entry; `begin`/`end` are byte offsets into the data buffer. */
export interface HeaderEntry {
  readonly name: string;
  readonly stored: StoredDType;
  readonly dtype: SafeDType;
  readonly itemSize: number;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** Tensor entries in header order (JSON.parse's key order). */
  readonly entries: readonly HeaderEntry[];
  /** `__metadata__`, as a null-prototype object. */
  readonly metadata: Record<string, string>;
}

function failAt(where: string, msg: string): never {
  throw new SafetensorsError(`${where}: ${msg}`);
}

/** A header value as JSON for a message, cut short (a shape may hold millions of items). */
function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 64)}…(${s.length} chars)` : s;
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** The deepest nesting of `[` and `{` outside strings, in one pass; stops once past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string; a backslash escapes the next character (\" or \\).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/**
 * The header length N from the first 8 bytes of a file (or buffer) of `totalSize` bytes, checked
 * against the size and MAX_HEADER_BYTES. `prefix` must hold 8 bytes when `totalSize` ≥ 8.
 */
export function readHeaderLength(prefix: Uint8Array, totalSize: number, where: string): number {
  if (totalSize < 8) {
    failAt(where, `not a safetensors file: ${totalSize} bytes is shorter than the 8-byte header length`);
  }
  const lenView = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const lo = lenView.getUint32(0, true);
  const hi = lenView.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo; // exact below 2^53; anything that large fails below anyway
  if (hi !== 0 || headerLen > MAX_HEADER_BYTES) {
    failAt(
      where,
      `not a safetensors file: header length ${hi === 0 ? headerLen : `≈${headerLen.toExponential(3)}`} bytes is larger than the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  if (8 + headerLen > totalSize) {
    failAt(
      where,
      `header length ${headerLen} bytes runs past the end of the file (${totalSize} bytes): truncated, or not a safetensors file`,
    );
  }
  return headerLen;
}

/**
 * Decode and validate the N header bytes of a file whose data buffer (what follows the header)
 * is `dataLength` bytes long. Throws SafetensorsError unless every entry is readable and the
 * entries tile the data buffer exactly; after this, reading the data cannot fail on layout.
 */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, where: string): SafetensorsHeader {
  const fail = (msg: string): never => failAt(where, msg);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    return fail('header is not valid UTF-8');
  }
  const depth = nestingDepth(text, MAX_HEADER_DEPTH);
  if (depth > MAX_HEADER_DEPTH) {
    fail(`header nests [ and { more than ${MAX_HEADER_DEPTH} levels deep (a safetensors header needs 3)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    let why = (e instanceof Error ? e.message : String(e)).replace(/[\u0000-\u001f\u2028\u2029]+/g, ' ');
    if (why.length > 160) why = `${why.slice(0, 157)}...`;
    return fail(`header is not valid JSON (${why})`);
  }
  if (!isPlainObject(header)) fail(`header must be a JSON object, got ${describe(header)}`);
  const head = header as Record<string, unknown>;

  const metadata = Object.create(null) as Record<string, string>;
  const entries: HeaderEntry[] = [];

  // JSON.parse makes every key an own data property, "__proto__" included.
  for (const name of Object.keys(head)) {
    const info = head[name];
    if (name === METADATA_KEY) {
      if (info === null) continue; // Option<...> = None in the reference implementation
      if (!isPlainObject(info)) fail(`${METADATA_KEY} must be an object of strings, got ${describe(info)}`);
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${METADATA_KEY} value for ${q(k)} must be a string, got ${describe(v)}`);
        metadata[k] = v as string; // own property even for "__proto__": no prototype to hit
      }
      continue;
    }
    const t = `tensor ${q(name)}`;
    if (!isPlainObject(info)) fail(`${t}: entry must be an object, got ${describe(info)}`);
    const entry = info as Record<string, unknown>;
    const dtype = own(entry, 'dtype');
    const shape = own(entry, 'shape');
    const offsets = own(entry, 'data_offsets');

    if (dtype === undefined) fail(`${t}: missing "dtype"`);
    if (typeof dtype !== 'string') fail(`${t}: "dtype" must be a string, got ${describe(dtype)}`);
    if (shape === undefined) fail(`${t}: missing "shape"`);
    if (!Array.isArray(shape)) fail(`${t}: "shape" must be an array, got ${describe(shape)}`);
    if (offsets === undefined) fail(`${t}: missing "data_offsets"`);
    if (!Array.isArray(offsets) || offsets.length !== 2) {
      fail(
        `${t}: "data_offsets" must be an array [begin, end], got ${describe(offsets)}${Array.isArray(offsets) ? ` of length ${offsets.length}` : ''}`,
      );
    }

    const dims = shape as unknown[];
    for (const d of dims) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        fail(`${t}: shape must hold non-negative integers, got ${brief(dims)}`);
      }
    }
    const [begin, end] = offsets as unknown[];
    for (const o of [begin, end]) {
      if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
        fail(`${t}: data_offsets must be non-negative integers, got ${brief(offsets)}`);
      }
    }
    const b = begin as number;
    const e = end as number;

    const dt = dtype as string;
    const readAs = READ_AS.get(dt);
    if (readAs === undefined) {
      if (KNOWN_UNREADABLE.has(dt)) fail(`tensor ${q(name)} has dtype ${dt}; rnnkit reads ${READABLE}`);
      fail(`tensor ${q(name)} has unknown dtype ${q(dt)}; rnnkit reads ${READABLE}`);
    }
    const { dtype: sd, itemSize } = readAs!;

    if (e < b) fail(`${t}: data_offsets [${b}, ${e}] end before they begin`);
    if (e > dataLength) fail(`${t}: data_offsets [${b}, ${e}] run past the end of the data (${dataLength} bytes)`);
    let count = 1;
    for (const d of dims as number[]) {
      count *= d;
      if (!Number.isSafeInteger(count)) fail(`${t}: shape ${brief(dims)} is too large`);
    }
    if (count * itemSize !== e - b) {
      fail(
        `${t}: shape ${brief(dims)} with dtype ${dt} needs ${count * itemSize} bytes but data_offsets [${b}, ${e}] span ${e - b}`,
      );
    }
    entries.push({ name, stored: dt as StoredDType, dtype: sd, itemSize, shape: dims as number[], begin: b, end: e });
  }

  // The data buffer must be covered exactly: sorted by offsets, each tensor starts where the
  // previous one ended, and the last one ends at the end of the file.
  const byOffset = [...entries].sort((x, y) => x.begin - y.begin || x.end - y.end);
  let expected = 0;
  let prev: HeaderEntry | undefined;
  for (const en of byOffset) {
    if (en.begin < expected) {
      fail(`tensors ${q(prev!.name)} [${prev!.begin}, ${prev!.end}] and ${q(en.name)} [${en.begin}, ${en.end}] overlap`);
    }
    if (en.begin > expected) {
      fail(
        `bytes [${expected}, ${en.begin}) of the data belong to no tensor (hole before ${q(en.name)}); tensors must cover the data contiguously`,
      );
    }
    expected = en.end;
    prev = en;
  }
  if (expected !== dataLength) {
    fail(
      `the tensors cover ${expected} bytes of data but the file has ${dataLength} after the header (trailing bytes, or a corrupt header)`,
    );
  }
  return { entries, metadata };
}

/** @internal Exported for tests; `nativeLE=false` forces the portable DataView path. */
export function readLittleEndian(
  data: Uint8Array,
  begin: number,
  count: number,
  dtype: SafeDType,
  nativeLE = LITTLE_ENDIAN_PLATFORM,
): Float32Array | Float64Array {
  const out = dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
  if (count === 0) return out;
  if (nativeLE) {
    // Byte copy into a fresh (aligned) array: works whatever the alignment of the source.
    new Uint8Array(out.buffer).set(data.subarray(begin, begin + out.byteLength));
    return out;
  }
  const view = new DataView(data.buffer, data.byteOffset + begin, out.byteLength);
  if (out instanceof Float32Array) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  }
  return out;
}

/** IEEE 754 binary16 bits → the same value (exact: every half is a float32 and a float64). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals; sign * 0 keeps -0
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + frac) * 2 ** (exp - 25);
}

/**
 * One tensor from its bytes (exactly `entry.end - entry.begin` of them), converted as READ_AS
 * describes. `copy=false` lets an F32/F64 tensor be a view of `bytes` (only for a buffer the
 * caller owns and gives away). Throws SafetensorsError for an I64/U64 value beyond ±2^53 and for
 * a BOOL byte other than 0 or 1.
 */
export function decodeTensor(
  entry: HeaderEntry,
  bytes: Uint8Array,
  where: string,
  copy = true,
  nativeLE = LITTLE_ENDIAN_PLATFORM,
): RawTensor {
  const count = (entry.end - entry.begin) / entry.itemSize;
  const shape = [...entry.shape];
  const fail = (msg: string): never => failAt(where, `tensor ${q(entry.name)}: ${msg}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = entry.stored;
  if (stored === 'F32' || stored === 'F64') {
    const { dtype, itemSize } = entry;
    if (!copy && nativeLE && bytes.byteOffset % itemSize === 0) {
      const data =
        dtype === 'float32'
          ? new Float32Array(bytes.buffer, bytes.byteOffset, count)
          : new Float64Array(bytes.buffer, bytes.byteOffset, count);
      return { shape, dtype, data };
    }
    return { shape, dtype, data: readLittleEndian(bytes, 0, count, dtype, nativeLE) };
  }
  if (stored === 'F16') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
    return { shape, dtype: 'float32', data: out };
  }
  if (stored === 'BF16') {
    // bfloat16 is the top half of a float32: shifting the bits up is the exact widening.
    const out = new Float32Array(count);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
    return { shape, dtype: 'float32', data: out };
  }
  const out = new Float64Array(count);
  switch (stored) {
    case 'BOOL':
      for (let i = 0; i < count; i++) {
        const b = bytes[i]!;
        if (b > 1) fail(`BOOL byte ${b} at index ${i} is neither 0 nor 1`);
        out[i] = b;
      }
      break;
    case 'U8':
      for (let i = 0; i < count; i++) out[i] = bytes[i]!;
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 'U32':
      for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
      break;
    case 'I64':
    case 'U64': {
      // v = hi·2^32 + lo is exact while |v| ≤ 2^53, i.e. hi ∈ [-2^21, 2^21), or v = 2^53 exactly.
      const signed = stored === 'I64';
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(8 * i, true);
        const hi = signed ? view.getInt32(8 * i + 4, true) : view.getUint32(8 * i + 4, true);
        if (hi < -0x200000 || hi > 0x200000 || (hi === 0x200000 && lo !== 0)) {
          const v = signed ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
          fail(`${stored} value ${v} at index ${i} is beyond ±2^53, so a float64 tensor cannot hold it exactly`);
        }
        out[i] = hi * 4294967296 + lo;
      }
      break;
    }
  }
  return { shape, dtype: 'float64', data: out };
}

/**
 * Parse safetensors bytes. `source` (a file name, when known) prefixes every error message.
 * The whole header is validated before any tensor is decoded. Tensor data is copied into fresh
 * typed arrays; the input may have any alignment. Tensors come back in a Map (so any name,
 * "__proto__" included, is kept), metadata as a null-prototype object.
 *
 * Stored dtypes map to rnnkit's float tensors exactly: F32 → float32, F64 → float64; F16 and
 * BF16 → float32 (exact widening); I8, U8, I16, U16, I32, U32, BOOL → float64 holding the exact
 * integer (BOOL as 0/1); I64, U64 → float64 when |v| ≤ 2^53, otherwise an error naming the
 * tensor, index and value. Any other dtype is an error naming the tensor.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  source?: string,
): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  const where = source ?? 'safetensors data';
  if (!(bytes instanceof Uint8Array)) failAt(where, `expected a Uint8Array, got ${describe(bytes)}`);
  const headerLen = readHeaderLength(bytes.subarray(0, 8), bytes.length, where);
  const { entries, metadata } = parseHeader(bytes.subarray(8, 8 + headerLen), bytes.length - 8 - headerLen, where);
  const base = 8 + headerLen;
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) tensors.set(e.name, decodeTensor(e, bytes.subarray(base + e.begin, base + e.end), where));
  return { tensors, metadata };
}
