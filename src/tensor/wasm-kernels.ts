// The WebAssembly SIMD implementation of the Kernels interface (tools/wasm/gemm.c and cells.c).
// Operands are staged in the module's memory (strided reads and transposes happen in the copy),
// computed there, and the results copied back. Small products and float64 data stay on the JS
// kernels, where the copies would cost more than they save.
//
// Memory: [0, 128 KiB) belongs to the module (stack, statics); above it a first-fit heap of
// 64-byte-aligned blocks holds (1) one arena reused by every call for its per-call operands, grown
// when a call needs more, and (2) resident packed copies of constant operands (Resident), cached
// per key in a WeakMap with a bounded total size (least recently used evicted first) and freed
// when their key is garbage-collected. Only byte offsets are kept: memory.grow detaches the
// buffer, so typed-array views are re-derived from memory.buffer after anything that may grow it.
import type { Data } from './dtype.js';
import { jsKernels } from './js-kernels.js';
import type { Kernels, Resident, StepPlan } from './kernels.js';
import { GEMM_WASM_BASE64, GEMM_WASM_RELAXED_BASE64, GEMM_WASM_SHARED_BASE64, GEMM_WASM_SHARED_RELAXED_BASE64 } from './wasm-gemm.js';
import { THREAD_MIN_WORK, ThreadPool, type ThreadOptions } from './wasm-threads.js';

const HEAP = 1 << 17; // past the module's 64 KiB stack and its statics
const PAGE = 1 << 16;
const ALIGN = 64;
/** Below this many multiply-adds (or with fewer than 8 output columns) the JS kernel is faster. */
const MIN_WORK = 1 << 14;
/** Below this many values an elementwise kernel stays in JS. */
const MIN_ELEMENTWISE = 64;
/**
 * A non-resident row-major B is read in place, not packed, up to this many rows of A (each strip of
 * B is then used by at most two row strips) or when B has at most IN_PLACE_B_FLOATS values (16 KiB:
 * it stays in L1 whatever its row stride). Otherwise packing pays: a B read at a power-of-two row
 * stride maps to a few L1 sets and thrashes them (the old kernel's 11.9 GFLOP/s at 512³ on Ice Lake).
 */
const UNPACKED_B_MAX_M = 8;
const IN_PLACE_B_FLOATS = 4096;

export interface WasmKernelOptions {
  /** Use the f32x4.relaxed_madd module when the engine validates it (default true). */
  relaxed?: boolean;
  /** Upper bound on the bytes of resident packed operands (default 64 MiB). */
  residentBytes?: number;
  /**
   * Split large GEMMs over worker threads sharing the module's memory (see wasm-threads.ts). The
   * host supplies the workers, so this file stays free of Node- or browser-only imports.
   */
  threads?: ThreadOptions;
}

export interface WasmKernels extends Kernels {
  /** Whether the relaxed-SIMD (fused multiply-add) module is in use. */
  readonly relaxed: boolean;
  /** Threads a large GEMM is split over now: 1 + the workers that have started. */
  threads(): number;
  /** Stops the workers (they are also unreferenced by the host's spawn, so a process can exit). */
  terminateThreads(): void;
  /** GEMM cache blocking: K slice, row panel, column panel (for tuning; defaults 256, 72, 512). */
  setBlocking(kc: number, mc: number, nc: number): void;
  /** Resident cache statistics: entries, bytes, packs (misses), hits, evictions. */
  residentStats(): { entries: number; bytes: number; packs: number; hits: number; evictions: number };
}

interface Exports {
  set_blocking(kc: number, mc: number, nc: number): void;
  packed_a_floats(M: number, K: number): number;
  packed_b_floats(K: number, N: number): number;
  pack_a(M: number, K: number, A: number, ars: number, acs: number, dst: number): void;
  pack_b(K: number, N: number, B: number, brs: number, bcs: number, dst: number): void;
  gemm_packed(M: number, N: number, K: number, Ap: number, B: number, brs: number, C: number, ldc: number, acc: number): void;
  tanh(x: number, y: number, n: number): void;
  lstm_cell(rows: number, H: number, A: number, ars: number, Cp: number, cprs: number, C: number, crs: number, TC: number, tcrs: number, Y: number, yrs: number): void;
  lstm_cell_backward(rows: number, H: number, A: number, ars: number, TC: number, tcrs: number, Cp: number, cprs: number, GY: number, gyrs: number, DH: number, dhrs: number, DC: number, dcrs: number, DA: number, dars: number): void;
  gru_cell(rows: number, H: number, A: number, ars: number, V: number, vrs: number, Hp: number, hprs: number, VN: number, vnrs: number, Y: number, yrs: number): void;
  gru_cell_backward(rows: number, H: number, A: number, ars: number, Hp: number, hprs: number, VN: number, vnrs: number, GY: number, gyrs: number, DH: number, dhrs: number, DU: number, durs: number, DV: number, dvrs: number, DN: number, dnrs: number): void;
  add_to(n: number, x: number, y: number): void;
  tanh_backward(n: number, Y: number, GY: number, DH: number, DZ: number): void;
}

interface Entry {
  off: number; // bytes
  bytes: number;
  version: number;
  owner: Map<string, Entry>;
  layout: string;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const roundUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Instantiates the SIMD kernels, or returns null where WebAssembly SIMD is unavailable. */
export function createWasmKernels(options: WasmKernelOptions = {}): WasmKernels | null {
  let memory: WebAssembly.Memory;
  let module: WebAssembly.Module;
  let ex: Exports;
  let relaxed = false;
  // shared memory needs SharedArrayBuffer (Node; browsers only when cross-origin isolated)
  const threaded = (options.threads?.count ?? 1) > 1 && typeof SharedArrayBuffer === 'function';
  try {
    memory = threaded
      ? new WebAssembly.Memory({ initial: HEAP / PAGE, maximum: 32768, shared: true })
      : new WebAssembly.Memory({ initial: HEAP / PAGE });
    let bytes = decodeBase64(threaded ? GEMM_WASM_SHARED_BASE64 : GEMM_WASM_BASE64);
    if (options.relaxed !== false) {
      const rb = decodeBase64(threaded ? GEMM_WASM_SHARED_RELAXED_BASE64 : GEMM_WASM_RELAXED_BASE64);
      if (WebAssembly.validate(rb)) { bytes = rb; relaxed = true; }
    }
    module = new WebAssembly.Module(bytes);
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    ex = inst.exports as unknown as Exports;
  } catch {
    return null;
  }
  let f32 = new Float32Array(memory.buffer);
  const view = (): Float32Array => {
    if (f32.buffer !== memory.buffer) f32 = new Float32Array(memory.buffer);
    return f32;
  };

  // ---- the heap: free blocks [offset, bytes], sorted by offset, coalesced on free
  const free: [number, number][] = [];
  let top = HEAP; // end of the heap (= memory size once grown)
  function malloc(bytes: number): number {
    bytes = roundUp(Math.max(bytes, 1));
    for (let i = 0; i < free.length; i++) {
      const blk = free[i]!;
      if (blk[1] >= bytes) {
        const off = blk[0];
        if (blk[1] === bytes) free.splice(i, 1);
        else { blk[0] += bytes; blk[1] -= bytes; }
        return off;
      }
    }
    // grow: a free block at the end is extended rather than stranded
    const last = free[free.length - 1];
    const start = last !== undefined && last[0] + last[1] === top ? last[0] : top;
    const need = start + bytes - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / PAGE));
    if (start !== top) free.pop();
    top = start + bytes;
    return start;
  }
  function release(off: number, bytes: number): void {
    bytes = roundUp(Math.max(bytes, 1));
    let i = 0;
    while (i < free.length && free[i]![0] < off) i++;
    free.splice(i, 0, [off, bytes]);
    const next = free[i + 1];
    if (next && off + bytes === next[0]) { free[i]![1] += next[1]; free.splice(i + 1, 1); }
    const prev = free[i - 1];
    if (prev && prev[0] + prev[1] === off) { prev[1] += free[i]![1]; free.splice(i, 1); }
  }

  const pool = threaded ? new ThreadPool(options.threads!, module, memory, (bytes) => malloc(bytes)) : null;

  // ---- the arena: one block for a call's staged operands, kept between calls
  let arenaOff = 0, arenaBytes = 0;
  function arena(bytes: number): number {
    if (bytes > arenaBytes) {
      if (arenaBytes > 0) release(arenaOff, arenaBytes);
      arenaBytes = roundUp(Math.max(bytes, arenaBytes * 1.5, 1 << 16));
      arenaOff = malloc(arenaBytes);
    }
    return arenaOff;
  }

  // ---- resident packed operands
  const cap = options.residentBytes ?? 64 << 20;
  const cache = new WeakMap<object, Map<string, Entry>>();
  const lru = new Map<Entry, true>(); // insertion order: least recently used first
  let residentBytes = 0, packs = 0, hits = 0, evictions = 0;
  function drop(e: Entry): void {
    if (!lru.delete(e)) return;
    e.owner.delete(e.layout);
    release(e.off, e.bytes);
    residentBytes -= e.bytes;
  }
  // a key that is collected takes its packed copies with it
  const registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Map<string, Entry>>((owner) => { for (const e of [...owner.values()]) drop(e); })
    : null;

  /**
   * A byte offset of the packed form (pack_a for A, pack_b for B) of the operand, from the
   * cache when key, version and layout match, else packed now and cached (if it fits the cap,
   * evicting the least recently used, never `pinned`). null: too big to cache.
   */
  function residentPacked(
    res: Resident, isA: boolean, src: Float32Array, off: number, rs: number, cs: number,
    rows: number, cols: number, pinned: Entry | null,
  ): Entry | null {
    const layout = `${isA ? 'a' : 'b'}${rows}x${cols}@${off}:${rs}:${cs}`;
    let owner = cache.get(res.key);
    if (owner === undefined) {
      owner = new Map();
      cache.set(res.key, owner);
      registry?.register(res.key, owner);
    }
    let e = owner.get(layout);
    if (e !== undefined && e.version === res.version) {
      hits++;
      lru.delete(e); lru.set(e, true);
      return e;
    }
    if (e === undefined) {
      const bytes = roundUp(4 * (isA ? ex.packed_a_floats(rows, cols) : ex.packed_b_floats(rows, cols)));
      if (bytes > cap) return null;
      for (const old of lru.keys()) {
        if (residentBytes + bytes <= cap) break;
        if (old !== pinned) { drop(old); evictions++; }
      }
      e = { off: malloc(bytes), bytes, version: res.version, owner, layout };
      owner.set(layout, e);
      residentBytes += bytes;
    }
    packs++;
    e.version = res.version;
    lru.delete(e); lru.set(e, true);
    const raw = arena(4 * rows * cols + 64);
    const [rrs, rcs] = stage(src, off, rs, cs, rows, cols, raw >> 2);
    if (isA) ex.pack_a(rows, cols, raw, rrs, rcs, e.off);
    else ex.pack_b(rows, cols, raw, rrs, rcs, e.off);
    return e;
  }

  /**
   * Copies the rows×cols block src[off + r*rs + c*cs] to float index p of memory; returns the
   * strides it has there: (cols, 1) row by row, or (1, rows) column by column for a transposed
   * block (so each copy is a contiguous set).
   */
  function stage(src: Float32Array, off: number, rs: number, cs: number, rows: number, cols: number, p: number): [number, number] {
    const m = view();
    if (cs === 1 || (rs !== 1 && cols === 1)) {
      if (rs === cols || rows === 1) m.set(src.subarray(off, off + rows * cols), p);
      else for (let r = 0; r < rows; r++) m.set(src.subarray(off + r * rs, off + r * rs + cols), p + r * cols);
      return [cols, 1];
    }
    if (rs === 1) {
      if (cs === rows || cols === 1) m.set(src.subarray(off, off + rows * cols), p);
      else for (let c = 0; c < cols; c++) m.set(src.subarray(off + c * cs, off + c * cs + rows), p + c * rows);
      return [1, rows];
    }
    for (let r = 0; r < rows; r++) {
      const s = off + r * rs, d = p + r * cols;
      for (let c = 0; c < cols; c++) m[d + c] = src[s + c * cs]!;
    }
    return [cols, 1];
  }

  function unstage(dst: Float32Array, off: number, rs: number, rows: number, cols: number, p: number): void {
    const m = view();
    if (rs === cols || rows === 1) dst.set(m.subarray(p, p + rows * cols), off);
    else for (let r = 0; r < rows; r++) dst.set(m.subarray(p + r * cols, p + (r + 1) * cols), off + r * rs);
  }

  function gemm(
    M: number, N: number, K: number,
    A: Data, aOff: number, ars: number, acs: number,
    B: Data, bOff: number, brs: number, bcs: number,
    C: Data, cOff: number, crs: number, accumulate: boolean,
    resident?: { a?: Resident; b?: Resident },
  ): void {
    if (!(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) || M * N * K < MIN_WORK || N < 8) {
      jsKernels.gemm(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, crs, accumulate);
      return;
    }
    // resident operands first: packing them may use (and move) the arena
    const ea = resident?.a ? residentPacked(resident.a, true, A, aOff, ars, acs, M, K, null) : null;
    const eb = resident?.b ? residentPacked(resident.b, false, B, bOff, brs, bcs, K, N, ea) : null;
    const inPlaceB = eb === null && bcs === 1 && (M <= UNPACKED_B_MAX_M || K * N <= IN_PLACE_B_FLOATS);
    // arena layout (floats): [A raw | A packed | B raw (+8 columns of slack) | B packed | C]
    const aRaw = ea ? 0 : roundUp(4 * M * K);
    const aPk = ea ? 0 : roundUp(4 * ex.packed_a_floats(M, K));
    const bRaw = eb ? 0 : roundUp(4 * (K * N + 8));
    const bPk = eb || inPlaceB ? 0 : roundUp(4 * ex.packed_b_floats(K, N));
    const base = arena(aRaw + aPk + bRaw + bPk + 4 * M * N);
    let pa = ea ? ea.off : 0, pb = eb ? eb.off : 0, ldb = 0;
    if (!ea) {
      const [rs, cs] = stage(A, aOff, ars, acs, M, K, base >> 2);
      pa = base + aRaw;
      ex.pack_a(M, K, base, rs, cs, pa);
    }
    if (!eb) {
      const raw = base + aRaw + aPk;
      const [rs, cs] = stage(B, bOff, brs, bcs, K, N, raw >> 2);
      if (inPlaceB) { pb = raw; ldb = rs; }
      else { pb = raw + bRaw; ex.pack_b(K, N, raw, rs, cs, pb); }
    }
    const pc = base + aRaw + aPk + bRaw + bPk;
    if (accumulate) stage(C, cOff, crs, 1, M, N, pc >> 2);
    if (pool !== null && M * N * K >= THREAD_MIN_WORK && pool.ready() > 1) pool.gemm(ex, M, N, K, pa, pb, ldb, pc, N, accumulate ? 1 : 0);
    else ex.gemm_packed(M, N, K, pa, pb, ldb, pc, N, accumulate ? 1 : 0);
    unstage(C, cOff, crs, M, N, pc >> 2);
  }

  function tanh(rows: number, cols: number, X: Data, xOff: number, xrs: number, Y: Data, yOff: number, yrs: number): void {
    const n = rows * cols;
    if (!(X instanceof Float32Array && Y instanceof Float32Array) || n < MIN_ELEMENTWISE) {
      jsKernels.tanh(rows, cols, X, xOff, xrs, Y, yOff, yrs);
      return;
    }
    const p = arena(8 * n + 64) >> 2;
    stage(X, xOff, xrs, 1, rows, cols, p);
    ex.tanh(p * 4, (p + n) * 4, n);
    unstage(Y, yOff, yrs, rows, cols, p + n);
  }

  // The cell kernels: each operand is staged as a contiguous [rows, width] block at its own place
  // in the arena; inputs (IN, INOUT) are copied in, outputs (OUT, INOUT) copied back.
  const IN = 0, OUT = 1, INOUT = 2;
  type Block = [Data, number, number, number, number]; // array, offset, row stride, width, mode
  const ptr: number[] = [];
  function cells(rows: number, blocks: Block[], run: (p: number[]) => void): void {
    let total = 0;
    for (const b of blocks) total += roundUp(4 * rows * b[3]);
    let p = arena(total);
    ptr.length = 0;
    for (const [src, off, rs, w, mode] of blocks) {
      ptr.push(p);
      if (mode !== OUT) stage(src as Float32Array, off, rs, 1, rows, w, p >> 2);
      p += roundUp(4 * rows * w);
    }
    run(ptr);
    blocks.forEach(([dst, off, rs, w, mode], i) => {
      if (mode !== IN) unstage(dst as Float32Array, off, rs, rows, w, ptr[i]! >> 2);
    });
  }
  const allF32 = (...xs: Data[]): boolean => xs.every((x) => x instanceof Float32Array);

  // ---- whole-sequence loops (Kernels.lstmSequence …): the walk's buffers are laid out in the
  // arena once, copied in before the loop and out after it; inside, every step is pack_a of its
  // previous states + one gemm_packed against W_hh's resident packing + one cell kernel call, on
  // byte offsets (nothing in the loop allocates, so no offset moves).
  /** Byte offsets of consecutive blocks of the given float counts, in one arena block. */
  function layout(...floats: number[]): number[] {
    let total = 0;
    for (const n of floats) total += roundUp(4 * n);
    let p = arena(total);
    return floats.map((n) => { const q = p; p += roundUp(4 * n); return q; });
  }
  const put = (src: Data, p: number, n: number): void => { view().set((src as Float32Array).subarray(0, n), p >> 2); };
  const get = (dst: Data, p: number, n: number): void => { (dst as Float32Array).set(view().subarray(p >> 2, (p >> 2) + n)); };
  /** C (+)= rows of A (row stride ars floats) · packed B, via pack_a into scratch. */
  function stepGemm(M: number, N: number, K: number, pa: number, ars: number, pb: number, pc: number, ldc: number, acc: number, scratch: number): void {
    ex.pack_a(M, K, pa, ars, 1, scratch);
    if (pool !== null && M * N * K >= THREAD_MIN_WORK && pool.ready() > 1) pool.gemm(ex, M, N, K, scratch, pb, 0, pc, ldc, acc);
    else ex.gemm_packed(M, N, K, scratch, pb, 0, pc, ldc, acc);
  }
  /** Adds rows [n, Bt) of the [B,H] block at byte offset p to G (h0's or c0's gradient). */
  function addRows(Gd: Data | null, p: number, n: number, Bt: number, H: number): void {
    if (Gd === null || Bt <= n) return;
    const m = view(), q = p >> 2;
    for (let i = n * H; i < Bt * H; i++) Gd[i] += m[q + i]!;
  }
  /** W_hh [G,H] packed as the B operand of h·W_hhᵀ (transposed) or of da·W_hh, or null (too big to keep). */
  function packedW(W: Data, w: Resident, G: number, H: number, transposed: boolean): Entry | null {
    return transposed ? residentPacked(w, false, W as Float32Array, 0, 1, H, H, G, null)
      : residentPacked(w, false, W as Float32Array, 0, H, 1, G, H, null);
  }

  function lstmSequence(sp: StepPlan, A: Data, W: Data, w: Resident, H0: Data, C0: Data, C: Data, TC: Data, Y: Data): boolean {
    if (!allF32(A, W, H0, C0, C, TC, Y)) return false;
    const { T, B, H, rs, plan } = sp, G = 4 * H, R = A.length / G;
    const eb = packedW(W, w, G, H, true);
    if (eb === null) return false;
    const [pA, pC, pTC, pY, pH0, pC0, scr] = layout(R * G, R * H, R * H, R * H, B * H, B * H, ex.packed_a_floats(B, H));
    put(A, pA!, R * G); put(H0, pH0!, B * H); put(C0, pC0!, B * H);
    for (let s = 0; s < T; s++) {
      const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
      if (n > 0) {
        stepGemm(n, G, H, pY! + 4 * pr * H, rs * H, eb.off, pA! + 4 * r0 * G, rs * G, 1, scr!);
        ex.lstm_cell(n, H, pA! + 4 * r0 * G, rs * G, pC! + 4 * pr * H, rs * H, pC! + 4 * r0 * H, rs * H,
          pTC! + 4 * r0 * H, rs * H, pY! + 4 * r0 * H, rs * H);
      }
      if (Bt > n) {
        stepGemm(Bt - n, G, H, pH0! + 4 * n * H, H, eb.off, pA! + 4 * r1 * G, rs * G, 1, scr!);
        ex.lstm_cell(Bt - n, H, pA! + 4 * r1 * G, rs * G, pC0! + 4 * n * H, H, pC! + 4 * r1 * H, rs * H,
          pTC! + 4 * r1 * H, rs * H, pY! + 4 * r1 * H, rs * H);
      }
    }
    get(A, pA!, R * G); get(C, pC!, R * H); get(TC, pTC!, R * H); get(Y, pY!, R * H);
    return true;
  }

  function lstmSequenceBackward(
    sp: StepPlan, A: Data, TC: Data, C: Data, C0: Data, GY: Data, W: Data, w: Resident,
    DC: Data, DA: Data, GH0: Data | null, GC0: Data | null,
  ): boolean {
    if (!allF32(A, TC, C, C0, GY, W, DC, DA)) return false;
    const { T, B, H, rs, plan } = sp, G = 4 * H, R = A.length / G;
    const eb = packedW(W, w, G, H, false);
    if (eb === null) return false;
    const [pA, pTC, pC, pC0, pGY, pDA, pDC, pdh, pnext, scr] =
      layout(R * G, R * H, R * H, B * H, R * H, R * G, B * H, B * H, B * H, ex.packed_a_floats(B, G));
    put(A, pA!, R * G); put(TC, pTC!, R * H); put(C, pC!, R * H); put(C0, pC0!, B * H); put(GY, pGY!, R * H);
    put(DC, pDC!, B * H);
    // both carries start at zero: rows a packed walk has not reached yet are read as zero carries
    view().fill(0, pdh! >> 2, (pdh! >> 2) + B * H);
    view().fill(0, pnext! >> 2, (pnext! >> 2) + B * H);
    let dh = pdh!, next = pnext!;
    for (let s = T - 1; s >= 0; s--) {
      const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
      if (n > 0) {
        ex.lstm_cell_backward(n, H, pA! + 4 * r0 * G, rs * G, pTC! + 4 * r0 * H, rs * H, pC! + 4 * pr * H, rs * H,
          pGY! + 4 * r0 * H, rs * H, dh, H, pDC!, H, pDA! + 4 * r0 * G, rs * G);
      }
      if (Bt > n) {
        ex.lstm_cell_backward(Bt - n, H, pA! + 4 * r1 * G, rs * G, pTC! + 4 * r1 * H, rs * H, pC0! + 4 * n * H, H,
          pGY! + 4 * r1 * H, rs * H, dh + 4 * n * H, H, pDC! + 4 * n * H, H, pDA! + 4 * r1 * G, rs * G);
      }
      stepGemm(Bt, H, G, pDA! + 4 * r0 * G, rs * G, eb.off, next, H, 0, scr!);
      addRows(GH0, next, n, Bt, H);
      addRows(GC0, pDC!, n, Bt, H);
      const tmp = dh; dh = next; next = tmp;
    }
    get(DA, pDA!, R * G); get(DC, pDC!, B * H);
    return true;
  }

  function gruSequence(sp: StepPlan, A: Data, W: Data, w: Resident, BHH: Data | null, H0: Data, VN: Data, Y: Data): boolean {
    if (!allF32(A, W, H0, VN, Y) || (BHH !== null && !allF32(BHH))) return false;
    const { T, B, H, rs, plan } = sp, G = 3 * H, R = A.length / G;
    const eb = packedW(W, w, G, H, true);
    if (eb === null) return false;
    const [pA, pVN, pY, pH0, pV, pBias, scr] = layout(R * G, R * H, R * H, B * H, B * G, BHH ? B * G : 0, ex.packed_a_floats(B, H));
    put(A, pA!, R * G); put(H0, pH0!, B * H);
    if (BHH) { const m = view(); for (let b = 0; b < B; b++) m.set(BHH as Float32Array, (pBias! >> 2) + b * G); }
    const acc = BHH ? 1 : 0;
    for (let s = 0; s < T; s++) {
      const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
      if (BHH) view().copyWithin(pV! >> 2, pBias! >> 2, (pBias! >> 2) + Bt * G);
      if (n > 0) {
        stepGemm(n, G, H, pY! + 4 * pr * H, rs * H, eb.off, pV!, G, acc, scr!);
        ex.gru_cell(n, H, pA! + 4 * r0 * G, rs * G, pV!, G, pY! + 4 * pr * H, rs * H, pVN! + 4 * r0 * H, rs * H,
          pY! + 4 * r0 * H, rs * H);
      }
      if (Bt > n) {
        stepGemm(Bt - n, G, H, pH0! + 4 * n * H, H, eb.off, pV! + 4 * n * G, G, acc, scr!);
        ex.gru_cell(Bt - n, H, pA! + 4 * r1 * G, rs * G, pV! + 4 * n * G, G, pH0! + 4 * n * H, H, pVN! + 4 * r1 * H, rs * H,
          pY! + 4 * r1 * H, rs * H);
      }
    }
    get(A, pA!, R * G); get(VN, pVN!, R * H); get(Y, pY!, R * H);
    return true;
  }

  function gruSequenceBackward(
    sp: StepPlan, A: Data, Y: Data, H0: Data, VN: Data, GY: Data, W: Data, w: Resident,
    DU: Data, DV: Data, GH0: Data | null,
  ): boolean {
    if (!allF32(A, Y, H0, VN, GY, W, DU, DV)) return false;
    const { T, B, H, rs, plan } = sp, G = 3 * H, R = A.length / G;
    const eb = packedW(W, w, G, H, false);
    if (eb === null) return false;
    const [pA, pY, pH0, pVN, pGY, pDU, pDV, pdh, pnext, scr] =
      layout(R * G, R * H, B * H, R * H, R * H, R * G, R * G, B * H, B * H, ex.packed_a_floats(B, G));
    put(A, pA!, R * G); put(Y, pY!, R * H); put(H0, pH0!, B * H); put(VN, pVN!, R * H); put(GY, pGY!, R * H);
    // both carries start at zero: rows a packed walk has not reached yet are read as zero carries
    view().fill(0, pdh! >> 2, (pdh! >> 2) + B * H);
    view().fill(0, pnext! >> 2, (pnext! >> 2) + B * H);
    let dh = pdh!, next = pnext!;
    for (let s = T - 1; s >= 0; s--) {
      const r0 = plan[4 * s]!, Bt = plan[4 * s + 1]!, n = plan[4 * s + 2]!, pr = plan[4 * s + 3]!, r1 = r0 + n * rs;
      if (n > 0) {
        ex.gru_cell_backward(n, H, pA! + 4 * r0 * G, rs * G, pY! + 4 * pr * H, rs * H, pVN! + 4 * r0 * H, rs * H,
          pGY! + 4 * r0 * H, rs * H, dh, H, pDU! + 4 * r0 * G, rs * G, pDV! + 4 * r0 * G, rs * G, next, H);
      }
      if (Bt > n) {
        ex.gru_cell_backward(Bt - n, H, pA! + 4 * r1 * G, rs * G, pH0! + 4 * n * H, H, pVN! + 4 * r1 * H, rs * H,
          pGY! + 4 * r1 * H, rs * H, dh + 4 * n * H, H, pDU! + 4 * r1 * G, rs * G, pDV! + 4 * r1 * G, rs * G, next + 4 * n * H, H);
      }
      stepGemm(Bt, H, G, pDV! + 4 * r0 * G, rs * G, eb.off, next, H, 1, scr!);
      addRows(GH0, next, n, Bt, H);
      const tmp = dh; dh = next; next = tmp;
    }
    get(DU, pDU!, R * G); get(DV, pDV!, R * G);
    return true;
  }

  const kernels: WasmKernels = {
    relaxed,
    threads: () => pool?.ready() ?? 1,
    terminateThreads: () => pool?.terminate(),
    gemm,
    tanh,
    lstmCell(rows, H, A, aOff, ars, Cp, cpOff, cprs, C, cOff, crs, TC, tcOff, tcrs, Y, yOff, yrs) {
      if (rows * H < MIN_ELEMENTWISE || !allF32(A, Cp, C, TC, Y)) {
        jsKernels.lstmCell(rows, H, A, aOff, ars, Cp, cpOff, cprs, C, cOff, crs, TC, tcOff, tcrs, Y, yOff, yrs);
        return;
      }
      cells(rows, [[A, aOff, ars, 4 * H, INOUT], [Cp, cpOff, cprs, H, IN], [C, cOff, crs, H, OUT], [TC, tcOff, tcrs, H, OUT], [Y, yOff, yrs, H, OUT]],
        (p) => ex.lstm_cell(rows, H, p[0]!, 4 * H, p[1]!, H, p[2]!, H, p[3]!, H, p[4]!, H));
    },
    lstmCellBackward(rows, H, A, aOff, ars, TC, tcOff, tcrs, Cp, cpOff, cprs, GY, gyOff, gyrs, DH, dhOff, dhrs, DC, dcOff, dcrs, DA, daOff, dars) {
      if (rows * H < MIN_ELEMENTWISE || !allF32(A, TC, Cp, GY, DH, DC, DA)) {
        jsKernels.lstmCellBackward(rows, H, A, aOff, ars, TC, tcOff, tcrs, Cp, cpOff, cprs, GY, gyOff, gyrs, DH, dhOff, dhrs, DC, dcOff, dcrs, DA, daOff, dars);
        return;
      }
      cells(rows, [[A, aOff, ars, 4 * H, IN], [TC, tcOff, tcrs, H, IN], [Cp, cpOff, cprs, H, IN], [GY, gyOff, gyrs, H, IN], [DH, dhOff, dhrs, H, IN], [DC, dcOff, dcrs, H, INOUT], [DA, daOff, dars, 4 * H, OUT]],
        (p) => ex.lstm_cell_backward(rows, H, p[0]!, 4 * H, p[1]!, H, p[2]!, H, p[3]!, H, p[4]!, H, p[5]!, H, p[6]!, 4 * H));
    },
    gruCell(rows, H, A, aOff, ars, V, vOff, vrs, Hp, hpOff, hprs, VN, vnOff, vnrs, Y, yOff, yrs) {
      if (rows * H < MIN_ELEMENTWISE || !allF32(A, V, Hp, VN, Y)) {
        jsKernels.gruCell(rows, H, A, aOff, ars, V, vOff, vrs, Hp, hpOff, hprs, VN, vnOff, vnrs, Y, yOff, yrs);
        return;
      }
      cells(rows, [[A, aOff, ars, 3 * H, INOUT], [V, vOff, vrs, 3 * H, IN], [Hp, hpOff, hprs, H, IN], [VN, vnOff, vnrs, H, OUT], [Y, yOff, yrs, H, OUT]],
        (p) => ex.gru_cell(rows, H, p[0]!, 3 * H, p[1]!, 3 * H, p[2]!, H, p[3]!, H, p[4]!, H));
    },
    gruCellBackward(rows, H, A, aOff, ars, Hp, hpOff, hprs, VN, vnOff, vnrs, GY, gyOff, gyrs, DH, dhOff, dhrs, DU, duOff, durs, DV, dvOff, dvrs, DN, dnOff, dnrs) {
      if (rows * H < MIN_ELEMENTWISE || !allF32(A, Hp, VN, GY, DH, DU, DV, DN)) {
        jsKernels.gruCellBackward(rows, H, A, aOff, ars, Hp, hpOff, hprs, VN, vnOff, vnrs, GY, gyOff, gyrs, DH, dhOff, dhrs, DU, duOff, durs, DV, dvOff, dvrs, DN, dnOff, dnrs);
        return;
      }
      cells(rows, [[A, aOff, ars, 3 * H, IN], [Hp, hpOff, hprs, H, IN], [VN, vnOff, vnrs, H, IN], [GY, gyOff, gyrs, H, IN], [DH, dhOff, dhrs, H, IN], [DU, duOff, durs, 3 * H, OUT], [DV, dvOff, dvrs, 3 * H, OUT], [DN, dnOff, dnrs, H, OUT]],
        (p) => ex.gru_cell_backward(rows, H, p[0]!, 3 * H, p[1]!, H, p[2]!, H, p[3]!, H, p[4]!, H, p[5]!, 3 * H, p[6]!, 3 * H, p[7]!, H));
    },
    tanhBackward(rows, cols, Y, yOff, yrs, GY, gyOff, gyrs, DH, dhOff, dhrs, DZ, dzOff, dzrs) {
      if (rows * cols < MIN_ELEMENTWISE || !allF32(Y, GY, DH, DZ)) {
        jsKernels.tanhBackward(rows, cols, Y, yOff, yrs, GY, gyOff, gyrs, DH, dhOff, dhrs, DZ, dzOff, dzrs);
        return;
      }
      cells(rows, [[Y, yOff, yrs, cols, IN], [GY, gyOff, gyrs, cols, IN], [DH, dhOff, dhrs, cols, IN], [DZ, dzOff, dzrs, cols, OUT]],
        (p) => ex.tanh_backward(rows * cols, p[0]!, p[1]!, p[2]!, p[3]!));
    },
    lstmSequence,
    lstmSequenceBackward,
    gruSequence,
    gruSequenceBackward,
    setBlocking(kc, mc, nc) { ex.set_blocking(kc, mc, nc); },
    residentStats() { return { entries: lru.size, bytes: residentBytes, packs, hits, evictions }; },
  };
  return kernels;
}
