// SequenceData from named arrays: shapes, labels, lengths, class names, and every bad input as a
// one-line DataError naming the source.
import { describe, expect, it } from 'vitest';

import { DataError } from '../../src/data/csv.js';
import { checkSameClasses, sequenceDataFromArrays, splitSequenceData, type LabelledArray, type SequenceData } from '../../src/data/sequences.js';

const f32 = (shape: number[], data?: number[]): LabelledArray => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from(data ?? Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1)),
});
const i64 = (data: number[]): LabelledArray => ({ dtype: 'int64', shape: [data.length], data: Float64Array.from(data) });

function dataError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).not.toMatch(/\n/);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('sequenceDataFromArrays', () => {
  it('x [N,T,F] float32, int64 labels, lengths: padding after each length becomes zero', () => {
    const d = sequenceDataFromArrays({ x: f32([2, 3, 2]), y: i64([1, 0]), lengths: i64([3, 2]) }, 'a.npz');
    expect(d.x.shape).toEqual([2, 3, 2]);
    expect(d.x.dtype).toBe('float32');
    expect(Array.from(d.x.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0]);
    expect(Array.from(d.y)).toEqual([1, 0]);
    expect(Array.from(d.lengths!)).toEqual([3, 2]);
    expect(d.classes).toEqual(['0', '1']);
    expect(d.source).toBe('a.npz');
  });
  it('x [N,T] is F = 1; float64 x becomes float32; float labels holding integers are labels', () => {
    const d = sequenceDataFromArrays({ x: { dtype: 'float64', shape: [2, 2], data: Float64Array.from([0.1, 2, 3, 4]) }, y: { dtype: 'float32', shape: [2], data: Float32Array.from([3, 0]) } }, 's');
    expect(d.x.shape).toEqual([2, 2, 1]);
    expect(d.x.data[0]).toBe(Math.fround(0.1));
    expect(d.lengths).toBeNull();
    expect(d.classes).toEqual(['0', '1', '2', '3']);
  });
  it('class names come from the option, or from a stored string array', () => {
    const base = { x: f32([2, 1, 1]), y: { dtype: 'uint8', shape: [2], data: Uint8Array.from([1, 0]) } };
    expect(sequenceDataFromArrays(base, 's', { classes: ['cat', 'dog', 'emu'] }).classes).toEqual(['cat', 'dog', 'emu']);
    expect(sequenceDataFromArrays({ ...base, classes: { dtype: 'str', shape: [2], data: ['a', 'b'] } }, 's').classes).toEqual(['a', 'b']);
  });
  it('the input arrays are not modified', () => {
    const x = f32([1, 2, 1], [5, 6]);
    sequenceDataFromArrays({ x, y: i64([0]), lengths: i64([1]) }, 's');
    expect(Array.from(x.data as Float32Array)).toEqual([5, 6]);
  });

  const x = f32([3, 4, 2]);
  const cases: [string, Record<string, LabelledArray>, string, { classes?: string[] }?][] = [
    ['missing x', { y: i64([0]) }, "d.npz: no array named 'x' (found: 'y'); expected x [N,T,F] float and y [N] integer labels"],
    ['missing y', { x, z: i64([0]) }, "d.npz: no array named 'y' (found: 'x', 'z'); expected x [N,T,F] float and y [N] integer labels"],
    ['x of rank 4', { x: f32([1, 1, 1, 1]), y: i64([0]) }, 'd.npz: x has shape [1,1,1,1] but must be [N,T,F] (or [N,T] for one feature)'],
    ['x of rank 1', { x: f32([3]), y: i64([0, 0, 0]) }, 'd.npz: x has shape [3] but must be [N,T,F] (or [N,T] for one feature)'],
    ['y of rank 2', { x, y: { dtype: 'int64', shape: [3, 1], data: Float64Array.from([0, 1, 0]) } }, 'd.npz: y has shape [3,1] but must be [N] (one class index per sample)'],
    ['N mismatch x/y', { x, y: i64([0, 1]) }, 'd.npz: x has N = 3 samples but y has 2'],
    ['N mismatch x/lengths', { x, y: i64([0, 1, 1]), lengths: i64([1, 2]) }, 'd.npz: x has N = 3 samples but lengths has 2'],
    ['a label that is not an integer', { x, y: { dtype: 'float32', shape: [3], data: Float32Array.from([0, 2.5, 1]) } }, 'd.npz: y[1] = 2.5 is not an integer class label'],
    ['a NaN label', { x, y: { dtype: 'float64', shape: [3], data: Float64Array.from([0, 1, NaN]) } }, 'd.npz: y[2] = NaN is not an integer class label'],
    ['a negative label', { x, y: i64([0, -1, 1]) }, 'd.npz: y[1] = -1 is a negative class label'],
    ['lengths > T', { x, y: i64([0, 1, 1]), lengths: i64([4, 5, 1]) }, 'd.npz: lengths[1] = 5 is longer than T = 4, the steps x has'],
    ['lengths < 1', { x, y: i64([0, 1, 1]), lengths: i64([4, 0, 1]) }, 'd.npz: lengths[1] = 0 is below 1 (every sequence needs a step)'],
    ['non-integer lengths', { x, y: i64([0, 1, 1]), lengths: { dtype: 'float32', shape: [3], data: Float32Array.from([1, 1.5, 1]) } }, 'd.npz: lengths[1] = 1.5 is not an integer'],
    ['no samples', { x: f32([0, 2, 1]), y: i64([]) }, 'd.npz: x holds no samples (shape [0,2,1])'],
    ['a label beyond the class names', { x, y: i64([0, 3, 1]) }, 'd.npz: y[1] = 3 but there are only 2 class names', { classes: ['a', 'b'] }],
    ['a repeated class name', { x, y: i64([0, 0, 1]) }, 'd.npz: class name "a" appears twice', { classes: ['a', 'b', 'a'] }],
    ['string x', { x: { dtype: 'str', shape: [1, 1], data: ['a'] }, y: i64([0]) }, "d.npz: 'x' holds strings, but it must be numeric"],
  ];
  for (const [name, arrays, msg, opts] of cases) {
    it(`refuses ${name}`, () => expect(dataError(() => sequenceDataFromArrays(arrays, 'd.npz', opts))).toBe(msg));
  }
});

describe('splitSequenceData and checkSameClasses', () => {
  const d: SequenceData = sequenceDataFromArrays({ x: f32([3, 2, 1]), y: i64([2, 0, 1]), lengths: i64([1, 2, 2]) }, 'train.npz');
  it('picks samples in the given order', () => {
    const s = splitSequenceData(d, [2, 0]);
    expect(s.x.shape).toEqual([2, 2, 1]);
    expect(Array.from(s.x.data)).toEqual([5, 6, 1, 0]);
    expect(Array.from(s.y)).toEqual([1, 2]);
    expect(Array.from(s.lengths!)).toEqual([2, 1]);
    expect(s.classes).toEqual(d.classes);
    expect(dataError(() => splitSequenceData(d, [3]))).toBe('splitSequenceData: index 3 is outside 0..2 (train.npz)');
  });
  it('a test class absent from training is refused, by name', () => {
    const train = splitSequenceData(d, [0, 1]); // classes 0..2, but only 2 and 0 occur
    const test = sequenceDataFromArrays({ x: f32([2, 2, 1]), y: i64([0, 1]) }, 'test.npz');
    expect(dataError(() => checkSameClasses(train, test))).toBe('class 1 in test.npz is absent from training');
    const test7 = sequenceDataFromArrays({ x: f32([1, 1, 1]), y: i64([7]) }, 'test.npz');
    expect(dataError(() => checkSameClasses(d, test7))).toBe('class 7 in test.npz is absent from training');
  });
  it('test labels are renumbered into the training ids by class name', () => {
    const train = sequenceDataFromArrays({ x: f32([3, 1, 1]), y: i64([0, 1, 2]) }, 'train/', { classes: ['cat', 'dog', 'emu'] });
    const test = sequenceDataFromArrays({ x: f32([2, 1, 1]), y: i64([1, 0]) }, 'test/', { classes: ['cat', 'emu'] });
    const t = checkSameClasses(train, test);
    expect(Array.from(t.y)).toEqual([2, 0]);
    expect(t.classes).toEqual(['cat', 'dog', 'emu']);
    expect(checkSameClasses(train, train)).toBe(train);
    const other = sequenceDataFromArrays({ x: f32([1, 1, 1]), y: i64([0]) }, 'test/', { classes: ['fox'] });
    expect(dataError(() => checkSameClasses(train, other))).toBe('class fox in test/ is absent from training');
  });
  it('features per step must agree', () => {
    const test = sequenceDataFromArrays({ x: f32([1, 2, 3]), y: i64([0]) }, 'test.npz');
    expect(dataError(() => checkSameClasses(d, test))).toBe('test.npz has 3 features per step but training data (train.npz) has 1');
  });
});
