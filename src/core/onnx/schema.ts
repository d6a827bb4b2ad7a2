/**
 * The ONNX protobuf schema (onnx-buf, generated for @bufbuild/protobuf). The rest of the
 * core imports message types from here so the schema package is named in one place.
 */
export {
  ModelProtoSchema,
  GraphProtoSchema,
  NodeProtoSchema,
  AttributeProtoSchema,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  SparseTensorProtoSchema,
  FunctionProtoSchema,
  TrainingInfoProtoSchema,
  TensorAnnotationSchema,
  AttributeProto_AttributeType,
  TensorProto_DataType,
  TensorProto_DataLocation,
} from 'onnx-buf';
export type {
  ModelProto,
  GraphProto,
  NodeProto,
  AttributeProto,
  TensorProto,
  ValueInfoProto,
  TypeProto,
  TensorShapeProto,
  TensorShapeProto_Dimension,
  OperatorSetIdProto,
  StringStringEntryProto,
  SparseTensorProto,
} from 'onnx-buf';
