// Hostile input is refused fast, with the parser's own one-line error: deep nesting, names that
// are Object.prototype's, huge files with a bad header, shapes of millions of items.
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../src/errors.js';
import { loadSafetensors as loadTensors } from '../../src/io/files.js';
import { loadSafetensors } from '../../src/io/node.js';
import { MAX_HEADER_DEPTH, parseSafetensors, SafetensorsError, serializeSafetensors } from '../../src/io/safetensors.js';
import { Module, StateDictError, type TensorLike } from '../../src/nn/module.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** Header text (padded to a multiple of 8) + data bytes. */
function build(text: string, data: ArrayLike<number> = []): Uint8Array {
  const json = new TextEncoder().encode(text);
  const len = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + len + data.length).fill(0x20, 8, 8 + len);
  new DataView(out.buffer).setBigUint64(0, BigInt(len), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + len);
  return out;
}

function errorOf(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as Error).message).not.toMatch(/[\r\n]/);
    return e as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError');
}

const depthMsg = `header nests [ and { more than ${MAX_HEADER_DEPTH} levels deep (a safetensors header needs 3)`;

describe('deeply nested headers', () => {
  const deep = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);

  it('refuses JSON nested 100,000 deep anywhere (shape, metadata, top level) with a SafetensorsError', () => {
    const cases = [
      `{"w":{"dtype":"F32","shape":${deep(100_000)},"data_offsets":[0,0]}}`,
      `{"__metadata__":{"a":${deep(100_000)}}}`,
      deep(100_000),
      `{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
      '['.repeat(1_000_000), // never closed
    ];
    for (const text of cases) {
      const t0 = performance.now();
      expect(errorOf(() => parseSafetensors(build(text), 'deep.safetensors')).message).toBe(`deep.safetensors: ${depthMsg}`);
      expect(performance.now() - t0).toBeLessThan(500);
    }
  });

  it(`accepts nesting up to ${MAX_HEADER_DEPTH} (extra fields the reference reader ignores), and brackets inside strings`, () => {
    // header {…} is level 1, an entry level 2, so an extra field may nest MAX_HEADER_DEPTH - 2 deep.
    const extra = `{"x":${deep(MAX_HEADER_DEPTH - 3)}}`;
    const name = '[[[[[[[[[[\\"{{{{{{{{{{'; // brackets and an escaped quote inside a string don't count
    const header = `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":${extra}},"${name}":{"dtype":"U8","shape":[0],"data_offsets":[4,4]}}`;
    const { tensors } = parseSafetensors(build(header, [0, 0, 128, 63]));
    expect(Array.from(tensors.get('w')!.data)).toEqual([1]);
    expect(tensors.has('[[[[[[[[[["{{{{{{{{{{')).toBe(true);
    const tooDeep = `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":${deep(MAX_HEADER_DEPTH - 1)}}}`;
    expect(errorOf(() => parseSafetensors(build(tooDeep, [0, 0, 128, 63]))).message).toContain(depthMsg);
  });

  it('keeps messages short when a header value is huge', () => {
    const shape = `[${Array(200_000).fill(0).join(',')},-1]`;
    const msg = errorOf(() => parseSafetensors(build(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,0]}}`))).message;
    expect(msg).toMatch(/^safetensors data: tensor 'w': shape must hold non-negative integers, got \[0,0,0,.*…\(400004 chars\)$/);
    expect(msg.length).toBeLessThan(200);
  });
});

describe('layout edge cases the generators rarely reach', () => {
  it('refuses a shape whose running product overflows even when a later dim is 0 (like the reference checked_mul)', () => {
    const header = `{"w":{"dtype":"F32","shape":[${2 ** 40},${2 ** 40},0],"data_offsets":[0,0]}}`;
    expect(errorOf(() => parseSafetensors(build(header))).message).toBe(
      `safetensors data: tensor 'w': shape [${2 ** 40},${2 ** 40},0] is too large`,
    );
  });

  it('refuses a one-byte hole between tensors', () => {
    const header = '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}';
    expect(errorOf(() => parseSafetensors(build(header, [1, 0, 2]))).message).toBe(
      "safetensors data: bytes [1, 2) of the data belong to no tensor (hole before 'b'); tensors must cover the data contiguously",
    );
  });
});

describe('names that are Object.prototype members', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];

  it('keeps tensors named __proto__, constructor, toString, … (Map), and metadata with such keys', () => {
    const tensors = new Map(names.map((n, i) => [n, { shape: [1], dtype: 'float32' as const, data: Float32Array.of(i) }]));
    const md = Object.create(null) as Record<string, string>;
    md['__proto__'] = 'p';
    md['constructor'] = 'c';
    const bytes = serializeSafetensors(tensors, md);
    const parsed = parseSafetensors(bytes);
    expect([...parsed.tensors.keys()].sort()).toEqual([...names].sort());
    for (const [i, n] of names.entries()) expect(parsed.tensors.get(n)!.data[0]).toBe(i);
    expect(Object.getPrototypeOf(parsed.metadata)).toBe(null);
    expect(Object.entries(parsed.metadata).sort()).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
    // A name the file lacks is simply absent: nothing inherited shows through.
    expect(parsed.metadata['toString']).toBeUndefined();
    expect(parsed.metadata['hasOwnProperty']).toBeUndefined();
  });

  it('a header whose entry inherits nothing: "dtype" etc. are read as own fields only', () => {
    const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const { tensors } = parseSafetensors(build(header, [0, 0, 128, 63]));
    expect([...tensors.keys()]).toEqual(['__proto__']);
    expect(tensors.get('__proto__')!.data[0]).toBe(1);
    const noDtype = '{"w":{"__proto__":{"dtype":"F32"},"shape":[1],"data_offsets":[0,4]}}';
    expect(errorOf(() => parseSafetensors(build(noDtype, [0, 0, 128, 63]))).message).toBe(`safetensors data: tensor 'w': missing "dtype"`);
  });

  describe('Module.stateDict / loadStateDict', () => {
    class Odd extends Module {
      constructor() {
        super();
        this.registerParameter('__proto__', new Tensor(Float32Array.of(1, 2), [2]));
        this.registerParameter('constructor', new Tensor(Float32Array.of(3), [1]));
      }
    }
    class Plain extends Module {
      constructor() {
        super();
        this.registerParameter('weight', new Tensor(Float32Array.of(0, 0), [2]));
      }
    }
    const t = (...v: number[]): TensorLike => ({ shape: [v.length], data: Float32Array.from(v) });

    it('stateDict keeps a parameter named __proto__ as an own entry, and the dict round-trips', () => {
      const sd = new Odd().stateDict();
      expect(Object.keys(sd).sort()).toEqual(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
      const other = new Odd();
      other.loadStateDict({ ...sd });
      const bytes = serializeSafetensors(sd);
      expect([...parseSafetensors(bytes).tensors.keys()].sort()).toEqual(['__proto__', 'constructor']);
    });

    it('strict loadStateDict reports a __proto__ key as unexpected (own property, JSON.parse, null prototype, Map)', () => {
      const own: Record<string, TensorLike> = { weight: t(1, 2) };
      Object.defineProperty(own, '__proto__', { value: t(9), enumerable: true });
      const nullProto = Object.assign(Object.create(null) as Record<string, TensorLike>, { weight: t(1, 2) });
      nullProto['__proto__'] = t(9);
      const map = new Map([['weight', t(1, 2)], ['__proto__', t(9)], ['toString', t(8)]]);
      for (const dict of [own, nullProto, map]) {
        expect(() => new Plain().loadStateDict(dict)).toThrow(StateDictError);
        expect(() => new Plain().loadStateDict(dict)).toThrow(/unexpected keys: .*__proto__/);
      }
      expect(new Plain().loadStateDict(map, { strict: false }).unexpectedKeys).toEqual(['__proto__', 'toString']);
    });

    it('a dict whose prototype was replaced by `dict["__proto__"] = tensor` is reported, not silently ignored', () => {
      const dict: Record<string, TensorLike> = { weight: t(1, 2) };
      dict['__proto__'] = t(9); // the assignment sets the prototype; Object.keys no longer shows it
      expect(Object.keys(dict)).toEqual(['weight']);
      expect(() => new Plain().loadStateDict(dict)).toThrow('loadStateDict: unexpected keys: __proto__');
      expect(new Plain().loadStateDict(dict, { strict: false }).unexpectedKeys).toEqual(['__proto__']);
    });

    it('loads a safetensors file with a __proto__ tensor into a module that has that parameter', () => {
      const src = new Odd();
      const dir = mkdtempSync(join(tmpdir(), 'rnnkit-proto-'));
      try {
        const path = join(dir, 'odd.safetensors');
        const bytes = serializeSafetensors(src.stateDict());
        const fd = openSync(path, 'w');
        writeSync(fd, bytes);
        closeSync(fd);
        const { tensors } = loadTensors(path);
        const dst = new Odd();
        for (const p of dst.parameters()) p.data.fill(0);
        dst.loadStateDict(tensors);
        expect([...dst.namedParameters()].map(([k, p]) => [k, Array.from(p.data)])).toEqual([['__proto__', [1, 2]], ['constructor', [3]]]);
        expect(() => new Plain().loadStateDict(tensors)).toThrow(/unexpected keys: __proto__, constructor/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('a 1.5 GB (sparse) file with a bad header is refused after reading a few bytes', () => {
  let dir: string;
  const SIZE = 1.5 * 2 ** 30;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rnnkit-sparse-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A header whose data offsets depend on the data length n = SIZE - 8 - header length. */
  function fitted(header: (n: number) => string): Uint8Array {
    let len = 0;
    for (;;) {
      const b = build(header(SIZE - 8 - len));
      if (b.length - 8 === len) return b;
      len = b.length - 8;
    }
  }

  /** A sparse file: `head` at the start, then zeros up to SIZE bytes (costs no disk). */
  function sparse(name: string, head: Uint8Array): string {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    writeSync(fd, head);
    ftruncateSync(fd, SIZE);
    closeSync(fd);
    return path;
  }

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['garbage header', () => build('{"w": not json'), /: header is not valid JSON \(/],
    ['deeply nested header', () => build('['.repeat(1_000_000)), /: header nests \[ and \{ more than 8 levels deep/],
    [
      'tensors that do not cover the data',
      () => build('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'),
      /: the tensors cover 8 bytes of data but the file has 1610612\d\d\d after the header/,
    ],
    [
      'offsets past the end',
      () => build('{"w":{"dtype":"F32","shape":[536870912],"data_offsets":[0,2147483648]}}'),
      /: tensor 'w': data_offsets \[0, 2147483648\] run past the end of the data \(1610612\d\d\d bytes\)/,
    ],
    [
      'an unreadable dtype after 1.5 GB of a good tensor',
      () => fitted((n) => `{"a":{"dtype":"F32","shape":[${(n - 64) / 4}],"data_offsets":[0,${n - 64}]},"b":{"dtype":"F8_E4M3","shape":[64],"data_offsets":[${n - 64},${n}]}}`),
      /: tensor 'b' has dtype F8_E4M3/,
    ],
    [
      'a header length of 2^40',
      () => Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0),
      /: not a safetensors file: header length ≈1\.100e\+12 bytes is larger than the 100000000-byte limit/,
    ],
  ];

  for (const [label, head, message] of cases) {
    it(`refuses ${label} in well under a second, without reading the body`, () => {
      const path = sparse(`${label.replace(/\W+/g, '_')}.safetensors`, head());
      const rss0 = process.memoryUsage().rss;
      const t0 = performance.now();
      const err = errorOf(() => loadSafetensors(path));
      const ms = performance.now() - t0;
      const grew = process.memoryUsage().rss - rss0;
      expect(err.message.startsWith(`${path}: `)).toBe(true);
      expect(err.message).toMatch(message);
      expect(ms).toBeLessThan(1000);
      expect(grew).toBeLessThan(200 * 2 ** 20);
      expect(err).toBeInstanceOf(UserError);
    });
  }

  it('reports a directory and a non-regular file on one line', () => {
    const sub = join(dir, 'sub.safetensors');
    mkdirSync(sub);
    expect(errorOf(() => loadSafetensors(sub)).message).toBe(`cannot read ${sub}: is a directory`);
    expect(errorOf(() => loadSafetensors('/dev/null')).message).toBe('cannot read /dev/null: not a regular file');
  });
});
