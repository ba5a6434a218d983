// The pinball (quantile) loss of probabilistic forecasters (Koenker & Bassett 1978; the loss of
// Darts' QuantileRegression and neuralforecast's MQLoss). Legend: Q quantile levels, … any leading dims.
//   ρ_q(e) = max(q·e, (q − 1)·e) = q·e + relu(−e),   e = target − prediction,
// whose minimiser over a distribution is its q-quantile. Composed from primitives, so the gradient
// comes from the ops' own backward rules.
import * as E from '../autograd/ops/elementwise.js';
import { mean, sum } from '../autograd/ops/reduce.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { ValueError } from '../errors.js';
import { checkQuantiles } from './intervals.js';

/**
 * Pinball loss of `pred` […, Q] (one prediction per level) against `target` […]: the mean over the
 * Q levels of ρ_q, then 'mean' (over elements: mean over levels and elements), 'sum' (the sum over
 * elements of that per-element mean, so sum / numel(target) is the mean) or 'none' ([…]).
 */
export function pinballLoss(pred: Tensor, target: Tensor, quantiles: readonly number[], reduction: 'mean' | 'sum' | 'none' = 'mean'): Tensor {
  checkQuantiles(quantiles, 'pinballLoss');
  const Q = quantiles.length;
  const lead = pred.shape.slice(0, -1);
  if (pred.shape.at(-1) !== Q || lead.length !== target.shape.length || lead.some((d, i) => d !== target.shape[i])) {
    throw new ValueError(`pinballLoss: pred has shape ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)}; expects pred [..., ${Q}] (one per quantile) and target [...]`);
  }
  const q = new Tensor(pred.dtype === 'float64' ? Float64Array.from(quantiles) : Float32Array.from(quantiles), [Q]);
  const e = E.sub(target.unsqueeze(-1), pred); // [..., Q]
  const perElement = mean(E.add(E.mul(e, q), E.relu(E.neg(e))), -1);
  return reduction === 'none' ? perElement : reduction === 'sum' ? sum(perElement) : mean(perElement);
}
