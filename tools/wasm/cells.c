// The per-time-step element-wise work of the LSTM and GRU (and the tanh RNN's backward), float32,
// on [rows, ·] blocks with a row stride each (in floats), so the fused sequence ops can point them
// at a step's rows of whole-sequence buffers kept in this module's memory (wasm-kernels.ts). The formulas are those of
// the JS references in src/tensor/js-kernels.ts (σ(x) = (1 + tanh(x/2)) / 2, the same rational
// tanh); the JS ones keep intermediates in doubles, so the two agree to a few float32 ulps.
// Gate blocks are PyTorch's: LSTM [i f g o], GRU [r z n], each H wide.
#include "simd.h"

// A 4-lane load/store of the n ≤ 4 floats at p (lanes past n read as 0 and are not written).
static inline v128_t ld(const float *p, int n) {
  if (n == 4) return wasm_v128_load(p);
  float t[4] = {0, 0, 0, 0};
  for (int i = 0; i < n; i++) t[i] = p[i];
  return wasm_v128_load(t);
}
static inline void st(float *p, v128_t v, int n) {
  if (n == 4) { wasm_v128_store(p, v); return; }
  float t[4];
  wasm_v128_store(t, v);
  for (int i = 0; i < n; i++) p[i] = t[i];
}
#define ONE wasm_f32x4_splat(1.0f)

// A [rows,4H]: pre-activations in, activations i, f, g, o out. c = f·c_prev + i·g,
// tc = tanh(c), y = o·tc.
__attribute__((export_name("lstm_cell")))
void lstm_cell(int rows, int H, float *A, int ars, const float *Cp, int cprs, float *C, int crs,
               float *TC, int tcrs, float *Y, int yrs) {
  for (int b = 0; b < rows; b++, A += ars, Cp += cprs, C += crs, TC += tcrs, Y += yrs) {
    for (int j = 0; j < H; j += 4) {
      int n = H - j < 4 ? H - j : 4;
      v128_t i = sigmoid4(ld(A + j, n)), f = sigmoid4(ld(A + H + j, n));
      v128_t g = tanh4(ld(A + 2 * H + j, n)), o = sigmoid4(ld(A + 3 * H + j, n));
      st(A + j, i, n); st(A + H + j, f, n); st(A + 2 * H + j, g, n); st(A + 3 * H + j, o, n);
      v128_t c = wasm_f32x4_add(wasm_f32x4_mul(f, ld(Cp + j, n)), wasm_f32x4_mul(i, g));
      v128_t tc = tanh4(c);
      st(C + j, c, n); st(TC + j, tc, n); st(Y + j, wasm_f32x4_mul(o, tc), n);
    }
  }
}

// dh = gy + dh_rec;  dc' = dc + dh·o·(1 − tc²);
// da = [dc'·g·i(1−i), dc'·c_prev·f(1−f), dc'·i·(1−g²), dh·tc·o(1−o)];  dc ← dc'·f.
__attribute__((export_name("lstm_cell_backward")))
void lstm_cell_backward(int rows, int H, const float *A, int ars, const float *TC, int tcrs,
                        const float *Cp, int cprs, const float *GY, int gyrs, const float *DH, int dhrs,
                        float *DC, int dcrs, float *DA, int dars) {
  for (int b = 0; b < rows; b++, A += ars, TC += tcrs, Cp += cprs, GY += gyrs, DH += dhrs, DC += dcrs, DA += dars) {
    for (int j = 0; j < H; j += 4) {
      int n = H - j < 4 ? H - j : 4;
      v128_t i = ld(A + j, n), f = ld(A + H + j, n), g = ld(A + 2 * H + j, n), o = ld(A + 3 * H + j, n);
      v128_t tc = ld(TC + j, n);
      v128_t dh = wasm_f32x4_add(ld(GY + j, n), ld(DH + j, n));
      v128_t dc = wasm_f32x4_add(ld(DC + j, n),
                                 wasm_f32x4_mul(wasm_f32x4_mul(dh, o), wasm_f32x4_sub(ONE, wasm_f32x4_mul(tc, tc))));
      st(DA + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dc, g), i), wasm_f32x4_sub(ONE, i)), n);
      st(DA + H + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dc, ld(Cp + j, n)), f), wasm_f32x4_sub(ONE, f)), n);
      st(DA + 2 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dc, i), wasm_f32x4_sub(ONE, wasm_f32x4_mul(g, g))), n);
      st(DA + 3 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dh, tc), o), wasm_f32x4_sub(ONE, o)), n);
      st(DC + j, wasm_f32x4_mul(dc, f), n);
    }
  }
}

// A [rows,3H]: u = x W_ihᵀ + b_ih in, r, z, n out; V [rows,3H]: v = h W_hhᵀ + b_hh (read only).
// r = σ(u_r + v_r), z = σ(u_z + v_z), n = tanh(u_n + r·v_n), vn = v_n, y = (h_prev − n)·z + n.
__attribute__((export_name("gru_cell")))
void gru_cell(int rows, int H, float *A, int ars, const float *V, int vrs, const float *Hp, int hprs,
              float *VN, int vnrs, float *Y, int yrs) {
  for (int b = 0; b < rows; b++, A += ars, V += vrs, Hp += hprs, VN += vnrs, Y += yrs) {
    for (int j = 0; j < H; j += 4) {
      int n = H - j < 4 ? H - j : 4;
      v128_t r = sigmoid4(wasm_f32x4_add(ld(A + j, n), ld(V + j, n)));
      v128_t z = sigmoid4(wasm_f32x4_add(ld(A + H + j, n), ld(V + H + j, n)));
      v128_t vn = ld(V + 2 * H + j, n);
      v128_t nn = tanh4(wasm_f32x4_add(ld(A + 2 * H + j, n), wasm_f32x4_mul(r, vn)));
      st(A + j, r, n); st(A + H + j, z, n); st(A + 2 * H + j, nn, n); st(VN + j, vn, n);
      st(Y + j, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(ld(Hp + j, n), nn), z), nn), n);
    }
  }
}

// dh = gy + dh_rec;  dn' = dh·(1−z)·(1−n²);  dz' = dh·(h_prev − n)·z(1−z);  dr' = dn'·vn·r(1−r);
// du = [dr' dz' dn'],  dv = [dr' dz' dn'·r],  dnext = dh·z (assigned: the caller adds dv W_hh).
__attribute__((export_name("gru_cell_backward")))
void gru_cell_backward(int rows, int H, const float *A, int ars, const float *Hp, int hprs,
                       const float *VN, int vnrs, const float *GY, int gyrs, const float *DH, int dhrs,
                       float *DU, int durs, float *DV, int dvrs, float *DN, int dnrs) {
  for (int b = 0; b < rows; b++, A += ars, Hp += hprs, VN += vnrs, GY += gyrs, DH += dhrs, DU += durs, DV += dvrs, DN += dnrs) {
    for (int j = 0; j < H; j += 4) {
      int n = H - j < 4 ? H - j : 4;
      v128_t r = ld(A + j, n), z = ld(A + H + j, n), nn = ld(A + 2 * H + j, n);
      v128_t dh = wasm_f32x4_add(ld(GY + j, n), ld(DH + j, n));
      v128_t dn = wasm_f32x4_mul(wasm_f32x4_mul(dh, wasm_f32x4_sub(ONE, z)), wasm_f32x4_sub(ONE, wasm_f32x4_mul(nn, nn)));
      v128_t dz = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dh, wasm_f32x4_sub(ld(Hp + j, n), nn)), z), wasm_f32x4_sub(ONE, z));
      v128_t dr = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dn, ld(VN + j, n)), r), wasm_f32x4_sub(ONE, r));
      st(DU + j, dr, n); st(DU + H + j, dz, n); st(DU + 2 * H + j, dn, n);
      st(DV + j, dr, n); st(DV + H + j, dz, n); st(DV + 2 * H + j, wasm_f32x4_mul(dn, r), n);
      st(DN + j, wasm_f32x4_mul(dh, z), n);
    }
  }
}

// dz = (gy + dh_rec)·(1 − y²), the tanh RNN's step backward from its saved output y.
__attribute__((export_name("tanh_backward")))
void tanh_backward(int n, const float *Y, const float *GY, const float *DH, float *DZ) {
  for (int j = 0; j < n; j += 4) {
    int m = n - j < 4 ? n - j : 4;
    v128_t y = ld(Y + j, m);
    st(DZ + j, wasm_f32x4_mul(wasm_f32x4_add(ld(GY + j, m), ld(DH + j, m)), wasm_f32x4_sub(ONE, wasm_f32x4_mul(y, y))), m);
  }
}

// y[i] += x[i] (the carries the fused backward hands to h0 and c0).
__attribute__((export_name("add_to")))
void add_to(int n, const float *x, float *y) {
  int j = 0;
  for (; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_add(wasm_v128_load(y + j), wasm_v128_load(x + j)));
  for (; j < n; j++) y[j] += x[j];
}
