// Property-based tests of the safetensors reader and writer (fast-check, every run, fixed counts):
//   (a) round trip: random tensors (odd names, zero-size dims, F32/F64, NaN/-0/inf) → bytes → equal;
//   (b) random valid files in every readable dtype, built byte by byte here, read the same by the
//       library and by `oracle`, an independent, deliberately plain reader written below;
//   (c) mutated and random bytes: the library gives exactly the oracle's answer, or throws a
//       SafetensorsError exactly when the oracle says invalid; never another error, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { UserError } from '../../src/errors.js';
import { parseSafetensors, SafetensorsError, serializeSafetensors, type RawTensor, type TensorLike } from '../../src/io/safetensors.js';

const RUNS = { roundTrip: 1000, oracle: 1000, mutated: 2000 };

// ---------------------------------------------------------------------------------------------
// The oracle: the safetensors rules, read as literally as possible. No code shared with src/.

interface OTensor {
  dtype: 'float32' | 'float64';
  shape: number[];
  values: number[];
}
type OResult = { tensors: [string, OTensor][]; metadata: [string, string][] } | { invalid: string };

const O_SIZE: Record<string, [number, 'float32' | 'float64']> = {
  F64: [8, 'float64'], F32: [4, 'float32'], F16: [2, 'float32'], BF16: [2, 'float32'],
  I64: [8, 'float64'], U64: [8, 'float64'], I32: [4, 'float64'], U32: [4, 'float64'],
  I16: [2, 'float64'], U16: [2, 'float64'], I8: [1, 'float64'], U8: [1, 'float64'], BOOL: [1, 'float64'],
};
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

/** Nesting depth of containers, with an explicit stack (the value may be a million levels deep). */
function containerDepth(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d);
    for (const c of Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}

function oValue(code: string, dv: DataView, i: number): number | string {
  switch (code) {
    case 'F64': return dv.getFloat64(8 * i, true);
    case 'F32': return dv.getFloat32(4 * i, true);
    case 'F16': {
      const h = dv.getUint16(2 * i, true);
      const sign = h >= 0x8000 ? -1 : 1;
      const e = Math.floor(h / 1024) % 32;
      const m = h % 1024;
      if (e === 31) return m === 0 ? sign * Infinity : NaN;
      return e === 0 ? sign * (m / 1024) * Math.pow(2, -14) : sign * (1 + m / 1024) * Math.pow(2, e - 15);
    }
    case 'BF16': {
      const tmp = new DataView(new ArrayBuffer(4));
      tmp.setUint16(0, dv.getUint16(2 * i, true)); // big-endian: the high half of a float32
      return tmp.getFloat32(0);
    }
    case 'I64':
    case 'U64': {
      const v = code === 'I64' ? dv.getBigInt64(8 * i, true) : dv.getBigUint64(8 * i, true);
      return v > 2n ** 53n || v < -(2n ** 53n) ? 'I64/U64 value beyond 2^53' : Number(v);
    }
    case 'I32': return dv.getInt32(4 * i, true);
    case 'U32': return dv.getUint32(4 * i, true);
    case 'I16': return dv.getInt16(2 * i, true);
    case 'U16': return dv.getUint16(2 * i, true);
    case 'I8': return dv.getInt8(i);
    case 'U8': return dv.getUint8(i);
    default: {
      const b = dv.getUint8(i);
      return b === 0 || b === 1 ? b : 'BOOL byte not 0/1';
    }
  }
}

function oracle(bytes: Uint8Array): OResult {
  if (bytes.length < 8) return { invalid: 'short' };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > 100_000_000n || 8n + n > BigInt(bytes.length)) return { invalid: 'header length' };
  const start = 8 + Number(n);
  let head: unknown;
  try {
    head = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, start)));
  } catch {
    return { invalid: 'utf-8 / json' };
  }
  if (containerDepth(head) > 8) return { invalid: 'depth' };
  if (!isObj(head)) return { invalid: 'not an object' };
  const dataLen = bytes.length - start;
  const metadata: [string, string][] = [];
  const infos: { name: string; code: string; shape: number[]; b: number; e: number }[] = [];
  for (const name of Object.keys(head)) {
    const info = head[name];
    if (name === '__metadata__') {
      if (info === null) continue;
      if (!isObj(info)) return { invalid: 'metadata' };
      for (const k of Object.keys(info)) {
        if (typeof info[k] !== 'string') return { invalid: 'metadata value' };
        metadata.push([k, info[k] as string]);
      }
      continue;
    }
    if (!isObj(info)) return { invalid: 'entry' };
    const code = hasOwn(info, 'dtype') ? info['dtype'] : undefined;
    const shape = hasOwn(info, 'shape') ? info['shape'] : undefined;
    const offs = hasOwn(info, 'data_offsets') ? info['data_offsets'] : undefined;
    if (typeof code !== 'string' || !hasOwn(O_SIZE, code)) return { invalid: 'dtype' };
    if (!Array.isArray(shape) || !shape.every(isIndex)) return { invalid: 'shape' };
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isIndex)) return { invalid: 'offsets' };
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count > Number.MAX_SAFE_INTEGER) return { invalid: 'shape too large' };
    }
    const [b, e] = offs as number[];
    if (!(b! <= e! && e! <= dataLen && count * O_SIZE[code]![0] === e! - b!)) return { invalid: 'offsets vs shape' };
    infos.push({ name, code, shape: shape as number[], b: b!, e: e! });
  }
  let at = 0;
  for (const t of [...infos].sort((x, y) => x.b - y.b || x.e - y.e)) {
    if (t.b !== at) return { invalid: 'overlap or hole' };
    at = t.e;
  }
  if (at !== dataLen) return { invalid: 'coverage' };
  const tensors: [string, OTensor][] = [];
  for (const t of infos) {
    const [size, dtype] = O_SIZE[t.code]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset + start + t.b, t.e - t.b);
    const values: number[] = [];
    for (let i = 0; i < (t.e - t.b) / size; i++) {
      const v = oValue(t.code, view, i);
      if (typeof v === 'string') return { invalid: v };
      values.push(v);
    }
    tensors.push([t.name, { dtype, shape: t.shape, values }]);
  }
  return { tensors, metadata };
}

/** The library's answer in the oracle's terms; any exception that is not a SafetensorsError fails. */
function library(bytes: Uint8Array): OResult {
  let parsed: { tensors: Map<string, RawTensor>; metadata: Record<string, string> };
  try {
    parsed = parseSafetensors(bytes, 'fuzz.safetensors');
  } catch (e) {
    if (!(e instanceof SafetensorsError) || !(e instanceof UserError)) throw e;
    if (!e.message.startsWith('fuzz.safetensors: ') || /[\r\n]/.test(e.message)) throw new Error(`bad message: ${e.message}`);
    return { invalid: e.message };
  }
  if (Object.getPrototypeOf(parsed.metadata) !== null) throw new Error('metadata must have a null prototype');
  const tensors: [string, OTensor][] = [...parsed.tensors].map(([name, t]) => {
    if (!(t.data instanceof (t.dtype === 'float32' ? Float32Array : Float64Array))) throw new Error(`${name}: wrong array type`);
    return [name, { dtype: t.dtype, shape: t.shape, values: Array.from(t.data) }];
  });
  return { tensors, metadata: Object.entries(parsed.metadata) };
}

/** Same verdict; when valid, same names (same order), dtypes, shapes and values (Object.is). Returns the verdict. */
function agree(bytes: Uint8Array): boolean {
  const want = oracle(bytes);
  const got = library(bytes);
  if ('invalid' in want || 'invalid' in got) {
    expect('invalid' in got ? 'invalid' : 'valid', `oracle: ${JSON.stringify(want).slice(0, 200)}`).toBe('invalid' in want ? 'invalid' : 'valid');
    return false;
  }
  expect(got.metadata).toEqual(want.metadata);
  expect(got.tensors.map(([n, t]) => [n, t.dtype, t.shape])).toEqual(want.tensors.map(([n, t]) => [n, t.dtype, t.shape]));
  for (let k = 0; k < want.tensors.length; k++) {
    const [name, w] = want.tensors[k]!;
    const g = got.tensors[k]![1];
    const diff = w.values.findIndex((v, i) => !Object.is(v, g.values[i]));
    expect(diff, `${name}: value ${diff} is ${g.values[diff]}, oracle ${w.values[diff]}`).toBe(-1);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Generators

const oddName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '0', '12', '', ' ', 'a.b', 'é', '😀', '"', '\\', '\n', '[[{{'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ maxLength: 4 }),
).filter((s) => s !== '__metadata__');

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const numel = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

const floatTensor: fc.Arbitrary<TensorLike> = fc.tuple(shapeArb, fc.boolean()).chain(([shape, wide]) => {
  const n = numel(shape);
  return wide
    ? fc.array(fc.double(), { minLength: n, maxLength: n }).map((v): TensorLike => ({ shape, dtype: 'float64', data: Float64Array.from(v) }))
    : fc.array(fc.float(), { minLength: n, maxLength: n }).map((v): TensorLike => ({ shape, dtype: 'float32', data: Float32Array.from(v) }));
});

const tensorMap = fc.uniqueArray(fc.tuple(oddName, floatTensor), { selector: ([n]) => n, maxLength: 6 });
const metadataArb = fc.option(fc.uniqueArray(fc.tuple(oddName, fc.string({ unit: 'grapheme', maxLength: 6 })), { selector: ([k]) => k, maxLength: 3 }));

const CODES = Object.keys(O_SIZE);

/** Raw little-endian bytes for `n` elements of `code`, mostly representable, sometimes not. */
function rawBytes(code: string, n: number): fc.Arbitrary<Uint8Array> {
  const size = O_SIZE[code]![0];
  if (code === 'BOOL') {
    return fc.array(fc.oneof({ weight: 20, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 255 }) }), { minLength: n, maxLength: n }).map((v) => Uint8Array.from(v));
  }
  if (code === 'I64' || code === 'U64') {
    const lo = code === 'I64' ? -(2n ** 53n) : 0n;
    const value = fc.oneof(
      { weight: 20, arbitrary: fc.bigInt({ min: lo, max: 2n ** 53n }) },
      { weight: 1, arbitrary: code === 'I64' ? fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) : fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
      { weight: 2, arbitrary: fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n).filter((v) => code === 'I64' || v >= 0n) },
    );
    return fc.array(value, { minLength: n, maxLength: n }).map((vs) => {
      const out = new Uint8Array(8 * n);
      const dv = new DataView(out.buffer);
      vs.forEach((v, i) => (code === 'I64' ? dv.setBigInt64(8 * i, v, true) : dv.setBigUint64(8 * i, BigInt.asUintN(64, v), true)));
      return out;
    });
  }
  return fc.uint8Array({ minLength: n * size, maxLength: n * size });
}

interface Spec {
  name: string;
  code: string;
  shape: number[];
  raw: Uint8Array;
}

const specArb: fc.Arbitrary<Spec> = fc
  .tuple(oddName, fc.constantFrom(...CODES), shapeArb)
  .chain(([name, code, shape]) => rawBytes(code, numel(shape)).map((raw) => ({ name, code, shape, raw })));

/** A valid-looking file assembled by hand: any entry order, any data order, optional metadata, padding, extra fields. */
const fileArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    specs: fc.uniqueArray(specArb, { selector: (s) => s.name, maxLength: 5 }),
    metadata: metadataArb,
    metaFirst: fc.boolean(),
    dataOrderSeed: fc.array(fc.double({ noNaN: true }), { minLength: 5, maxLength: 5 }),
    pad: fc.integer({ min: 0, max: 9 }),
    spaces: fc.boolean(),
    extra: fc.boolean(),
  })
  .map(({ specs, metadata, metaFirst, dataOrderSeed, pad, spaces, extra }) => {
    const sep = spaces ? ', ' : ',';
    const layout = specs.map((s, i) => ({ s, key: dataOrderSeed[i]! })).sort((a, b) => a.key - b.key).map(({ s }) => s);
    const offsets = new Map<Spec, [number, number]>();
    let at = 0;
    for (const s of layout) {
      offsets.set(s, [at, at + s.raw.length]);
      at += s.raw.length;
    }
    const parts = specs.map((s) => {
      const [b, e] = offsets.get(s)!;
      const more = extra ? `${sep}"note":{"x":[1,[2]]}` : '';
      return `${JSON.stringify(s.name)}:{"dtype":"${s.code}"${sep}"shape":[${s.shape.join(sep)}]${sep}"data_offsets":[${b}${sep}${e}]${more}}`;
    });
    if (metadata !== null) {
      const md = `"__metadata__":{${metadata.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(sep)}}`;
      if (metaFirst) parts.unshift(md);
      else parts.push(md);
    }
    const json = new TextEncoder().encode(`{${parts.join(sep)}}${' '.repeat(pad)}`);
    const out = new Uint8Array(8 + json.length + at);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    for (const s of layout) out.set(s.raw, 8 + json.length + offsets.get(s)![0]);
    return out;
  });

/** One way to damage a file. */
type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'data'; at: number; value: number }
  | { kind: 'length'; value: bigint }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'deep'; depth: number; open: string }
  | { kind: 'splice'; at: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('data' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('data' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('length' as const), value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 300n }), fc.constantFrom(100_000_000n, 100_000_001n, 2n ** 32n, 2n ** 63n)) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 2, arbitrary: fc.constant(2_000) }, { weight: 1, arbitrary: fc.constant(60_000) }), open: fc.constantFrom('[', '{"a":') }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: fc.constantFrom('-1', '1e400', '0.5', 'null', '"F16"', '"I64"', '"BOOL"', '[]', '{}', ',', '"__proto__"', '9007199254740993', '\\u0000', '"') }),
);

function mutate(file: Uint8Array, m: Mutation): Uint8Array {
  if (file.length < 8) return Uint8Array.from([...file, ...new TextEncoder().encode(m.kind)]);
  // An earlier mutation may have broken the length: then treat the rest as header.
  const declared = new DataView(file.buffer, file.byteOffset).getBigUint64(0, true);
  const headerLen = declared <= BigInt(file.length - 8) ? Number(declared) : file.length - 8;
  const header = new TextDecoder().decode(file.subarray(8, 8 + headerLen));
  const rebuild = (text: string): Uint8Array => {
    const json = new TextEncoder().encode(text);
    const out = new Uint8Array(8 + json.length + file.length - 8 - headerLen);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(file.subarray(8 + headerLen), 8 + json.length);
    return out;
  };
  const out = file.slice();
  switch (m.kind) {
    case 'truncate':
      return file.slice(0, m.at % (file.length + 1));
    case 'flip':
      out[m.at % out.length]! ^= 1 << m.bit;
      return out;
    case 'set': // mostly inside the header, where the structure is
      out[8 + (m.at % Math.max(1, Math.min(out.length - 8, headerLen + 8)))] = m.value; // (past the end: no-op)
      return out;
    case 'data': // a byte of tensor data: often still a valid file, with other values
      if (out.length > 8 + headerLen) out[8 + headerLen + (m.at % (out.length - 8 - headerLen))] = m.value;
      return out;
    case 'length':
      new DataView(out.buffer).setBigUint64(0, m.value, true);
      return out;
    case 'append':
      return Uint8Array.from([...file, ...m.bytes]);
    case 'deep': {
      const close = m.open === '[' ? ']' : '}';
      const i = header.indexOf('"shape":');
      const nest = `${m.open.repeat(m.depth)}0${close.repeat(m.depth)}`;
      return i < 0 ? rebuild(`{"x":${nest}}`) : rebuild(`${header.slice(0, i)}"shape":${nest},"was":${header.slice(i + 8)}`);
    }
    case 'splice': {
      const at = m.at % (header.length + 1);
      return rebuild(header.slice(0, at) + m.text + header.slice(at));
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('safetensors properties (fast-check)', () => {
  it(`(a) round trip: serialize → parse gives the same tensors and metadata (${RUNS.roundTrip} runs)`, () => {
    fc.assert(
      fc.property(tensorMap, metadataArb, (pairs, mdPairs) => {
        const input = new Map(pairs);
        let md: Record<string, string> | undefined;
        if (mdPairs !== null) {
          md = Object.create(null) as Record<string, string>; // so a "__proto__" key is an entry
          for (const [k, v] of mdPairs) md[k] = v;
        }
        const bytes = serializeSafetensors(input, md);
        // Deterministic whatever the insertion order.
        expect(Buffer.from(serializeSafetensors(new Map([...pairs].reverse()), md)).equals(Buffer.from(bytes))).toBe(true);
        const { tensors, metadata } = parseSafetensors(bytes);
        expect(Object.entries(metadata).sort()).toEqual((mdPairs ?? []).slice().sort());
        expect([...tensors.keys()].sort()).toEqual(pairs.map(([n]) => n).sort());
        for (const [name, t] of pairs) {
          const got = tensors.get(name)!;
          expect(got.dtype).toBe(t.dtype);
          expect(got.shape).toEqual(t.shape);
          const g = new Uint8Array(got.data.buffer, got.data.byteOffset, got.data.byteLength);
          const w = new Uint8Array((t.data as Float32Array).buffer, (t.data as Float32Array).byteOffset, (t.data as Float32Array).byteLength);
          expect(Buffer.from(g).equals(Buffer.from(w))).toBe(true); // bit for bit: NaN payloads, -0
        }
        agree(bytes); // and the oracle reads our writer's output the same way
      }),
      { numRuns: RUNS.roundTrip, seed: 0x5afe },
    );
  });

  it(`(b) random valid files in every dtype: the library agrees with the oracle (${RUNS.oracle} runs)`, () => {
    let valid = 0;
    fc.assert(
      fc.property(fileArb, (bytes) => {
        if (agree(bytes)) valid++;
      }),
      { numRuns: RUNS.oracle, seed: 0xb17e5 },
    );
    expect(valid).toBeGreaterThan(RUNS.oracle * 0.6); // the generator mostly makes valid files
  });

  it(`(c) mutated, truncated and random bytes: the oracle's answer or a SafetensorsError, fast (${RUNS.mutated} runs)`, () => {
    const t0 = performance.now();
    let valid = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 8, arbitrary: fc.tuple(fileArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(([f, ms]) => ms.reduce(mutate, f)) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 56 }).map((b) => Uint8Array.from([b.length, 0, 0, 0, 0, 0, 0, 0, ...b])) },
        ),
        (bytes) => {
          const t = performance.now();
          if (agree(bytes)) valid++;
          expect(performance.now() - t).toBeLessThan(1000);
        },
      ),
      { numRuns: RUNS.mutated, seed: 0xc0ffee },
    );
    expect(performance.now() - t0).toBeLessThan(20_000);
    // Both verdicts are exercised: some damage leaves a valid file (a flipped data bit, a
    // splice inside a string), most does not.
    expect(valid).toBeGreaterThan(RUNS.mutated * 0.05);
    expect(valid).toBeLessThan(RUNS.mutated * 0.8);
  });
});
