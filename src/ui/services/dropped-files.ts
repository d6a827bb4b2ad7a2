import type { SampleFile } from '../../../workers/eval-api';

/** A dropped or picked file with its path inside what was dropped ('/'-separated; just the name for a loose file). */
export interface DroppedFile {
  path: string;
  file: File;
}

/** The parts of the File and Directory Entries API a drop gives (webkitGetAsEntry). */
interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (e: unknown) => void): void };
}

/** A dropped file or folder could not be read (moved, deleted or unreadable since the drop). */
export class DropReadError extends Error {
  override name = 'DropReadError';
}

function unreadable(path: string, e: unknown): DropReadError {
  const why = e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e) ? String((e as { message: unknown }).message) : String(e);
  return new DropReadError(`'${path}' could not be read (${why}); expected files and folders the browser can open, still where they were when dropped.`);
}

async function walk(entry: EntryLike, prefix: string, out: DroppedFile[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail)).catch((e: unknown) => Promise.reject(unreadable(path, e)));
    out.push({ path, file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries hands out a directory in batches (100 in Chromium) until it returns none.
    for (;;) {
      const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail)).catch((e: unknown) => Promise.reject(unreadable(path, e)));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, `${path}/`, out);
    }
  }
}

/** A drop of exactly one folder is that folder's contents: its name is not part of the paths. */
function withoutSingleRoot(files: DroppedFile[]): DroppedFile[] {
  const roots = new Set(files.map((f) => (f.path.includes('/') ? f.path.slice(0, f.path.indexOf('/')) : '')));
  if (roots.size !== 1 || roots.has('')) return files;
  return files.map((f) => ({ path: f.path.slice(f.path.indexOf('/') + 1), file: f.file }));
}

const byPath = (a: DroppedFile, b: DroppedFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Everything a drop holds, folders walked. The entries must be taken during the drop event
 * itself (the browser empties the DataTransfer after it), so call this synchronously from the
 * handler; the walk then finishes asynchronously, or rejects with a DropReadError naming the path.
 */
export function collectDropped(dt: DataTransfer): Promise<DroppedFile[]> {
  const items = [...(dt.items ?? [])].filter((i) => i.kind === 'file');
  const entries = items.map((i) => (typeof i.webkitGetAsEntry === 'function' ? (i.webkitGetAsEntry() as EntryLike | null) : null));
  const plain = [...dt.files];
  if (entries.length === 0 || entries.some((e) => e === null) || !entries.some((e) => e!.isDirectory)) {
    return Promise.resolve(plain.map((file) => ({ path: file.name, file })));
  }
  return (async () => {
    const out: DroppedFile[] = [];
    for (const entry of entries) await walk(entry!, '', out);
    return withoutSingleRoot(out).sort(byPath);
  })();
}

/** Files from a file input: a folder picked with webkitdirectory carries each file's path below that folder. */
export function pickedFiles(list: Iterable<File>): DroppedFile[] {
  const files = [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  return withoutSingleRoot(files).sort(byPath);
}

/** What crosses to a worker: paths and the Files themselves (Blobs are passed by reference, not copied). */
export function toSampleFiles(files: readonly DroppedFile[]): SampleFile[] {
  return files.map((f) => ({ path: f.path, blob: f.file }));
}
