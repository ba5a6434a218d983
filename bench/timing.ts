// Timing helpers shared by the rnnkit and tfjs workloads: warm-up, then `repeats` timed blocks of
// `timed` calls each; the figure reported is the median block's mean time per call.

export interface Plan {
  warmup: number;
  timed: number;
  repeats: number;
}

export interface Timing extends Plan {
  /** Median over the repeats of the mean ms per call. */
  ms: number;
  /** Mean ms per call of each repeat, in the order run. */
  repeatsMs: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Times `step` (synchronous; the caller forces any lazy work inside it). */
export function timeSteps(step: () => void, plan: Plan): Timing {
  for (let i = 0; i < plan.warmup; i++) step();
  const repeatsMs: number[] = [];
  for (let r = 0; r < plan.repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < plan.timed; i++) step();
    repeatsMs.push((performance.now() - t0) / plan.timed);
  }
  return { ...plan, ms: median(repeatsMs), repeatsMs };
}

/** GFLOP/s of an n×n×n matmul that took `ms`. */
export function gflops(n: number, ms: number): number {
  return (2 * n ** 3) / (ms * 1e6);
}

/** Relative difference, safe at zero. */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);
}

/** CPU time the whole machine spent busy, in seconds (Linux /proc/stat; null elsewhere). */
function machineBusySeconds(): number | null {
  try {
    // Lazy require-free read: the bench runs in Node only.
    const line = readProcStat().split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return (total - idle) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

let readProcStat: () => string = () => {
  throw new Error('no /proc/stat');
};

export function setProcStatReader(f: () => string): void {
  readProcStat = f;
}

export interface LoadProbe {
  /** Cores' worth of CPU used by other processes since the probe started (null if unknown). */
  foreignCores(): number | null;
}

/** Starts measuring how busy the rest of the machine is, to flag noisy figures. */
export function startLoadProbe(): LoadProbe {
  const busy0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    foreignCores() {
      const busy1 = machineBusySeconds();
      const wall = (performance.now() - t0) / 1000;
      if (busy0 === null || busy1 === null || wall < 0.05) return null;
      const own = process.cpuUsage(own0);
      const ownSec = (own.user + own.system) / 1e6;
      return Math.max(0, (busy1 - busy0 - ownSec) / wall);
    },
  };
}

/**
 * Waits until other processes use less than `maxCores` over a 1 s window, for at most `maxWaitS`
 * seconds. Returns the seconds waited and the last load seen (null load: unknown, no wait).
 */
export async function waitForQuiet(maxCores: number, maxWaitS: number): Promise<{ waitedS: number; load: number | null }> {
  const t0 = performance.now();
  for (;;) {
    const probe = startLoadProbe();
    await new Promise((r) => setTimeout(r, 1000));
    const load = probe.foreignCores();
    const waitedS = (performance.now() - t0) / 1000;
    if (load === null || load < maxCores || waitedS >= maxWaitS) return { waitedS, load };
  }
}
