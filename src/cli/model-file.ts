import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decodeModel } from '../core/onnx/decode';
import { runnableBytes } from '../core/onnx/runnable-bytes';
import type { ModelIR } from '../core/ir/model';
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
 * Reads one external data file below the model's (real) folder. The location was already
 * normalised by the core; here links are resolved too, so a data file or a folder on its path
 * that is a symlink to somewhere outside the model's folder is refused, not read.
 */
function readExternalFile(root: string, location: string): { path: string; bytes: Uint8Array<ArrayBuffer> } | undefined {
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
    if (!statSync(real).isFile()) return undefined;
    return { path: file, bytes: ownBytes(readFileSync(real)) };
  } catch {
    return undefined;
  }
}

/**
 * Reads and decodes a model. External data locations are read from disk relative to the
 * model's folder (the core rejects locations that would leave it, and links leading out of it
 * are refused here); a missing data file is an ExternalDataError from the core.
 */
export function readModelFile(path: string, command: string): ModelFile {
  const bytes = readInputFile(path, command);
  const folder = dirname(resolve(path));
  const externalPaths: string[] = [];
  let root: string | undefined;
  const model = decodeModel(bytes, {
    externalFiles: (location) => {
      root ??= realpathSync(folder);
      const found = readExternalFile(root, location);
      if (!found) return undefined;
      externalPaths.push(found.path);
      return found.bytes;
    },
  });
  return { path, bytes, sizeBytes: bytes.byteLength, model, externalPaths };
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
  const temp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `the folder '${shownPath(dirname(path))}' does not exist` : describeFsError(e);
    throw new OutputFileError(`Cannot write '${shownPath(path)}': ${reason}.`);
  }
}
