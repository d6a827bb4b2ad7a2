import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isHiddenSamplePath } from '../core/evaluate/loaders/assemble-samples';
import type { SampleSource } from '../core/evaluate/loaders/sample-set';
import { UsageError } from './cli-errors';

/** A samples folder on disk: every file below it but hidden ones, read only when a loader asks (the core sorts them). */
export interface SampleFolder {
  dir: string;
  sources: SampleSource[];
}

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Hidden folders (.git) are not walked at all; the core would skip their files anyway.
    if (isHiddenSamplePath(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, root, out);
    else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path).isFile())) out.push(relative(root, path).split(sep).join('/'));
  }
}

/** Lists a samples folder (hidden files and `__MACOSX` left out); a folder that cannot be read, or holds no files, is a usage error. */
export function readSampleFolder(dir: string, command: string, flag = '--inputs'): SampleFolder {
  const paths: string[] = [];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} '${dir}' is a file; expected a folder of samples.`, command);
    walk(dir, dir, paths);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read ${flag} '${dir}': ${code === 'ENOENT' ? 'no such folder' : e instanceof Error ? e.message : String(e)}.`, command);
  }
  if (paths.length === 0) throw new UsageError(`${flag} '${dir}' holds no files; expected sample files (images, .wav, .npy, .npz, .json).`, command);
  return { dir, sources: paths.map((path) => ({ path, read: async () => new Uint8Array(await readFile(join(dir, path))) })) };
}
