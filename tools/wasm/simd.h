// Shared helpers of rnnkit's WebAssembly kernels (gemm.c, cells.c).
//
// MADD(a, b, c) = a·b + c. The plain build multiplies and adds (two roundings); the relaxed build
// (-mrelaxed-simd, -DRELAXED) emits f32x4.relaxed_madd, which V8 lowers to a fused multiply-add
// where the CPU has FMA3 (one rounding, twice the throughput). Clang 14 only knows the builtin by
// its prototype name and opcode (f32x4.fma, 0xfd 0xaf 0x01, a·b + c with our argument order);
// build.sh rewrites that opcode to the standard relaxed_madd's (0xfd 0x85 0x02) and checks the count.
#pragma once
#include <wasm_simd128.h>

#ifdef RELAXED
#define MADD(a, b, c) __builtin_wasm_fma_f32x4((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

// tanh(x) for float32, as a rational function p(x)/q(x) of degrees 13/6 on [−7.9053, 7.9053]
// (beyond that the clamped value is within 5 float32 ulps of ±1), the approximation Eigen uses for
// float; measured error ≤ 5 float32 ulps against Math.tanh (test/tensor/kernels.test.ts). Tiny |x|
// returns x itself, where the rational form would lose relative accuracy. Plain multiply-adds in
// both builds, so the two agree to the bit.
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

// σ(x) = (1 + tanh(x/2)) / 2, the form the JS kernels use (x/2 and the halving are exact).
static inline v128_t sigmoid4(v128_t x) {
  const v128_t h = wasm_f32x4_splat(0.5f);
  return wasm_f32x4_add(h, wasm_f32x4_mul(h, tanh4(wasm_f32x4_mul(h, x))));
}
