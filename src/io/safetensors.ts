// Reader and writer for the safetensors format (https://huggingface.co/docs/safetensors).
//
// Layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON header, then the data buffer.
// The header maps tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets are
// relative to the start of the data buffer) plus an optional "__metadata__" map of string→string.
// Tensor data is little-endian and row-major; tensors must be contiguous, non-overlapping and
// cover the whole data buffer.
//
// This module is environment-neutral (browser and Node): no `node:` imports. File helpers live in
// ./node.ts.
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
export type SafeDType = 'float32' | 'float64';

export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: SafeDType;
  readonly data: Float32Array | Float64Array;
}

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

/** Safetensors dtypes we can read, and their tensor dtype / item size. */
const SUPPORTED: Readonly<Record<string, { dtype: SafeDType; itemSize: number }>> = {
  F32: { dtype: 'float32', itemSize: 4 },
  F64: { dtype: 'float64', itemSize: 8 },
};

/** Dtypes the format defines but rnnkit does not read. */
const KNOWN_UNSUPPORTED = new Set([
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'I64',
  'U64',
  'C64',
]);

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

function assignOwn(target: Record<string, string>, key: string, value: string): void {
  // defineProperty so a key such as "__proto__" becomes an ordinary own property.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
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
  const { dtype, shape, data } = t as Partial<TensorLike>;
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

interface ParsedEntry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
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

/**
 * Parse safetensors bytes. `source` (a file name, when known) prefixes every error message.
 * Tensor data is copied into fresh typed arrays; the input may have any alignment.
 * Only F32 and F64 tensors are readable; any other dtype is an error naming the tensor.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  source?: string,
): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  const where = source ?? 'safetensors data';
  function fail(msg: string): never {
    throw new SafetensorsError(`${where}: ${msg}`);
  }

  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) {
    fail(`not a safetensors file: ${bytes.length} bytes is shorter than the 8-byte header length`);
  }
  const lenView = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = lenView.getUint32(0, true);
  const hi = lenView.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo; // exact below 2^53; anything that large fails below anyway
  if (hi !== 0 || headerLen > MAX_HEADER_BYTES) {
    fail(
      `not a safetensors file: header length ${hi === 0 ? headerLen : `≈${headerLen.toExponential(3)}`} bytes is larger than the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  if (8 + headerLen > bytes.length) {
    fail(
      `header length ${headerLen} bytes runs past the end of the file (${bytes.length} bytes): truncated, or not a safetensors file`,
    );
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail('header is not valid UTF-8');
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

  const metadata: Record<string, string> = {};
  const entries: ParsedEntry[] = [];
  const dataLen = bytes.length - 8 - headerLen;

  for (const name of Object.keys(head)) {
    const info = head[name];
    if (name === METADATA_KEY) {
      if (info === null) continue; // Option<...> = None in the reference implementation
      if (!isPlainObject(info)) fail(`${METADATA_KEY} must be an object of strings, got ${describe(info)}`);
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${METADATA_KEY} value for ${q(k)} must be a string, got ${describe(v)}`);
        assignOwn(metadata, k, v as string);
      }
      continue;
    }
    const t = `tensor ${q(name)}`;
    if (!isPlainObject(info)) fail(`${t}: entry must be an object, got ${describe(info)}`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;

    if (dtype === undefined) fail(`${t}: missing "dtype"`);
    if (typeof dtype !== 'string') fail(`${t}: "dtype" must be a string, got ${describe(dtype)}`);
    if (shape === undefined) fail(`${t}: missing "shape"`);
    if (!Array.isArray(shape)) fail(`${t}: "shape" must be an array, got ${describe(shape)}`);
    if (offsets === undefined) fail(`${t}: missing "data_offsets"`);
    if (!Array.isArray(offsets) || offsets.length !== 2) {
      fail(`${t}: "data_offsets" must be an array [begin, end], got ${describe(offsets)}${Array.isArray(offsets) ? ` of length ${offsets.length}` : ''}`);
    }

    const dims = shape as unknown[];
    for (const d of dims) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        fail(`${t}: shape must hold non-negative integers, got ${JSON.stringify(dims)}`);
      }
    }
    const [begin, end] = offsets as unknown[];
    for (const o of [begin, end]) {
      if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
        fail(`${t}: data_offsets must be non-negative integers, got ${JSON.stringify(offsets)}`);
      }
    }
    const b = begin as number;
    const e = end as number;

    const dt = dtype as string;
    const supported = Object.prototype.hasOwnProperty.call(SUPPORTED, dt) ? SUPPORTED[dt]! : undefined;
    if (supported === undefined) {
      if (KNOWN_UNSUPPORTED.has(dt)) fail(`tensor ${q(name)} has dtype ${dt}; rnnkit reads F32 and F64`);
      fail(`tensor ${q(name)} has unknown dtype ${q(dt)}; rnnkit reads F32 and F64`);
    }
    const { dtype: sd, itemSize } = supported!;

    if (e < b) fail(`${t}: data_offsets [${b}, ${e}] end before they begin`);
    if (e > dataLen) fail(`${t}: data_offsets [${b}, ${e}] run past the end of the data (${dataLen} bytes)`);
    let count = 1;
    for (const d of dims as number[]) {
      count *= d;
      if (!Number.isSafeInteger(count)) fail(`${t}: shape ${JSON.stringify(dims)} is too large`);
    }
    if (count * itemSize !== e - b) {
      fail(
        `${t}: shape ${JSON.stringify(dims)} with dtype ${dt} needs ${count * itemSize} bytes but data_offsets [${b}, ${e}] span ${e - b}`,
      );
    }
    entries.push({ name, dtype: sd, shape: dims as number[], begin: b, end: e });
  }

  // The data buffer must be covered exactly: sorted by offsets, each tensor starts where the
  // previous one ended, and the last one ends at the end of the file.
  const byOffset = [...entries].sort((x, y) => x.begin - y.begin || x.end - y.end);
  let expected = 0;
  let prev: ParsedEntry | undefined;
  for (const en of byOffset) {
    if (en.begin < expected) {
      fail(
        `tensors ${q(prev!.name)} [${prev!.begin}, ${prev!.end}] and ${q(en.name)} [${en.begin}, ${en.end}] overlap`,
      );
    }
    if (en.begin > expected) {
      fail(
        `bytes [${expected}, ${en.begin}) of the data belong to no tensor (hole before ${q(en.name)}); tensors must cover the data contiguously`,
      );
    }
    expected = en.end;
    prev = en;
  }
  if (expected !== dataLen) {
    fail(
      `the tensors cover ${expected} bytes of data but the file has ${dataLen} after the header (trailing bytes, or a corrupt header)`,
    );
  }

  const data = bytes.subarray(8 + headerLen);
  const tensors = new Map<string, RawTensor>();
  for (const en of entries) {
    const count = (en.end - en.begin) / (en.dtype === 'float32' ? 4 : 8);
    tensors.set(en.name, { shape: [...en.shape], dtype: en.dtype, data: readLittleEndian(data, en.begin, count, en.dtype) });
  }
  return { tensors, metadata };
}
