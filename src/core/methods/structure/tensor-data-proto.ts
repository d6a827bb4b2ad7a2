import { dtypeName, rawByteLength, type DTypeName } from '../../ir/dtype';
import { makeRawTensor } from '../../ir/tensor';
import type { TensorData } from '../../evaluate/tensor-data';
import type { TensorProto } from '../../onnx/schema';

/** ONNX data type numbers by the names TensorData uses (every type dtype.ts knows). */
const CODES: ReadonlyMap<DTypeName, number> = new Map(
  Array.from({ length: 64 }, (_, code) => [dtypeName(code), code] as const).filter(([name]) => name !== 'undefined'),
);

/**
 * A TensorProto holding a runtime's output (a copy of its bytes, little-endian as typed arrays are
 * on every host this runs on), or undefined for strings and for data whose length does not match
 * its dims and type.
 */
export function tensorDataToProto(name: string, t: TensorData): TensorProto | undefined {
  const dataType = CODES.get(t.dtype);
  if (dataType === undefined || Array.isArray(t.data)) return undefined;
  const count = t.dims.reduce((n, d) => n * d, 1);
  const view = t.data;
  if (view.byteLength !== rawByteLength(dataType, count)) return undefined;
  const raw = new Uint8Array(view.byteLength);
  raw.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return makeRawTensor(name, dataType, t.dims, raw);
}
