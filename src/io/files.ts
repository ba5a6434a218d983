// Node-only: safetensors files for tensors and state dicts (atomic writes). Not part of the
// browser build; the package's "node" export condition adds these to `io`.
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors as loadRaw, saveSafetensors as saveRaw } from './node.js';
import type { TensorLike } from './safetensors.js';

export * from './index.js';

/** Writes tensors (e.g. `module.stateDict()`) to a safetensors file, atomically. */
export function saveSafetensors(
  path: string,
  tensors: Record<string, TensorLike> | Map<string, TensorLike>,
  metadata?: Record<string, string>,
): void {
  saveRaw(path, tensors, metadata);
}

/** Reads a safetensors file into tensors (file order) and its metadata. */
export function loadSafetensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = loadRaw(path);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of tensors) out[name] = new Tensor(t.data, t.shape);
  return { tensors: out, metadata };
}
