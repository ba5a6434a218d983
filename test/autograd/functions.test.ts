// The function forms PyTorch has beside the methods: torch.var is `var` (an export name may be a
// reserved word: `import * as rnnkit from 'rnnkit'; rnnkit.var(x)`), also exported as `variance`.
import { describe, expect, it } from 'vitest';
import * as rnnkit from '../../src/index.js';

describe('function forms', () => {
  it('var/variance/std equal the methods (correction 1 by default, 0 on request)', () => {
    const x = rnnkit.tensor([[1, 2, 3, 4], [2, 2, 2, 8]], { dtype: 'float64' });
    expect(rnnkit.var(x).item()).toBeCloseTo(x.var().item(), 15);
    expect([...rnnkit.variance(x, 1).data]).toEqual([...x.var(1).data]);
    // population variance of [1, 2, 3, 4] is 1.25; sample variance 5/3
    expect(rnnkit.variance(x.select(0, 0), undefined, false, 0).item()).toBe(1.25);
    expect(rnnkit.std(x.select(0, 0)).item()).toBeCloseTo(Math.sqrt(5 / 3), 15);
  });
});
