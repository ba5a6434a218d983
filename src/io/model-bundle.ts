// A model as ONE safetensors file (browser-safe): the weights of a model directory's
// weights-<id>.safetensors, with that directory's config.json in the header's `__metadata__`
// under "config.json" (its "weights" field reads "weights.safetensors"). What the playground
// downloads and uploads; `loadModel(path)` (./model-files.ts) and so every CLI command that takes a
// model directory also take such a file. Any safetensors reader still sees plain tensors (PyTorch
// parameter names) and string metadata. A model with no weights (AR, persistence) is a file with
// no tensors and the config.
import { ValueError } from '../errors.js';
import { checkMemory, formatBytes } from '../memory.js';
import { filesReader, type LoadModelOptions, MAX_CONFIG_BYTES, MODEL_FORMAT, modelFromFiles, type ModelFiles, modelToFiles, type SavedModel } from './model-dir.js';
import type { Tensor } from '../tensor/tensor.js';
import { parseHeader, readHeaderLength, serializeSafetensors } from './safetensors.js';
import { loadSafetensorsBytes } from './tensors.js';

/** The `__metadata__` key holding config.json's text. */
export const CONFIG_KEY = 'config.json';
/** The weights name the embedded config points at. */
const BUNDLED_WEIGHTS = 'weights.safetensors';

/** One safetensors file holding the model: its weights, and config.json in `__metadata__`. */
export function modelToSafetensors(m: SavedModel): Uint8Array {
  const files = modelToFiles(m, () => 0);
  const config = JSON.parse(files.get('config.json') as string) as Record<string, unknown>;
  const metadata: Record<string, string> = { format: MODEL_FORMAT };
  let tensors: Record<string, Tensor> = {};
  if (typeof config.weights === 'string') {
    const bytes = files.get(config.weights) as Uint8Array;
    const parsed = loadSafetensorsBytes(bytes, config.weights);
    Object.assign(metadata, parsed.metadata);
    tensors = parsed.tensors;
    config.weights = BUNDLED_WEIGHTS;
  }
  metadata[CONFIG_KEY] = JSON.stringify(config, null, 2) + '\n';
  return serializeSafetensors(tensors, metadata);
}

/**
 * The model in a file written by `modelToSafetensors`. `source` names the file in errors; every
 * problem is one line (a plain weights file without its config.json says so).
 */
export function modelFromSafetensors(bytes: Uint8Array, opts: LoadModelOptions = {}): SavedModel {
  const source = opts.source ?? 'model.safetensors';
  checkMemory(`${source} (${formatBytes(bytes.length)})`, bytes.length);
  const headerLen = readHeaderLength(bytes.subarray(0, 8), bytes.length, source);
  const { metadata } = parseHeader(bytes.subarray(8, 8 + headerLen), bytes.length - 8 - headerLen, source);
  const config = Object.prototype.hasOwnProperty.call(metadata, CONFIG_KEY) ? metadata[CONFIG_KEY]! : null;
  if (config === null) {
    throw new ValueError(`${source}: not an rnnkit model file (its __metadata__ has no "${CONFIG_KEY}"); a model directory's weights file loads with its config.json beside it`);
  }
  if (config.length > MAX_CONFIG_BYTES) throw new ValueError(`${source}: the embedded config.json is too large (${config.length} characters)`);
  let weights: unknown;
  try {
    weights = (JSON.parse(config) as { weights?: unknown }).weights;
  } catch {
    weights = null; // modelFromFiles reports the bad JSON
  }
  const files: ModelFiles = new Map<string, string | Uint8Array>([['config.json', config]]);
  if (typeof weights === 'string') files.set(weights, bytes);
  // errors read "<file>/config.json: …" and "<file>/weights.safetensors: …"
  return modelFromFiles(filesReader(files, source), { ...opts, source });
}
