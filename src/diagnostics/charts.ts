// Charts of the diagnostics, as Vega-Lite specs (render with plot.renderSvg, rasterise with svgToPng).
import { BASE_CONFIG, gradientNormsSpec, PALETTE, type GradientNormsOptions, type TopLevelSpec } from '../plot/specs.js';

export interface HiddenGradHeatmapOptions extends GradientNormsOptions {
  /** Label of the first row (default 1). Use 0 when row 0 is measured at initialisation. */
  firstEpoch?: number;
}

/**
 * Heatmap of ‖∂L/∂h_t‖: rows[e][t] for measurement e (an epoch) and time step t, log colour scale
 * (plot.gradientNormsSpec), with the rows labelled from `firstEpoch`.
 */
export function hiddenGradHeatmapSpec(rows: number[][], opts: HiddenGradHeatmapOptions = {}): TopLevelSpec {
  const { firstEpoch = 1, ...rest } = opts;
  const spec = gradientNormsSpec(rows, rest) as unknown as HeatmapSpec;
  const shift = firstEpoch - 1;
  if (shift !== 0) {
    for (const v of spec.data.values) v.epoch += shift;
    const y = spec.encoding.y;
    y.scale.domain = y.scale.domain.map((e) => e + shift);
    y.axis.values = y.axis.values.map((e) => e + shift);
    if (firstEpoch === 0) y.title = 'epoch (0 = initialisation)';
  }
  return spec as unknown as TopLevelSpec;
}

/** The parts of gradientNormsSpec's output that the relabelling touches. */
interface HeatmapSpec {
  data: { values: { epoch: number }[] };
  encoding: { y: { title: string; scale: { domain: number[] }; axis: { values: number[] } } };
}

export interface ParamGradNormsOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** Lines of ‖∂L/∂θ‖ per epoch (1-based), one per parameter, log scale; non-positive values dropped. */
export function paramGradNormsSpec(epochs: Record<string, number[]>, opts: ParamGradNormsOptions = {}): TopLevelSpec {
  const names = Object.keys(epochs);
  const values: { parameter: string; epoch: number; norm: number }[] = [];
  let n = 0;
  for (const p of names) {
    epochs[p]!.forEach((norm, i) => {
      if (Number.isFinite(norm) && norm > 0) values.push({ parameter: p, epoch: i + 1, norm });
    });
    n = Math.max(n, epochs[p]!.length);
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title ?? 'Gradient norm ‖∂L/∂θ‖ per parameter',
    width: opts.width ?? 640,
    height: opts.height ?? 300,
    config: BASE_CONFIG,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: n <= 40 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { domain: [1, Math.max(2, n)], nice: false }, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'norm', type: 'quantitative', title: '‖∂L/∂θ‖', scale: { type: 'log' } },
      color: { field: 'parameter', type: 'nominal', title: 'parameter', scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]!) } },
      tooltip: [{ field: 'parameter' }, { field: 'epoch' }, { field: 'norm', format: '.3e' }],
    },
  } as TopLevelSpec;
}
