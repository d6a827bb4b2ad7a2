import type { StoredFile, WorkspaceStorage } from './storage';

/** The async iteration of a directory's entries, which TypeScript's DOM library does not declare. */
interface IterableDirectory extends FileSystemDirectoryHandle {
  entries(): AsyncIterable<[string, FileSystemHandle]>;
}

/** True where the origin private file system can be written from the page (Chromium, Firefox; not Safari's main thread). */
export function hasOpfs(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof FileSystemFileHandle !== 'undefined' &&
    'createWritable' in FileSystemFileHandle.prototype
  );
}

/**
 * Files in the origin private file system, one directory per path segment. A write goes through
 * createWritable, whose swap file replaces the old content only when it is closed, so a failed
 * write (a full quota) leaves the file as it was.
 */
export async function createOpfsStorage(): Promise<WorkspaceStorage> {
  const root = await navigator.storage.getDirectory();
  const split = (path: string): { dirs: string[]; name: string } => {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (!name) throw new Error(`'${path}' is not a file path; expected segments such as workspaces/<sha>/model.onnx.`);
    return { dirs: parts, name };
  };
  const directory = async (dirs: readonly string[], create: boolean): Promise<FileSystemDirectoryHandle | null> => {
    let dir = root;
    for (const d of dirs) {
      try {
        dir = await dir.getDirectoryHandle(d, { create });
      } catch (e) {
        if (!create && (e as { name?: string }).name === 'NotFoundError') return null;
        throw e;
      }
    }
    return dir;
  };
  const walk = async (dir: FileSystemDirectoryHandle, base: string, out: StoredFile[]): Promise<void> => {
    for await (const [name, handle] of (dir as IterableDirectory).entries()) {
      const path = base ? `${base}/${name}` : name;
      if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, path, out);
      else out.push({ path, size: (await (handle as FileSystemFileHandle).getFile()).size });
    }
  };
  return {
    kind: 'opfs',
    async write(path, data) {
      const { dirs, name } = split(path);
      const dir = (await directory(dirs, true))!;
      const handle = await dir.getFileHandle(name, { create: true });
      const writable = await handle.createWritable();
      try {
        await writable.write(data);
        await writable.close();
      } catch (e) {
        await writable.abort().catch(() => undefined);
        throw e;
      }
    },
    async read(path) {
      const { dirs, name } = split(path);
      const dir = await directory(dirs, false);
      if (!dir) return null;
      try {
        return await (await dir.getFileHandle(name)).getFile();
      } catch (e) {
        if ((e as { name?: string }).name === 'NotFoundError') return null;
        throw e;
      }
    },
    async remove(path) {
      const { dirs, name } = split(path);
      const dir = await directory(dirs, false);
      if (!dir) return;
      await dir.removeEntry(name).catch((e: unknown) => {
        if ((e as { name?: string }).name !== 'NotFoundError') throw e;
      });
    },
    async list(prefix) {
      // Walks the deepest directory the prefix names in full, then filters by the rest.
      const parts = prefix.split('/');
      const dirs = parts.slice(0, -1).filter(Boolean);
      const dir = await directory(dirs, false);
      if (!dir) return [];
      const out: StoredFile[] = [];
      await walk(dir, dirs.join('/'), out);
      return out.filter((f) => f.path.startsWith(prefix)).sort((a, b) => a.path.localeCompare(b.path));
    },
  };
}
