import { TensorProto_DataLocation, type ModelProto, type NodeProto, type TensorProto } from './schema';
import { DT, dtypeName, rawByteLength } from '../ir/dtype';
import { listGraphs } from '../ir/walk';
import { ModelFormatError } from '../util/errors';

/** A stored tensor and how to name it in an error. */
interface Payload {
  label: string;
  tensor: TensorProto;
}

type TypedField = 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData';

const FIELD_NAMES: Record<TypedField, string> = {
  floatData: 'float_data',
  int32Data: 'int32_data',
  int64Data: 'int64_data',
  doubleData: 'double_data',
  uint64Data: 'uint64_data',
  stringData: 'string_data',
};

/** Bits per element for dtypes packed below a byte (their typed-field form packs them into whole bytes too). */
const SUB_BYTE_BITS: Partial<Record<number, number>> = {
  [DT.INT4]: 4,
  [DT.UINT4]: 4,
  [DT.FLOAT4E2M1]: 4,
  [DT.INT2]: 2,
  [DT.UINT2]: 2,
};

/** Which typed field the ONNX spec puts each dtype in, and how many entries an element takes. */
function typedFieldOf(dataType: number): { field: TypedField; perElement: number } | undefined {
  switch (dataType) {
    case DT.FLOAT:
      return { field: 'floatData', perElement: 1 };
    case DT.COMPLEX64:
      return { field: 'floatData', perElement: 2 };
    case DT.DOUBLE:
      return { field: 'doubleData', perElement: 1 };
    case DT.COMPLEX128:
      return { field: 'doubleData', perElement: 2 };
    case DT.INT64:
      return { field: 'int64Data', perElement: 1 };
    case DT.UINT32:
    case DT.UINT64:
      return { field: 'uint64Data', perElement: 1 };
    case DT.STRING:
      return { field: 'stringData', perElement: 1 };
    case DT.INT32:
    case DT.INT16:
    case DT.INT8:
    case DT.UINT16:
    case DT.UINT8:
    case DT.BOOL:
    case DT.FLOAT16:
    case DT.BFLOAT16:
    case DT.FLOAT8E4M3FN:
    case DT.FLOAT8E4M3FNUZ:
    case DT.FLOAT8E5M2:
    case DT.FLOAT8E5M2FNUZ:
    case DT.FLOAT8E8M0:
    case DT.INT4:
    case DT.UINT4:
    case DT.FLOAT4E2M1:
    case DT.INT2:
    case DT.UINT2:
      return { field: 'int32Data', perElement: 1 };
    default:
      return undefined;
  }
}

function nodeLabel(node: NodeProto, index: number, path: string): string {
  const where = path === '' ? '' : ` in subgraph '${path}'`;
  return `node '${node.name || `${node.opType}#${index}`}'${where}`;
}

/** Every tensor stored in the model: initializers, sparse initializers and node attributes, subgraphs and functions included. */
function listPayloads(model: ModelProto): Payload[] {
  const out: Payload[] = [];
  const fromNodes = (nodes: readonly NodeProto[], path: string): void => {
    nodes.forEach((node, i) => {
      for (const attr of node.attribute) {
        const isValue = node.opType === 'Constant' && attr.name === 'value';
        const label = isValue
          ? `'${node.output[0] ?? attr.t?.name ?? ''}' (the value of Constant ${nodeLabel(node, i, path)})`
          : `in attribute '${attr.name}' of ${nodeLabel(node, i, path)}`;
        if (attr.t) out.push({ label: isValue ? label : `${label}${attr.t.name ? ` ('${attr.t.name}')` : ''}`, tensor: attr.t });
        attr.tensors.forEach((t, k) => out.push({ label: `${label}[${k}]`, tensor: t }));
        const sparse = [attr.sparseTensor, ...attr.sparseTensors];
        for (const s of sparse) {
          if (s?.values) out.push({ label: `${label} (sparse values)`, tensor: s.values });
          if (s?.indices) out.push({ label: `${label} (sparse indices)`, tensor: s.indices });
        }
      }
    });
  };
  for (const { graph, path } of listGraphs(model)) {
    const where = path === '' ? '' : ` in subgraph '${path}'`;
    for (const t of graph.initializer) out.push({ label: `'${t.name}'${where}`, tensor: t });
    for (const s of graph.sparseInitializer) {
      if (s.values) out.push({ label: `'${s.values.name}'${where} (sparse values)`, tensor: s.values });
      if (s.indices) out.push({ label: `'${s.values?.name ?? ''}'${where} (sparse indices)`, tensor: s.indices });
    }
    fromNodes(graph.node, path);
  }
  for (const fn of model.functions) fromNodes(fn.node, `function ${fn.name}`);
  return out;
}

/** TensorProto.data_location's field number. */
const DATA_LOCATION_FIELD = 14;

const MAX_ELEMENTS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Checks that every stored tensor (initializers, Constant nodes and other tensor attributes,
 * subgraphs included) holds exactly the data its dtype and shape call for, in raw_data or in
 * the typed field the ONNX spec assigns its dtype, so later readers can index it without
 * running past its end. Corrupt, truncated or hostile files fail here with a typed error.
 */
export function checkWeightPayloads(model: ModelProto): void {
  for (const payload of listPayloads(model)) checkPayload(payload);
}

function checkPayload({ label, tensor }: Payload): void {
  const shape = `[${tensor.dims.join(', ')}]`;
  const what = `Tensor ${label}`;
  // onnx.proto is proto2, so a data_location outside the enum is parked among the unknown fields.
  const strayLocation = tensor.$unknown?.find((f) => f.no === DATA_LOCATION_FIELD);
  if (strayLocation || (tensor.dataLocation !== TensorProto_DataLocation.DEFAULT && tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL)) {
    const first = strayLocation?.data[0];
    const value = strayLocation ? (first !== undefined && first < 0x80 ? first : 'an unknown value') : tensor.dataLocation;
    throw new ModelFormatError(`${what} has data_location ${value}; expected 0 (DEFAULT) or 1 (EXTERNAL).`);
  }
  if (tensor.dataLocation === TensorProto_DataLocation.EXTERNAL) {
    // Only reachable when external data could not be resolved; the resolver reports that case.
    return;
  }
  if (tensor.dims.some((d) => d < 0n)) {
    throw new ModelFormatError(`${what} declares shape ${shape} with a negative dimension; expected dimensions >= 0.`);
  }
  const product = tensor.dims.reduce((n, d) => n * d, 1n);
  if (product > MAX_ELEMENTS) {
    throw new ModelFormatError(`${what} declares shape ${shape}, ${product} elements; expected at most ${Number.MAX_SAFE_INTEGER}. The file is corrupt or hostile.`);
  }
  const count = Number(product);
  const typed = typedFieldOf(tensor.dataType);
  if (!typed) {
    throw new ModelFormatError(`${what} has data type code ${tensor.dataType}, which is not an ONNX tensor type; expected one of the TensorProto.DataType values.`);
  }
  const raw = tensor.rawData.byteLength;
  const present = (Object.keys(FIELD_NAMES) as TypedField[]).filter((f) => tensor[f].length > 0);
  const stray = present.filter((f) => f !== typed.field);
  if (stray.length > 0) {
    throw new ModelFormatError(
      `${what} (${dtypeName(tensor.dataType)}) holds values in ${stray.map((f) => FIELD_NAMES[f]).join(', ')}; expected ${tensor.dataType === DT.STRING ? 'string_data' : `raw_data or ${FIELD_NAMES[typed.field]}`} for that type.`,
    );
  }
  const typedCount = tensor[typed.field].length;
  if (tensor.dataType === DT.STRING) {
    if (raw > 0) throw new ModelFormatError(`${what} is a string tensor with raw_data; expected its values in string_data.`);
    if (typedCount !== count) {
      throw new ModelFormatError(`${what} (string, shape ${shape}) should hold ${count} strings but holds ${typedCount}; the file is corrupt.`);
    }
    return;
  }
  if (raw > 0 && typedCount > 0) {
    throw new ModelFormatError(`${what} holds both raw_data and ${FIELD_NAMES[typed.field]}; expected its values in one of them.`);
  }
  if (typedCount > 0) {
    const bits = SUB_BYTE_BITS[tensor.dataType];
    const expected = count * typed.perElement;
    // Sub-byte types are packed into the typed field as whole bytes; one value per entry is accepted too.
    const packed = bits === undefined ? expected : Math.ceil((count * bits) / 8);
    if (typedCount !== expected && typedCount !== packed) {
      throw new ModelFormatError(
        `${what} (${dtypeName(tensor.dataType)}, shape ${shape}) should hold ${packed} values in ${FIELD_NAMES[typed.field]} but holds ${typedCount}; the file is corrupt.`,
      );
    }
    return;
  }
  const expected = rawByteLength(tensor.dataType, count);
  if (expected !== raw) {
    throw new ModelFormatError(
      raw === 0
        ? `${what} (${dtypeName(tensor.dataType)}, shape ${shape}) holds no data; expected ${expected} bytes of raw_data or ${count * typed.perElement} values in ${FIELD_NAMES[typed.field]}.`
        : `${what} (${dtypeName(tensor.dataType)}, shape ${shape}) should hold ${expected} bytes of raw data but holds ${raw}; the file is corrupt or was cut short.`,
    );
  }
}
