import { expect, it } from 'vitest';
import { arange, ValueError } from '../../src/index.js';
it('arange as torch.arange: (end), (end, opts), (start, end, step, opts)', () => {
  expect([...arange(4).data]).toEqual([0, 1, 2, 3]);
  expect(arange(3, { dtype: 'float64' }).dtype).toBe('float64');
  expect([...arange(3, { dtype: 'float64' }).data]).toEqual([0, 1, 2]);
  expect([...arange(1, 7, 2).data]).toEqual([1, 3, 5]);
  expect(arange(0, 2, 1, { dtype: 'float64' }).dtype).toBe('float64');
  expect(() => arange(NaN)).toThrow(new ValueError('arange: end must be a finite number, got NaN'));
  expect(() => arange(0, 3, 0)).toThrow('arange: step must be non-zero');
});
