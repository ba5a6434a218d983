// The recurrent cells' per-step kernels: the JS references against the textbook float64 formulas
// (σ(x) = 1/(1 + e^−x), Math.tanh), and the WebAssembly float32 versions against the JS ones, on
// strided row blocks with offsets and H not a multiple of 4.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Generator, jsKernels, type Kernels } from '../../src/index.js';
import type { Data } from '../../src/tensor/dtype.js';
import { createWasmKernels } from '../../src/tensor/wasm-kernels.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const g = new Generator(7);

// One operand: rows of `width` at offset `off`, row stride `rs` ≥ width, filled with N(0, scale²).
interface Block { data: Data; off: number; rs: number; width: number }
function block(f64: boolean, rows: number, width: number, scale: number): Block {
  const off = 5, rs = width + 3;
  const values = Array.from({ length: off + rows * rs + 2 }, () => scale * g.normal());
  const data = f64 ? Float64Array.from(values) : Float32Array.from(values);
  return { data, off, rs, width };
}
const clone = (b: Block): Block => ({ ...b, data: b.data.slice() });
const at = (b: Block, r: number, j: number) => b.data[b.off + r * b.rs + j]!;
const args = (b: Block): [Data, number, number] => [b.data, b.off, b.rs];

/** |got − want| ≤ tol·max(1, |want|) over every row block, untouched elsewhere. */
function expectBlocksClose(got: Block, want: Block, rows: number, tol: number, what: string): number {
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const r = Math.floor((i - want.off) / want.rs), j = (i - want.off) % want.rs;
    const inside = i >= want.off && r < rows && j < want.width;
    const d = Math.abs(got.data[i]! - want.data[i]!) / Math.max(1, Math.abs(want.data[i]!));
    if (!inside) expect(got.data[i], `${what}: outside the block at ${i}`).toBe(want.data[i]);
    else worst = Math.max(worst, d);
  }
  expect(worst, what).toBeLessThanOrEqual(tol);
  return worst;
}

// Every kernel with its operands' widths (in H), which are written, and a float64 oracle.
type Case = {
  name: string;
  widths: number[]; scales: number[]; outputs: number[];
  run(k: Kernels, rows: number, H: number, b: Block[]): void;
  oracle(H: number, b: Block[], r: number, j: number): [number, number, number][]; // [operand, column, value]
};
const cases: Case[] = [
  {
    name: 'lstmCell', widths: [4, 1, 1, 1, 1], scales: [2, 1, 0, 0, 0], outputs: [0, 2, 3, 4],
    run: (k, rows, H, [A, Cp, C, TC, Y]) => k.lstmCell(rows, H, ...args(A!), ...args(Cp!), ...args(C!), ...args(TC!), ...args(Y!)),
    oracle: (H, [A, Cp], r, j) => {
      const i = sig(at(A!, r, j)), f = sig(at(A!, r, H + j)), gg = Math.tanh(at(A!, r, 2 * H + j)), o = sig(at(A!, r, 3 * H + j));
      const c = f * at(Cp!, r, j) + i * gg;
      return [[0, j, i], [0, H + j, f], [0, 2 * H + j, gg], [0, 3 * H + j, o], [2, j, c], [3, j, Math.tanh(c)], [4, j, o * Math.tanh(c)]];
    },
  },
  {
    name: 'lstmCellBackward', widths: [4, 1, 1, 1, 1, 1, 4], scales: [0.5, 0.5, 1, 1, 1, 1, 0], outputs: [5, 6],
    run: (k, rows, H, [A, TC, Cp, GY, DH, DC, DA]) => k.lstmCellBackward(rows, H, ...args(A!), ...args(TC!), ...args(Cp!), ...args(GY!), ...args(DH!), ...args(DC!), ...args(DA!)),
    oracle: (H, [A, TC, Cp, GY, DH, DC], r, j) => {
      const i = at(A!, r, j), f = at(A!, r, H + j), gg = at(A!, r, 2 * H + j), o = at(A!, r, 3 * H + j), tc = at(TC!, r, j);
      const dh = at(GY!, r, j) + at(DH!, r, j), dc = at(DC!, r, j) + dh * o * (1 - tc * tc);
      return [[6, j, dc * gg * i * (1 - i)], [6, H + j, dc * at(Cp!, r, j) * f * (1 - f)], [6, 2 * H + j, dc * i * (1 - gg * gg)],
        [6, 3 * H + j, dh * tc * o * (1 - o)], [5, j, dc * f]];
    },
  },
  {
    name: 'gruCell', widths: [3, 3, 1, 1, 1], scales: [1.5, 1.5, 1, 0, 0], outputs: [0, 3, 4],
    run: (k, rows, H, [A, V, Hp, VN, Y]) => k.gruCell(rows, H, ...args(A!), ...args(V!), ...args(Hp!), ...args(VN!), ...args(Y!)),
    oracle: (H, [A, V, Hp], r, j) => {
      const rr = sig(at(A!, r, j) + at(V!, r, j)), z = sig(at(A!, r, H + j) + at(V!, r, H + j));
      const vn = at(V!, r, 2 * H + j), n = Math.tanh(at(A!, r, 2 * H + j) + rr * vn);
      return [[0, j, rr], [0, H + j, z], [0, 2 * H + j, n], [3, j, vn], [4, j, (1 - z) * n + z * at(Hp!, r, j)]];
    },
  },
  {
    name: 'gruCellBackward', widths: [3, 1, 1, 1, 1, 3, 3, 1], scales: [0.5, 1, 1, 1, 1, 0, 0, 0], outputs: [5, 6, 7],
    run: (k, rows, H, [A, Hp, VN, GY, DH, DU, DV, DN]) => k.gruCellBackward(rows, H, ...args(A!), ...args(Hp!), ...args(VN!), ...args(GY!), ...args(DH!), ...args(DU!), ...args(DV!), ...args(DN!)),
    oracle: (H, [A, Hp, VN, GY, DH], r, j) => {
      const rr = at(A!, r, j), z = at(A!, r, H + j), n = at(A!, r, 2 * H + j), dh = at(GY!, r, j) + at(DH!, r, j);
      const dn = dh * (1 - z) * (1 - n * n), dz = dh * (at(Hp!, r, j) - n) * z * (1 - z), dr = dn * at(VN!, r, j) * rr * (1 - rr);
      return [[5, j, dr], [5, H + j, dz], [5, 2 * H + j, dn], [6, j, dr], [6, H + j, dz], [6, 2 * H + j, dn * rr], [7, j, dh * z]];
    },
  },
  {
    name: 'tanhBackward', widths: [1, 1, 1, 1], scales: [0.7, 1, 1, 0], outputs: [3],
    run: (k, rows, H, [Y, GY, DH, DZ]) => k.tanhBackward(rows, H, ...args(Y!), ...args(GY!), ...args(DH!), ...args(DZ!)),
    oracle: (_H, [Y, GY, DH], r, j) => [[3, j, (at(GY!, r, j) + at(DH!, r, j)) * (1 - at(Y!, r, j) ** 2)]],
  },
];

const plain = createWasmKernels({ relaxed: false })!;
const relaxed = createWasmKernels()!;

describe('recurrent cell kernels', () => {
  for (const c of cases) {
    it(`${c.name}: the JS reference equals the float64 formulas (to 1e-13)`, () => {
      const rows = 3, H = 7;
      const b = c.widths.map((w, i) => block(true, rows, w * H, c.scales[i]!));
      const inputs = b.map(clone);
      c.run(jsKernels, rows, H, b);
      for (let r = 0; r < rows; r++) for (let j = 0; j < H; j++) {
        for (const [op, col, want] of c.oracle(H, inputs, r, j)) {
          expect(Math.abs(at(b[op]!, r, col) - want), `${c.name} operand ${op} [${r},${col}]`).toBeLessThan(1e-13 * Math.max(1, Math.abs(want)));
        }
      }
    });

    for (const [name, k] of [['wasm', plain], ['wasm relaxed', relaxed]] as const) {
      it(`${name} ${c.name}: within 1e-6 (relative, ≥ 1) of the JS reference on float32; float64 falls back to JS exactly`, () => {
        // H = 37: nine 4-lane groups and a tail of 1; 5 rows × 37 ≥ 64 values takes the wasm path
        for (const [rows, H] of [[5, 37], [32, 128], [1, 8]] as const) {
          const b = c.widths.map((w, i) => block(false, rows, w * H, c.scales[i]!));
          const want = b.map(clone), got = b.map(clone);
          c.run(jsKernels, rows, H, want);
          c.run(k, rows, H, got);
          got.forEach((blk, i) => expectBlocksClose(blk, want[i]!, rows, c.outputs.includes(i) ? 1e-6 : 0, `${c.name} ${rows}x${H} operand ${i}`));
        }
        const b64 = c.widths.map((w, i) => block(true, 4, w * 40, c.scales[i]!));
        const want = b64.map(clone);
        c.run(jsKernels, 4, 40, want);
        c.run(k, 4, 40, b64);
        b64.forEach((blk, i) => expect(blk.data).toEqual(want[i]!.data));
      });
    }
  }
});
