// Gradient norms per parameter per epoch, and the diagnostics' charts.
import { describe, expect, it } from 'vitest';
import { Generator, nn, plot, randn, tensor, train } from '../../src/index.js';
import { GradNormHistory, hiddenGradHeatmapSpec, paramGradNormsSpec } from '../../src/diagnostics/index.js';

describe('GradNormHistory', () => {
  it('reduces the steps of an epoch by mean, max or last; a missing gradient counts as 0', () => {
    const lin = new nn.Linear(2, 1, { bias: true });
    const [w, b] = lin.parameters();
    const hs = (['mean', 'max', 'last'] as const).map((reduce) => new GradNormHistory(lin, { reduce }));
    const step = (gw: number[] | null, gb: number[]) => {
      w!.grad = gw ? tensor(gw, { shape: [1, 2] }) : null;
      b!.grad = tensor(gb);
      for (const h of hs) h.recordStep();
    };
    step([3, 4], [1]); // ‖·‖ = 5, 1
    step(null, [-2]); //  0, 2
    for (const h of hs) h.endEpoch();
    step([0, 1], [0]);
    for (const h of hs) h.endEpoch();
    expect(hs[0]!.epochs).toEqual({ weight: [2.5, 1], bias: [1.5, 0] });
    expect(hs[1]!.epochs).toEqual({ weight: [5, 1], bias: [2, 0] });
    expect(hs[2]!.epochs).toEqual({ weight: [0, 1], bias: [2, 0] });
    hs[0]!.endEpoch(); // no steps recorded
    expect(hs[0]!.epochs.weight![2]).toBeNaN();
    expect(() => new GradNormHistory(lin, { reduce: 'median' as 'mean' })).toThrow(/reduce must be/);
  });

  it('with train.fit: one value per epoch per parameter, equal to the gradient fit computed (lr 0 keeps it fixed)', () => {
    const g = new Generator(1);
    const model = new nn.Linear(3, 1, { generator: g });
    const x = randn([16, 3], { generator: g }), y = randn([16, 1], { generator: g });
    const h = new GradNormHistory(model);
    const seen: number[] = [];
    train.fit(model, { train: { x, y } }, { epochs: 3, batchSize: 16, shuffle: false, lr: 0, callbacks: h.fitCallbacks({ onEpochEnd: (e) => seen.push(e.epoch) }) });
    expect(seen).toEqual([1, 2, 3]); // the inner callbacks still run
    // MSE over the whole batch: ∂L/∂b = 2·mean(residual)
    const pred = model.forward(x);
    const dB = 2 * Array.from(pred.data).reduce((s, p, i) => s + p - y.data[i]!, 0) / 16;
    for (const v of h.epochs.bias!) expect(v).toBeCloseTo(Math.abs(dB), 6);
    expect(h.epochs.weight).toHaveLength(3);
  });
});

describe('charts', () => {
  it('hiddenGradHeatmapSpec labels rows from firstEpoch and renders', async () => {
    const spec = hiddenGradHeatmapSpec([[1, 0.1, 0.01], [2, 0.2, 0]], { firstEpoch: 0 }) as unknown as { data: { values: { epoch: number; t: number }[] }; encoding: { y: { scale: { domain: number[] } } } };
    expect(spec.data.values.map((v) => `${v.epoch}:${v.t}`)).toEqual(['0:1', '0:2', '0:3', '1:1', '1:2']); // 0 (log scale) left out
    expect(spec.encoding.y.scale.domain).toEqual([0, 1]);
    const svg = await plot.renderSvg(spec as never);
    expect(svg).toMatch(/^<svg[\s\S]*0 = initialisation/);
  });

  it('paramGradNormsSpec: one line per parameter, non-positive values dropped', async () => {
    const spec = paramGradNormsSpec({ weight: [1, 0.5], bias: [0, 2] }) as unknown as { data: { values: unknown[] } };
    expect(spec.data.values).toEqual([
      { parameter: 'weight', epoch: 1, norm: 1 }, { parameter: 'weight', epoch: 2, norm: 0.5 }, { parameter: 'bias', epoch: 2, norm: 2 },
    ]);
    expect(await plot.renderSvg(spec as never)).toMatch(/<\/svg>\s*$/);
  });
});
