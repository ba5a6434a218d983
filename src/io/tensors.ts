// Safetensors bytes ⇄ tensors (browser-safe); the format itself is in ./safetensors.ts.
import { Tensor } from '../tensor/tensor.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

/** Serializes a state dict (or any name → tensor record) to safetensors bytes. */
export function saveSafetensorsBytes(tensors: Record<string, Tensor> | Map<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  return serializeSafetensors(tensors, metadata);
}

/** Parses safetensors bytes into tensors (in file order; a null-prototype record) and the metadata. */
export function loadSafetensorsBytes(bytes: Uint8Array, source?: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = parseSafetensors(bytes, source);
  const out: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const [name, t] of tensors) out[name] = new Tensor(t.data, t.shape);
  return { tensors: out, metadata };
}
