// Worker threads for the WebAssembly GEMM: every worker instantiates the shared-memory build of the
// same module on the same WebAssembly.Memory, with a stack of its own, and waits on a control
// block; the calling thread splits a large product's columns into panels, wakes the workers, does
// the first panel itself and waits for the rest. No data moves: operands are already packed in the
// shared memory, and each worker writes only its own columns of C.
//
// Deterministic to the bit for any thread count: the columns are split on multiples of 32, and a C
// element's sum (k = 0…K−1 within each 256-wide K slice, slices in order) is the same whichever
// thread and whichever micro-kernel (4×8 tiles or the M = 1 row of 32) computes it.
//
// The host supplies the workers (spawn): Node's worker_threads with { eval: true }, or a browser
// Worker from a Blob URL, where SharedArrayBuffer, and so this, needs cross-origin isolation
// (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp). This file
// imports nothing host-specific. Until every worker has started, products run on one thread.

/** A worker started by the host from source text; only postMessage is used. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate?(): unknown;
}

export interface ThreadOptions {
  /** Threads in all, the calling one included (≥ 1). */
  count: number;
  /**
   * Starts a worker running `source`, a classic script that reads its one message from
   * require('node:worker_threads').parentPort where `require` exists, else from self.onmessage.
   * Node: (src) => { const w = new Worker(src, { eval: true }); w.unref(); return w; }.
   */
  spawn(source: string): WorkerLike;
}

/** Products with fewer multiply-adds stay on one thread: waking a worker costs ~10-50 µs. */
export const THREAD_MIN_WORK = 1 << 21;
/** Column panels are multiples of this (NR = 8, and the M = 1 kernel's 32). */
const PANEL = 32;
const STACK = 1 << 16;

// control block (Int32Array over a SharedArrayBuffer)
const GEN = 0, DONE = 1, JOB = 2, READY = 16, RANGE = 64;

const WORKER_SOURCE = `
const GEN = ${GEN}, DONE = ${DONE}, JOB = ${JOB}, READY = ${READY}, RANGE = ${RANGE};
function run(d) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const ex = inst.exports;
  ex.__stack_pointer.value = d.stackTop;
  const ctl = new Int32Array(d.control);
  let gen = Atomics.load(ctl, GEN);
  Atomics.store(ctl, READY + d.index, 1);
  for (;;) {
    Atomics.wait(ctl, GEN, gen);
    gen = Atomics.load(ctl, GEN);
    const j0 = ctl[RANGE + 2 * d.index], j1 = ctl[RANGE + 2 * d.index + 1];
    if (j1 > j0) {
      const M = ctl[JOB], K = ctl[JOB + 2], pa = ctl[JOB + 3], pb = ctl[JOB + 4], brs = ctl[JOB + 5];
      const pc = ctl[JOB + 6], ldc = ctl[JOB + 7], acc = ctl[JOB + 8];
      ex.gemm_packed(M, j1 - j0, K, pa, brs ? pb + 4 * j0 : pb + 4 * j0 * K, brs, pc + 4 * j0, ldc, acc);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', run);
else self.onmessage = (e) => run(e.data);
`;

interface GemmExports {
  gemm_packed(M: number, N: number, K: number, Ap: number, B: number, brs: number, C: number, ldc: number, acc: number): void;
}

export class ThreadPool {
  private readonly ctl: Int32Array<SharedArrayBuffer>;
  private readonly workers: WorkerLike[] = [];
  private started = 0;

  constructor(opts: ThreadOptions, module: WebAssembly.Module, memory: WebAssembly.Memory, malloc: (bytes: number) => number) {
    const n = Math.max(0, Math.min(Math.floor(opts.count), 32) - 1);
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (RANGE + 2 * (n + 1))));
    for (let i = 1; i <= n; i++) {
      try {
        const w = opts.spawn(WORKER_SOURCE);
        w.postMessage({ module, memory, control: this.ctl.buffer, stackTop: malloc(STACK) + STACK, index: i });
        this.workers.push(w);
      } catch {
        break; // fewer threads
      }
    }
  }

  /** 1 + the workers ready to take a panel, once all of them are; 1 before. */
  ready(): number {
    if (this.started < this.workers.length) {
      let s = 0;
      for (let i = 1; i <= this.workers.length; i++) s += Atomics.load(this.ctl, READY + i);
      this.started = s;
      if (s < this.workers.length) return 1;
    }
    return 1 + this.workers.length;
  }

  /** ex.gemm_packed(M, N, K, …) with the columns split over this thread and the workers. */
  gemm(ex: GemmExports, M: number, N: number, K: number, pa: number, pb: number, brs: number, pc: number, ldc: number, acc: number): void {
    const ctl = this.ctl, T = 1 + this.workers.length;
    const panels = Math.ceil(N / PANEL);
    const bounds = (t: number): number => Math.min(N, Math.round((panels * t) / T) * PANEL);
    ctl[JOB] = M; ctl[JOB + 1] = N; ctl[JOB + 2] = K; ctl[JOB + 3] = pa; ctl[JOB + 4] = pb;
    ctl[JOB + 5] = brs; ctl[JOB + 6] = pc; ctl[JOB + 7] = ldc; ctl[JOB + 8] = acc;
    for (let t = 1; t < T; t++) { ctl[RANGE + 2 * t] = bounds(t); ctl[RANGE + 2 * t + 1] = bounds(t + 1); }
    Atomics.store(ctl, DONE, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    const j1 = bounds(1);
    if (j1 > 0) ex.gemm_packed(M, j1, K, pa, pb, brs, pc, ldc, acc);
    for (let d = Atomics.load(ctl, DONE); d < T - 1; d = Atomics.load(ctl, DONE)) {
      // a browser's main thread may not block: it spins instead
      try { Atomics.wait(ctl, DONE, d, 1000); } catch { /* spin */ }
    }
  }

  terminate(): void {
    for (const w of this.workers) w.terminate?.();
    this.workers.length = 0;
    this.started = 0;
  }
}
