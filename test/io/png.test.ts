// PNG decoding to [0,1] floats (grey/RGB, palette, grey+alpha, 16-bit, low bit depths) and the
// bilinear resize against torch.nn.functional.interpolate (fixture from
// tools/reference/sequence_files.py; regenerate with /usr/bin/python3 tools/reference/sequence_files.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';

import { decodePng, encodePng, pngSize, PngError, resizeImage, type Image } from '../../src/io/png.js';

const dir = fileURLToPath(new URL('../fixtures/sequences/', import.meta.url));
interface Case { input: { shape: number[]; data: number[] }; size: [number, number]; output: { shape: number[]; data: number[] } }
const cases = (JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as { resize_bilinear: Case[] }).resize_bilinear;

describe('decodePng', () => {
  it('8-bit RGB → grey is BT.601 luma; → rgb is the bytes / 255', () => {
    const png = encode({ width: 2, height: 1, channels: 3, depth: 8, data: Uint8Array.from([255, 0, 0, 10, 20, 30]) });
    const g = decodePng(png);
    expect(g).toMatchObject({ width: 2, height: 1, channels: 1 });
    expect(g.data[0]).toBeCloseTo(0.299, 6);
    expect(g.data[1]).toBeCloseTo((0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255, 6);
    const c = decodePng(png, { color: 'rgb' });
    expect(Array.from(c.data)).toEqual([1, 0, 0, 10 / 255, 20 / 255, 30 / 255].map(Math.fround));
  });
  it('grey stays exact, and repeats into RGB', () => {
    const png = encode({ width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.from([0, 128, 255]) });
    expect(Array.from(decodePng(png).data)).toEqual([0, 128 / 255, 1].map(Math.fround));
    expect(Array.from(decodePng(png, { color: 'rgb' }).data)).toEqual([0, 0, 0, 128 / 255, 128 / 255, 128 / 255, 1, 1, 1].map(Math.fround));
  });
  it('alpha is ignored, not composited: RGBA and grey+alpha give their colour as stored', () => {
    const rgba = encode({ width: 1, height: 1, channels: 4, depth: 8, data: Uint8Array.from([0, 255, 0, 0]) });
    expect(decodePng(rgba, { color: 'rgb' }).data[1]).toBe(1);
    const ga = encode({ width: 1, height: 1, channels: 2, depth: 8, data: Uint8Array.from([51, 0]) });
    expect(decodePng(ga).data[0]).toBe(Math.fround(0.2));
  });
  it('16-bit is scaled by 65535', () => {
    const png = encode({ width: 2, height: 1, channels: 1, depth: 16, data: Uint16Array.from([65535, 257]) });
    expect(Array.from(decodePng(png).data)).toEqual([1, Math.fround(257 / 65535)]);
  });
  it('palette images are looked up', () => {
    const png = encode({ width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.from([2, 0, 1]), palette: [[255, 0, 0], [0, 0, 255], [0, 255, 0]] });
    expect(Array.from(decodePng(png, { color: 'rgb' }).data)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    expect(decodePng(png).data[0]).toBeCloseTo(0.587, 6);
  });
  it('1-bit grey unpacks each row, with rows padded to whole bytes', () => {
    // 3 px wide: each row is one byte, high bits first.
    const png = encode({ width: 3, height: 2, channels: 1, depth: 1, data: Uint8Array.from([0b10100000, 0b01000000]) });
    expect(Array.from(decodePng(png).data)).toEqual([1, 0, 1, 0, 1, 0]);
  });
  it('encodePng → decodePng gives the values back to within 1/510', () => {
    const img: Image = { width: 4, height: 3, channels: 3, data: Float32Array.from({ length: 36 }, (_, i) => (i * 0.37) % 1) };
    const back = decodePng(encodePng(img), { color: 'rgb' });
    expect(back).toMatchObject({ width: 4, height: 3, channels: 3 });
    for (let i = 0; i < 36; i++) expect(Math.abs(back.data[i]! - img.data[i]!)).toBeLessThanOrEqual(1 / 510 + 1e-7);
    expect(pngSize(encodePng(img))).toEqual({ width: 4, height: 3 });
  });
  it('bad bytes are one line naming the source', () => {
    expect(() => decodePng(new Uint8Array(30), { source: 'a.png' })).toThrow(new PngError('a.png: not a PNG image (no PNG signature and IHDR chunk at the start)'));
    const cut = encodePng({ width: 8, height: 8, channels: 1, data: new Float32Array(64) }).subarray(0, 40);
    expect(() => decodePng(cut, { source: 'cut.png' })).toThrow(/^cut\.png: cannot decode the PNG: /);
  });
});

describe('resizeImage matches torch.nn.functional.interpolate(bilinear, align_corners=False)', () => {
  for (const c of cases) {
    const [H, W, C] = c.input.shape as [number, number, number];
    it(`${H}x${W}x${C} → ${c.size.join('x')}`, () => {
      const out = resizeImage({ height: H, width: W, channels: C as 1 | 3, data: Float32Array.from(c.input.data) }, c.size[0], c.size[1]);
      expect([out.height, out.width, out.channels]).toEqual(c.output.shape);
      for (let i = 0; i < out.data.length; i++) expect(Math.abs(out.data[i]! - c.output.data[i]!)).toBeLessThan(1e-6);
    });
  }
  it('same size is a copy', () => {
    const img: Image = { width: 2, height: 1, channels: 1, data: Float32Array.from([0.25, 0.5]) };
    const out = resizeImage(img, 1, 2);
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });
});
