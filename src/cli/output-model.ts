import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { EncodedModel } from '../core/onnx/external-output';
import { throwIfAborted } from '../core/util/abort';
import { OutputFileError } from './cli-errors';
import { writeFileAtomic } from './model-file';
import { shownPath } from './shown-path';

/** The external data file's name for an output written to `path`: beside it, `<name>.data`. */
export function externalDataName(path: string): string {
  return `${basename(path)}.data`;
}

/** Where an encoded output's external data file goes: beside the .onnx, by its location. */
export function externalDataPath(path: string, encoded: EncodedModel): string | undefined {
  return encoded.external && join(dirname(resolve(path)), encoded.external.location);
}

/** Writes the pieces one after another into a temporary file, flushed, then renamed over `path`. */
async function writePiecesAtomic(path: string, pieces: readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
  const temp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      let position = 0;
      for (const piece of pieces) {
        throwIfAborted(signal);
        for (let done = 0; done < piece.byteLength; ) {
          const { bytesWritten } = await handle.write(piece, done, piece.byteLength - done, position);
          done += bytesWritten;
          position += bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    if ((e as Error).name === 'AbortError') throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `the folder '${shownPath(dirname(path))}' does not exist` : code === 'ENOSPC' ? 'the disk is full' : (e as Error).message;
    throw new OutputFileError(`Cannot write '${shownPath(path)}': ${reason}.`);
  }
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
