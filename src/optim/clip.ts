// Gradient clipping lives with PyTorch's in nn.utils; optim and the training loops keep this name.
export { clipGradNorm_, clipGradValue_, hasNonFinite, type ClipGradNormOptions } from '../nn/utils/clip.js';
