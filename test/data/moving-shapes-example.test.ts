// The checked-in example (examples/moving-shapes, written by tools/make-moving-shapes.ts) reads
// back the same through both of its forms: the .npz and the folder of PNG frames.
import { describe, expect, it } from 'vitest';
import { readSequenceData } from '../../src/io/sequence-files.js';

const ROOT = new URL('../../examples/moving-shapes/', import.meta.url).pathname;

describe('examples/moving-shapes', () => {
  it('the .npz and the PNG frame folders hold the same sequences (regenerate: npx tsx tools/make-moving-shapes.ts)', () => {
    const npz = readSequenceData(`${ROOT}moving-shapes.npz`);
    const png = readSequenceData(`${ROOT}frames`, { mode: 'frames' });
    expect(npz.x.shape).toEqual([20, 8, 256]);
    expect(png.x.shape).toEqual(npz.x.shape);
    expect(npz.classes).toEqual(['down', 'left', 'right', 'up']);
    expect(png.classes).toEqual(npz.classes);
    expect(Array.from(png.y)).toEqual(Array.from(npz.y));
    expect(Array.from(png.lengths!)).toEqual(Array.from(npz.lengths!));
    let worst = 0;
    for (let i = 0; i < npz.x.data.length; i++) worst = Math.max(worst, Math.abs(npz.x.data[i]! - png.x.data[i]!));
    expect(worst).toBeLessThan(1e-6);
  });
});
