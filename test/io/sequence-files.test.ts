// readSequenceData: .npz and safetensors written by Python (tools/reference/sequence_files.py;
// regenerate with /usr/bin/python3 tools/reference/sequence_files.py), and PNG folders in
// ImageFolder layout built in a temporary folder, rows and frames mode.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { MemoryLimitError, UserError } from '../../src/errors.js';
import { setMemoryLimit } from '../../src/memory.js';
import * as rnnkit from '../../src/index.js';
import { runDocExamples } from '../doc-examples.js';
import { writeNpz } from '../../src/io/npy.js';
import { encodePng } from '../../src/io/png.js';
import { naturalCompare, readSequenceData } from '../../src/io/sequence-files.js';

const dir = fileURLToPath(new URL('../fixtures/sequences/', import.meta.url));
interface Flat { dtype: string; shape: number[]; data: (number | string)[] }
const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as Record<string, Record<string, Flat>>;
const tmp = mkdtempSync(join(tmpdir(), 'rnnkit-seq-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toMatch(/\n/);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

/** An h×w grey PNG whose pixel (r, c) is (base + r·w + c) / 255. */
function png(path: string, h: number, w: number, base: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, encodePng({ width: w, height: h, channels: 1, data: Float32Array.from({ length: h * w }, (_, i) => (base + i) / 255) }));
}
const px = (base: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.fround((base + i) / 255));

describe('files written by Python', () => {
  it('np.savez: float32 x, int64 y and lengths', () => {
    const d = readSequenceData(`${dir}savez_f32_i64.npz`);
    const w = expected['savez_f32_i64.npz']!;
    expect(d.x.shape).toEqual([4, 5, 3]);
    expect(Array.from(d.x.data)).toEqual(w.x!.data);
    expect(Array.from(d.y)).toEqual(w.y!.data);
    expect(Array.from(d.lengths!)).toEqual(w.lengths!.data);
    expect(d.classes).toEqual(['0', '1', '2']);
    expect(d.source).toBe(`${dir}savez_f32_i64.npz`);
  });
  it('np.savez_compressed: float64 [N,T] x, int32 y, stored class names', () => {
    const d = readSequenceData(`${dir}savez_compressed_f64_i32.npz`);
    const w = expected['savez_compressed_f64_i32.npz']!;
    expect(d.x.shape).toEqual([3, 6, 1]);
    expect(Array.from(d.x.data)).toEqual((w.x!.data as number[]).map(Math.fround));
    expect(Array.from(d.y)).toEqual([1, 2, 0]);
    expect(d.classes).toEqual(['cat', 'dog', 'horse']);
  });
  it('np.savez_compressed: uint8 y, and class names given by the caller', () => {
    const d = readSequenceData(`${dir}savez_compressed_u8.npz`, { classes: ['a', 'b', 'c', 'd'] });
    expect(Array.from(d.y)).toEqual([0, 3, 1, 3, 2]);
    expect(d.classes).toEqual(['a', 'b', 'c', 'd']);
  });
  it('safetensors from torch: I64 labels and lengths', () => {
    const d = readSequenceData(`${dir}torch_i64.safetensors`);
    const w = expected['torch_i64.safetensors']!;
    expect(d.x.shape).toEqual([4, 3, 2]);
    expect(Array.from(d.x.data)).toEqual(w.x!.data);
    expect(Array.from(d.y)).toEqual([1, 0, 1, 1]);
    expect(Array.from(d.lengths!)).toEqual([3, 1, 2, 3]);
  });
  it('bad files are one line naming them', () => {
    expect(userError(() => readSequenceData(`${dir}bad_i64.npz`))).toBe(
      `${dir}bad_i64.npz: member 'y.npy': int64 value 9007199254740993 at index 1 is beyond ±2^53, which a float64 cannot hold exactly`,
    );
    const f = join(tmp, 'bad-labels.npz');
    writeFileSync(f, writeNpz({ x: { dtype: 'float32', shape: [2, 1, 1], data: new Float32Array(2) }, y: { dtype: 'float32', shape: [2], data: Float32Array.from([0, 0.5]) } }));
    expect(userError(() => readSequenceData(f))).toBe(`${f}: y[1] = 0.5 is not an integer class label`);
    expect(userError(() => readSequenceData(join(tmp, 'nope.npz')))).toBe(`cannot read ${join(tmp, 'nope.npz')}: no such file or folder`);
    const csv = join(tmp, 'a.csv');
    writeFileSync(csv, 'x\n');
    expect(userError(() => readSequenceData(csv))).toBe(`${csv}: expected a .safetensors file, a .npz file or a folder of class folders of PNG images`);
    expect(userError(() => readSequenceData(`${dir}torch_i64.safetensors`, { mode: 'rows' }))).toBe(`${dir}torch_i64.safetensors: the mode option is for image folders, not files`);
  });
});

describe('PNG folders (ImageFolder layout)', () => {
  it('rows mode: one image a sample, rows as steps; hidden and non-image files skipped', () => {
    const root = join(tmp, 'rows');
    png(join(root, 'b', '1.png'), 3, 2, 0);
    png(join(root, 'a', '2.png'), 3, 2, 10);
    png(join(root, 'a', '10.png'), 3, 2, 20); // plain sort, as ImageFolder: '10.png' < '2.png'
    writeFileSync(join(root, 'a', '.DS_Store'), 'junk');
    writeFileSync(join(root, 'a', 'notes.txt'), 'junk');
    writeFileSync(join(root, 'README'), 'junk');
    mkdirSync(join(root, '.git'));
    for (const mode of ['rows', 'auto'] as const) {
      const d = readSequenceData(root, { mode });
      expect(d.classes).toEqual(['a', 'b']);
      expect(d.x.shape).toEqual([3, 3, 2]);
      expect(Array.from(d.y)).toEqual([0, 0, 1]);
      expect(d.lengths).toBeNull();
      expect(Array.from(d.x.data)).toEqual([...px(20, 6), ...px(10, 6), ...px(0, 6)]);
      expect(d.source).toBe(root);
    }
  });
  it('rows mode in RGB: F = W·3', () => {
    const d = readSequenceData(join(tmp, 'rows'), { color: 'rgb' });
    expect(d.x.shape).toEqual([3, 3, 6]);
    expect(Array.from(d.x.data.subarray(0, 6))).toEqual([20, 20, 20, 21, 21, 21].map((v) => Math.fround(v / 255)));
  });
  it('frames mode: frames in natural order, variable lengths padded', () => {
    const root = join(tmp, 'frames');
    for (const [i, f] of ['frame1', 'frame2', 'frame10'].entries()) png(join(root, 'up', 'clip', `${f}.png`), 2, 2, 40 * i);
    png(join(root, 'down', 'c1', 'frame1.png'), 2, 2, 200);
    const d = readSequenceData(root);
    expect(d.classes).toEqual(['down', 'up']);
    expect(d.x.shape).toEqual([2, 3, 4]);
    expect(Array.from(d.lengths!)).toEqual([1, 3]);
    expect(Array.from(d.x.data)).toEqual([...px(200, 4), ...new Array(8).fill(0), ...px(0, 4), ...px(40, 4), ...px(80, 4)]);
  });
  it('the size of x is checked from the PNG headers before decoding', () => {
    setMemoryLimit(90);
    try {
      expect(() => readSequenceData(join(tmp, 'frames'))).toThrow(MemoryLimitError);
      expect(userError(() => readSequenceData(join(tmp, 'frames')))).toBe(
        `${join(tmp, 'frames')}: 2 samples of 3 steps of 4 features (x of shape [2,3,4]) needs about 96 bytes, over the memory limit of 90 bytes (lower it, or raise the limit with --max-memory or RNNKIT_MAX_MEMORY)`,
      );
    } finally {
      setMemoryLimit(null);
    }
  });
  it('natural order', () => {
    expect(['f10', 'f2', 'f1', 'g', 'f02', 'f'].sort(naturalCompare)).toEqual(['f', 'f1', 'f02', 'f2', 'f10', 'g']);
  });
  it('resize brings images of different sizes to one', () => {
    const root = join(tmp, 'sizes');
    png(join(root, 'a', '1.png'), 2, 2, 0);
    png(join(root, 'b', '1.png'), 4, 3, 0);
    expect(userError(() => readSequenceData(root))).toBe(
      `${root}: images differ in size: ${join(root, 'a', '1.png')} is 2x2 but ${join(root, 'b', '1.png')} is 4x3 (HxW); resize them to one size`,
    );
    const d = readSequenceData(root, { resize: [4, 4] });
    expect(d.x.shape).toEqual([2, 4, 4]);
    // 2x2 [0,1;2,3]/255 → 4x4: the first row is 0, 0.25, 0.75, 1 (×1/255), as PyTorch gives it.
    expect(Array.from(d.x.data.subarray(0, 4)).map((v) => v * 255)).toEqual([0, 0.25, 0.75, 1].map((v) => expect.closeTo(v, 5)));
  });
  it('bad folders are one line naming the folder or file', () => {
    const root = join(tmp, 'bad');
    png(join(root, 'a', '1.png'), 2, 2, 0);
    mkdirSync(join(root, 'empty'));
    expect(userError(() => readSequenceData(root))).toBe(`${join(root, 'empty')}: empty class folder (no PNG images)`);
    png(join(root, 'empty', 'clip', 'f1.png'), 2, 2, 0);
    expect(userError(() => readSequenceData(root))).toBe(
      `${root}: mixed layout: ${join(root, 'a', '1.png')} is an image (rows mode) but ${join(root, 'empty', 'clip')} is a folder of frames (frames mode); keep one kind, or choose the mode`,
    );
    expect(userError(() => readSequenceData(root, { mode: 'frames' }))).toBe(
      `${join(root, 'a', '1.png')}: an image directly in a class folder, but mode 'frames' reads a folder of frames per sample`,
    );
    const jpg = join(tmp, 'jpg');
    png(join(jpg, 'a', '1.png'), 2, 2, 0);
    writeFileSync(join(jpg, 'a', '2.jpg'), 'x');
    expect(userError(() => readSequenceData(jpg))).toBe(`${join(jpg, 'a', '2.jpg')}: only PNG images are read; convert it to PNG or remove it`);
    const fake = join(tmp, 'fake');
    mkdirSync(join(fake, 'a'), { recursive: true });
    writeFileSync(join(fake, 'a', '1.png'), 'not a png at all, really not');
    expect(userError(() => readSequenceData(fake))).toBe(`${join(fake, 'a', '1.png')}: not a PNG image (no PNG signature and IHDR chunk)`);
    const none = join(tmp, 'none');
    mkdirSync(none);
    expect(userError(() => readSequenceData(none))).toMatch(/: no class folders \(expected /);
    const frames = join(tmp, 'emptyclip');
    mkdirSync(join(frames, 'a', 'clip'), { recursive: true });
    expect(userError(() => readSequenceData(frames))).toBe(`${join(frames, 'a', 'clip')}: no PNG frames in this sample folder`);
  });
});

describe('docs/data-formats.md examples', () => {
  it('run and print what the comments say', () => {
    const { checks } = runDocExamples('docs/data-formats.md', { ...rnnkit });
    expect(checks.length).toBe(2);
    for (const [got, want] of checks) expect(got).toBe(want);
  });
});
