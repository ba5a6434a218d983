// rnnkit's WebAssembly SIMD GEMM kernel (float32). Built by tools/wasm/build.sh into
// src/tensor/wasm-gemm.ts (base64); the JS side packs strided operands into this module's memory.
//
//   C[M,N] (+)= A[M,K] · B[K,N], all row-major and contiguous; C is not read when acc == 0.
//
// Micro-kernel: 4 rows × 8 columns of C in eight f32x4 accumulators; per k, two vector loads of
// B's row, four splats of A's column, eight multiply-adds.
#include <wasm_simd128.h>

#define ALIGN16(n) (((n) + 3) & ~3)

__attribute__((export_name("gemm")))
void gemm(int M, int N, int K, const float *A, const float *B, float *C, int acc) {
  int M4 = M & ~3, N8 = N & ~7;
  for (int i = 0; i < M4; i += 4) {
    const float *a0 = A + i * K, *a1 = a0 + K, *a2 = a1 + K, *a3 = a2 + K;
    float *c0 = C + i * N, *c1 = c0 + N, *c2 = c1 + N, *c3 = c2 + N;
    for (int j = 0; j < N8; j += 8) {
      v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00;
      v128_t s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t y0 = wasm_v128_load(b), y1 = wasm_v128_load(b + 4);
        v128_t x0 = wasm_f32x4_splat(a0[k]), x1 = wasm_f32x4_splat(a1[k]);
        v128_t x2 = wasm_f32x4_splat(a2[k]), x3 = wasm_f32x4_splat(a3[k]);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, y0)); s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, y1));
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, y0)); s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, y1));
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, y0)); s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, y1));
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, y0)); s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, y1));
      }
      if (acc) {
        s00 = wasm_f32x4_add(s00, wasm_v128_load(c0 + j)); s01 = wasm_f32x4_add(s01, wasm_v128_load(c0 + j + 4));
        s10 = wasm_f32x4_add(s10, wasm_v128_load(c1 + j)); s11 = wasm_f32x4_add(s11, wasm_v128_load(c1 + j + 4));
        s20 = wasm_f32x4_add(s20, wasm_v128_load(c2 + j)); s21 = wasm_f32x4_add(s21, wasm_v128_load(c2 + j + 4));
        s30 = wasm_f32x4_add(s30, wasm_v128_load(c3 + j)); s31 = wasm_f32x4_add(s31, wasm_v128_load(c3 + j + 4));
      }
      wasm_v128_store(c0 + j, s00); wasm_v128_store(c0 + j + 4, s01);
      wasm_v128_store(c1 + j, s10); wasm_v128_store(c1 + j + 4, s11);
      wasm_v128_store(c2 + j, s20); wasm_v128_store(c2 + j + 4, s21);
      wasm_v128_store(c3 + j, s30); wasm_v128_store(c3 + j + 4, s31);
    }
    for (int j = N8; j < N; j++) {
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int k = 0; k < K; k++) {
        float y = B[k * N + j];
        s0 += a0[k] * y; s1 += a1[k] * y; s2 += a2[k] * y; s3 += a3[k] * y;
      }
      if (acc) { c0[j] += s0; c1[j] += s1; c2[j] += s2; c3[j] += s3; }
      else { c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3; }
    }
  }
  for (int i = M4; i < M; i++) {
    const float *a = A + i * K;
    float *c = C + i * N;
    for (int j = 0; j < N8; j += 8) {
      v128_t s0 = wasm_f32x4_splat(0), s1 = s0;
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t x = wasm_f32x4_splat(a[k]);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(x, wasm_v128_load(b)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(x, wasm_v128_load(b + 4)));
      }
      if (acc) { s0 = wasm_f32x4_add(s0, wasm_v128_load(c + j)); s1 = wasm_f32x4_add(s1, wasm_v128_load(c + j + 4)); }
      wasm_v128_store(c + j, s0); wasm_v128_store(c + j + 4, s1);
    }
    for (int j = N8; j < N; j++) {
      float s = 0;
      for (int k = 0; k < K; k++) s += a[k] * B[k * N + j];
      if (acc) c[j] += s; else c[j] = s;
    }
  }
}

// tanh(x) for float32, as a rational function p(x)/q(x) of degrees 13/6 on [−7.9053, 7.9053]
// (beyond that the clamped value is within 5 float32 ulps of ±1), the approximation Eigen uses for
// float; measured error ≤ 5 float32 ulps against Math.tanh (test/tensor/kernels.test.ts). Tiny |x| returns x itself, where the rational form would lose relative
// accuracy.
static inline v128_t tanh4(v128_t x) {
  const v128_t lim = wasm_f32x4_splat(7.90531110763549805f);
  v128_t xc = wasm_f32x4_pmax(wasm_f32x4_pmin(x, lim), wasm_f32x4_neg(lim));
  v128_t x2 = wasm_f32x4_mul(xc, xc);
  v128_t p = wasm_f32x4_splat(-2.76076847742355e-16f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(2.00018790482477e-13f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-8.60467152213735e-11f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(5.12229709037114e-08f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(1.48572235717979e-05f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(6.37261928875436e-04f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(4.89352455891786e-03f));
  p = wasm_f32x4_mul(p, xc);
  v128_t q = wasm_f32x4_splat(1.19825839466702e-06f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(1.18534705686654e-04f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(2.26843463243900e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(4.89352518554385e-03f));
  v128_t r = wasm_f32x4_div(p, q);
  v128_t tiny = wasm_f32x4_lt(wasm_f32x4_abs(x), wasm_f32x4_splat(0.0004f));
  return wasm_v128_bitselect(x, r, tiny);
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
