// Largest-Triangle-Three-Buckets downsampling (Steinarsson, "Downsampling Time Series for Visual
// Representation", 2013, §4.2): keep the first and last points; split the other n − 2 into
// threshold − 2 buckets of (nearly) equal count; from each bucket keep the point that makes the
// largest triangle with the point kept from the bucket before and the mean of the bucket after
// (the last point, for the last bucket). A chart of the kept points keeps the series' peaks and
// troughs, where every-k-th sampling loses them.
//
// `LttbSampler` takes the points one at a time with n known in advance (a file read in two passes):
// it holds at most two buckets. `lttb` runs it over arrays.

/** Bucket b (0-based, of B) covers points [bucketStart(b), bucketStart(b + 1)) of 1 … n − 2. */
function bucketStart(b: number, n: number, buckets: number): number {
  return Math.floor((b * (n - 2)) / buckets) + 1;
}

export class LttbSampler<T = void> {
  /** Indices of the kept points, in order. */
  readonly indices: number[] = [];
  /** The x, y and payload (a date) of each kept point. */
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  readonly payloads: T[] = [];
  private readonly buckets: number;
  private i = 0;
  /** The bucket being filled (bucket `cur`, waiting for the next one's mean) and the next one. */
  private cur: { x: number[]; y: number[]; p: T[]; start: number } = { x: [], y: [], p: [], start: 1 };
  private next: { x: number[]; y: number[]; p: T[]; start: number } = { x: [], y: [], p: [], start: 0 };
  private curBucket = 0;
  private done = false;

  /** n points in all; keep `threshold` of them (all when n ≤ threshold). threshold ≥ 3. */
  constructor(readonly n: number, readonly threshold: number) {
    if (!Number.isInteger(threshold) || threshold < 3) throw new RangeError(`lttb: threshold must be an integer ≥ 3, got ${threshold}`);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`lttb: n must be a non-negative integer, got ${n}`);
    this.buckets = threshold - 2;
    this.next.start = bucketStart(1, n, this.buckets);
  }

  /** Whether all points are kept (nothing to downsample). */
  get passthrough(): boolean {
    return this.n <= this.threshold;
  }

  push(x: number, y: number, payload: T): void {
    const i = this.i++;
    if (i >= this.n) throw new RangeError(`lttb: more than the ${this.n} points announced`);
    if (this.passthrough || i === 0) return this.keep(i, x, y, payload);
    if (i === this.n - 1) {
      // the last point: it is the "next bucket" of the last bucket
      this.flushLast(x, y);
      this.keep(i, x, y, payload);
      this.done = true;
      return;
    }
    const target = i < this.next.start ? this.cur : this.next;
    target.x.push(x);
    target.y.push(y);
    target.p.push(payload);
    if (this.next.x.length > 0 && i + 1 === bucketStart(this.curBucket + 2, this.n, this.buckets) && this.curBucket + 1 < this.buckets - 1) {
      // the next bucket is complete (and is not the last): choose in the current one
      let mx = 0, my = 0;
      for (let k = 0; k < this.next.x.length; k++) { mx += this.next.x[k]!; my += this.next.y[k]!; }
      this.choose(mx / this.next.x.length, my / this.next.y.length);
      this.cur = this.next;
      this.curBucket++;
      this.next = { x: [], y: [], p: [], start: bucketStart(this.curBucket + 1, this.n, this.buckets) };
    }
  }

  private flushLast(lx: number, ly: number): void {
    if (this.next.x.length > 0) {
      // two buckets pending: the current one chooses against the last bucket's mean, then the last against the last point
      let mx = 0, my = 0;
      for (let k = 0; k < this.next.x.length; k++) { mx += this.next.x[k]!; my += this.next.y[k]!; }
      this.choose(mx / this.next.x.length, my / this.next.y.length);
      this.cur = this.next;
    }
    this.choose(lx, ly);
  }

  /** Keeps the point of the current bucket with the largest triangle (previous kept, it, (cx, cy)). */
  private choose(cx: number, cy: number): void {
    const b = this.cur;
    if (b.x.length === 0) return;
    const ax = this.xs[this.xs.length - 1]!, ay = this.ys[this.ys.length - 1]!;
    let best = 0, area = -1;
    for (let k = 0; k < b.x.length; k++) {
      // twice the triangle's area; the first of equal areas wins
      const a = Math.abs((ax - cx) * (b.y[k]! - ay) - (ax - b.x[k]!) * (cy - ay));
      if (a > area) { area = a; best = k; }
    }
    this.keep(b.start + best, b.x[best]!, b.y[best]!, b.p[best]!);
    b.x = []; b.y = []; b.p = [];
  }

  private keep(i: number, x: number, y: number, p: T): void {
    this.indices.push(i);
    this.xs.push(x);
    this.ys.push(y);
    this.payloads.push(p);
  }

  /** Checks that all n points came. */
  finish(): this {
    if (this.i !== this.n) throw new RangeError(`lttb: ${this.i} points pushed, ${this.n} announced`);
    void this.done;
    return this;
  }
}

/** The indices LTTB keeps of the points (x[i], y[i]) (x defaults to i): all when there are at most `threshold`. */
export function lttb(y: ArrayLike<number>, threshold: number, x?: ArrayLike<number>): number[] {
  const s = new LttbSampler(y.length, threshold);
  for (let i = 0; i < y.length; i++) s.push(x ? x[i]! : i, y[i]!, undefined);
  return s.finish().indices;
}

/** A series for a chart, and what was done to it. */
export interface ChartSeries {
  dates: string[];
  values: number[];
  /** The series' full length. */
  total: number;
  /** Whether LTTB dropped points. */
  downsampled: boolean;
}

/** At most `max` points of (dates, values) for a chart, chosen by LTTB over the point index. */
export function downsampleSeries(dates: readonly string[], values: readonly number[], max: number): ChartSeries {
  if (values.length <= max) return { dates: [...dates], values: [...values], total: values.length, downsampled: false };
  const idx = lttb(values, max);
  return { dates: idx.map((i) => dates[i]!), values: idx.map((i) => values[i]!), total: values.length, downsampled: true };
}

/** The line a chart or report shows under a downsampled series. */
export function downsampleNote(s: ChartSeries, what = 'the series'): string {
  return `Downsampled for the chart: ${what} shows ${s.values.length} of its ${s.total} points, chosen by Largest-Triangle-Three-Buckets (LTTB), which keeps peaks and troughs; metrics and results.json use every point.`;
}
