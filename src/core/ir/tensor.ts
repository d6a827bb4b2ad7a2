import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, TensorProto_DataLocation, type TensorProto } from '../onnx/schema';
import { DT, dtypeName, rawByteLength } from './dtype';
import { float16BitsToFloat32 } from './fp16';
import { UnsupportedModelError } from '../util/errors';
import { CHECK_EVERY, noCheckpoint, type Checkpoint } from '../util/checkpoint';

export function tensorDims(t: TensorProto): number[] {
  return t.dims.map((d) => Number(d));
}

export function elementCount(t: TensorProto): number {
  return t.dims.reduce((n, d) => n * Number(d), 1);
}

/** Bytes the tensor's values occupy when stored as raw data (what it costs in the file). */
export function tensorByteLength(t: TensorProto): number {
  if (t.dataType === DT.STRING) return t.stringData.reduce((n, s) => n + s.byteLength, 0);
  return rawByteLength(t.dataType, elementCount(t));
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

/**
 * The first `count` little-endian float32 values of `raw` as an aligned copy. Copied by hand: a
 * Node Buffer's slice() is a view into its pool, not a copy, so `raw.slice().buffer` misreads.
 */
export function copyFloat32(raw: Uint8Array, count: number, check: Checkpoint = noCheckpoint): Float32Array {
  const copy = new Uint8Array(count * 4);
  // In pieces with a checkpoint between them: one memcpy of a 200 MB tensor holds the thread for a second on a busy machine.
  const piece = 64 * CHECK_EVERY;
  for (let from = 0; from < copy.length; from += piece) {
    check();
    copy.set(raw.subarray(from, Math.min(copy.length, from + piece)), from);
  }
  return new Float32Array(copy.buffer);
}

/**
 * The values of a floating-point tensor as float32. Returns a view into the tensor's
 * raw bytes when they are float32 and 4-byte aligned; otherwise a converted copy.
 */
export function readFloat32(t: TensorProto, check: Checkpoint = noCheckpoint): Float32Array {
  const n = elementCount(t);
  if (isExternal(t)) {
    throw new UnsupportedModelError(`Tensor '${t.name}' still points at external data; decode the model with its data files.`);
  }
  const raw = t.rawData;
  const hasRaw = raw.byteLength > 0 || n === 0;
  switch (t.dataType) {
    case DT.FLOAT: {
      if (!hasRaw) return Float32Array.from(t.floatData);
      if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, n);
      return copyFloat32(raw, n, check);
    }
    case DT.FLOAT16: {
      const out = new Float32Array(n);
      if (!hasRaw) {
        // float16 values sit as bit patterns in int32_data when raw_data is absent.
        for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(t.int32Data[i]! & 0xffff);
        return out;
      }
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(dv.getUint16(i * 2, true));
      return out;
    }
    case DT.DOUBLE: {
      if (!hasRaw) return Float32Array.from(t.doubleData);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      return out;
    }
    default:
      throw new UnsupportedModelError(`Tensor '${t.name}' has dtype ${dtypeName(t.dataType)}; expected float32, float16 or float64.`);
  }
}

/** Integer tensor values (int64/int32) as numbers, for shape-like constants. */
export function readIntegers(t: TensorProto): number[] {
  const n = elementCount(t);
  const raw = t.rawData;
  if (t.dataType === DT.INT64) {
    if (raw.byteLength === 0) return t.int64Data.map((v) => Number(v));
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: n }, (_, i) => Number(dv.getBigInt64(i * 8, true)));
  }
  if (t.dataType === DT.INT32) {
    if (raw.byteLength === 0) return [...t.int32Data];
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: n }, (_, i) => dv.getInt32(i * 4, true));
  }
  throw new UnsupportedModelError(`Tensor '${t.name}' has dtype ${dtypeName(t.dataType)}; expected int32 or int64.`);
}

/** A new tensor whose data is the given raw little-endian bytes (kept by reference). */
export function makeRawTensor(name: string, dataType: number, dims: readonly number[], raw: Uint8Array<ArrayBuffer>): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType,
    dims: dims.map((d) => BigInt(d)),
    rawData: raw,
  });
}

export function makeFloatTensor(name: string, dims: readonly number[], values: Float32Array<ArrayBuffer>): TensorProto {
  return makeRawTensor(name, DT.FLOAT, dims, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function makeInt64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const arr = new BigInt64Array(values.map((v) => BigInt(v)));
  return makeRawTensor(name, DT.INT64, dims, new Uint8Array(arr.buffer));
}
