// Parameters as one flat vector and back, as torch.nn.utils.parameters_to_vector and
// vector_to_parameters (what LBFGS-style and natural-gradient code works on).
import { noGrad } from '../../autograd/grad-mode.js';
import { cat, reshape } from '../../autograd/ops/shape.js';
import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../errors.js';

/** The parameters flattened and concatenated into one 1-D tensor (differentiable, as torch.cat). */
export function parametersToVector(params: Iterable<Tensor>): Tensor {
  const ps = [...params];
  if (ps.length === 0) throw new ValueError('parametersToVector: expects at least one parameter');
  return cat(ps.map((p) => reshape(p, [-1])));
}

/**
 * Copies consecutive slices of the 1-D `vec` into the parameters, in place (each one's version is
 * bumped; no gradient is recorded). `vec` must hold exactly as many values as the parameters.
 */
export function vectorToParameters(vec: Tensor, params: Iterable<Tensor>): void {
  const ps = [...params];
  const total = ps.reduce((n, p) => n + p.data.length, 0);
  if (vec.ndim !== 1 || vec.data.length !== total) {
    throw new ValueError(`vectorToParameters: vec has shape ${fmtShape(vec.shape)} but the parameters hold ${total} values; expected [${total}]`);
  }
  noGrad(() => {
    let offset = 0;
    for (const p of ps) {
      const n = p.data.length;
      p.copy_(reshape(vec.slice(0, offset, offset + n), p.shape));
      offset += n;
    }
  });
}
