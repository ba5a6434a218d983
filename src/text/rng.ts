// A small seeded PRNG for the text module (embedding initialisation, subsampling, negative sampling,
// shuffling). It is independent of the tensor engine's RNG on purpose: the text pipeline must not
// depend on the engine. xorshift32 (Marsaglia 2003): period 2^32 − 1, one state word, fast in V8.

import { ValueError } from '../errors.js';
/** Seeded xorshift32 generator. The same seed gives the same stream on every JS engine. */
export class Rng {
  private s: number; // uint32 state, never 0

  constructor(seed: number) {
    this.s = Rng.mix(seed);
  }

  /** splitmix-style hash so that nearby seeds (0, 1, 2…) start far apart; never returns 0. */
  static mix(seed: number): number {
    if (!Number.isFinite(seed)) throw new ValueError(`Rng: seed must be a finite number, got ${seed}`);
    let z = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z === 0 ? 0x6d2b79f5 : z;
  }

  /** Next uint32. */
  nextU32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** The raw state, for hot loops that inline the generator and hand the state back. */
  get state(): number {
    return this.s;
  }
  set state(v: number) {
    this.s = v >>> 0 || 0x6d2b79f5;
  }
}
