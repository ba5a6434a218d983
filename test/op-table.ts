// One op table for both checks: PyTorch fixtures (test/autograd/ops.test.ts) and float64
// finite-difference gradchecks. Each entry maps a fixture `op` name and its kwargs to rnnkit.
import { Tensor, cat, matmul, nn, stack } from '../src/index.js';

type Kw = Record<string, unknown>;
export type OpFn = (inputs: Tensor[], kw: Kw) => Tensor;

const F = nn.functional;
const reduction = (kw: Kw) => (kw.reduction as 'none' | 'mean' | 'sum' | undefined) ?? 'mean';

export const OPS: Record<string, OpFn> = {
  add: ([a, b]) => a!.add(b!),
  sub: ([a, b]) => a!.sub(b!),
  mul: ([a, b]) => a!.mul(b!),
  div: ([a, b]) => a!.div(b!),
  neg: ([a]) => a!.neg(),
  exp: ([a]) => a!.exp(),
  log: ([a]) => a!.log(),
  tanh: ([a]) => a!.tanh(),
  sigmoid: ([a]) => a!.sigmoid(),
  relu: ([a]) => a!.relu(),
  abs: ([a]) => a!.abs(),
  sqrt: ([a]) => a!.sqrt(),
  pow: ([a], kw) => a!.pow(kw.exponent as number),
  matmul: ([a, b], kw) => matmul(a!, b!, { transA: !!kw.transposeA, transB: !!kw.transposeB }),
  sum: ([a], kw) => a!.sum(kw.dim as number | number[] | undefined, !!kw.keepdim),
  mean: ([a], kw) => a!.mean(kw.dim as number | number[] | undefined, !!kw.keepdim),
  softmax: ([a], kw) => a!.softmax(kw.dim as number),
  logSoftmax: ([a], kw) => a!.logSoftmax(kw.dim as number),
  reshape: ([a], kw) => a!.reshape(kw.shape as number[]),
  transpose: ([a], kw) => a!.transpose(kw.dim0 as number, kw.dim1 as number),
  permute: ([a], kw) => a!.permute(kw.dims as number[]),
  squeeze: ([a], kw) => a!.squeeze(kw.dim as number),
  unsqueeze: ([a], kw) => a!.unsqueeze(kw.dim as number),
  select: ([a], kw) => a!.select(kw.dim as number, kw.index as number),
  slice: ([a], kw) => a!.slice(kw.dim as number, kw.start as number, kw.end as number),
  indexSelect: ([a], kw) => a!.indexSelect(kw.dim as number, kw.index as number[]),
  cat: (xs, kw) => cat(xs, kw.dim as number),
  stack: (xs, kw) => stack(xs, kw.dim as number),
  mul_self: ([a]) => a!.mul(a!),
  mseLoss: ([a, b], kw) => F.mseLoss(a!, b!, reduction(kw)),
  l1Loss: ([a, b], kw) => F.l1Loss(a!, b!, reduction(kw)),
  crossEntropy: ([a, t], kw) => F.crossEntropy(a!, t!, { reduction: reduction(kw), ignoreIndex: kw.ignoreIndex as number }),
  nllLoss: ([a, t], kw) => F.nllLoss(a!, t!, { reduction: reduction(kw), ignoreIndex: kw.ignoreIndex as number }),
};

/** Inputs that are integer targets (never differentiated). */
export const INTEGER_INPUTS: Record<string, number[]> = { crossEntropy: [1], nllLoss: [1] };
/** Inputs that are targets without gradient (grads null in the fixture). */
export const CONSTANT_INPUTS: Record<string, number[]> = { mseLoss: [1], l1Loss: [1], crossEntropy: [1], nllLoss: [1] };
