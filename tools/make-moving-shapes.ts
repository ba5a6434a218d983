// Writes the small "moving shapes" example set (src/data/moving-shapes.ts) twice, as the two
// inputs `rnnkit classify` reads, so the same videos can go through either:
//   examples/moving-shapes/frames/<class>/<sample>/frame-000.png …  (ImageFolder, frames as steps)
//   examples/moving-shapes/moving-shapes.npz                         (x [N,T,F], y, lengths, classes)
// Run from the repo root:  npx tsx tools/make-moving-shapes.ts
// The .npz holds the PNG's 8-bit levels (round(v·255)/255), so both copies hold the same values.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { movingShapes } from '../src/data/moving-shapes.js';
import { writeNpz } from '../src/io/npy.js';
import { encodePng } from '../src/io/png.js';

const OUT = 'examples/moving-shapes';
const SIZE = 16;
const d = movingShapes({ n: 20, size: SIZE, minFrames: 5, maxFrames: 8, directions: 4, noise: 0.08, dropProb: 0.15, seed: 10 });
const [N, T, F] = d.x.shape as [number, number, number];
const x = Float32Array.from(d.x.data, (v) => Math.round(v * 255) / 255);

rmSync(join(OUT, 'frames'), { recursive: true, force: true });
const perClass = new Map<number, number>();
let files = 0;
for (let i = 0; i < N; i++) {
  const c = d.y[i]!;
  const j = perClass.get(c) ?? 0;
  perClass.set(c, j + 1);
  const dir = join(OUT, 'frames', d.classes[c]!, `sample-${String(j).padStart(3, '0')}`);
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < d.lengths![i]!; k++) {
    const data = x.slice((i * T + k) * F, (i * T + k + 1) * F);
    writeFileSync(join(dir, `frame-${String(k).padStart(3, '0')}.png`), encodePng({ width: SIZE, height: SIZE, channels: 1, data }));
    files++;
  }
}
// In ImageFolder order (class, then sample name) so that both copies list the samples alike.
const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => d.y[a]! - d.y[b]! || a - b);
const xs = new Float32Array(N * T * F);
order.forEach((i, r) => xs.set(x.subarray(i * T * F, (i + 1) * T * F), r * T * F));
writeFileSync(join(OUT, 'moving-shapes.npz'), writeNpz({
  x: { dtype: 'float32', shape: [N, T, F], data: xs },
  y: { dtype: 'int64', shape: [N], data: Float64Array.from(order, (i) => d.y[i]!) },
  lengths: { dtype: 'int64', shape: [N], data: Float64Array.from(order, (i) => d.lengths![i]!) },
  classes: { dtype: 'str', shape: [d.classes.length], data: d.classes },
}));
console.log(`wrote ${OUT}: ${N} samples (${d.classes.join(', ')}), ${files} PNG frames of ${SIZE}x${SIZE}, moving-shapes.npz`);
