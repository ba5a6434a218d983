// ONNX's protobuf messages, encoded and decoded by protobufjs from the official schema
// (src/onnx/onnx.proto, built into ./onnx-proto.ts by tools/make-onnx-proto.ts). The light build
// reads the JSON descriptor, so the browser bundle carries no .proto parser.
import protobuf from 'protobufjs/light.js';
import { ONNX_PROTO_JSON } from './onnx-proto.js';

let modelType: protobuf.Type | null = null;

function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_PROTO_JSON as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** ONNX TensorProto.DataType values used here. */
export const ElemType = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
/** ONNX AttributeProto.AttributeType values used here. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A plain object in the shape of onnx.ModelProto (protobufjs's fromObject form). */
export type ModelObject = Record<string, unknown>;

/** Serializes a ModelProto object; a field the schema does not know is an error, not dropped. */
export function encodeModel(model: ModelObject): Uint8Array {
  const T = modelProto();
  const err = T.verify(model);
  if (err !== null) throw new Error(`ONNX export: invalid ModelProto (${err})`);
  return T.encode(T.fromObject(model)).finish();
}

/** Parses an ONNX file back into a plain object (int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): ModelObject {
  const T = modelProto();
  return T.toObject(T.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelObject;
}
