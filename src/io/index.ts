// Safetensors for tensors and state dicts, on bytes, and model directories as named files
// (browser-safe). File helpers live in ./files.ts (Node).
export { parseSafetensors, serializeSafetensors, SafetensorsError, MAX_HEADER_BYTES, type RawTensor, type SafeDType, type TensorLike } from './safetensors.js';
export { saveSafetensorsBytes, loadSafetensorsBytes } from './tensors.js';
export {
  MODEL_FORMAT, MODEL_VERSION, MODEL_KINDS, FORECASTER_MODELS, isModelConfig, modelToFiles, modelFromFiles, filesReader, forecasterParameters,
  type SavedModel, type SavedForecaster, type SavedLanguageModel, type SavedClassifier, type ModelFiles, type ModelReader, type LoadModelOptions, type ForecasterModelName,
} from './model-dir.js';
export { modelToSafetensors, modelFromSafetensors } from './model-bundle.js';
export { lmToConfig, lmFromConfig } from './lm-config.js';
export { classifierToConfig, classifierFromConfig, classifierParameters, type ClassifierInput } from './classifier-config.js';
export { readNpy, readNpz, writeNpy, writeNpz, NpyError, type NpyArray, type NpyData, type NpyDType } from './npy.js';
export { decodePng, encodePng, pngSize, resizeImage, PngError, type ColorMode, type DecodePngOptions, type Image } from './png.js';
