import { basename, dirname, join, resolve } from 'node:path';
import type { EncodedModel } from '../core/onnx/external-output';
import { writeFileAtomic, writePiecesAtomic } from './model-file';

/** The external data file's name for an output written to `path`: beside it, `<name>.data`. */
export function externalDataName(path: string): string {
  return `${basename(path)}.data`;
}

/** Where an encoded output's external data file goes: beside the .onnx, by its location. */
export function externalDataPath(path: string, encoded: EncodedModel): string | undefined {
  return encoded.external && join(dirname(resolve(path)), encoded.external.location);
}

/**
 * Writes an encoded output: its external data file first, streamed piece by piece (no buffer of
 * all the weights), then the .onnx that refers to it, each atomically. Returns the data file's path.
 */
export async function writeOutputModel(path: string, encoded: EncodedModel, signal?: AbortSignal): Promise<string | undefined> {
  const dataPath = externalDataPath(path, encoded);
  if (dataPath) await writePiecesAtomic(dataPath, encoded.external!.pieces, signal);
  await writeFileAtomic(path, encoded.model);
  return dataPath;
}
