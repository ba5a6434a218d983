// Long-term dependency tools (tutorial §6): per-step hidden-state gradient norms, spectra of the
// recurrent weights, gradient norms per parameter per epoch, charts, and the IRNN constructor.
export { hiddenGradNorms, unroll, cellKind, type HiddenGradNorms, type RecurrentLayer, type CellKind, type StepLeaves } from './hidden-grads.js';
export { gradContributions, inputConnectivity, type GradContributions, type InputConnectivity } from './contributions.js';
export { eigenvalues, spectralRadius, powerIteration, recurrentSpectra, type Complex, type PowerIterationOptions, type RecurrentSpectrum } from './spectral.js';
export { GradNormHistory, type GradNormHistoryOptions, type EpochReduction } from './grad-history.js';
export { hiddenGradHeatmapSpec, paramGradNormsSpec, type HiddenGradHeatmapOptions, type ParamGradNormsOptions } from './charts.js';
export { irnn, type IrnnModelOptions } from './irnn.js';
