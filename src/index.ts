// The public surface of rnnkit. The CLI and the playground import only from here.
export { Tensor, type NestedArray } from './tensor/tensor.js';
export type { DType, Data } from './tensor/dtype.js';
export { Generator, manualSeed, defaultGenerator } from './tensor/random.js';
export {
  tensor, fromData, zeros, ones, full, zerosLike, onesLike, fullLike, randLike, randnLike, arange, rand, randn, uniform,
  type TensorOptions, type FromDataOptions, type RandomOptions,
} from './tensor/creation.js';
export { kernels, setKernels, jsKernels, createWasmKernels, setNumThreads, getNumThreads, type Kernels, type Resident } from './tensor/kernels.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { gradcheck, GradcheckError, type GradcheckOptions } from './autograd/gradcheck.js';
export { cat, stack } from './autograd/ops/shape.js';
export { eq, ne, lt, le, gt, ge, where, maskedFill } from './autograd/ops/compare.js';
export { argmax, argmin, max, min, topk, sort, argsort, gather, scatter, scatterAdd } from './autograd/ops/index-ops.js';
export { cumsum, std, variance, variance as var, norm, logsumexp, sign, sin, cos } from './autograd/ops/math.js';
export { expand, repeat, flatten, chunk, split } from './autograd/ops/layout.js';
export { matmul, type MatmulOptions } from './autograd/ops/matmul.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
export * as models from './models/index.js';
export * as train from './train/index.js';
export * as forecast from './forecast/index.js';
export * as plot from './plot/index.js';
export * as diagnostics from './diagnostics/index.js';
export * as onnx from './onnx/index.js';
export { UserError, ValueError, MemoryLimitError, isUserError } from './errors.js';
export { memoryLimit, setMemoryLimit, checkMemory, parseBytes, formatBytes, DEFAULT_MEMORY_LIMIT } from './memory.js';
export type { StateDict, TensorLike } from './nn/module.js';
