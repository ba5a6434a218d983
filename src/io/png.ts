// PNG images as float pixels in [0, 1] (browser-safe: no `node:` imports), decoded and encoded by
// `fast-png` (pure JS), and a bilinear resize with PyTorch's semantics.
//
// Legend: H height, W width, C channels (1 grey, 3 RGB). `data` is H×W×C, row-major with the
// channels of a pixel together (PNG's own order), so row r is data[r·W·C … (r+1)·W·C).
//
// Colour conversion, as torchvision's default loader (PIL's `Image.convert`) does it:
//   * every bit depth (1, 2, 4, 8, 16) is scaled to [0, 1] by its maximum (2^depth − 1);
//   * palette images are looked up in their palette;
//   * grey = ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B (computed in float, not rounded to 8 bits);
//   * grey → RGB repeats the grey value;
//   * alpha (grey+alpha, RGBA, palette tRNS) is ignored: the colour values are taken as stored,
//     not composited on any background (PIL's RGBA → RGB / L conversion drops alpha the same way).
import { decode, encode } from 'fast-png';

import { UserError } from '../errors.js';
import { checkMemory } from '../memory.js';

/** A decode or encode failure: one line naming the file. */
export class PngError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PngError';
  }
}

export type ColorMode = 'grey' | 'rgb';

/** An image as floats in [0, 1]; data: [H, W, C] row-major. */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Float32Array;
}

export interface DecodePngOptions {
  /** 'grey' (default): one channel, BT.601 luma of colour images; 'rgb': three channels. */
  color?: ColorMode;
  /** Names the image in error messages. */
  source?: string;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Width and height from a PNG's IHDR chunk (the first 24 bytes suffice), without decoding it, so a
 * caller can check sizes and memory before decoding a folder of images. Null when the bytes do not
 * start like a PNG.
 */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  if (String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!) !== 'IHDR') return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 24);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Decodes a PNG into floats in [0, 1], grey or RGB as `color` asks (see the top of this file). */
export function decodePng(bytes: Uint8Array, opts: DecodePngOptions = {}): Image {
  const color = opts.color ?? 'grey';
  const where = opts.source ?? 'PNG data';
  if (color !== 'grey' && color !== 'rgb') throw new PngError(`${where}: color must be 'grey' or 'rgb', got ${JSON.stringify(color)}`);
  const size = pngSize(bytes);
  if (size === null) throw new PngError(`${where}: not a PNG image (no PNG signature and IHDR chunk at the start)`);
  const outC = color === 'grey' ? 1 : 3;
  // The decoder holds up to 2 bytes × 4 channels a pixel, and we hold 4 bytes × C.
  checkMemory(`${where}: ${size.height}x${size.width} image`, size.width * size.height * (8 + 4 * outC));
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new PngError(`${where}: cannot decode the PNG: ${msg.replace(/[\r\n]+/g, ' ')}`, { cause: err });
  }
  const { width, height, depth, channels } = png;
  const n = width * height;
  // One sample per pixel channel, as a number in [0, 1]; low bit depths are packed per row.
  const max = 2 ** depth - 1;
  const sample: (i: number) => number = depth >= 8
    ? (i) => png.data[i]!
    : (() => {
        const rowBytes = Math.ceil((width * depth) / 8);
        const perByte = 8 / depth;
        return (i: number) => {
          const r = Math.floor(i / width), c = i % width;
          const byte = png.data[r * rowBytes + Math.floor(c / perByte)]!;
          return (byte >> (8 - depth * ((c % perByte) + 1))) & max;
        };
      })();
  const out = new Float32Array(n * outC);
  if (png.palette) {
    const pal = png.palette;
    for (let i = 0; i < n; i++) {
      const idx = sample(i);
      const rgb = pal[idx];
      if (rgb === undefined) throw new PngError(`${where}: pixel ${i} uses palette index ${idx} but the palette has ${pal.length} colours`);
      put(out, i, outC, rgb[0]! / 255, rgb[1]! / 255, rgb[2]! / 255);
    }
  } else if (channels === 1 || channels === 2) {
    for (let i = 0; i < n; i++) {
      const g = sample(i * channels) / max;
      put(out, i, outC, g, g, g);
    }
  } else if (channels === 3 || channels === 4) {
    for (let i = 0; i < n; i++) {
      const p = i * channels;
      put(out, i, outC, png.data[p]! / max, png.data[p + 1]! / max, png.data[p + 2]! / max);
    }
  } else {
    throw new PngError(`${where}: ${channels} channels per pixel is not a PNG colour type`);
  }
  return { width, height, channels: outC, data: out };
}

function put(out: Float32Array, i: number, c: number, r: number, g: number, b: number): void {
  if (c === 1) {
    // A grey source has r = g = b, and 0.299 + 0.587 + 0.114 = 1 gives it back (to float32).
    out[i] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
  } else {
    out[3 * i] = r;
    out[3 * i + 1] = g;
    out[3 * i + 2] = b;
  }
}

/**
 * Encodes an image as an 8-bit grey or RGB PNG (values clamped to [0, 1] and rounded to 1/255),
 * for tests and generators: decodePng gives back the same values to within 1/510.
 */
export function encodePng(img: Image): Uint8Array {
  const { width, height, channels, data } = img;
  if (!(channels === 1 || channels === 3) || data.length !== width * height * channels) {
    throw new PngError(`encodePng: ${data.length} values do not fill a ${height}x${width} image of ${channels} channels`);
  }
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, data[i]!)) * 255);
  return encode({ width, height, channels, depth: 8, data: bytes });
}

/**
 * Resizes to h×w, bilinear, exactly as `torch.nn.functional.interpolate(x, size=(h, w),
 * mode='bilinear', align_corners=False, antialias=False)`: output pixel i samples the input at
 * (i + 0.5)·in/out − 0.5, clamped below at 0, between its two neighbours (the upper one clamped to
 * the last pixel). No antialiasing, so shrinking by more than 2× skips pixels, as PyTorch does.
 */
export function resizeImage(img: Image, h: number, w: number): Image {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new PngError(`resizeImage: size must be two positive integers, got ${h}x${w}`);
  }
  const { width: W, height: H, channels: C, data } = img;
  if (H === h && W === w) return { width: w, height: h, channels: C, data: data.slice() };
  checkMemory(`resize to ${h}x${w}`, h * w * C * 4);
  const out = new Float32Array(h * w * C);
  const ys = taps(H, h), xs = taps(W, w);
  for (let y = 0; y < h; y++) {
    const y0 = ys.i0[y]!, y1 = ys.i1[y]!, ly = ys.l[y]!;
    for (let x = 0; x < w; x++) {
      const x0 = xs.i0[x]!, x1 = xs.i1[x]!, lx = xs.l[x]!;
      for (let c = 0; c < C; c++) {
        const a = data[(y0 * W + x0) * C + c]!, b = data[(y0 * W + x1) * C + c]!;
        const d = data[(y1 * W + x0) * C + c]!, e = data[(y1 * W + x1) * C + c]!;
        out[(y * w + x) * C + c] = (1 - ly) * ((1 - lx) * a + lx * b) + ly * ((1 - lx) * d + lx * e);
      }
    }
  }
  return { width: w, height: h, channels: C, data: out };
}

/** PyTorch's area_pixel_compute_source_index (align_corners=False) for each output index. */
function taps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l: Float64Array } {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), l = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const f = Math.min(Math.floor(src), inSize - 1);
    i0[o] = f;
    i1[o] = Math.min(f + 1, inSize - 1);
    l[o] = src - f;
  }
  return { i0, i1, l };
}
