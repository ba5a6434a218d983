// rnnkit's WebAssembly SIMD GEMM (float32). Built by tools/wasm/build.sh into src/tensor/wasm-gemm.ts
// (base64, a plain-SIMD and a relaxed-SIMD module); src/tensor/wasm-kernels.ts stages operands in
// this module's memory and owns all allocation.
//
//   C[M,N] (+)= A[M,K] · B[K,N];  C row-major with row stride ldc, not read when acc == 0.
//
// The blocked scheme of Goto & van de Geijn (BLIS), sized for any x86 core rather than one:
//   pack_a   A into strips of MR rows, k-major (strip s holds A[s·MR + r, k] at s·K·MR + k·MR + r),
//            zero-padded to a multiple of MR rows;
//   pack_b   B into strips of NR columns (strip s holds B[k, s·NR + j] at s·K·NR + k·NR + j),
//            zero-padded to a multiple of NR columns. Packing whole matrices once (not per block)
//            is what lets a constant weight be packed once and kept (wasm-kernels.ts: Resident);
//   gemm_packed  for each NC column panel, each KC slice of K, each MC row panel: a KC×NR strip of
//            B stays in L1 while the MR-row strips of A stream past it from L2.
// Micro-kernel: mr×8 outputs (mr ≤ MR = 4) in 2·mr f32x4 accumulators; per k, two loads of B,
// mr broadcast loads of A (v128.load32_splat), 2·mr multiply-adds, 13 of x86's 16 xmm registers.
// Wider tiles measured slower, all for one reason: V8 allocates at most 15 xmm registers (one is
// scratch) and clang schedules every broadcast of a k step ahead of its uses, so 5×8 and 6×8 spill
// accumulators to the stack in the inner loop (seen with node --print-wasm-code); unrolling k does
// the same. 512³ on the Zen 5 this was written on, CPU time: 4×8 38-46 GFLOP/s, 6×8 21-29, 5×8 20.
// Summation order: each C element sums k = 0…K−1 in order within a KC slice, slices added to C in
// order; it depends only on (K, KC), never on M, N or which thread/panel computed it.
#include "simd.h"

#define MR 4
#define NR 8

static int KC = 256, MC = 72, NC = 512;

__attribute__((export_name("set_blocking")))
void set_blocking(int kc, int mc, int nc) {
  KC = kc > 0 ? kc : 256;
  MC = mc >= MR ? mc - mc % MR : 72;
  NC = nc >= NR ? nc - nc % NR : 512;
}

__attribute__((export_name("packed_a_floats")))
int packed_a_floats(int M, int K) { return (M + MR - 1) / MR * MR * K; }

__attribute__((export_name("packed_b_floats")))
int packed_b_floats(int K, int N) { return (N + NR - 1) / NR * NR * K; }

__attribute__((export_name("pack_a")))
void pack_a(int M, int K, const float *A, int ars, int acs, float *dst) {
  for (int i0 = 0; i0 < M; i0 += MR, dst += K * MR) {
    int mr = M - i0 < MR ? M - i0 : MR;
    const float *a = A + i0 * ars;
    if (acs == 1 && mr == 4) {
      // four rows, 4 k at a time: a 4×4 transpose in registers (MR = 4)
      int k = 0;
      for (; k + 4 <= K; k += 4) {
        v128_t r0 = wasm_v128_load(a + k), r1 = wasm_v128_load(a + ars + k);
        v128_t r2 = wasm_v128_load(a + 2 * ars + k), r3 = wasm_v128_load(a + 3 * ars + k);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(dst + k * 4, wasm_i64x2_shuffle(t0, t2, 0, 2));
        wasm_v128_store(dst + k * 4 + 4, wasm_i64x2_shuffle(t0, t2, 1, 3));
        wasm_v128_store(dst + k * 4 + 8, wasm_i64x2_shuffle(t1, t3, 0, 2));
        wasm_v128_store(dst + k * 4 + 12, wasm_i64x2_shuffle(t1, t3, 1, 3));
      }
      for (; k < K; k++)
        for (int r = 0; r < 4; r++) dst[k * 4 + r] = a[r * ars + k];
    } else if (acs == 1) {
      for (int r = 0; r < mr; r++) {
        const float *row = a + r * ars;
        for (int k = 0; k < K; k++) dst[k * MR + r] = row[k];
      }
    } else {
      for (int k = 0; k < K; k++)
        for (int r = 0; r < mr; r++) dst[k * MR + r] = a[r * ars + k * acs];
    }
    for (int r = mr; r < MR; r++)
      for (int k = 0; k < K; k++) dst[k * MR + r] = 0;
  }
}

__attribute__((export_name("pack_b")))
void pack_b(int K, int N, const float *B, int brs, int bcs, float *dst) {
  for (int j0 = 0; j0 < N; j0 += NR, dst += K * NR) {
    int nr = N - j0 < NR ? N - j0 : NR;
    const float *b = B + j0 * bcs;
    if (nr == NR && bcs == 1) {
      for (int k = 0; k < K; k++) {
        wasm_v128_store(dst + k * NR, wasm_v128_load(b + k * brs));
        wasm_v128_store(dst + k * NR + 4, wasm_v128_load(b + k * brs + 4));
      }
    } else if (nr == NR && brs == 1) {
      // B is a transposed row-major matrix (the recurrent Wᵀ): column j is contiguous in k, so
      // read 4 k of 4 columns and transpose the 4×4 block in registers.
      int k = 0;
      for (; k + 4 <= K; k += 4) {
        for (int h = 0; h < 2; h++) {
          const float *c = b + 4 * h * bcs + k;
          v128_t r0 = wasm_v128_load(c), r1 = wasm_v128_load(c + bcs);
          v128_t r2 = wasm_v128_load(c + 2 * bcs), r3 = wasm_v128_load(c + 3 * bcs);
          v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
          v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          float *d = dst + k * NR + 4 * h;
          wasm_v128_store(d, wasm_i64x2_shuffle(t0, t2, 0, 2));
          wasm_v128_store(d + NR, wasm_i64x2_shuffle(t0, t2, 1, 3));
          wasm_v128_store(d + 2 * NR, wasm_i64x2_shuffle(t1, t3, 0, 2));
          wasm_v128_store(d + 3 * NR, wasm_i64x2_shuffle(t1, t3, 1, 3));
        }
      }
      for (; k < K; k++)
        for (int j = 0; j < NR; j++) dst[k * NR + j] = b[j * bcs + k];
    } else {
      for (int k = 0; k < K; k++) {
        for (int j = 0; j < nr; j++) dst[k * NR + j] = b[k * brs + j * bcs];
        for (int j = nr; j < NR; j++) dst[k * NR + j] = 0;
      }
    }
  }
}

// ns tiles of mr×8 down a column strip, each over kc steps: a is the first A strip (k-major, MR
// floats per k; the next strip starts as floats on), b walks ldb floats per k (NR for a packed strip,
// the row stride for B read in place), c the first tile's corner (the next is mr·ldc on). The sums
// are added to C when load, else stored; only nr ≤ 8 columns are written. Looping over the strips
// here, not in the caller, keeps one call per column strip of a panel: at 64³ a call per tile cost
// a quarter of the time.
#define KERNEL(R)                                                                                  \
  __attribute__((noinline)) static void kernel_##R(int ns, int kc, const float *a, int as,         \
                                                   const float *b0, int ldb, float *c, int ldc,    \
                                                   int load, int nr) {                             \
    for (int t = 0; t < ns; t++, a += as, c += R * ldc) {                                          \
      v128_t s[R][2];                                                                              \
      _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) s[r][0] = s[r][1] =           \
          wasm_f32x4_splat(0);                                                                     \
      const float *ak = a, *b = b0;                                                                \
      for (int k = 0; k < kc; k++, ak += MR, b += ldb) {                                           \
        v128_t y0 = wasm_v128_load(b), y1 = wasm_v128_load(b + 4);                                 \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                           \
          v128_t x = wasm_v128_load32_splat(ak + r);                                               \
          s[r][0] = MADD(x, y0, s[r][0]);                                                          \
          s[r][1] = MADD(x, y1, s[r][1]);                                                          \
        }                                                                                          \
      }                                                                                            \
      if (nr == NR) {                                                                              \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                           \
          float *cr = c + r * ldc;                                                                 \
          if (load) {                                                                              \
            s[r][0] = wasm_f32x4_add(wasm_v128_load(cr), s[r][0]);                                 \
            s[r][1] = wasm_f32x4_add(wasm_v128_load(cr + 4), s[r][1]);                             \
          }                                                                                        \
          wasm_v128_store(cr, s[r][0]);                                                            \
          wasm_v128_store(cr + 4, s[r][1]);                                                        \
        }                                                                                          \
      } else {                                                                                     \
        float tmp[NR];                                                                             \
        for (int r = 0; r < R; r++) {                                                              \
          wasm_v128_store(tmp, s[r][0]);                                                           \
          wasm_v128_store(tmp + 4, s[r][1]);                                                       \
          float *cr = c + r * ldc;                                                                 \
          for (int j = 0; j < nr; j++) cr[j] = load ? cr[j] + tmp[j] : tmp[j];                     \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }
KERNEL(1)
KERNEL(2)
KERNEL(3)
KERNEL(4)
#if MR >= 5
KERNEL(5)
#endif
#if MR >= 6
KERNEL(6)
#endif

static inline void kernel(int mr, int ns, int kc, const float *a, int as, const float *b, int ldb,
                          float *c, int ldc, int load, int nr) {
  switch (mr) {
#if MR >= 6
    case 6: kernel_6(ns, kc, a, as, b, ldb, c, ldc, load, nr); break;
#endif
#if MR >= 5
    case 5: kernel_5(ns, kc, a, as, b, ldb, c, ldc, load, nr); break;
#endif
    case 4: kernel_4(ns, kc, a, as, b, ldb, c, ldc, load, nr); break;
    case 3: kernel_3(ns, kc, a, as, b, ldb, c, ldc, load, nr); break;
    case 2: kernel_2(ns, kc, a, as, b, ldb, c, ldc, load, nr); break;
    default: kernel_1(ns, kc, a, as, b, ldb, c, ldc, load, nr); break;
  }
}

// One row × 32 columns (four column strips, s floats apart) over kc steps: eight independent
// accumulators instead of kernel_1's two, for M = 1 (a generated token's h·W_hhᵀ), where two chains
// of dependent multiply-adds would leave the FMA units waiting on their latency.
__attribute__((noinline)) static void kernel_1x4(int kc, const float *a, const float *b, int s, int ldb,
                                                  float *c, int load) {
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (int k = 0; k < kc; k++, a += MR, b += ldb) {
    v128_t x = wasm_v128_load32_splat(a);
    s0 = MADD(x, wasm_v128_load(b), s0);
    s1 = MADD(x, wasm_v128_load(b + 4), s1);
    s2 = MADD(x, wasm_v128_load(b + s), s2);
    s3 = MADD(x, wasm_v128_load(b + s + 4), s3);
    s4 = MADD(x, wasm_v128_load(b + 2 * s), s4);
    s5 = MADD(x, wasm_v128_load(b + 2 * s + 4), s5);
    s6 = MADD(x, wasm_v128_load(b + 3 * s), s6);
    s7 = MADD(x, wasm_v128_load(b + 3 * s + 4), s7);
  }
  if (load) {
    s0 = wasm_f32x4_add(wasm_v128_load(c), s0); s1 = wasm_f32x4_add(wasm_v128_load(c + 4), s1);
    s2 = wasm_f32x4_add(wasm_v128_load(c + 8), s2); s3 = wasm_f32x4_add(wasm_v128_load(c + 12), s3);
    s4 = wasm_f32x4_add(wasm_v128_load(c + 16), s4); s5 = wasm_f32x4_add(wasm_v128_load(c + 20), s5);
    s6 = wasm_f32x4_add(wasm_v128_load(c + 24), s6); s7 = wasm_f32x4_add(wasm_v128_load(c + 28), s7);
  }
  wasm_v128_store(c, s0); wasm_v128_store(c + 4, s1); wasm_v128_store(c + 8, s2); wasm_v128_store(c + 12, s3);
  wasm_v128_store(c + 16, s4); wasm_v128_store(c + 20, s5); wasm_v128_store(c + 24, s6); wasm_v128_store(c + 28, s7);
}

// Ap: pack_a's strips. B: pack_b's strips when brs == 0, else B read in place, row-major with row
// stride brs (the caller guarantees readable memory up to 8 columns past N in each row).
__attribute__((export_name("gemm_packed")))
void gemm_packed(int M, int N, int K, const float *Ap, const float *B, int brs, float *C, int ldc,
                 int acc) {
  if (K == 0) {
    if (!acc)
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) C[i * ldc + j] = 0;
    return;
  }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      int load = acc || pc > 0;
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        int jr = jc;
        if (mc == 1) {
          // the same k order per element as kernel_1, so M = 1 results do not depend on the path
          for (; jr + 4 * NR <= jc + nc; jr += 4 * NR) {
            const float *b = brs ? B + pc * brs + jr : B + jr * K + pc * NR;
            kernel_1x4(kc, Ap + ic * K + pc * MR, b, brs ? NR : NR * K, brs ? brs : NR, C + ic * ldc + jr, load);
          }
        }
        for (; jr < jc + nc; jr += NR) {
          int nr = jc + nc - jr < NR ? jc + nc - jr : NR;
          const float *b = brs ? B + pc * brs + jr : B + jr * K + pc * NR;
          int ldb = brs ? brs : NR;
          int full = mc / MR, rest = mc % MR;
          if (full) kernel(MR, full, kc, Ap + ic * K + pc * MR, MR * K, b, ldb, C + ic * ldc + jr, ldc, load, nr);
          if (rest) {
            int ir = ic + full * MR;
            kernel(rest, 1, kc, Ap + ir * K + pc * MR, MR * K, b, ldb, C + ir * ldc + jr, ldc, load, nr);
          }
        }
      }
    }
  }
}

__attribute__((export_name("tanh")))
void tanh_f32(const float *x, float *y, int n) {
  int n4 = n & ~3;
  for (int i = 0; i < n4; i += 4) wasm_v128_store(y + i, tanh4(wasm_v128_load(x + i)));
  if (n4 < n) {
    float in[4] = {0, 0, 0, 0}, out[4];
    for (int i = n4; i < n; i++) in[i - n4] = x[i];
    wasm_v128_store(out, tanh4(wasm_v128_load(in)));
    for (int i = n4; i < n; i++) y[i] = out[i - n4];
  }
}
