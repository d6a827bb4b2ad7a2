import type { Feeds } from '../tensor-data';
import { parseNpy } from './npy';
import { SampleFormatError } from './sample-error';
import { listZipEntries, readZipEntry } from './zip';

/**
 * Parses an `.npz` archive (numpy.savez / savez_compressed: a zip of `.npy` files, stored or
 * deflated, zip64 headers included) into named tensors; `x.npy` becomes `x`. Throws
 * SampleFormatError naming `file` (and the entry) for damaged archives or arrays.
 */
export function parseNpz(bytes: Uint8Array, file: string): Feeds {
  const out: Feeds = {};
  for (const entry of listZipEntries(bytes, file)) {
    if (entry.name.endsWith('/')) continue;
    const name = entry.name.replace(/\.npy$/, '');
    if (!entry.name.endsWith('.npy')) {
      throw new SampleFormatError(file, `the archive holds '${entry.name}'; expected only .npy arrays.`);
    }
    out[name] = parseNpy(readZipEntry(bytes, entry, file), `${file}:${entry.name}`);
  }
  if (Object.keys(out).length === 0) throw new SampleFormatError(file, 'the .npz archive holds no arrays.');
  return out;
}
