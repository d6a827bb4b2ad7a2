import { DT } from '../../ir/dtype';
import { elementCount, isExternal, makeRawTensor, readFloat32, readIntegers, tensorDims } from '../../ir/tensor';
import type { TensorProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';

/**
 * A small tensor the constant evaluator computes with: values as plain numbers (int64 values
 * beyond 2^53 lose precision, which shape arithmetic never needs; INT64_MAX sentinels in Slice
 * stay "very large"). Only these element types are evaluated.
 */
export interface ConstTensor {
  dataType: number;
  dims: number[];
  data: number[];
}

export const EVALUATED_TYPES: ReadonlySet<number> = new Set([DT.FLOAT, DT.INT32, DT.INT64, DT.BOOL]);

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** The tensor's values, or undefined when its type is not evaluated or its data is external. */
export function fromTensorProto(t: TensorProto): ConstTensor | undefined {
  if (!EVALUATED_TYPES.has(t.dataType) || isExternal(t)) return undefined;
  const dims = tensorDims(t);
  const n = elementCount(t);
  let data: number[];
  if (t.dataType === DT.FLOAT) data = Array.from(readFloat32(t));
  else if (t.dataType === DT.BOOL) data = t.rawData.byteLength > 0 || n === 0 ? Array.from(t.rawData.subarray(0, n), (b) => (b ? 1 : 0)) : t.int32Data.map((b) => (b ? 1 : 0));
  else data = readIntegers(t);
  if (data.length !== n) throw new UnsupportedModelError(`Tensor '${t.name}' holds ${data.length} values for dims [${dims.join(', ')}]; expected ${n}.`);
  return { dataType: t.dataType, dims, data };
}

const INT64_MAX = 2n ** 63n - 1n;

function toInt64(v: number): bigint {
  if (!Number.isFinite(v)) return v > 0 ? INT64_MAX : -INT64_MAX - 1n;
  const b = BigInt(Math.trunc(v));
  return b > INT64_MAX ? INT64_MAX : b < -INT64_MAX - 1n ? -INT64_MAX - 1n : b;
}

/** A TensorProto holding the values (raw little-endian data). */
export function toTensorProto(name: string, c: ConstTensor): TensorProto {
  let raw: Uint8Array<ArrayBuffer>;
  switch (c.dataType) {
    case DT.FLOAT:
      raw = new Uint8Array(Float32Array.from(c.data).buffer);
      break;
    case DT.INT32:
      raw = new Uint8Array(Int32Array.from(c.data).buffer);
      break;
    case DT.INT64:
      raw = new Uint8Array(BigInt64Array.from(c.data, toInt64).buffer);
      break;
    case DT.BOOL:
      raw = Uint8Array.from(c.data, (v) => (v ? 1 : 0));
      break;
    default:
      throw new UnsupportedModelError(`The constant evaluator writes float32, int32, int64 and bool tensors; '${name}' has type ${c.dataType}.`);
  }
  return makeRawTensor(name, c.dataType, c.dims, raw);
}

/** A value stored as `dataType`: float32 rounding, int32 wrap-around, int64 truncation, bool 0/1. */
export function coerce(v: number, dataType: number): number {
  switch (dataType) {
    case DT.FLOAT:
      return Math.fround(v);
    case DT.INT32:
      return Number.isFinite(v) ? Math.trunc(v) | 0 : 0;
    case DT.INT64:
      // + 0 turns -0 into 0: integers have no signed zero.
      return Number.isFinite(v) ? Math.trunc(v) + 0 : v;
    case DT.BOOL:
      return v ? 1 : 0;
    default:
      return v;
  }
}
