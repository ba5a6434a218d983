import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadSafetensors, saveSafetensors } from '../../src/io/node.js';
import {
  parseSafetensors,
  readLittleEndian,
  SafetensorsError,
  serializeSafetensors,
  type TensorLike,
  writeLittleEndian,
} from '../../src/io/safetensors.js';

const f32 = (shape: number[], values: number[]): TensorLike => ({
  shape,
  dtype: 'float32',
  data: Float32Array.from(values),
});
const f64 = (shape: number[], values: number[]): TensorLike => ({
  shape,
  dtype: 'float64',
  data: Float64Array.from(values),
});

/** Assemble a safetensors file by hand: header JSON (object or raw string) + data bytes. */
function build(header: unknown, data: ArrayLike<number> = [], opts: { pad?: boolean } = {}): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  let json = new TextEncoder().encode(text);
  if (opts.pad !== false && json.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

/** Little-endian bytes of float32 values. */
function f32Bytes(values: number[]): number[] {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat32(i * 4, x, true));
  return Array.from(b);
}

function parseError(bytes: Uint8Array, source = 'model.safetensors'): SafetensorsError {
  try {
    parseSafetensors(bytes, source);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    const err = e as SafetensorsError;
    expect(err.message).not.toMatch(/[\r\n]/); // one line
    expect(err.message.startsWith(`${source}: `)).toBe(true);
    return err;
  }
  throw new Error('expected parseSafetensors to throw');
}

function bitsOf(a: Float32Array | Float64Array): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

describe('serializeSafetensors / parseSafetensors round trip', () => {
  it('round-trips F32 and F64 bit-exactly, including NaN, -0, ±Infinity and subnormals', () => {
    const special = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-40, 3.4e38, Math.PI];
    const a = { shape: [2, 5], dtype: 'float32' as const, data: Float32Array.from(special) };
    const b = { shape: [5, 2], dtype: 'float64' as const, data: Float64Array.from([...special.slice(0, 7), 5e-324, 1.7976931348623157e308, Math.E]) };
    const c = f32([3], [1, 2, 3]);
    const { tensors, metadata } = parseSafetensors(serializeSafetensors({ a, b, c }));
    expect(metadata).toEqual({});
    expect([...tensors.keys()].sort()).toEqual(['a', 'b', 'c']);
    const ra = tensors.get('a')!;
    expect(ra.dtype).toBe('float32');
    expect(ra.shape).toEqual([2, 5]);
    expect(ra.data).toBeInstanceOf(Float32Array);
    expect(bitsOf(ra.data)).toEqual(bitsOf(a.data));
    const rb = tensors.get('b')!;
    expect(rb.dtype).toBe('float64');
    expect(rb.shape).toEqual([5, 2]);
    expect(rb.data).toBeInstanceOf(Float64Array);
    expect(bitsOf(rb.data)).toEqual(bitsOf(b.data));
    expect(Array.from(tensors.get('c')!.data)).toEqual([1, 2, 3]);
  });

  it('round-trips metadata, including awkward keys', () => {
    const md: Record<string, string> = { format: 'pt', 'rnnkit.version': '0.1.0', empty: '', 'ünï\u00e7ødé': '✓ 😀\n"q"' };
    Object.defineProperty(md, '__proto__', { value: 'not a prototype', enumerable: true });
    const { metadata } = parseSafetensors(serializeSafetensors({ w: f32([1], [1]) }, md));
    expect(Object.keys(metadata).sort()).toEqual(Object.keys(md).sort());
    for (const k of Object.keys(md)) expect(Object.getOwnPropertyDescriptor(metadata, k)?.value).toBe(md[k]);
    expect(Object.getPrototypeOf(metadata)).toBe(null); // null prototype: every key is plain data
  });

  it('handles empty tensors (shape [0], [3, 0]) and scalars (shape [])', () => {
    const bytes = serializeSafetensors({
      empty: f32([0], []),
      empty2d: f64([3, 0], []),
      scalar32: f32([], [7.5]),
      scalar64: f64([], [-1.25]),
    });
    const { tensors } = parseSafetensors(bytes);
    expect(tensors.get('empty')).toEqual({ shape: [0], dtype: 'float32', data: new Float32Array(0) });
    expect(tensors.get('empty2d')).toEqual({ shape: [3, 0], dtype: 'float64', data: new Float64Array(0) });
    expect(tensors.get('scalar32')).toEqual({ shape: [], dtype: 'float32', data: Float32Array.of(7.5) });
    expect(tensors.get('scalar64')).toEqual({ shape: [], dtype: 'float64', data: Float64Array.of(-1.25) });
  });

  it('handles a file with no tensors', () => {
    const bytes = serializeSafetensors({});
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32]); // "{}" + 6 spaces
    expect(parseSafetensors(bytes).tensors.size).toBe(0);
  });

  it('accepts a Map and gives the same bytes as a Record, whatever the insertion order', () => {
    const t = { b: f32([2], [1, 2]), a: f64([1], [3]), '10': f32([1], [4]), '2': f32([1], [5]) };
    const fromRecord = serializeSafetensors(t);
    const fromMap = serializeSafetensors(new Map(Object.entries(t).reverse()));
    expect(Array.from(fromMap)).toEqual(Array.from(fromRecord));
  });

  it('copies data out of views with a byte offset, and reads from an unaligned buffer', () => {
    const backing = new Float32Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    const bytes = serializeSafetensors({ x: { shape: [3], dtype: 'float32', data: view }, y: f64([2], [0.1, 0.2]) });
    // Shift by one byte so that every tensor is misaligned in the input.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const { tensors } = parseSafetensors(shifted.subarray(1));
    const x = tensors.get('x')!;
    const y = tensors.get('y')!;
    expect(Array.from(x.data)).toEqual([1, 2, 3]);
    expect(Array.from(y.data)).toEqual([0.1, 0.2]);
    // Fresh, aligned, independent arrays.
    expect(x.data.byteOffset).toBe(0);
    expect(x.data.buffer).not.toBe(shifted.buffer);
    shifted.fill(0);
    expect(Array.from(y.data)).toEqual([0.1, 0.2]);
  });
});

describe('endianness', () => {
  it('the portable DataView path (used on big-endian hosts) matches the native byte copy', () => {
    const a32 = Float32Array.from([1.5, -0, NaN, 1e-40, -3.25e7]);
    const a64 = Float64Array.from([Math.PI, -0, Infinity, 5e-324]);
    for (const a of [a32, a64]) {
      const native = new Uint8Array(a.byteLength + 3);
      const portable = new Uint8Array(a.byteLength + 3);
      writeLittleEndian(native, 3, a, true);
      writeLittleEndian(portable, 3, a, false);
      expect(Array.from(portable)).toEqual(Array.from(native));
      const dtype = a instanceof Float32Array ? 'float32' : 'float64';
      const back = readLittleEndian(portable.subarray(1), 2, a.length, dtype, false);
      expect(bitsOf(back)).toEqual(bitsOf(a));
      expect(bitsOf(readLittleEndian(portable.subarray(1), 2, a.length, dtype, true))).toEqual(bitsOf(a));
    }
    // Explicit little-endian check independent of the host: 1.0f32 = 00 00 80 3F.
    const one = new Uint8Array(4);
    writeLittleEndian(one, 0, Float32Array.of(1), false);
    expect(Array.from(one)).toEqual([0, 0, 0x80, 0x3f]);
  });
});

describe('byte layout', () => {
  it('matches a hand-computed example (F64 before F32, then by name; header padded with spaces)', () => {
    // Insertion order b, a: the writer must still put 'a' (F64, alignment 8) first.
    const bytes = serializeSafetensors({ b: f32([2], [1, 2]), a: f64([], [0.5]) });
    const json =
      '{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},' +
      '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
    expect(json.length).toBe(107); // counted by hand: 1 + 52 + 1 + 53 ... see below
    // {=1, "a":=4, {"dtype":"F64",=15, "shape":[],=11, "data_offsets":[0,8]}=21  -> 52
    // ,=1, "b":=4, {"dtype":"F32",=15, "shape":[2],=12, "data_offsets":[8,16]}=22 -> 106, }=1 -> 107
    // padded to 112 = 107 + 5 spaces; data = 8 + 2*4 = 16 bytes; total 8 + 112 + 16 = 136.
    expect(bytes.length).toBe(136);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([112, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 120))).toBe(json + '     ');
    // 0.5 as f64 LE = 0x3FE0000000000000; 1.0f = 0x3F800000; 2.0f = 0x40000000.
    expect(Array.from(bytes.subarray(120, 128))).toEqual([0, 0, 0, 0, 0, 0, 0xe0, 0x3f]);
    expect(Array.from(bytes.subarray(128, 136))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
  });

  it('writes __metadata__ first, compact, and pads to a multiple of 8', () => {
    const bytes = serializeSafetensors({ w: f32([1], [-1]) }, { format: 'pt' });
    const json = '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    // {=1, "__metadata__":=15, {"format":"pt"}=15, ,=1, "w":=4, {"dtype":"F32",=15, "shape":[1],=12,
    // "data_offsets":[0,4]}=21, }=1  -> 85, padded to 88.
    expect(json.length).toBe(85);
    expect(bytes.length).toBe(8 + 88 + 4);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([88, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 96))).toBe(json + '   ');
    expect(Array.from(bytes.subarray(96))).toEqual([0, 0, 0x80, 0xbf]);
  });

  it('orders names by code point and keeps integer-like names in that order', () => {
    const bytes = serializeSafetensors({
      z: f32([1], [0]),
      '10': f32([1], [0]),
      '2': f32([1], [0]),
      B: f32([1], [0]),
      é: f32([1], [0]),
      '\u{1F600}': f32([1], [0]), // U+1F600 > U+FF5E although its first UTF-16 unit is smaller
      '\uFF5E': f32([1], [0]),
      d: f64([1], [0]),
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const names = [...text.matchAll(/"([^"]+)":\{"dtype"/gu)].map((m) => m[1]);
    expect(names).toEqual(['d', '10', '2', 'B', 'z', 'é', '\uFF5E', '\u{1F600}']);
    // Offsets follow the same order.
    const offsets = [...text.matchAll(/"data_offsets":\[(\d+),(\d+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(offsets).toEqual([[0, 8], [8, 12], [12, 16], [16, 20], [20, 24], [24, 28], [28, 32], [32, 36]]);
  });

  it('reads files written by other writers: any key order, unpadded header, metadata anywhere', () => {
    const header =
      '{"b":{"data_offsets":[4,12],"shape":[2],"dtype":"F32"},' +
      '"__metadata__":{"k":"v"},"a":{"shape":[1],"dtype":"F32","data_offsets":[0,4],"extra":1}}';
    const bytes = build(header, f32Bytes([1, 2, 3]), { pad: false });
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ k: 'v' });
    expect(Array.from(tensors.get('a')!.data)).toEqual([1]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([2, 3]);
  });
});

describe('parse validation errors', () => {
  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const okData = f32Bytes([1, 2]);

  it('rejects a buffer shorter than 8 bytes', () => {
    expect(parseError(new Uint8Array(5)).message).toBe(
      'model.safetensors: not a safetensors file: 5 bytes is shorter than the 8-byte header length',
    );
  });

  it('uses a generic prefix without a source', () => {
    expect(() => parseSafetensors(new Uint8Array(0))).toThrow(/^safetensors data: not a safetensors file/);
  });

  it('rejects a header length past the end of the buffer', () => {
    const bytes = build(ok, okData).subarray(0, 20);
    expect(parseError(bytes).message).toMatch(/header length 56 bytes runs past the end of the file \(20 bytes\)/);
  });

  it('rejects an absurdly large header length (> 100 MB, or ≥ 2^32)', () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint32(0, 100_000_001, true);
    expect(parseError(b).message).toMatch(/header length 100000001 bytes is larger than the 100000000-byte limit/);
    const c = new Uint8Array(16);
    c.fill(0xff, 0, 8);
    expect(parseError(c).message).toMatch(/header length ≈1\.845e\+19 bytes is larger than the 100000000-byte limit/);
  });

  it('rejects a header that is not UTF-8', () => {
    const bytes = build('{"a":1}\xff');
    bytes[15] = 0xff;
    expect(parseError(bytes).message).toBe('model.safetensors: header is not valid UTF-8');
  });

  it('rejects a header that is not JSON, or not an object', () => {
    expect(parseError(build('{"w": {')).message).toMatch(/^model\.safetensors: header is not valid JSON \(/);
    expect(parseError(build('{"a":\n\n}')).message).toMatch(/header is not valid JSON/); // stays one line
    expect(parseError(build('\uFEFF{}')).message).toMatch(/header is not valid JSON/); // BOM is not allowed
    expect(parseError(build('[1,2]')).message).toBe('model.safetensors: header must be a JSON object, got an array');
    expect(parseError(build('null')).message).toBe('model.safetensors: header must be a JSON object, got null');
    expect(parseError(build('42')).message).toBe('model.safetensors: header must be a JSON object, got the number 42');
  });

  it('rejects tensor entries with missing fields or wrong types', () => {
    const cases: [unknown, string][] = [
      [3, "tensor 'w': entry must be an object, got the number 3"],
      [{ shape: [2], data_offsets: [0, 8] }, `tensor 'w': missing "dtype"`],
      [{ dtype: 'F32', data_offsets: [0, 8] }, `tensor 'w': missing "shape"`],
      [{ dtype: 'F32', shape: [2] }, `tensor 'w': missing "data_offsets"`],
      [{ dtype: 32, shape: [2], data_offsets: [0, 8] }, `tensor 'w': "dtype" must be a string, got the number 32`],
      [{ dtype: 'F32', shape: '2', data_offsets: [0, 8] }, `tensor 'w': "shape" must be an array, got a string`],
      [{ dtype: 'F32', shape: [2], data_offsets: { begin: 0 } }, `tensor 'w': "data_offsets" must be an array [begin, end], got an object`],
      [{ dtype: 'F32', shape: [2], data_offsets: [0, 4, 8] }, `tensor 'w': "data_offsets" must be an array [begin, end], got an array of length 3`],
      [{ dtype: 'F32', shape: [2], data_offsets: [0, '8'] }, `tensor 'w': data_offsets must be non-negative integers, got [0,"8"]`],
      [{ dtype: 'F32', shape: [2], data_offsets: [-8, 8] }, `tensor 'w': data_offsets must be non-negative integers, got [-8,8]`],
    ];
    for (const [entry, msg] of cases) {
      expect(parseError(build({ w: entry }, okData)).message).toBe(`model.safetensors: ${msg}`);
    }
  });

  it('rejects negative, fractional or non-numeric shape dims', () => {
    for (const shape of [[-2], [2.5], [2, null], [1e300]]) {
      const msg = parseError(build({ w: { dtype: 'F32', shape, data_offsets: [0, 8] } }, okData)).message;
      expect(msg).toBe(`model.safetensors: tensor 'w': shape must hold non-negative integers, got ${JSON.stringify(shape)}`);
    }
  });

  it('names unsupported and unknown dtypes', () => {
    const readable = 'F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL';
    for (const dt of ['F8_E4M3', 'F8_E5M2', 'C64', 'F4']) {
      const b = build({ x: { dtype: dt, shape: [0], data_offsets: [0, 0] } });
      expect(parseError(b).message).toBe(`model.safetensors: tensor 'x' has dtype ${dt}; rnnkit reads ${readable}`);
    }
    const weird = build({ x: { dtype: 'float32', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]);
    expect(parseError(weird).message).toBe(`model.safetensors: tensor 'x' has unknown dtype 'float32'; rnnkit reads ${readable}`);
    const proto = build({ x: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]);
    expect(parseError(proto).message).toMatch(/has unknown dtype 'toString'/);
  });

  it('rejects bad data_offsets: end < begin, past the end, wrong length for the shape', () => {
    const e1 = parseError(build({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, okData));
    expect(e1.message).toBe("model.safetensors: tensor 'w': data_offsets [8, 0] end before they begin");
    const e2 = parseError(build({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, okData));
    expect(e2.message).toBe("model.safetensors: tensor 'w': data_offsets [0, 16] run past the end of the data (8 bytes)");
    const e3 = parseError(build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, okData));
    expect(e3.message).toBe(
      "model.safetensors: tensor 'w': shape [3] with dtype F32 needs 12 bytes but data_offsets [0, 8] span 8",
    );
    const e4 = parseError(build({ w: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, okData));
    expect(e4.message).toMatch(/shape \[2\] with dtype F64 needs 16 bytes but data_offsets \[0, 8\] span 8/);
    const e5 = parseError(build({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, okData));
    expect(e5.message).toMatch(/tensor 'w': shape \[1099511627776,1099511627776\] is too large/);
  });

  it('rejects overlapping tensors, holes and trailing bytes', () => {
    const overlap = build(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
      f32Bytes([1, 2, 3]),
    );
    expect(parseError(overlap).message).toBe("model.safetensors: tensors 'a' [0, 8] and 'b' [4, 12] overlap");
    const same = build(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
      okData,
    );
    expect(parseError(same).message).toMatch(/tensors '[ab]' \[0, 8\] and '[ab]' \[0, 8\] overlap/);
    const hole = build(
      { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } },
      f32Bytes([1, 2, 3]),
    );
    expect(parseError(hole).message).toBe(
      "model.safetensors: bytes [4, 8) of the data belong to no tensor (hole before 'b'); tensors must cover the data contiguously",
    );
    const leading = build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, okData);
    expect(parseError(leading).message).toMatch(/bytes \[0, 4\) of the data belong to no tensor \(hole before 'a'\)/);
    const trailing = build(ok, [...okData, 0, 0, 0, 0]);
    expect(parseError(trailing).message).toBe(
      'model.safetensors: the tensors cover 8 bytes of data but the file has 12 after the header (trailing bytes, or a corrupt header)',
    );
  });

  it('rejects non-string metadata', () => {
    const e1 = parseError(build({ __metadata__: { epoch: 3 }, ...ok }, okData));
    expect(e1.message).toBe("model.safetensors: __metadata__ value for 'epoch' must be a string, got the number 3");
    const e2 = parseError(build({ __metadata__: ['a'], ...ok }, okData));
    expect(e2.message).toBe('model.safetensors: __metadata__ must be an object of strings, got an array');
    expect(parseSafetensors(build({ __metadata__: null, ...ok }, okData)).metadata).toEqual({});
  });

  it('keeps hostile tensor names on one line', () => {
    const bytes = build({ 'evil\nname': { dtype: 'F8_E4M3', shape: [0], data_offsets: [0, 0] } });
    expect(parseError(bytes).message).toMatch(/^model\.safetensors: tensor 'evil\\nname' has dtype F8_E4M3; rnnkit reads /);
  });
});

describe('serialize validation errors', () => {
  const cases: [string, () => unknown, string][] = [
    ['shape/data mismatch', () => serializeSafetensors({ w: f32([2, 2], [1, 2, 3]) }), "cannot serialize tensor 'w': shape [2, 2] has 4 elements but the data has 3"],
    ['negative dim', () => serializeSafetensors({ w: f32([-1], []) }), "cannot serialize tensor 'w': shape [-1] must hold non-negative integers"],
    ['wrong array type', () => serializeSafetensors({ w: { shape: [1], dtype: 'float32', data: new Float64Array(1) } }), "cannot serialize tensor 'w': dtype float32 needs its data in a Float32Array"],
    ['wrong array type 64', () => serializeSafetensors({ w: { shape: [1], dtype: 'float64', data: new Float32Array(1) } }), "cannot serialize tensor 'w': dtype float64 needs its data in a Float64Array"],
    ['bad dtype', () => serializeSafetensors({ w: { shape: [1], dtype: 'int32' as 'float32', data: new Float32Array(1) } }), "cannot serialize tensor 'w': unsupported dtype 'int32' (expected float32 or float64)"],
    ['reserved name', () => serializeSafetensors({ __metadata__: f32([1], [1]) }), "cannot serialize tensor '__metadata__': the name '__metadata__' is reserved for metadata"],
    ['lone surrogate', () => serializeSafetensors({ ['a\uD800']: f32([1], [1]) }), "cannot serialize tensor 'a\\ud800': the name contains a lone UTF-16 surrogate"],
    ['metadata value', () => serializeSafetensors({}, { epoch: 3 as unknown as string }), "cannot serialize: metadata value for 'epoch' must be a string, got the number 3"],
  ];
  for (const [label, fn, msg] of cases) {
    it(`rejects ${label}`, () => {
      expect(fn).toThrow(SafetensorsError);
      expect(fn).toThrow(msg);
    });
  }
});

describe('node helpers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rnnkit-st-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves atomically and loads back, leaving no temporary file', () => {
    const path = join(dir, 'w.safetensors');
    saveSafetensors(path, { w: f32([2], [1, 2]) }, { format: 'pt' });
    saveSafetensors(path, { w: f32([2], [3, 4]) }); // overwrite
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    const { tensors, metadata } = loadSafetensors(path);
    expect(metadata).toEqual({});
    expect(Array.from(tensors.get('w')!.data)).toEqual([3, 4]);
    expect(Array.from(readFileSync(path))).toEqual(Array.from(serializeSafetensors({ w: f32([2], [3, 4]) })));
  });

  it('does not clobber the old file when serialization throws', () => {
    const path = join(dir, 'w.safetensors');
    saveSafetensors(path, { w: f32([1], [42]) });
    const before = readFileSync(path);
    expect(() => saveSafetensors(path, { w: f32([3], [1]) })).toThrow(SafetensorsError);
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    expect(Array.from(readFileSync(path))).toEqual(Array.from(before));
  });

  it('reports a write into a missing directory on one line and leaves nothing behind', () => {
    const path = join(dir, 'missing', 'w.safetensors');
    expect(() => saveSafetensors(path, { w: f32([1], [1]) })).toThrow(`cannot write ${path}: no such directory`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('cleans up the temporary file when the rename fails', () => {
    // Renaming a file over a non-empty directory fails after the temporary file was written.
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inner'), 'keep');
    expect(() => saveSafetensors(target, { w: f32([1], [1]) })).toThrow(/^cannot write .*target: [^\n]+$/);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(target, 'inner'), 'utf8')).toBe('keep');
  });

  it('reports a missing file as a one-line error', () => {
    const path = join(dir, 'nope.safetensors');
    expect(() => loadSafetensors(path)).toThrow(SafetensorsError);
    expect(() => loadSafetensors(path)).toThrow(new SafetensorsError(`cannot read ${path}: no such file`));
  });

  it('names the path in format errors', () => {
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, 'hello');
    expect(() => loadSafetensors(path)).toThrow(
      `${path}: not a safetensors file: 5 bytes is shorter than the 8-byte header length`,
    );
  });
});

// A fixture written on the PyTorch side by tools/reference/safetensors_mixed.py (torch tensors, a
// hand-rolled writer in tools/reference/_common.py that lays the F64 tensor out first, like the
// official writer's dtype-alignment order — so our writer must reproduce it byte for byte), with a JSON
// sidecar: {metadata, header_length, file_size, tensors: {name: {dtype, shape, data_offsets, data}}}.
const fixture = fileURLToPath(new URL('../fixtures/mixed.safetensors', import.meta.url));

interface FixtureSidecar {
  file_size: number;
  header_length: number;
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: 'F32' | 'F64'; shape: number[]; data_offsets: [number, number]; data: number[] }>;
}

describe('PyTorch fixture test/fixtures/mixed.safetensors', () => {
  const expected = JSON.parse(readFileSync(`${fixture}.json`, 'utf8')) as FixtureSidecar;

  it('reads the fixture and matches the expected values exactly', () => {
    const { tensors, metadata } = loadSafetensors(fixture);
    expect(metadata).toEqual(expected.metadata);
    expect([...tensors.keys()].sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, want] of Object.entries(expected.tensors)) {
      const got = tensors.get(name)!;
      expect(got.dtype).toBe(want.dtype === 'F32' ? 'float32' : 'float64');
      expect(got.data).toBeInstanceOf(want.dtype === 'F32' ? Float32Array : Float64Array);
      expect(got.shape).toEqual(want.shape);
      // JSON holds the exact double value of every element (F32 values widen exactly).
      expect(Array.from(got.data)).toEqual(want.data);
    }
  });

  it('re-serializes to exactly the fixture bytes (same order, padding and compact JSON)', () => {
    const original = readFileSync(fixture);
    expect(original.length).toBe(expected.file_size);
    const { tensors, metadata } = parseSafetensors(original);
    const again = serializeSafetensors(tensors, metadata);
    expect(Number(new DataView(again.buffer).getBigUint64(0, true))).toBe(expected.header_length);
    expect(Buffer.from(again).equals(original)).toBe(true);
  });
});
