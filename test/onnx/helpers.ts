// Runs an exported model in onnxruntime-node and measures how far it is from rnnkit's outputs.
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../src/tensor/tensor.js';

export type Feed = Record<string, { data: ArrayLike<number>; shape: readonly number[]; int64?: boolean }>;

export async function runOrt(bytes: Uint8Array, feed: Feed): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, { data, shape, int64 }] of Object.entries(feed)) {
    inputs[name] = int64
      ? new ort.Tensor('int64', BigInt64Array.from(Array.from(data, (v) => BigInt(v))), shape)
      : new ort.Tensor('float32', Float32Array.from(data), shape);
  }
  const out = await session.run(inputs);
  await session.release();
  const res: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [k, v] of Object.entries(out)) res[k] = { data: v.data as Float32Array, dims: v.dims };
  return res;
}

/** max |a − b|, or Infinity when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export const feedOf = (t: Tensor, int64 = false) => ({ data: t.data, shape: t.shape, int64 });
