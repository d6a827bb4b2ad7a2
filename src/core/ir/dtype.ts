import { TensorProto_DataType as DT } from '../onnx/schema';

export type DTypeName =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'complex64' | 'complex128' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4'
  | 'float4e2m1' | 'float8e8m0' | 'uint2' | 'int2' | 'undefined';

interface DTypeInfo {
  name: DTypeName;
  /** Bits per element in raw_data; 0 for strings. */
  bits: number;
  float: boolean;
}

const TABLE: Record<number, DTypeInfo> = {
  [DT.UNDEFINED]: { name: 'undefined', bits: 0, float: false },
  [DT.FLOAT]: { name: 'float32', bits: 32, float: true },
  [DT.UINT8]: { name: 'uint8', bits: 8, float: false },
  [DT.INT8]: { name: 'int8', bits: 8, float: false },
  [DT.UINT16]: { name: 'uint16', bits: 16, float: false },
  [DT.INT16]: { name: 'int16', bits: 16, float: false },
  [DT.INT32]: { name: 'int32', bits: 32, float: false },
  [DT.INT64]: { name: 'int64', bits: 64, float: false },
  [DT.STRING]: { name: 'string', bits: 0, float: false },
  [DT.BOOL]: { name: 'bool', bits: 8, float: false },
  [DT.FLOAT16]: { name: 'float16', bits: 16, float: true },
  [DT.DOUBLE]: { name: 'float64', bits: 64, float: true },
  [DT.UINT32]: { name: 'uint32', bits: 32, float: false },
  [DT.UINT64]: { name: 'uint64', bits: 64, float: false },
  [DT.COMPLEX64]: { name: 'complex64', bits: 64, float: true },
  [DT.COMPLEX128]: { name: 'complex128', bits: 128, float: true },
  [DT.BFLOAT16]: { name: 'bfloat16', bits: 16, float: true },
  [DT.FLOAT8E4M3FN]: { name: 'float8e4m3fn', bits: 8, float: true },
  [DT.FLOAT8E4M3FNUZ]: { name: 'float8e4m3fnuz', bits: 8, float: true },
  [DT.FLOAT8E5M2]: { name: 'float8e5m2', bits: 8, float: true },
  [DT.FLOAT8E5M2FNUZ]: { name: 'float8e5m2fnuz', bits: 8, float: true },
  [DT.UINT4]: { name: 'uint4', bits: 4, float: false },
  [DT.INT4]: { name: 'int4', bits: 4, float: false },
  [DT.FLOAT4E2M1]: { name: 'float4e2m1', bits: 4, float: true },
  [DT.FLOAT8E8M0]: { name: 'float8e8m0', bits: 8, float: true },
  [DT.UINT2]: { name: 'uint2', bits: 2, float: false },
  [DT.INT2]: { name: 'int2', bits: 2, float: false },
};

function info(dataType: number): DTypeInfo {
  return TABLE[dataType] ?? { name: 'undefined', bits: 0, float: false };
}

export function dtypeName(dataType: number): DTypeName {
  return info(dataType).name;
}

export function isFloatDType(dataType: number): boolean {
  return info(dataType).float;
}

/** Bytes a tensor of `count` elements takes in raw_data (sub-byte types packed, rounded up). */
export function rawByteLength(dataType: number, count: number): number {
  return Math.ceil((info(dataType).bits * count) / 8);
}

export { DT };
