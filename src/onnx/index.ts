// ONNX export: trace a module's forward into a standard ONNX file (docs/onnx.md).
export { exportModel, DEFAULT_OPSET, type ExportOptions } from './export.js';
export { exportSavedModel, type SavedExport } from './saved.js';
export { decodeModel } from './proto.js';
