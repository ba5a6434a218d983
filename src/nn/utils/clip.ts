import type { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../errors.js';

export interface ClipGradNormOptions {
  /** p of the p-norm; Infinity for the max norm (default 2). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (default false, as PyTorch 1.13). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so their joint norm is at most maxNorm, as
 * `torch.nn.utils.clip_grad_norm_`: coef = maxNorm / (norm + 1e−6), applied when below 1.
 * Returns the total norm before clipping (NaN/Infinity when a gradient is not finite).
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, opts: ClipGradNormOptions = {}): number {
  const p = opts.normType ?? 2;
  const grads = [...params].flatMap((t) => (t.grad ? [t.grad.data] : []));
  let total = 0;
  if (p === Infinity) {
    for (const g of grads) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]!));
    if (grads.some((g) => g.some((v) => Number.isNaN(v)))) total = NaN;
  } else {
    for (const g of grads) for (let i = 0; i < g.length; i++) total += Math.pow(Math.abs(g[i]!), p);
    total = Math.pow(total, 1 / p);
  }
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(`clipGradNorm_: the total norm of order ${p} of the gradients is ${total}`);
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}

/** Clamps every gradient value into [−clipValue, clipValue], as `clip_grad_value_`. */
export function clipGradValue_(params: Iterable<Tensor>, clipValue: number): void {
  for (const t of params) {
    const g = t.grad?.data;
    if (!g) continue;
    for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i]!, -clipValue), clipValue);
  }
}

/** True when any gradient (or, with `values`, any value) of these tensors is NaN or ±Inf. */
export function hasNonFinite(tensors: Iterable<Tensor>, opts: { values?: boolean } = {}): boolean {
  for (const t of tensors) {
    const d = opts.values ? t.data : t.grad?.data;
    if (!d) continue;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
  }
  return false;
}
