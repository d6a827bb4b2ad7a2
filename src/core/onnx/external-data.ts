import { TensorProto_DataLocation, type ModelProto, type TensorProto } from './schema';
import { listWeights } from '../ir/walk';
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
  const offset = Number(entry('offset') ?? 0);
  const lengthText = entry('length');
  return { location, offset, length: lengthText === undefined ? undefined : Number(lengthText) };
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
  | ((location: string) => Uint8Array<ArrayBuffer> | undefined);

/**
 * Points every external tensor at a view of its bytes in the supplied files, so the rest of
 * the core sees ordinary raw data. Mutates the freshly decoded message it is given.
 */
export function resolveExternalData(model: ModelProto, files: ExternalFiles): void {
  for (const { tensor } of listWeights(model)) {
    if (tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue;
    const ref = externalRef(tensor);
    const location = safeRelativeLocation(ref.location);
    const file = typeof files === 'function' ? files(location) : files.get(location);
    if (!file) {
      throw new ExternalDataError(
        `Tensor '${tensor.name}' keeps its data in '${location}', which was not supplied. Add that file next to the model (or drop it together with the model).`,
      );
    }
    const length = ref.length ?? file.byteLength - ref.offset;
    if (ref.offset < 0 || length < 0 || ref.offset + length > file.byteLength) {
      throw new ExternalDataError(
        `Tensor '${tensor.name}' reads bytes ${ref.offset}..${ref.offset + length} of '${location}', but that file has ${file.byteLength} bytes.`,
      );
    }
    tensor.rawData = file.subarray(ref.offset, ref.offset + length);
    tensor.externalData = [];
    tensor.dataLocation = TensorProto_DataLocation.DEFAULT;
  }
}
