import type { DTypeName } from '../../ir/dtype';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../ir/fp16';
import type { IOSpecLike } from '../io-spec';
import type { TensorData, TensorValues } from '../tensor-data';
import { SampleFormatError } from './sample-error';

const INT_RANGES: Partial<Record<DTypeName, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  bool: [0, 1],
};

const INT_ARRAYS: Partial<Record<DTypeName, (n: number) => TensorValues>> = {
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  int16: (n) => new Int16Array(n),
  uint16: (n) => new Uint16Array(n),
  int32: (n) => new Int32Array(n),
  uint32: (n) => new Uint32Array(n),
  bool: (n) => new Uint8Array(n),
};

function reader(t: TensorData, file: string): (i: number) => number {
  const d = t.data;
  if (Array.isArray(d)) throw new SampleFormatError(file, 'the array holds strings; expected numbers.');
  if (t.dtype === 'float16' && d instanceof Uint16Array) return (i) => float16BitsToFloat32(d[i]!);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return (i) => Number(d[i]!);
  return (i) => d[i]!;
}

/**
 * The tensor's values in `dtype`. Floats convert freely; integer and bool targets take only
 * integral values in range (a sample of 0.5 for a token-id input is an error, not a truncation).
 */
export function castTensor(t: TensorData, dtype: DTypeName, file: string, input: string): TensorData {
  if (t.dtype === dtype) return t;
  const n = t.data.length;
  const get = reader(t, file);
  if (dtype === 'float32') return { dtype, dims: t.dims, data: Float32Array.from({ length: n }, (_, i) => get(i)) };
  if (dtype === 'float64') return { dtype, dims: t.dims, data: Float64Array.from({ length: n }, (_, i) => get(i)) };
  if (dtype === 'float16') return { dtype, dims: t.dims, data: Uint16Array.from({ length: n }, (_, i) => float32ToFloat16Bits(get(i))) };
  const range = INT_RANGES[dtype];
  if (!range) throw new SampleFormatError(file, `input '${input}' has dtype ${dtype}, which samples cannot be converted to; expected a numeric or bool input.`);
  const [min, max] = range;
  for (let i = 0; i < n; i++) {
    const v = get(i);
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new SampleFormatError(file, `item ${i} is ${v}, which input '${input}' (${dtype}) cannot hold; expected integers from ${min} to ${max}.`);
    }
  }
  if (dtype === 'int64') return { dtype, dims: t.dims, data: BigInt64Array.from({ length: n }, (_, i) => BigInt(get(i))) };
  if (dtype === 'uint64') return { dtype, dims: t.dims, data: BigUint64Array.from({ length: n }, (_, i) => BigInt(get(i))) };
  const data = INT_ARRAYS[dtype]!(n) as Exclude<TensorValues, string[] | BigInt64Array | BigUint64Array>;
  for (let i = 0; i < n; i++) data[i] = get(i);
  return { dtype, dims: t.dims, data };
}

/** The size an input's axis must have, or undefined when any size is accepted (symbolic or unknown). */
function fixedDim(spec: IOSpecLike, axis: number, dims: Readonly<Record<string, number>>): number | undefined {
  const byAxis = dims[`${spec.name}[${axis}]`];
  if (byAxis !== undefined) return byAxis;
  const d = spec.shape?.[axis];
  if (typeof d === 'number' && d >= 0) return d;
  if (typeof d === 'string' && d !== '' && d !== '?' && dims[d] !== undefined) return dims[d];
  return undefined;
}

/**
 * Fits a loaded array to a model input: leading size-1 axes are added (a batch of one) or
 * dropped until the ranks match, each axis must match the input's fixed sizes (or the sizes
 * set in `dims`), and the values are cast to the input's dtype. Throws SampleFormatError naming
 * the file, the input and both shapes.
 */
export function fitToInput(t: TensorData, spec: IOSpecLike, dims: Readonly<Record<string, number>>, file: string): TensorData {
  const shape = spec.shape;
  const tDims = [...t.dims];
  if (shape) {
    while (tDims.length < shape.length) tDims.unshift(1);
    while (tDims.length > shape.length && tDims[0] === 1) tDims.shift();
    const declared = shape.map((d, axis) => fixedDim(spec, axis, dims) ?? (d === null ? '?' : String(d)));
    const wrong = tDims.length !== shape.length || tDims.some((d, axis) => {
      const want = fixedDim(spec, axis, dims);
      return want !== undefined && want !== d;
    });
    if (wrong) {
      throw new SampleFormatError(file, `the array has shape [${t.dims.join(', ')}]; input '${spec.name}' expects [${declared.join(', ')}].`);
    }
  }
  const dtype = spec.dtype as DTypeName;
  return castTensor({ ...t, dims: tDims }, dtype, file, spec.name);
}
