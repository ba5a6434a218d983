// "Moving shapes": a generated video classification set, the frame-sequence example of the
// tutorial's image sequences. A small bright square moves in a straight line across a dark,
// noisy frame; its direction is the class. Browser-safe and seeded (the repo's xoshiro Generator),
// so a seed gives the same set in Node and in every browser.
//
// Legend: N samples, T = maxFrames (longest sequence), S = size (frame side), F = S·S pixels.
//
// Each sample: a direction d (the class), a length L ∈ [minFrames, maxFrames] of kept frames, a
// speed and a start point that keep the whole path inside the frame. Time runs 0, 1, 2, …; each
// time point after the first is dropped with probability dropProb (the camera missed a frame), so
// the square jumps twice as far between some consecutive frames. A frame is the square's exact
// pixel coverage (sub-pixel positions give grey edges), plus N(0, noise²), clamped to [0, 1].
import { ValueError } from '../errors.js';
import { fromData } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import type { SequenceData } from './sequences.js';

export interface MovingShapesOptions {
  /** Number of samples; classes are balanced (n / directions each, the remainder to the first). */
  n: number;
  /** Frame side in pixels (default 16). */
  size?: number;
  /** Fewest and most kept frames per sample (defaults 8 and 16). */
  minFrames?: number;
  maxFrames?: number;
  /** 4 (right, up, left, down) or 8 (with the diagonals). Default 4. */
  directions?: 4 | 8;
  /** Standard deviation of the Gaussian pixel noise (default 0.1). */
  noise?: number;
  /** Probability that a time point after the first is dropped (default 0.1). */
  dropProb?: number;
  /** Side of the square in pixels (default 3). */
  shapeSize?: number;
  /** Most pixels moved per time point (default 1); slower when the path would leave the frame. */
  speed?: number;
  seed?: number;
}

// Class names in sorted order, so a folder-per-class copy (ImageFolder sorts class folders by
// name) gets the same class ids. Unit vectors in image coordinates: x right, y down.
const D = Math.SQRT1_2;
const DIRECTIONS: Record<4 | 8, readonly { name: string; dx: number; dy: number }[]> = {
  4: [
    { name: 'down', dx: 0, dy: 1 }, { name: 'left', dx: -1, dy: 0 },
    { name: 'right', dx: 1, dy: 0 }, { name: 'up', dx: 0, dy: -1 },
  ],
  8: [
    { name: 'down', dx: 0, dy: 1 }, { name: 'down-left', dx: -D, dy: D }, { name: 'down-right', dx: D, dy: D },
    { name: 'left', dx: -1, dy: 0 }, { name: 'right', dx: 1, dy: 0 },
    { name: 'up', dx: 0, dy: -1 }, { name: 'up-left', dx: -D, dy: -D }, { name: 'up-right', dx: D, dy: -D },
  ],
};

/** The unit direction vector (image coordinates: x right, y down) of each class, by class id. */
export function movingShapesDirections(directions: 4 | 8 = 4): { name: string; dx: number; dy: number }[] {
  const table = DIRECTIONS[directions];
  if (table === undefined) throw new ValueError(`movingShapes: directions must be 4 or 8, got ${directions}`);
  return table.map((d) => ({ ...d }));
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`movingShapes: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Overlap of pixel [p, p+1) with the interval [a, b). */
const overlap = (p: number, a: number, b: number): number => Math.max(0, Math.min(p + 1, b) - Math.max(p, a));

/**
 * A seeded set of short videos of a square moving in one of 4 or 8 directions (the class):
 * x float32 [N,T,S·S] (frames flattened row-major, zero after each length), lengths in
 * [minFrames, maxFrames], classes in sorted name order (see `movingShapesDirections`).
 */
export function movingShapes(opts: MovingShapesOptions): SequenceData {
  const { n } = opts;
  const size = opts.size ?? 16;
  const minFrames = opts.minFrames ?? 8;
  const maxFrames = opts.maxFrames ?? 16;
  const noise = opts.noise ?? 0.1;
  const dropProb = opts.dropProb ?? 0.1;
  const shape = opts.shapeSize ?? 3;
  const maxSpeed = opts.speed ?? 1;
  const seed = opts.seed ?? 0;
  const dirs = movingShapesDirections(opts.directions ?? 4);
  checkInt('n', n, 1);
  checkInt('size', size, 4);
  checkInt('minFrames', minFrames, 1);
  checkInt('maxFrames', maxFrames, minFrames);
  if (!(noise >= 0 && Number.isFinite(noise))) throw new ValueError(`movingShapes: noise must be ≥ 0, got ${noise}`);
  if (!(dropProb >= 0 && dropProb < 1)) throw new ValueError(`movingShapes: dropProb must be in [0, 1), got ${dropProb}`);
  if (!(shape > 0 && shape <= size / 2)) throw new ValueError(`movingShapes: shapeSize must be in (0, size/2], got ${shape} for size ${size}`);
  if (!(maxSpeed > 0 && Number.isFinite(maxSpeed))) throw new ValueError(`movingShapes: speed must be > 0, got ${maxSpeed}`);
  if (!Number.isInteger(seed)) throw new ValueError(`movingShapes: seed must be an integer, got ${seed}`);

  const rng = new Generator(seed);
  const F = size * size;
  const x = new Float32Array(n * maxFrames * F);
  const lengths = new Int32Array(n);
  const order = rng.permutation(n);
  const y = Int32Array.from(order, (i) => i % dirs.length);
  const half = shape / 2;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const { dx, dy } = dirs[y[i]!]!;
    const L = minFrames + rng.int(maxFrames - minFrames + 1);
    times.length = 0;
    for (let t = 0; times.length < L; t++) if (t === 0 || rng.random() >= dropProb) times.push(t);
    const span = times[L - 1]!;
    // The centre stays in [half, size - half] on both axes over the whole path.
    const room = size - shape;
    const axis = Math.max(Math.abs(dx), Math.abs(dy));
    const speed = span === 0 ? maxSpeed : Math.min(maxSpeed, room / (span * axis)) * (0.75 + 0.25 * rng.random());
    const start = (d: number): number => {
      const travel = d * speed * span;
      const lo = half + Math.max(0, -travel), hi = size - half - Math.max(0, travel);
      return lo + rng.random() * (hi - lo);
    };
    const cx0 = start(dx), cy0 = start(dy);
    lengths[i] = L;
    for (let k = 0; k < L; k++) {
      const cx = cx0 + dx * speed * times[k]!, cy = cy0 + dy * speed * times[k]!;
      const base = (i * maxFrames + k) * F;
      for (let r = 0; r < size; r++) {
        const oy = overlap(r, cy - half, cy + half);
        for (let c = 0; c < size; c++) {
          const v = oy * overlap(c, cx - half, cx + half) + (noise > 0 ? noise * rng.normal() : 0);
          x[base + r * size + c] = Math.min(1, Math.max(0, v));
        }
      }
    }
  }
  return {
    x: fromData(x, [n, maxFrames, F]),
    y,
    lengths,
    classes: dirs.map((d) => d.name),
    source: `movingShapes(n=${n}, size=${size}, directions=${dirs.length}, seed=${seed})`,
  };
}
