import type { DTypeName } from '../../ir/dtype';
import type { TensorData, TensorValues } from '../tensor-data';
import { SampleFormatError } from './sample-error';

/** NumPy's `.npy` format: magic, version, a little-endian header length, a Python dict literal, then the data. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyType {
  dtype: DTypeName;
  bytes: number;
  make: (buffer: ArrayBuffer, count: number) => TensorValues;
}

/** NumPy kind+size (without the byte-order character) to our dtype. */
const TYPES: Record<string, NpyType> = {
  b1: { dtype: 'bool', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  i1: { dtype: 'int8', bytes: 1, make: (b, n) => new Int8Array(b, 0, n) },
  u1: { dtype: 'uint8', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  i2: { dtype: 'int16', bytes: 2, make: (b, n) => new Int16Array(b, 0, n) },
  u2: { dtype: 'uint16', bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  i4: { dtype: 'int32', bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  u4: { dtype: 'uint32', bytes: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  i8: { dtype: 'int64', bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  u8: { dtype: 'uint64', bytes: 8, make: (b, n) => new BigUint64Array(b, 0, n) },
  f2: { dtype: 'float16', bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  f4: { dtype: 'float32', bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  f8: { dtype: 'float64', bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
};

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function hostIsLittleEndian(): boolean {
  return new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
}

/** Reads the header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. */
function parseHeader(text: string, file: string): NpyHeader {
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      throw new SampleFormatError(file, 'the .npy array has a structured (record) dtype; expected a plain numeric array.');
    }
    throw new SampleFormatError(file, `the .npy header '${text.trim().slice(0, 120)}' lacks descr, fortran_order or shape; expected a NumPy array header.`);
  }
  const parts = shape[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const dims = parts.map((p) => Number(p.replace(/L$/, '')));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new SampleFormatError(file, `the .npy shape (${shape[1]}) is not a tuple of sizes; expected non-negative integers.`);
  }
  return { descr: descr[2]!, fortranOrder: fortran[1] === 'True', shape: dims };
}

function byteSwap(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Parses a `.npy` file (format versions 1 to 3) into a tensor. All numeric dtypes and bool,
 * little or big endian, C order. The values are copied into a fresh, aligned buffer in the
 * host's byte order. Throws SampleFormatError naming `file` for Fortran-order, object,
 * string, complex or structured arrays and for truncated or malformed files.
 */
export function parseNpy(bytes: Uint8Array, file: string): TensorData {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new SampleFormatError(file, 'not a .npy file: expected it to start with \\x93NUMPY.');
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new SampleFormatError(file, `.npy format version ${major}.${bytes[7]} is unknown; expected 1.0, 2.0 or 3.0.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new SampleFormatError(file, 'the .npy file ends inside its header.');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLength;
  if (dataStart > bytes.length) {
    throw new SampleFormatError(file, `the .npy header claims ${headerLength} bytes but the file has ${bytes.length - 8 - lenBytes} after the preamble.`);
  }
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  const header = parseHeader(decoder.decode(bytes.subarray(8 + lenBytes, dataStart)), file);
  if (header.fortranOrder) {
    throw new SampleFormatError(file, 'the array is stored in Fortran (column-major) order; expected C order (save it with np.ascontiguousarray first).');
  }
  const order = header.descr[0]!;
  const kind = /^[<>|=]/.test(header.descr) ? header.descr.slice(1) : header.descr;
  const type = TYPES[kind === '?' ? 'b1' : kind];
  if (!type) {
    const what = kind.startsWith('O') ? 'object' : kind.startsWith('U') || kind.startsWith('S') ? 'string' : kind.startsWith('c') ? 'complex' : `'${header.descr}'`;
    throw new SampleFormatError(file, `the array has ${what} dtype; expected a numeric or bool dtype (i1..i8, u1..u8, f2, f4, f8, b1).`);
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const byteLength = count * type.bytes;
  if (bytes.length - dataStart < byteLength) {
    throw new SampleFormatError(
      file,
      `the data is truncated: shape (${header.shape.join(', ')}) of ${kind} needs ${byteLength} bytes, found ${bytes.length - dataStart}.`,
    );
  }
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(dataStart, dataStart + byteLength));
  // '=' (the writer's native order) is taken as little endian, which NumPy writers all are in practice.
  const bigEndian = order === '>';
  if (type.bytes > 1 && bigEndian === hostIsLittleEndian()) byteSwap(copy, type.bytes);
  return { dtype: type.dtype, dims: header.shape, data: type.make(copy.buffer, count) };
}
