import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decodeModel } from '../core/onnx/decode';
import { runnableBytes } from '../core/onnx/runnable-bytes';
import type { ModelIR } from '../core/ir/model';
import { throwIfAborted } from '../core/util/abort';
import { ExternalDataError } from '../core/util/errors';
import { OutputFileError, UsageError } from './cli-errors';
import { shownPath } from './shown-path';

/** A model read from disk, with its external data files resolved relative to its folder. */
export interface ModelFile {
  path: string;
  /** The .onnx file's bytes (weights in `model` are views into these and the data files). */
  bytes: Uint8Array<ArrayBuffer>;
  sizeBytes: number;
  model: ModelIR;
  /** Absolute paths of the external data files the model read. */
  externalPaths: string[];
  /** Their bytes, all together (0 without external data). */
  externalBytes: number;
}

/** A fresh Uint8Array over exactly the file's bytes (Node may hand back a slice of a shared pool). */
function ownBytes(buf: Buffer): Uint8Array<ArrayBuffer> {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer) {
    return new Uint8Array(buf.buffer);
  }
  return new Uint8Array(buf);
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Reads a whole input file; a path that cannot be read is a usage error (exit 2). */
export function readInputFile(path: string, command: string): Uint8Array<ArrayBuffer> {
  try {
    return ownBytes(readFileSync(path));
  } catch (e) {
    throw new UsageError(`Cannot read '${shownPath(path)}': ${describeFsError(e)}.`, command);
  }
}

/** Whether `path` (a real path) is `root` or lies below it. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Data files up to this size are read whole (weights are views into them); larger ones, which no
 * single buffer should hold (Node reads at most 2 GiB at once), are read tensor by tensor.
 */
export const WHOLE_FILE_READ_BYTES = 1 << 30;

/** An external data file found below the model's folder: its size and a way to read ranges. */
interface DataFile {
  path: string;
  size: number;
  range(offset: number, length: number): Uint8Array<ArrayBuffer>;
  close(): void;
}

/**
 * Opens one external data file below the model's (real) folder. The location was already
 * normalised by the core; here links are resolved too, so a data file or a folder on its path
 * that is a symlink to somewhere outside the model's folder is refused, not read.
 */
function openExternalFile(root: string, location: string, wholeFileBytes: number): DataFile | undefined {
  const file = join(root, location);
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  if (!isInside(root, real)) {
    throw new ExternalDataError(
      `External data location '${shownPath(location)}' resolves to '${shownPath(real)}', outside the model's folder '${shownPath(root)}' (through a symbolic link); expected a file inside that folder.`,
    );
  }
  try {
    const stats = statSync(real);
    if (!stats.isFile()) return undefined;
    if (stats.size <= wholeFileBytes) {
      const bytes = ownBytes(readFileSync(real));
      return { path: file, size: bytes.byteLength, range: (offset, length) => bytes.subarray(offset, offset + length), close: () => undefined };
    }
    const fd = openSync(real, 'r');
    return {
      path: file,
      size: stats.size,
      range(offset, length) {
        const out = new Uint8Array(length);
        for (let done = 0; done < length; ) {
          const n = readSync(fd, out, done, Math.min(length - done, WHOLE_FILE_READ_BYTES), offset + done);
          if (n === 0) throw new ExternalDataError(`'${shownPath(file)}' ended at byte ${offset + done} while a tensor was read from it; was it changed while being read?`);
          done += n;
        }
        return out;
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    if (e instanceof ExternalDataError) throw e;
    return undefined;
  }
}

/**
 * Reads and decodes a model. External data locations are read from disk relative to the
 * model's folder (the core rejects locations that would leave it, and links leading out of it
 * are refused here); a missing data file is an ExternalDataError from the core. Each data file
 * is opened once; one past WHOLE_FILE_READ_BYTES is read tensor by tensor.
 */
export function readModelFile(path: string, command: string, options: { wholeFileReadBytes?: number } = {}): ModelFile {
  const bytes = readInputFile(path, command);
  const folder = dirname(resolve(path));
  let root: string | undefined;
  const opened = new Map<string, DataFile | undefined>();
  const dataFile = (location: string): DataFile | undefined => {
    if (!opened.has(location)) {
      root ??= realpathSync(folder);
      opened.set(location, openExternalFile(root, location, options.wholeFileReadBytes ?? WHOLE_FILE_READ_BYTES));
    }
    return opened.get(location);
  };
  let model: ModelIR;
  try {
    model = decodeModel(bytes, {
      externalFiles: {
        size: (location) => dataFile(location)?.size,
        read: (location, offset, length) => dataFile(location)!.range(offset, length),
      },
    });
  } finally {
    for (const f of opened.values()) f?.close();
  }
  const found = [...opened.values()].filter((f): f is DataFile => f !== undefined);
  return { path, bytes, sizeBytes: bytes.byteLength, model, externalPaths: found.map((f) => f.path), externalBytes: found.reduce((n, f) => n + f.size, 0) };
}

/** Bytes for onnxruntime, by the core's rule (weights from external files go inline). */
export function runtimeBytes(file: ModelFile): Uint8Array<ArrayBuffer> {
  return runnableBytes({ bytes: file.bytes, model: file.model, externalFiles: file.externalPaths.length });
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** Refuses an output path that is the input model or one of its data files (a link to them included). */
export async function assertOutputIsNotInput(output: string, inputs: readonly string[], command: string): Promise<void> {
  for (const input of inputs) {
    if (await sameFile(output, input)) {
      throw new UsageError(`The output '${shownPath(output)}' is the input file '${shownPath(input)}'; choose another -o path (inputs are never overwritten).`, command);
    }
  }
}

/**
 * Writes the bytes next to the target under a temporary name, flushes them, then renames over
 * the target: readers see either the old file or the whole new one, never a partial write.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await writePiecesAtomic(path, [bytes]);
}

/** Like writeFileAtomic, with the file's bytes given as pieces written one after another (never joined). */
export async function writePiecesAtomic(path: string, pieces: readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
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
    const reason = code === 'ENOENT' ? `the folder '${shownPath(dirname(path))}' does not exist` : code === 'ENOSPC' ? 'the disk is full' : describeFsError(e);
    throw new OutputFileError(`Cannot write '${shownPath(path)}': ${reason}.`);
  }
}
