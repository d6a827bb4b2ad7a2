import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SampleSource } from '../core/evaluate/loaders/sample-set';
import { UsageError } from './cli-errors';

/** A samples folder on disk: every file below it (hidden ones skipped), sorted by path. */
export interface SampleFolder {
  dir: string;
  sources: SampleSource[];
  /** True when every file lies in a subfolder: a folder per class, labelled by the folder names. */
  classFolders: boolean;
}

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, root, out);
    else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path).isFile())) out.push(relative(root, path).split(sep).join('/'));
  }
}

/** Lists a samples folder; files are read only when a loader asks. A folder that cannot be read is a usage error. */
export function readSampleFolder(dir: string, command: string, flag = '--inputs'): SampleFolder {
  let paths: string[] = [];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} '${dir}' is a file; expected a folder of samples.`, command);
    walk(dir, dir, paths);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read ${flag} '${dir}': ${code === 'ENOENT' ? 'no such folder' : e instanceof Error ? e.message : String(e)}.`, command);
  }
  paths = paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (paths.length === 0) throw new UsageError(`${flag} '${dir}' holds no files; expected sample files (images, .wav, .npy, .npz, .json).`, command);
  return {
    dir,
    sources: paths.map((path) => ({ path, read: async () => new Uint8Array(await readFile(join(dir, path))) })),
    classFolders: paths.every((p) => p.includes('/')),
  };
}
