// The plain-JS kernels: correct for float32 and float64, fastest for small products.
import type { Data } from './dtype.js';
import type { Kernels } from './kernels.js';

// 4×4 register-blocked scalar GEMM: 16 multiply-adds per 8 loads, accumulators kept in
// registers (JS numbers are doubles, so the sum is rounded once, when stored).
function gemm(
  M: number, N: number, K: number,
  A: Data, aOff: number, ars: number, acs: number,
  B: Data, bOff: number, brs: number, bcs: number,
  C: Data, cOff: number, crs: number, accumulate: boolean,
): void {
  const M4 = M - (M & 3);
  const N4 = N - (N & 3);
  const b1 = bcs, b2 = 2 * bcs, b3 = 3 * bcs;
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
    const r0 = cOff + i * crs, r1 = r0 + crs, r2 = r1 + crs, r3 = r2 + crs;
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = 0;
      let pb = bOff + j * bcs;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + pa]!, x1 = A[a1 + pa]!, x2 = A[a2 + pa]!, x3 = A[a3 + pa]!;
        const y0 = B[pb]!, y1 = B[pb + b1]!, y2 = B[pb + b2]!, y3 = B[pb + b3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        pa += acs;
        pb += brs;
      }
      if (accumulate) {
        C[r0 + j] += c00; C[r0 + j + 1] += c01; C[r0 + j + 2] += c02; C[r0 + j + 3] += c03;
        C[r1 + j] += c10; C[r1 + j + 1] += c11; C[r1 + j + 2] += c12; C[r1 + j + 3] += c13;
        C[r2 + j] += c20; C[r2 + j + 1] += c21; C[r2 + j + 2] += c22; C[r2 + j + 3] += c23;
        C[r3 + j] += c30; C[r3 + j + 1] += c31; C[r3 + j + 2] += c32; C[r3 + j + 3] += c33;
      } else {
        C[r0 + j] = c00; C[r0 + j + 1] = c01; C[r0 + j + 2] = c02; C[r0 + j + 3] = c03;
        C[r1 + j] = c10; C[r1 + j + 1] = c11; C[r1 + j + 2] = c12; C[r1 + j + 3] = c13;
        C[r2 + j] = c20; C[r2 + j + 1] = c21; C[r2 + j + 2] = c22; C[r2 + j + 3] = c23;
        C[r3 + j] = c30; C[r3 + j + 1] = c31; C[r3 + j + 2] = c32; C[r3 + j + 3] = c33;
      }
    }
    for (let j = N4; j < N; j++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = 0;
      let pb = bOff + j * bcs;
      for (let k = 0; k < K; k++) {
        const y = B[pb]!;
        c0 += A[a0 + pa]! * y; c1 += A[a1 + pa]! * y; c2 += A[a2 + pa]! * y; c3 += A[a3 + pa]! * y;
        pa += acs;
        pb += brs;
      }
      if (accumulate) {
        C[r0 + j] += c0; C[r1 + j] += c1; C[r2 + j] += c2; C[r3 + j] += c3;
      } else {
        C[r0 + j] = c0; C[r1 + j] = c1; C[r2 + j] = c2; C[r3 + j] = c3;
      }
    }
  }
  for (let i = M4; i < M; i++) {
    const a0 = aOff + i * ars;
    const r0 = cOff + i * crs;
    for (let j = 0; j < N4; j += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = a0;
      let pb = bOff + j * bcs;
      for (let k = 0; k < K; k++) {
        const x = A[pa]!;
        c0 += x * B[pb]!; c1 += x * B[pb + b1]!; c2 += x * B[pb + b2]!; c3 += x * B[pb + b3]!;
        pa += acs;
        pb += brs;
      }
      if (accumulate) {
        C[r0 + j] += c0; C[r0 + j + 1] += c1; C[r0 + j + 2] += c2; C[r0 + j + 3] += c3;
      } else {
        C[r0 + j] = c0; C[r0 + j + 1] = c1; C[r0 + j + 2] = c2; C[r0 + j + 3] = c3;
      }
    }
    for (let j = N4; j < N; j++) {
      let c = 0;
      let pa = a0;
      let pb = bOff + j * bcs;
      for (let k = 0; k < K; k++) {
        c += A[pa]! * B[pb]!;
        pa += acs;
        pb += brs;
      }
      if (accumulate) C[r0 + j] += c;
      else C[r0 + j] = c;
    }
  }
}

function tanh(rows: number, cols: number, X: Data, xOff: number, xrs: number, Y: Data, yOff: number, yrs: number): void {
  // float32 results: the rational form of tools/wasm/gemm.c, evaluated in doubles (well within a
  // float32 ulp, and ~10× faster than Math.tanh); float64 results keep Math.tanh.
  const f = Y instanceof Float32Array ? tanhRational : Math.tanh;
  for (let i = 0; i < rows; i++) {
    const x0 = xOff + i * xrs, y0 = yOff + i * yrs;
    for (let j = 0; j < cols; j++) Y[y0 + j] = f(X[x0 + j]!);
  }
}

/** tanh as p(x)/q(x) (degrees 13/6) on [−7.9053, 7.9053], clamped outside; |x| < 4e−4 returns x. */
export function tanhRational(x: number): number {
  if (Math.abs(x) < 0.0004) return x;
  const c = x > 7.90531110763549805 ? 7.90531110763549805 : x < -7.90531110763549805 ? -7.90531110763549805 : x;
  const x2 = c * c;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (c * p) / q;
}

// The cell kernels below are the loops the fused sequence ops ran before they moved here, with the
// same roundings: an activation is stored (rounded to the array's type) and read back exactly where
// the ops did, everything else stays in doubles. Float64 arrays use Math.tanh.

function lstmCell(
  rows: number, H: number,
  A: Data, aOff: number, ars: number,
  Cp: Data, cpOff: number, cprs: number,
  C: Data, cOff: number, crs: number,
  TC: Data, tcOff: number, tcrs: number,
  Y: Data, yOff: number, yrs: number,
): void {
  const th = A instanceof Float32Array ? tanhRational : Math.tanh;
  const tc = TC instanceof Float32Array ? tanhRational : Math.tanh;
  for (let b = 0; b < rows; b++) {
    const a = aOff + b * ars, p = cpOff + b * cprs, c = cOff + b * crs, t = tcOff + b * tcrs, y = yOff + b * yrs;
    for (let j = 0; j < H; j++) {
      A[a + j] = th(0.5 * A[a + j]!);
      A[a + H + j] = th(0.5 * A[a + H + j]!);
      A[a + 2 * H + j] = th(A[a + 2 * H + j]!);
      A[a + 3 * H + j] = th(0.5 * A[a + 3 * H + j]!);
      const i = 0.5 + 0.5 * A[a + j]!, f = 0.5 + 0.5 * A[a + H + j]!, g = A[a + 2 * H + j]!;
      A[a + j] = i; A[a + H + j] = f; A[a + 3 * H + j] = 0.5 + 0.5 * A[a + 3 * H + j]!;
      C[c + j] = f * Cp[p + j]! + i * g;
      TC[t + j] = tc(C[c + j]!);
      Y[y + j] = A[a + 3 * H + j]! * TC[t + j]!;
    }
  }
}

function lstmCellBackward(
  rows: number, H: number,
  A: Data, aOff: number, ars: number,
  TC: Data, tcOff: number, tcrs: number,
  Cp: Data, cpOff: number, cprs: number,
  GY: Data, gyOff: number, gyrs: number,
  DH: Data, dhOff: number, dhrs: number,
  DC: Data, dcOff: number, dcrs: number,
  DA: Data, daOff: number, dars: number,
): void {
  for (let b = 0; b < rows; b++) {
    const a = aOff + b * ars, t = tcOff + b * tcrs, p = cpOff + b * cprs, gy = gyOff + b * gyrs;
    const dh = dhOff + b * dhrs, dc = dcOff + b * dcrs, da = daOff + b * dars;
    for (let j = 0; j < H; j++) {
      const i = A[a + j]!, f = A[a + H + j]!, g = A[a + 2 * H + j]!, o = A[a + 3 * H + j]!, tc = TC[t + j]!;
      const dhj = GY[gy + j]! + DH[dh + j]!;
      const dcj = DC[dc + j]! + dhj * o * (1 - tc * tc);
      DA[da + j] = dcj * g * i * (1 - i);
      DA[da + H + j] = dcj * Cp[p + j]! * f * (1 - f);
      DA[da + 2 * H + j] = dcj * i * (1 - g * g);
      DA[da + 3 * H + j] = dhj * tc * o * (1 - o);
      DC[dc + j] = dcj * f;
    }
  }
}

function gruCell(
  rows: number, H: number,
  A: Data, aOff: number, ars: number,
  V: Data, vOff: number, vrs: number,
  Hp: Data, hpOff: number, hprs: number,
  VN: Data, vnOff: number, vnrs: number,
  Y: Data, yOff: number, yrs: number,
): void {
  const f32 = A instanceof Float32Array;
  const th = f32 ? tanhRational : Math.tanh;
  const round = f32 ? Math.fround : (x: number) => x;
  for (let b = 0; b < rows; b++) {
    const a = aOff + b * ars, v = vOff + b * vrs, hp = hpOff + b * hprs, vn = vnOff + b * vnrs, y = yOff + b * yrs;
    for (let j = 0; j < H; j++) {
      A[a + j] = th(round(0.5 * (A[a + j]! + V[v + j]!)));
      A[a + H + j] = th(round(0.5 * (A[a + H + j]! + V[v + H + j]!)));
      const r = 0.5 + 0.5 * A[a + j]!;
      A[a + j] = r;
      A[a + H + j] = 0.5 + 0.5 * A[a + H + j]!;
      const vnj = V[v + 2 * H + j]!;
      VN[vn + j] = vnj;
      A[a + 2 * H + j] = th(round(A[a + 2 * H + j]! + r * vnj));
      const z = A[a + H + j]!, n = A[a + 2 * H + j]!;
      Y[y + j] = (Hp[hp + j]! - n) * z + n;
    }
  }
}

function gruCellBackward(
  rows: number, H: number,
  A: Data, aOff: number, ars: number,
  Hp: Data, hpOff: number, hprs: number,
  VN: Data, vnOff: number, vnrs: number,
  GY: Data, gyOff: number, gyrs: number,
  DH: Data, dhOff: number, dhrs: number,
  DU: Data, duOff: number, durs: number,
  DV: Data, dvOff: number, dvrs: number,
  DN: Data, dnOff: number, dnrs: number,
): void {
  for (let b = 0; b < rows; b++) {
    const a = aOff + b * ars, hp = hpOff + b * hprs, vn = vnOff + b * vnrs, gy = gyOff + b * gyrs;
    const dh = dhOff + b * dhrs, du = duOff + b * durs, dv = dvOff + b * dvrs, dn = dnOff + b * dnrs;
    for (let j = 0; j < H; j++) {
      const r = A[a + j]!, z = A[a + H + j]!, nj = A[a + 2 * H + j]!;
      const dhj = GY[gy + j]! + DH[dh + j]!;
      const dnj = dhj * (1 - z) * (1 - nj * nj);
      const dz = dhj * (Hp[hp + j]! - nj) * z * (1 - z);
      const dr = dnj * VN[vn + j]! * r * (1 - r);
      DU[du + j] = dr; DU[du + H + j] = dz; DU[du + 2 * H + j] = dnj;
      DV[dv + j] = dr; DV[dv + H + j] = dz; DV[dv + 2 * H + j] = dnj * r;
      DN[dn + j] = dhj * z;
    }
  }
}

function tanhBackward(
  rows: number, cols: number,
  Y: Data, yOff: number, yrs: number,
  GY: Data, gyOff: number, gyrs: number,
  DH: Data, dhOff: number, dhrs: number,
  DZ: Data, dzOff: number, dzrs: number,
): void {
  for (let b = 0; b < rows; b++) {
    const y = yOff + b * yrs, gy = gyOff + b * gyrs, dh = dhOff + b * dhrs, dz = dzOff + b * dzrs;
    for (let j = 0; j < cols; j++) {
      const v = Y[y + j]!;
      DZ[dz + j] = (GY[gy + j]! + DH[dh + j]!) * (1 - v * v);
    }
  }
}

/** The plain-JS kernels; `resident` hints are ignored (nothing is cached). */
export const jsKernels: Kernels = { gemm, tanh, lstmCell, lstmCellBackward, gruCell, gruCellBackward, tanhBackward };
