// `rnnkit export --format pytorch`: a saved model as a folder PyTorch users can run and train on.
//   model.py          plain torch.nn: build(), and forecast / generate / predict as rnnkit computes them
//   model.safetensors the weights under PyTorch's parameter names (rnnkit's own, nothing renamed)
//   config.json       what model.py needs (sizes, scalers, transforms, vocabulary, class names…) and the marker
//   README.md         how to use it
//   train_ddp.py      continues training with torchrun + DistributedDataParallel on data/ (from --data)
// The files are generated from the templates beside this file; the output is a deterministic
// function of the model (and the data), so tests compare it byte for byte with golden files.
import { ValueError } from '../../errors.js';
import type { SavedModel } from '../../io/model-dir.js';
import { saveSafetensorsBytes } from '../../io/tensors.js';
import { ARForecaster } from '../../models/ar.js';
import { SeasonalNaiveForecaster } from '../../models/baselines.js';
import { GRUForecaster, LSTMForecaster, MLPForecaster, RNNForecaster } from '../../models/neural.js';
import type { Tensor } from '../../tensor/tensor.js';
import { EXPORT_FORMAT, EXPORT_VERSION, PYTHON_IO, pythonHeader } from './python-common.js';
import { PYTHON_CLASSIFIER } from './python-classifier.js';
import { PYTHON_FORECASTER } from './python-forecaster.js';
import { PYTHON_LM } from './python-lm.js';
import { exportReadme } from './readme.js';
import { TRAIN_DDP_PY } from './train-ddp.js';

export { EXPORT_FORMAT, EXPORT_VERSION };

/** Training data converted by `exportData`: files under data/ and a description for config.json. */
export interface ExportData {
  files: Map<string, Uint8Array>;
  info: Record<string, unknown>;
}

/** The files of an export folder, by relative path ('data/x.npy'); config.json carries the marker. */
export type ExportFiles = Map<string, string | Uint8Array>;

/** What the folder holds, in one line each (for --json and the README). */
export interface PytorchExport {
  files: ExportFiles;
  description: string;
  /** True when train_ddp.py was written (models with weights to train). */
  trainable: boolean;
}

const isNeural = (m: unknown): m is MLPForecaster | RNNForecaster | LSTMForecaster | GRUForecaster =>
  m instanceof MLPForecaster || m instanceof RNNForecaster || m instanceof LSTMForecaster || m instanceof GRUForecaster;

/** config.json of the export: the marker, the kind, and everything model.py reads. */
export function exportConfig(saved: SavedModel, data: ExportData | null): Record<string, unknown> {
  const head = { format: EXPORT_FORMAT, version: EXPORT_VERSION, kind: saved.kind };
  const dataInfo = { data: data ? data.info : null };
  if (saved.kind === 'language-model') {
    const lm = saved.lm;
    return { ...head, tokenizer: lm.tokenizer, model: lm.model.config(), vocab: [...lm.vocab.tokens], training: lm.training, ...dataInfo };
  }
  if (saved.kind === 'classifier') {
    return { ...head, arch: saved.model.arch, classes: saved.classes, input: saved.input, ...(saved.training ? { training: saved.training } : {}), ...dataInfo };
  }
  const m = saved.model;
  let options: Record<string, unknown>;
  if (isNeural(m)) {
    const o = m.opts;
    options = {
      seqLen: o.seqLen, hidden: o.hidden, layers: o.layers, inputSize: o.inputSize, dropout: o.dropout ?? 0,
      outputSteps: o.outputSteps, outputSize: m.outputSize, head: m.head, quantiles: m.levels ? [...m.levels] : null, perStep: m.perStep,
      // recurrent nets with H = 1 train every step (N→N); the MLP and direct heads the window's last output
      everyStep: !(m instanceof MLPForecaster) && o.outputSteps === 1,
    };
  } else if (m instanceof ARForecaster) {
    const j = m.toJSON();
    options = { p: j.p, intercept: j.intercept, coef: j.coef };
  } else if (m instanceof SeasonalNaiveForecaster) {
    options = { m: m.m };
  } else {
    options = {};
  }
  return {
    ...head, model: m.name, options, columns: saved.columns, target: saved.target, inputs: saved.inputs,
    scalers: saved.scalers.map((s) => s.toJSON()), transforms: saved.transforms ?? [], fill: saved.fill,
    ...(saved.training ? { training: saved.training } : {}), ...dataInfo,
  };
}

/** The state dict to write as model.safetensors; null for models without weights (AR, baselines). */
function stateDict(saved: SavedModel): Record<string, Tensor> | null {
  if (saved.kind === 'language-model') return saved.lm.model.stateDict() as Record<string, Tensor>;
  if (saved.kind === 'classifier') return saved.model.stateDict() as Record<string, Tensor>;
  return isNeural(saved.model) ? saved.model.model.stateDict() as Record<string, Tensor> : null;
}

/** One line naming the model, for model.py's docstring and the command's output. */
export function describeModel(saved: SavedModel): string {
  if (saved.kind === 'language-model') {
    const c = saved.lm.model.config();
    return `rnnkit ${c.cell} ${saved.lm.tokenizer.level}-level language model (vocabulary ${c.vocabSize}, hidden ${c.hiddenSize}, ${c.numLayers} layer${c.numLayers === 1 ? '' : 's'}${c.embedDim > 0 ? `, embedding ${c.embedDim}` : ', one-hot input'})`;
  }
  if (saved.kind === 'classifier') {
    const a = saved.model.arch;
    return `rnnkit ${a.bidirectional ? 'bidirectional ' : ''}${a.cell} sequence classifier (${a.numClasses} classes, hidden ${a.hiddenSize}, ${a.numLayers} layer${a.numLayers === 1 ? '' : 's'}, ${a.perStep ? 'per-step' : `${a.pool} pooling`})`;
  }
  const m = saved.model;
  const what = isNeural(m) ? `${m.name} forecaster (seqLen ${m.opts.seqLen}, hidden ${m.opts.hidden}${m.opts.outputSteps > 1 ? `, ${m.opts.outputSteps} steps per pass` : ''})` : `${m.name} forecaster`;
  return `rnnkit ${what} of ${saved.target}${saved.inputs.length > 1 ? ` from ${saved.inputs.join(', ')}` : ''}`;
}

/** Every file of the PyTorch export of `saved` (and of its training data, when given). */
export function pytorchExport(saved: SavedModel, data: ExportData | null = null): PytorchExport {
  const state = stateDict(saved);
  if (data && state === null) throw new ValueError(`--data: a ${saved.kind === 'forecaster' ? saved.model.name : saved.kind} model has no weights to train; export it without --data`);
  const description = describeModel(saved);
  const body = saved.kind === 'forecaster' ? PYTHON_FORECASTER : saved.kind === 'language-model' ? PYTHON_LM : PYTHON_CLASSIFIER;
  const files: ExportFiles = new Map();
  const modules = saved.kind === 'forecaster' ? ['math'] : saved.kind === 'language-model' ? ['math', 're'] : [];
  files.set('model.py', pythonHeader(description, modules) + PYTHON_IO + body);
  if (state !== null) files.set('model.safetensors', saveSafetensorsBytes(state, { format: EXPORT_FORMAT, kind: saved.kind }));
  const trainable = state !== null && !(saved.kind === 'classifier' && saved.model.arch.perStep);
  if (trainable) files.set('train_ddp.py', TRAIN_DDP_PY);
  for (const [name, bytes] of data?.files ?? []) files.set(`data/${name}`, bytes);
  files.set('README.md', exportReadme(saved, description, { weights: state !== null, trainable, data: data?.info ?? null }));
  files.set('config.json', JSON.stringify(exportConfig(saved, data), null, 2) + '\n');
  return { files, description, trainable };
}
