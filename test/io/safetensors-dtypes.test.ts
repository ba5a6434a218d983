// Reading the dtypes PyTorch users save (F16, BF16, I64, I32, I16, I8, U8, BOOL besides F32/F64),
// against files written on the PyTorch side by tools/reference/safetensors_dtypes.py. If a fixture
// is missing or stale, regenerate it with: /usr/bin/python3 tools/reference/safetensors_dtypes.py
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { UserError } from '../../src/errors.js';
import { loadSafetensors as loadTensors } from '../../src/io/files.js';
import { loadSafetensors } from '../../src/io/node.js';
import { decodeTensor, parseSafetensors, SafetensorsError, type HeaderEntry, type RawTensor } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';

const dir = fileURLToPath(new URL('../fixtures/safetensors/', import.meta.url));
const file = `${dir}dtypes.safetensors`;

interface Expected {
  torch_version: string;
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data: (number | 'nan' | 'inf' | '-inf')[] }>;
  errors: { file: string; tensor: string; dtype: string; index: number; value: string }[];
}
const expected = JSON.parse(readFileSync(`${dir}dtypes.json`, 'utf8')) as Expected;

/** The value PyTorch printed: "nan"/"inf"/"-inf" stand for the non-finite doubles. */
function want(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
}

const HALF_WIDTH = new Set(['F16', 'BF16', 'F32']);

function checkAgainstTorch(tensors: Map<string, RawTensor>): void {
  expect([...tensors.keys()].sort()).toEqual(Object.keys(expected.tensors).sort());
  for (const [name, w] of Object.entries(expected.tensors)) {
    const got = tensors.get(name)!;
    const msg = `${name} (${w.dtype}); regenerate with /usr/bin/python3 tools/reference/safetensors_dtypes.py`;
    expect(got.shape, msg).toEqual(w.shape);
    expect(got.dtype, msg).toBe(HALF_WIDTH.has(w.dtype) ? 'float32' : 'float64');
    expect(got.data, msg).toBeInstanceOf(HALF_WIDTH.has(w.dtype) ? Float32Array : Float64Array);
    expect(got.data.length, msg).toBe(w.data.length);
    // Object.is: -0 must stay -0 and NaN must stay NaN; every other value exactly as torch's double.
    const bad = w.data.map((v, i) => [i, want(v), got.data[i]!] as const).filter(([, a, b]) => !Object.is(a, b));
    expect(bad, msg).toEqual([]);
  }
}

describe(`PyTorch dtypes fixture (torch ${expected.torch_version})`, () => {
  it('parseSafetensors reads every dtype exactly as PyTorch prints it', () => {
    const { tensors, metadata } = parseSafetensors(readFileSync(file), 'dtypes.safetensors');
    checkAgainstTorch(tensors);
    expect(Object.getPrototypeOf(metadata)).toBe(null);
    expect({ ...metadata }).toEqual(expected.metadata);
    expect(Object.keys(metadata)).toContain('__proto__');
  });

  it('loadSafetensors (file, header first) gives the same', () => {
    checkAgainstTorch(loadSafetensors(file).tensors);
  });

  it('the Tensor-level loader keeps "__proto__", "constructor" and "toString" as entries', () => {
    const { tensors } = loadTensors(file);
    expect(Object.getPrototypeOf(tensors)).toBe(null);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    expect(tensors['__proto__']).toBeInstanceOf(Tensor);
    expect(Array.from(tensors['__proto__']!.data)).toEqual([3, 1, 4]);
    expect(Array.from(tensors['constructor']!.data)).toEqual([1.5, -2]);
    expect(Array.from(tensors['toString']!.data)).toEqual([0, 1]);
    expect(tensors['mask']!.dtype).toBe('float64');
    expect(tensors['half']!.dtype).toBe('float32');
  });

  for (const e of expected.errors) {
    it(`refuses ${e.dtype} value ${e.value} (beyond ±2^53), naming the tensor, index and value`, () => {
      const path = fileURLToPath(new URL(`../../${e.file}`, import.meta.url));
      const message = `${path}: tensor '${e.tensor}': ${e.dtype} value ${e.value} at index ${e.index} is beyond ±2^53, so a float64 tensor cannot hold it exactly`;
      expect(() => loadSafetensors(path)).toThrow(new SafetensorsError(message));
      expect(() => parseSafetensors(readFileSync(path), path)).toThrow(message);
    });
  }
});

/** A header entry for decodeTensor on hand-made bytes. */
function entry(stored: HeaderEntry['stored'], itemSize: number, count: number): HeaderEntry {
  const dtype = stored === 'F32' || stored === 'F16' || stored === 'BF16' ? 'float32' : 'float64';
  return { name: 'x', stored, dtype, itemSize, shape: [count], begin: 0, end: count * itemSize };
}

describe('decodeTensor on hand-made bytes', () => {
  it('reads U16, U32 and U64 (which PyTorch 1.13 cannot write) exactly', () => {
    const b = new Uint8Array(8 * 3);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, 2n ** 53n, true);
    v.setBigUint64(8, 0n, true);
    v.setBigUint64(16, 2n ** 32n + 5n, true);
    expect(Array.from(decodeTensor(entry('U64', 8, 3), b, 'f').data)).toEqual([2 ** 53, 0, 2 ** 32 + 5]);
    v.setBigUint64(8, 2n ** 53n + 2n, true);
    expect(() => decodeTensor(entry('U64', 8, 3), b, 'f')).toThrow(
      "f: tensor 'x': U64 value 9007199254740994 at index 1 is beyond ±2^53, so a float64 tensor cannot hold it exactly",
    );
    const u32 = new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0]);
    expect(Array.from(decodeTensor(entry('U32', 4, 2), u32, 'f').data)).toEqual([4294967295, 1]);
    const u16 = new Uint8Array([0xff, 0xff, 0x34, 0x12]);
    expect(Array.from(decodeTensor(entry('U16', 2, 2), u16, 'f').data)).toEqual([65535, 0x1234]);
  });

  it('I64 accepts exactly [-2^53, 2^53], at every boundary of the high word', () => {
    const cases: [bigint, boolean][] = [
      [2n ** 53n, true], [-(2n ** 53n), true], [2n ** 53n - 1n, true], [-(2n ** 53n) + 1n, true],
      [2n ** 53n + 1n, false], [-(2n ** 53n) - 1n, false], [2n ** 63n - 1n, false], [-(2n ** 63n), false],
      [2n ** 32n * 3n + 7n, true], [-(2n ** 32n) - 1n, true], [-1n, true],
    ];
    for (const [x, ok] of cases) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, x, true);
      if (ok) expect(decodeTensor(entry('I64', 8, 1), b, 'f').data[0]).toBe(Number(x));
      else expect(() => decodeTensor(entry('I64', 8, 1), b, 'f')).toThrow(`I64 value ${x} at index 0 is beyond ±2^53`);
    }
  });

  it('refuses a BOOL byte other than 0 or 1', () => {
    const err = (() => {
      try {
        decodeTensor(entry('BOOL', 1, 3), new Uint8Array([1, 0, 2]), 'm.safetensors');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("m.safetensors: tensor 'x': BOOL byte 2 at index 2 is neither 0 nor 1");
  });

  it('widens every one of the 65536 F16 bit patterns exactly (checked against Math.fround of the formula)', () => {
    const b = new Uint8Array(2 * 65536);
    const v = new DataView(b.buffer);
    for (let h = 0; h < 65536; h++) v.setUint16(2 * h, h, true);
    const got = decodeTensor(entry('F16', 2, 65536), b, 'f').data;
    for (let h = 0; h < 65536; h++) {
      const s = h >> 15 ? -1 : 1;
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const x = e === 31 ? (m ? NaN : s * Infinity) : e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
      if (!Object.is(got[h], x)) throw new Error(`F16 bits 0x${h.toString(16)}: got ${got[h]}, want ${x}`);
    }
  });

  it('F32 decoded without copying is a view only when allowed; with copying never aliases the input', () => {
    const b = new Uint8Array(new Float32Array([1, 2]).buffer);
    const copied = decodeTensor(entry('F32', 4, 2), b, 'f');
    expect(copied.data.buffer).not.toBe(b.buffer);
    const viewed = decodeTensor(entry('F32', 4, 2), b, 'f', false);
    expect(viewed.data.buffer).toBe(b.buffer);
    const portable = decodeTensor(entry('F32', 4, 2), b, 'f', true, false); // big-endian host path
    expect(Array.from(portable.data)).toEqual([1, 2]);
  });
});
