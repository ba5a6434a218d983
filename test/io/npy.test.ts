// .npy/.npz reading against files NumPy wrote (tools/reference/sequence_files.py), round trips
// through writeNpy/writeNpz, and the one-line refusals. If a fixture is missing or stale,
// regenerate it with: /usr/bin/python3 tools/reference/sequence_files.py
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';

import { MemoryLimitError } from '../../src/errors.js';
import { setMemoryLimit } from '../../src/memory.js';
import { NpyError, readNpy, readNpz, writeNpy, writeNpz, type NpyArray } from '../../src/io/npy.js';

const dir = fileURLToPath(new URL('../fixtures/sequences/', import.meta.url));
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(`${dir}${name}`));
interface Flat { dtype: string; shape: number[]; data: (number | string)[] }
const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as Record<string, Record<string, Flat>>;

/** The message of what `f` throws, checked to be an NpyError on one line. */
function npyError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NpyError);
    const msg = (e as Error).message;
    expect(msg).not.toMatch(/\n/);
    return msg;
  }
  throw new Error('expected an NpyError');
}

afterEach(() => setMemoryLimit(null));

/** `b` with its header text edited by `edit` (and the header length updated). */
function editHeader(b: Uint8Array, edit: (h: string) => string): Uint8Array {
  const len = b[8]! | (b[9]! << 8);
  const h = edit(String.fromCharCode(...b.subarray(10, 10 + len)));
  const out = new Uint8Array(10 + h.length + b.length - 10 - len);
  out.set(b.subarray(0, 8));
  out[8] = h.length & 255;
  out[9] = h.length >> 8;
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  out.set(b.subarray(10 + len), 10 + h.length);
  return out;
}

describe('readNpz reads what NumPy writes', () => {
  for (const name of ['savez_f32_i64.npz', 'savez_compressed_f64_i32.npz', 'savez_compressed_u8.npz']) {
    it(name, () => {
      const got = readNpz(bytes(name), name);
      const want = expected[name]!;
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [k, w] of Object.entries(want)) {
        const a = got[k]!;
        expect(a.dtype, k).toBe(w.dtype);
        expect(a.shape, k).toEqual(w.shape);
        expect(Array.from(a.data as ArrayLike<number | string>), k).toEqual(w.data); // exact, float32 included
      }
    });
  }

  it('gives each dtype its typed array', () => {
    const a = readNpz(bytes('savez_f32_i64.npz'));
    expect(a.x!.data).toBeInstanceOf(Float32Array);
    expect(a.y!.data).toBeInstanceOf(Float64Array); // int64 as exact integers
    const b = readNpz(bytes('savez_compressed_f64_i32.npz'));
    expect(b.x!.data).toBeInstanceOf(Float64Array);
    expect(b.y!.data).toBeInstanceOf(Int32Array);
    expect(readNpz(bytes('savez_compressed_u8.npz')).y!.data).toBeInstanceOf(Uint8Array);
  });
});

describe('refusals name the file, the member and the problem', () => {
  it('int64 beyond ±2^53', () => {
    expect(npyError(() => readNpz(bytes('bad_i64.npz'), 'bad_i64.npz'))).toBe(
      "bad_i64.npz: member 'y.npy': int64 value 9007199254740993 at index 1 is beyond ±2^53, which a float64 cannot hold exactly",
    );
  });
  it('Fortran order', () => {
    expect(npyError(() => readNpy(bytes('fortran.npy'), 'fortran.npy'))).toBe(
      'fortran.npy: the array of shape [2,3] is in Fortran order, which is not read; save np.ascontiguousarray(arr)',
    );
  });
  it('big-endian', () => {
    expect(npyError(() => readNpy(bytes('big_endian.npy'), 'big_endian.npy'))).toBe(
      "big_endian.npy: dtype '>f4' is big-endian; save with little-endian byte order (arr.astype(arr.dtype.newbyteorder('<')))",
    );
  });
  it('object arrays', () => {
    expect(npyError(() => readNpy(bytes('object.npy'), 'object.npy'))).toBe(
      "object.npy: dtype '|O' is an object array (pickled Python objects), which is not read; save a numeric array",
    );
  });
  it('unknown dtypes', () => {
    expect(npyError(() => readNpy(bytes('complex.npy'), 'complex.npy'))).toBe(
      "complex.npy: dtype '<c8' is not read (readable: float32, float64, int8/16/32/64, uint8/16/32/64, bool or <U strings)",
    );
  });
  it('structured dtypes', () => {
    const good = writeNpy({ dtype: 'float32', shape: [1], data: new Float32Array(1) });
    const rec = editHeader(good, (h) => h.replace("'descr': '<f4'", "'descr': [('a','<f4')]"));
    expect(npyError(() => readNpy(rec, 'rec.npy'))).toBe(
      'rec.npy: the array has a structured dtype (named fields), which is not read; save each field as its own array',
    );
  });
  it('not .npy bytes', () => {
    expect(npyError(() => readNpy(new Uint8Array([1, 2, 3]), 'a.npy'))).toBe('a.npy: not a .npy array (no \\x93NUMPY magic at the start)');
  });
  it('truncated data', () => {
    const b = writeNpy({ dtype: 'float64', shape: [2, 2], data: new Float64Array(4) });
    expect(npyError(() => readNpy(b.subarray(0, b.length - 3), 't.npy'))).toBe(
      't.npy: shape [2,2] of float64 needs 32 bytes of data but 29 follow the header (truncated file?)',
    );
  });
  it('a header whose sizes are absurd is refused before allocating', () => {
    const b = writeNpy({ dtype: 'float32', shape: [1], data: new Float32Array(1) });
    const huge = editHeader(b, (h) => h.replace("'shape': (1,)", "'shape': (100000, 100000)"));
    expect(npyError(() => readNpy(huge, 'huge.npy'))).toBe(
      'huge.npy: shape [100000,100000] of float32 needs 40000000000 bytes of data but 4 follow the header (truncated file?)',
    );
  });
  it('not a zip', () => {
    expect(npyError(() => readNpz(new Uint8Array(40), 'z.npz'))).toMatch(/^z\.npz: not a readable \.npz \(zip\) archive: /);
  });
  it('a member that is not .npy', () => {
    const z = zipSync({ 'x.npy': writeNpy({ dtype: 'uint8', shape: [1], data: new Uint8Array(1) }), 'notes.txt': new Uint8Array(3) });
    expect(npyError(() => readNpz(z, 'm.npz'))).toBe("m.npz: member 'notes.txt' is not a .npy array (an .npz holds only <name>.npy members)");
  });
  it("a member bigger than the memory cap is not inflated", () => {
    const z = zipSync({ 'x.npy': writeNpy({ dtype: 'float64', shape: [1000], data: new Float64Array(1000) }) }, { level: 9 });
    setMemoryLimit(1000);
    expect(() => readNpz(z, 'cap.npz')).toThrow(MemoryLimitError);
    expect(() => readNpz(z, 'cap.npz')).toThrow(/^cap\.npz: member 'x\.npy' needs about 7\.9\d KiB, over the memory limit/);
  });
});

describe('writeNpy / writeNpz round trips', () => {
  const arrays: Record<string, NpyArray> = {
    f32: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0, -0, 1.5, -2.25, 3e-38, Infinity]) },
    f64: { dtype: 'float64', shape: [3], data: Float64Array.from([Math.PI, NaN, -1e300]) },
    i64: { dtype: 'int64', shape: [3], data: Float64Array.from([-(2 ** 53), 0, 2 ** 53]) },
    u64: { dtype: 'uint64', shape: [1], data: Float64Array.from([2 ** 53]) },
    i32: { dtype: 'int32', shape: [2], data: Int32Array.from([-2147483648, 2147483647]) },
    i16: { dtype: 'int16', shape: [1, 1], data: Int16Array.from([-300]) },
    i8: { dtype: 'int8', shape: [2], data: Int8Array.from([-128, 127]) },
    u8: { dtype: 'uint8', shape: [2, 1], data: Uint8Array.from([0, 255]) },
    u16: { dtype: 'uint16', shape: [1], data: Uint16Array.from([65535]) },
    u32: { dtype: 'uint32', shape: [1], data: Uint32Array.from([4294967295]) },
    b: { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) },
    scalar: { dtype: 'float32', shape: [], data: Float32Array.from([7]) },
    empty: { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
    names: { dtype: 'str', shape: [3], data: ['cat', 'ü', '𝄞 clef'] },
  };
  it('every dtype, shape and value comes back', () => {
    for (const [k, a] of Object.entries(arrays)) {
      const back = readNpy(writeNpy(a), k);
      expect(back.dtype, k).toBe(a.dtype);
      expect(back.shape, k).toEqual(a.shape);
      expect(Array.from(back.data as ArrayLike<number>), k).toEqual(Array.from(a.data as ArrayLike<number>));
    }
  });
  it('the .npz holds every array under its key', () => {
    const back = readNpz(writeNpz(arrays));
    expect(Object.keys(back)).toEqual(Object.keys(arrays));
    expect(Array.from(back.i64!.data as Float64Array)).toEqual([-(2 ** 53), 0, 2 ** 53]);
    expect(back.names!.data).toEqual(['cat', 'ü', '𝄞 clef']);
  });
  it('the header is NumPy 1.0 with the data 64-byte aligned, and output is deterministic', () => {
    const b = writeNpy(arrays.f32!);
    expect(new TextDecoder().decode(b.subarray(10, 10 + 50))).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': ");
    expect((b.length - 24) % 64).toBe(0);
    expect(writeNpz(arrays)).toEqual(writeNpz(arrays));
  });
  it('int64 beyond ±2^53 is refused when writing too', () => {
    expect(npyError(() => writeNpy({ dtype: 'int64', shape: [1], data: Float64Array.from([2 ** 60]) }, 'w'))).toBe(
      'w: int64 value 1152921504606847000 at index 0 is not an exact integer within ±2^53',
    );
  });
});
