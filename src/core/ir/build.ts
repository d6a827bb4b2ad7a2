import { create } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../onnx/schema';
import type { ModelIR } from './model';

/** Small constructors for schema messages, used by methods that add nodes and by test fixtures. */

export type AttrValue = number | string | number[] | TensorProto | GraphProto | { floats: number[] } | { float: number };

export function attr(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') {
    return create(AttributeProtoSchema, { name, type: AT.INT, i: BigInt(Math.trunc(value)) });
  }
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: AT.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AT.INTS, ints: value.map((v) => BigInt(v)) });
  if ('floats' in value) return create(AttributeProtoSchema, { name, type: AT.FLOATS, floats: value.floats });
  if ('float' in value) return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: value.float });
  if (value.$typeName === 'onnx.TensorProto') return create(AttributeProtoSchema, { name, type: AT.TENSOR, t: value });
  return create(AttributeProtoSchema, { name, type: AT.GRAPH, g: value });
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
  extra: { name?: string; domain?: string } = {},
): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    input: inputs,
    output: outputs,
    name: extra.name ?? outputs[0] ?? opType,
    domain: extra.domain ?? '',
    attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)),
  });
}

/** A tensor value declaration; dims are numbers, names (symbolic) or null (unknown). */
export function valueInfo(name: string, elemType: number, dims: (number | string | null)[] | undefined): ValueInfoProto {
  const shape =
    dims === undefined
      ? undefined
      : create(TensorShapeProtoSchema, {
          dim: dims.map((d) =>
            create(TensorShapeProto_DimensionSchema, {
              value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : d === null ? { case: undefined } : { case: 'dimParam', value: d },
            }),
          ),
        });
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, shape ? { elemType, shape } : { elemType }) },
    }),
  });
}

export function graph(parts: {
  name?: string;
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
}): GraphProto {
  return create(GraphProtoSchema, {
    name: parts.name ?? 'main',
    node: parts.nodes,
    input: parts.inputs,
    output: parts.outputs,
    initializer: parts.initializers ?? [],
  });
}

export function model(g: GraphProto, opsets: Record<string, number> = { '': 17 }, irVersion = 8): ModelIR {
  return create(ModelProtoSchema, {
    irVersion: BigInt(irVersion),
    producerName: 'featherweight',
    opsetImport: Object.entries(opsets).map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
    graph: g,
  });
}
