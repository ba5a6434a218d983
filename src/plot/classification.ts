// Charts for classifiers: a confusion-matrix heatmap and train/validation accuracy per epoch.
// Browser-safe: plain data in, Vega-Lite JSON out. K = number of classes.
import { ValueError } from '../errors.js';
import { BASE_CONFIG, epochCurvesSpec, type LossCurvesOptions, type LossHistory, type TopLevelSpec } from './specs.js';

/** Accuracy per epoch (fractions in 0..1); `val` null when there is no validation split. */
export type AccuracyHistory = LossHistory;

export type AccuracyCurvesOptions = Omit<LossCurvesOptions, 'logScale'>;

/**
 * Train (solid) and validation (dashed) accuracy per epoch for every model, on a fixed 0–100 %
 * axis. The same chart code as `lossCurvesSpec`, so colours and line styles agree in a report.
 */
export function accuracyCurvesSpec(histories: Record<string, AccuracyHistory>, opts: AccuracyCurvesOptions = {}): TopLevelSpec {
  for (const [model, h] of Object.entries(histories)) {
    for (const v of [...h.train, ...(h.val ?? [])]) {
      if (typeof v === 'number' && (v < 0 || v > 1)) {
        throw new ValueError(`accuracyCurvesSpec: model ${JSON.stringify(model)} has accuracy ${v}; expects fractions in [0, 1]`);
      }
    }
  }
  return epochCurvesSpec(histories, { ...opts, logScale: false }, {
    field: 'accuracy', title: 'accuracy', domain: [0, 1], format: '.2%', axisFormat: '.0%',
  });
}

export interface ConfusionMatrixSpecOptions {
  /** Class names, index = class id; default "0".."K-1". */
  classes?: string[];
  /** Default "Confusion matrix". */
  title?: string;
  /** Side of a cell in pixels; default fits the matrix in about 420 px (between 18 and 48 per cell). */
  cellSize?: number;
}

/** Check a K×K matrix of non-negative integer counts and return K. */
export function checkConfusion(fn: string, confusion: readonly (readonly number[])[], classes: readonly string[] | undefined): number {
  const k = confusion.length;
  if (k === 0) throw new ValueError(`${fn}: the confusion matrix is empty`);
  confusion.forEach((row, i) => {
    if (row.length !== k) throw new ValueError(`${fn}: row ${i} has ${row.length} entries; expects ${k} (a square K×K matrix)`);
    row.forEach((c, j) => {
      if (!Number.isInteger(c) || c < 0) throw new ValueError(`${fn}: cell [${i}][${j}] = ${c} is not a non-negative count`);
    });
  });
  if (classes !== undefined) {
    if (classes.length !== k) throw new ValueError(`${fn}: ${classes.length} class names for a ${k}×${k} matrix`);
    if (new Set(classes).size !== k) throw new ValueError(`${fn}: class names must be distinct`);
  }
  return k;
}

/**
 * Confusion-matrix heatmap: rows = true class (top to bottom in class order), columns = predicted
 * class. Each cell shows its count; its colour is the count's share of its row (the recall of the
 * row's class on the diagonal), so a rare class reads as clearly as a common one.
 */
export function confusionMatrixSpec(confusion: readonly (readonly number[])[], opts: ConfusionMatrixSpecOptions = {}): TopLevelSpec {
  const k = checkConfusion('confusionMatrixSpec', confusion, opts.classes);
  const names = opts.classes ?? Array.from({ length: k }, (_, i) => String(i));
  const cell = opts.cellSize ?? Math.max(18, Math.min(48, Math.floor(420 / k)));
  const values: { true: string; predicted: string; count: number; share: number }[] = [];
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      values.push({ true: names[i]!, predicted: names[j]!, count, share: total === 0 ? 0 : count / total });
    });
  });
  const axisEnc = (field: 'true' | 'predicted', title: string, axis: object): object => ({
    field, type: 'ordinal', title, sort: names, scale: { domain: names },
    axis: { labelLimit: 120, ticks: false, domain: false, ...axis },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title ?? 'Confusion matrix',
    width: cell * k,
    height: cell * k,
    config: { ...BASE_CONFIG, axis: { ...BASE_CONFIG.axis, grid: false } },
    data: { values },
    encoding: {
      x: axisEnc('predicted', 'predicted class', { orient: 'top', labelAngle: k > 10 ? -45 : 0 }),
      y: axisEnc('true', 'true class', { labelAngle: 0 }),
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#e6e6e6', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'share', type: 'quantitative', title: 'share of row',
            // White at 0 (the 'blues' scheme starts at a light blue, which would hide the empty cells).
            scale: { domain: [0, 1], range: ['#ffffff', '#08519c'], interpolate: 'lab' },
            legend: { format: '.0%' },
          },
          tooltip: [{ field: 'true' }, { field: 'predicted' }, { field: 'count' }, { field: 'share', format: '.1%' }],
        },
      },
      // Counts on top; white on dark cells. Empty cells stay blank so the errors stand out.
      ...(cell >= 18 ? [{
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize: Math.min(12, Math.max(8, Math.floor(cell / 3))), baseline: 'middle' },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222222' },
        },
      }] : []),
    ],
  };
  return spec as TopLevelSpec;
}
