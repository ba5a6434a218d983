// Node-only helper: SVG → PNG with resvg (native binary, loaded from an optional dependency).
import { Resvg } from '@resvg/resvg-js';
import { ValueError } from '../errors.js';

export interface SvgToPngOptions {
  /** Output width in pixels (height keeps the aspect ratio). Default: twice the SVG's width. */
  width?: number;
  /** Background colour (CSS). Default: white. */
  background?: string;
}

/** Rasterise an SVG document to PNG bytes, using the system's fonts. */
export function svgToPng(svg: string, opts: SvgToPngOptions = {}): Uint8Array {
  if (opts.width !== undefined && !(Number.isInteger(opts.width) && opts.width > 0)) {
    throw new ValueError(`svgToPng: width must be a positive integer, got ${opts.width}`);
  }
  const resvg = new Resvg(svg, {
    fitTo: opts.width !== undefined ? { mode: 'width', value: opts.width } : { mode: 'zoom', value: 2 },
    background: opts.background ?? 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'sans-serif' },
    logLevel: 'off',
  });
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
