// A sequence classifier's part of a model directory (./model-dir.ts): its config.json fields (the
// architecture, class names, how inputs are read, the test metrics and training record) and its
// weights as safetensors bytes, and the way back with every field validated before a tensor is built.
import { oneLine, showValue, ValueError } from '../errors.js';
import { checkMemory } from '../memory.js';
import { CLASSIFIER_CELLS, type ClassifierArch, POOLINGS, SequenceClassifier } from '../models/classifier.js';
import { loadSafetensorsBytes, saveSafetensorsBytes } from './tensors.js';

/** How samples reach the model: tensors (x [N,T,F]) or PNG images (rows or frames as steps). */
export interface ClassifierInput {
  /** Features per step the model reads. */
  features: number;
  /** The longest sequence seen in training (informational; longer sequences still run). */
  steps: number;
  images?: { mode: 'rows' | 'frames'; color: 'grey' | 'rgb'; resize: [number, number] | null };
}

export interface SavedClassifier {
  kind: 'classifier';
  model: SequenceClassifier;
  /** Class names, index = class id. */
  classes: string[];
  input: ClassifierInput;
  test?: Record<string, unknown>;
  training?: Record<string, unknown>;
}

/** config.json fields and the weights' bytes of a saved classifier. */
export function classifierToConfig(m: SavedClassifier): { config: Record<string, unknown>; weights: Uint8Array } {
  if (m.classes.length !== m.model.arch.numClasses) throw new ValueError(`saveModel: ${m.classes.length} class names for a model with ${m.model.arch.numClasses} classes`);
  return {
    config: {
      arch: m.model.arch, classes: m.classes, input: m.input,
      ...(m.test ? { test: m.test } : {}), ...(m.training ? { training: m.training } : {}),
    },
    weights: saveSafetensorsBytes(m.model.stateDict(), { format: 'rnnkit-model', kind: 'classifier' }),
  };
}

/** Parameters of a classifier with this architecture (for the memory check before building it). */
export function classifierParameters(a: ClassifierArch): number {
  const gates = a.cell === 'lstm' ? 4 : a.cell === 'gru' ? 3 : 1;
  const D = a.bidirectional ? 2 : 1, H = a.hiddenSize;
  let n = a.embedding ? a.embedding.numEmbeddings * a.embedding.embeddingDim : 0;
  for (let l = 0; l < a.numLayers; l++) n += D * gates * H * ((l === 0 ? a.inputSize : D * H) + H + 2);
  return n + a.numClasses * (D * H + 1);
}

const MAX = { classes: 100_000, hidden: 1 << 20, layers: 1024, inputSize: 1 << 24, vocab: 10_000_000, steps: 1 << 30 } as const;

/** Rebuilds a SavedClassifier from a parsed config and its weights; every problem is one ValueError line. */
export function classifierFromConfig(c: Record<string, unknown>, weights: () => Uint8Array, source = 'model'): SavedClassifier {
  const where = `${source}/config.json`;
  const fail = (key: string, what: string, v: unknown): never => {
    throw new ValueError(oneLine(`${where}: "${key}" must be ${what}, got ${showValue(v)}`));
  };
  const obj = (key: string, v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : fail(key, 'an object', v));
  const a = obj('arch', c.arch);
  const int = (o: Record<string, unknown>, prefix: string, key: string, min: number, max: number): number => {
    const v = o[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(`${prefix}${key}`, `an integer in [${min}, ${max}]`, v);
  };
  const bool = (key: string): boolean => (typeof a[key] === 'boolean' ? a[key] as boolean : fail(`arch.${key}`, 'true or false', a[key]));
  const numClasses = int(a, 'arch.', 'numClasses', 2, MAX.classes);
  let embedding: ClassifierArch['embedding'] = null;
  if (a.embedding !== null && a.embedding !== undefined) {
    const e = obj('arch.embedding', a.embedding);
    const pad = e.paddingIdx;
    if (pad !== null && pad !== undefined && !(typeof pad === 'number' && Number.isInteger(pad))) fail('arch.embedding.paddingIdx', 'an integer or null', pad);
    embedding = { numEmbeddings: int(e, 'arch.embedding.', 'numEmbeddings', 1, MAX.vocab), embeddingDim: int(e, 'arch.embedding.', 'embeddingDim', 1, MAX.hidden), paddingIdx: (pad as number | null | undefined) ?? null };
  }
  const arch: ClassifierArch = {
    numClasses, embedding,
    inputSize: int(a, 'arch.', 'inputSize', 1, MAX.inputSize),
    cell: CLASSIFIER_CELLS.includes(a.cell as never) ? a.cell as ClassifierArch['cell'] : fail('arch.cell', `one of ${CLASSIFIER_CELLS.join(', ')}`, a.cell),
    pool: POOLINGS.includes(a.pool as never) ? a.pool as ClassifierArch['pool'] : fail('arch.pool', `one of ${POOLINGS.join(', ')}`, a.pool),
    hiddenSize: int(a, 'arch.', 'hiddenSize', 1, MAX.hidden),
    numLayers: int(a, 'arch.', 'numLayers', 1, MAX.layers),
    bidirectional: bool('bidirectional'),
    perStep: bool('perStep'),
    dropout: typeof a.dropout === 'number' && a.dropout >= 0 && a.dropout < 1 ? a.dropout : fail('arch.dropout', 'a number in [0, 1)', a.dropout),
    nonlinearity: a.nonlinearity === 'tanh' || a.nonlinearity === 'relu' ? a.nonlinearity : fail('arch.nonlinearity', '"tanh" or "relu"', a.nonlinearity),
  };
  if (embedding && arch.inputSize !== embedding.embeddingDim) fail('arch.inputSize', `the embedding dim ${embedding.embeddingDim}`, arch.inputSize);
  const classes = Array.isArray(c.classes) && c.classes.length === numClasses && c.classes.every((s) => typeof s === 'string' && s.length <= 10_000)
    ? [...c.classes as string[]] : fail('classes', `a list of ${numClasses} class names (arch.numClasses)`, c.classes);
  const i = obj('input', c.input);
  const input: ClassifierInput = { features: int(i, 'input.', 'features', 1, MAX.inputSize), steps: int(i, 'input.', 'steps', 1, MAX.steps) };
  if (!embedding && input.features !== arch.inputSize) fail('input.features', `arch.inputSize ${arch.inputSize}`, input.features);
  if (i.images !== undefined && i.images !== null) {
    const im = obj('input.images', i.images);
    const mode = im.mode === 'rows' || im.mode === 'frames' ? im.mode : fail('input.images.mode', '"rows" or "frames"', im.mode);
    const color = im.color === 'grey' || im.color === 'rgb' ? im.color : fail('input.images.color', '"grey" or "rgb"', im.color);
    const r = im.resize;
    const resize = r === null || r === undefined ? null
      : Array.isArray(r) && r.length === 2 && r.every((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1 << 16) ? [r[0] as number, r[1] as number] as [number, number]
        : fail('input.images.resize', 'null or [height, width]', r);
    input.images = { mode, color, resize };
  }
  const params = classifierParameters(arch);
  checkMemory(`${where}: a ${arch.cell} classifier with hidden ${arch.hiddenSize}, ${arch.numLayers} layer(s) (${params} parameters)`, params * 4 * 2);
  const bytes = weights();
  if (bytes.byteLength < params * 4) throw new ValueError(`${source}: the weights file has ${bytes.byteLength} bytes, too few for the ${params} float32 parameters config.json describes`);
  const tensors = loadSafetensorsBytes(bytes, `${source}/weights`).tensors;
  for (const [k, x] of Object.entries(tensors)) {
    if (!x.data.every(Number.isFinite)) throw new ValueError(`${source}: weight "${k}" holds non-finite values (NaN or ±Inf); refusing a model that cannot classify`);
  }
  const model = new SequenceClassifier({ ...arch, embedding: arch.embedding ? { ...arch.embedding, paddingIdx: arch.embedding.paddingIdx ?? undefined } : undefined });
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    throw new ValueError(`${source}: the weights do not fit config.json: ${(e as Error).message.split(/[\n\r\u2028\u2029]/)[0]}`);
  }
  model.eval();
  const obj2 = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined);
  return { kind: 'classifier', model, classes, input, test: obj2(c.test), training: obj2(c.training) };
}
