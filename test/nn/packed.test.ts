// Packed sequences (nn.utils.rnn, also exported as nn.rnnUtils) against PyTorch 1.13 (float32): RNN (tanh),
// LSTM and GRU on a PackedSequence (1 and 2 layers, bidirectional, batchFirst, unsorted lengths
// with ties, 1 and the full T, with and without h0): packed data and indices, the padded output,
// hN (cN), and the gradients w.r.t. the padded input, h0, c0 and every parameter (through
// packPaddedSequence, the fused kernels and padPackedSequence); padSequence and packSequence; a
// float64 gradcheck of the packed kernels; T = 0.
import { describe, expect, it } from 'vitest';
import { Tensor, gradcheck, manualSeed, nn, randn, zeros } from '../../src/index.js';
import { type FT, expectClose, fromFixture, loadFixture } from '../helpers.js';
import { type RecurrentCase, type RecurrentOutputs, checkRecurrentCase } from './recurrent-fixture.js';

const { PackedSequence, packPaddedSequence, padPackedSequence, padSequence, packSequence } = nn.utils.rnn;

interface Packed { data: FT; batchSizes: number[]; sortedIndices: number[] | null; unsortedIndices: number[] | null }
interface Case extends RecurrentCase {
  module: 'RNN' | 'LSTM' | 'GRU';
  config: { inputSize: number; hiddenSize: number; numLayers: number; batchFirst: boolean; bidirectional: boolean; nonlinearity?: 'tanh' };
  lengths: number[];
  enforceSorted: boolean;
  packedInput: Packed;
  packedOutput: Packed;
}
const fixture = loadFixture('packed_rnn.json') as {
  torch_version: string;
  cases: Case[];
  utils: { sequences: FT[]; padded: FT; paddedBatchFirst: FT; packed: Packed; packedSorted: Packed };
};

function expectPacked(p: InstanceType<typeof PackedSequence>, e: Packed, what: string): void {
  expect(p.batchSizes, `${what} batchSizes`).toEqual(e.batchSizes);
  expect(p.sortedIndices, `${what} sortedIndices`).toEqual(e.sortedIndices);
  expect(p.unsortedIndices, `${what} unsortedIndices`).toEqual(e.unsortedIndices);
  expectClose(p.data, e.data, `${what} data`);
}

describe(`packed RNN/LSTM/GRU against PyTorch ${fixture.torch_version} (regenerate: /usr/bin/python3 tools/reference/packed_rnn.py)`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const { inputSize, hiddenSize, ...opts } = c.config;
      const { batchFirst } = opts;
      const m = c.module === 'RNN' ? new nn.RNN(inputSize, hiddenSize, opts)
        : c.module === 'LSTM' ? new nn.LSTM(inputSize, hiddenSize, opts) : new nn.GRU(inputSize, hiddenSize, opts);
      checkRecurrentCase(c, m, (x, h0, c0): RecurrentOutputs => {
        const packed = packPaddedSequence(x, c.lengths, { batchFirst, enforceSorted: c.enforceSorted });
        expectPacked(packed, c.packedInput, `${c.name} packed input`);
        let out: InstanceType<typeof PackedSequence>, hN: Tensor, cN: Tensor | undefined;
        if (m instanceof nn.LSTM) [out, [hN, cN]] = m.forward(packed, h0 && c0 ? [h0, c0] : undefined);
        else [out, hN] = (m as nn.RNN | nn.GRU).forward(packed, h0);
        expectPacked(out, c.packedOutput, `${c.name} packed output`);
        const [output, lengths] = padPackedSequence(out, { batchFirst });
        expect(lengths).toEqual(c.lengths);
        return cN ? { output, hN, cN } : { output, hN };
      });
    });
  }
});

describe('padSequence and packSequence against PyTorch', () => {
  const u = fixture.utils;
  const seqs = u.sequences.map((s) => fromFixture(s));
  it('padSequence', () => {
    expectClose(padSequence(seqs), u.padded, 'padded');
    expectClose(padSequence(seqs, { batchFirst: true, paddingValue: -1.5 }), u.paddedBatchFirst, 'padded batchFirst');
  });
  it('nn.rnnUtils is nn.utils.rnn', () => {
    expect(nn.rnnUtils).toBe(nn.utils.rnn);
  });
  it('packSequence', () => {
    expectPacked(packSequence(seqs, { enforceSorted: false }), u.packed, 'packed');
    const sorted = [...seqs].sort((a, b) => b.shape[0]! - a.shape[0]!);
    expectPacked(packSequence(sorted), u.packedSorted, 'packed sorted');
    expect(packSequence(seqs, { enforceSorted: false }).lengths).toEqual([2, 4, 1, 4]);
  });
  it('pad then pack round trip, totalLength, and gradients that skip the padding', () => {
    const x = randn([4, 3, 2], { requiresGrad: true });
    const p = packPaddedSequence(x, [2, 4, 1], { enforceSorted: false });
    const [y, lengths] = padPackedSequence(p, { totalLength: 6, paddingValue: 9 });
    expect(y.shape).toEqual([6, 3, 2]);
    expect(lengths).toEqual([2, 4, 1]);
    const arr = y.toArray() as number[][][], xa = x.toArray() as number[][][];
    for (let t = 0; t < 6; t++) for (let b = 0; b < 3; b++) expect(arr[t]![b]).toEqual(t < lengths[b]! ? xa[t]![b] : [9, 9]);
    y.sum().backward();
    const g = x.grad!.toArray() as number[][][];
    for (let t = 0; t < 4; t++) for (let b = 0; b < 3; b++) expect(g[t]![b]).toEqual(t < lengths[b]! ? [1, 1] : [0, 0]);
  });
  it('errors name the argument and the shape', () => {
    const x = zeros([4, 3, 2]);
    expect(() => packPaddedSequence(x, [2, 4, 1])).toThrow('packPaddedSequence: lengths [2,4,1] are not sorted in decreasing order; pass enforceSorted: false to sort them');
    expect(() => packPaddedSequence(x, [4, 0, 1])).toThrow('packPaddedSequence: lengths [4,0,1] must be integers in [1, 4] for input [4,3,2]');
    expect(() => packPaddedSequence(x, [4, 1])).toThrow('packPaddedSequence: lengths has 2 entries but input [4,3,2] holds 3 sequences');
    expect(() => padPackedSequence(packPaddedSequence(x, [4, 2, 1]), { totalLength: 3 })).toThrow('padPackedSequence: totalLength 3 is less than the longest sequence (4 steps)');
    expect(() => new nn.GRU(3, 2).forward(packPaddedSequence(x, [4, 2, 1]))).toThrow('GRU.forward: input data has shape [7,2] but expects packed data [N,3]');
    expect(() => new nn.GRU(2, 2).forward(packPaddedSequence(x, [4, 2, 1]), zeros([1, 2, 2]))).toThrow('GRU.forward: h0 has shape [1,2,2] but expects [1,3,2]');
  });
});

describe('packed kernels: float64 gradcheck, and each sequence as if run alone', () => {
  const lengths = [2, 5, 1, 5, 3];
  for (const kind of ['RNN', 'LSTM', 'GRU'] as const) {
    it(`${kind}, 2 layers bidirectional`, () => {
      manualSeed(11);
      const opts = { numLayers: 2, bidirectional: true, dtype: 'float64' as const };
      const m = kind === 'RNN' ? new nn.RNN(2, 3, opts) : kind === 'LSTM' ? new nn.LSTM(2, 3, opts) : new nn.GRU(2, 3, opts);
      const x = randn([5, 5, 2], { dtype: 'float64', requiresGrad: true });
      const h0 = randn([4, 5, 3], { dtype: 'float64', requiresGrad: true });
      const c0 = randn([4, 5, 3], { dtype: 'float64', requiresGrad: true });
      const run = (xi: Tensor, hi: Tensor, ci: Tensor, lens: number[]): [Tensor, Tensor] => {
        const p = packPaddedSequence(xi, lens, { enforceSorted: false });
        if (m instanceof nn.LSTM) { const [o, [h, c]] = m.forward(p, [hi, ci]); return [padPackedSequence(o)[0], h.add(c)]; }
        const [o, h] = (m as nn.RNN | nn.GRU).forward(p, hi);
        return [padPackedSequence(o)[0], h];
      };
      expect(gradcheck((a, b, c) => run(a!, b!, c!, lengths), [x, h0, c0])).toBe(true);
      expect(gradcheck(() => run(x, h0, c0, lengths), m.parameters())).toBe(true);
      // sequence b alone (unpacked, its own length) gives the same outputs and final states
      const [out, fin] = run(x, h0, c0, lengths);
      lengths.forEach((L, b) => {
        const [ob, fb] = run(x.slice(0, 0, L).slice(1, b, b + 1), h0.slice(1, b, b + 1), c0.slice(1, b, b + 1), [L]);
        expectClose(out.slice(0, 0, L).slice(1, b, b + 1), ob.data, `${kind} output of sequence ${b}`, 1e-12, 1e-12);
        expectClose(fin.slice(1, b, b + 1), fb.data, `${kind} final state of sequence ${b}`, 1e-12, 1e-12);
      });
    });
  }
});

describe('T = 0: output empty, hN = h0, every gradient finite', () => {
  for (const kind of ['RNN', 'LSTM', 'GRU'] as const) {
    it(kind, () => {
      manualSeed(3);
      const m = kind === 'RNN' ? new nn.RNN(3, 4, { numLayers: 2 }) : kind === 'LSTM' ? new nn.LSTM(3, 4, { numLayers: 2 }) : new nn.GRU(3, 4, { numLayers: 2 });
      const x = zeros([0, 2, 3], { requiresGrad: true });
      const h0 = randn([2, 2, 4], { requiresGrad: true });
      const [out, hN] = m instanceof nn.LSTM ? ((r) => [r[0], r[1][0]] as const)(m.forward(x, [h0, zeros([2, 2, 4])]))
        : (m as nn.RNN | nn.GRU).forward(x, h0);
      expect(out.shape).toEqual([0, 2, 4]);
      expect(Array.from(hN.data)).toEqual(Array.from(h0.data));
      out.sum().backward();
      for (const [name, p] of m.namedParameters()) {
        expect(p.grad, `${kind} ${name}.grad`).not.toBeNull();
        expect(Array.from(p.grad!.data).every((v) => v === 0), `${kind} ${name}.grad`).toBe(true);
      }
    });
  }
});
