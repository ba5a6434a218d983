// Node-only: safetensors files for tensors and state dicts (atomic writes). Not part of the
// browser build; the package's "node" export condition adds these to `io`.
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors as loadRaw, saveSafetensors as saveRaw } from './node.js';
import type { TensorLike } from './safetensors.js';

export * from './index.js';
export { readSequenceData, naturalCompare, type ReadSequenceOptions, type ImageMode } from './sequence-files.js';

/** Writes tensors (e.g. `module.stateDict()`) to a safetensors file, atomically. */
export function saveSafetensors(
  path: string,
  tensors: Record<string, TensorLike> | Map<string, TensorLike>,
  metadata?: Record<string, string>,
): void {
  saveRaw(path, tensors, metadata);
}

/**
 * Reads a safetensors file into tensors (header order) and its metadata. The header is read and
 * validated against the file size before any tensor data is read. Both records have a null
 * prototype, so a tensor named "__proto__" or "constructor" is an ordinary entry.
 *
 * Dtypes: F32 → float32 and F64 → float64 (bit for bit); F16, BF16 → float32 (exact widening);
 * I8, U8, I16, U16, I32, U32, BOOL → float64 holding exact integers (BOOL as 0/1); I64, U64 →
 * float64 when every |v| ≤ 2^53, otherwise a SafetensorsError naming the tensor and the value.
 */
export function loadSafetensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = loadRaw(path);
  const out = Object.create(null) as Record<string, Tensor>;
  for (const [name, t] of tensors) out[name] = new Tensor(t.data, t.shape);
  return { tensors: out, metadata };
}
export { saveModel, loadModel, checkModelTarget, writeModelFiles, type SaveTarget } from './model-files.js';
