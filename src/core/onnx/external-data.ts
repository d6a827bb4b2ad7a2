import { TensorProto_DataLocation, type ModelProto, type TensorProto } from './schema';
import { listWeights } from '../ir/walk';
import { DT } from '../ir/dtype';
import { tensorByteLength } from '../ir/tensor';
import { ExternalDataError } from '../util/errors';

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
}

export function externalRef(t: TensorProto): ExternalRef {
  const entry = (key: string): string | undefined => t.externalData.find((e) => e.key === key)?.value;
  const location = entry('location');
  if (!location) throw new ExternalDataError(`Tensor '${t.name}' is marked external but names no location.`);
  const offsetText = entry('offset');
  const lengthText = entry('length');
  return {
    location,
    offset: offsetText === undefined ? 0 : byteCount(t, 'offset', offsetText),
    length: lengthText === undefined ? undefined : byteCount(t, 'length', lengthText),
  };
}

/** An external data offset or length: a non-negative whole number written in decimal. */
function byteCount(t: TensorProto, key: string, text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new ExternalDataError(`Tensor '${t.name}' has external data ${key} '${text}'; expected a non-negative whole number of bytes.`);
  }
  return value;
}

/**
 * Normalises an external data location relative to the model's folder and rejects any that
 * would leave it (absolute paths, drive letters, '..' above the root).
 */
export function safeRelativeLocation(location: string): string {
  const unified = location.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[a-zA-Z]:/.test(unified) || unified.includes('\0')) {
    throw new ExternalDataError(`External data location '${location}' is absolute; expected a path relative to the model's folder.`);
  }
  const parts: string[] = [];
  for (const part of unified.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        throw new ExternalDataError(`External data location '${location}' escapes the model's folder; expected a path inside it.`);
      }
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) throw new ExternalDataError(`External data location '${location}' names no file.`);
  return parts.join('/');
}

/** The distinct, validated external data files a model refers to. */
export function listExternalLocations(model: ModelProto): string[] {
  const set = new Set<string>();
  for (const { tensor } of listWeights(model)) {
    if (tensor.dataLocation === TensorProto_DataLocation.EXTERNAL) set.add(safeRelativeLocation(externalRef(tensor).location));
  }
  return [...set];
}

/**
 * External data files by normalised relative location: a map (dropped files) or a lookup
 * function (Node reads from disk on demand). Undefined means the file is not there.
 */
export type ExternalFiles =
  | ReadonlyMap<string, Uint8Array<ArrayBuffer>>
  | ((location: string) => Uint8Array<ArrayBuffer> | undefined)
  | ExternalFileReader;

/**
 * Reads external data tensor by tensor, for data files too large for one buffer (past 2 GiB):
 * each tensor gets its own bytes.
 */
export interface ExternalFileReader {
  /** The file's size in bytes, undefined when it is not there. */
  size(location: string): number | undefined;
  /** Bytes offset..offset + length of the file (within its size). */
  read(location: string, offset: number, length: number): Uint8Array<ArrayBuffer>;
}

/** A supplied file: its size, and a way to get a range of it. */
interface SuppliedFile {
  size: number;
  range(offset: number, length: number): Uint8Array<ArrayBuffer>;
}

function suppliedFile(files: ExternalFiles, location: string): SuppliedFile | undefined {
  if (typeof files === 'object' && 'read' in files) {
    const size = files.size(location);
    return size === undefined ? undefined : { size, range: (offset, length) => files.read(location, offset, length) };
  }
  const file = typeof files === 'function' ? files(location) : files.get(location);
  return file && { size: file.byteLength, range: (offset, length) => file.subarray(offset, offset + length) };
}

/**
 * Points every external tensor at a view of its bytes in the supplied files, so the rest of
 * the core sees ordinary raw data. Mutates the freshly decoded message it is given.
 */
export function resolveExternalData(model: ModelProto, files: ExternalFiles): void {
  for (const { tensor } of listWeights(model)) {
    if (tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue;
    const ref = externalRef(tensor);
    const location = safeRelativeLocation(ref.location);
    const file = suppliedFile(files, location);
    if (!file) {
      throw new ExternalDataError(
        `Tensor '${tensor.name}' keeps its data in '${location}', which was not supplied. Add that file next to the model (or drop it together with the model).`,
      );
    }
    // Without a length the tensor takes the bytes its shape needs (or the rest of the file for strings).
    const length = ref.length ?? (tensor.dataType === DT.STRING ? file.size - ref.offset : tensorByteLength(tensor));
    if (length < 0 || ref.offset + length > file.size) {
      throw new ExternalDataError(
        `Tensor '${tensor.name}' reads bytes ${ref.offset}..${ref.offset + length} of '${location}', but that file has ${file.size} bytes.`,
      );
    }
    tensor.rawData = file.range(ref.offset, length);
    tensor.externalData = [];
    tensor.dataLocation = TensorProto_DataLocation.DEFAULT;
  }
}
