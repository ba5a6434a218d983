import { ValueError } from '../../src/errors.js';
import { describe, expect, it } from 'vitest';
import { lossCurvesSpec, renderSvg } from '../../src/plot/index.js';
import { svgToPng } from '../../src/plot/png.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ihdr(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const type = String.fromCharCode(...png.subarray(12, 16));
  expect(type).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('svgToPng', () => {
  it('writes a PNG of the requested width with the aspect ratio kept', async () => {
    const svg = await renderSvg(lossCurvesSpec({ ar: { train: [3, 2, 1], val: [3, 2.5, 2] } }, { title: 'loss' }));
    const png = svgToPng(svg, { width: 800 });
    expect(Array.from(png.subarray(0, 8))).toEqual(SIGNATURE);
    const { width, height } = ihdr(png);
    expect(width).toBe(800);
    const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    const h = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    expect(Math.abs(height - (800 * h) / w)).toBeLessThanOrEqual(1);
  });

  it('defaults to twice the SVG size on white', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="20"><rect x="10" y="5" width="5" height="5" fill="red"/></svg>';
    const png = svgToPng(svg);
    expect(ihdr(png)).toEqual({ width: 100, height: 40 });
    expect(() => svgToPng(svg, { width: 0 })).toThrow(ValueError);
  });
});
