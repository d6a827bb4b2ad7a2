import type { StoredFile, WorkspaceStorage } from './storage';

/**
 * Storage in memory, for tests and for browsers with neither OPFS nor IndexedDB. With `quotaBytes`
 * a write that would go over it fails as the browser's does (a DOMException named QuotaExceededError)
 * and leaves the file as it was.
 */
export function createMemoryStorage(options: { quotaBytes?: number } = {}) {
  const files = new Map<string, Blob>();
  const used = (): number => [...files.values()].reduce((n, b) => n + b.size, 0);
  const storage: WorkspaceStorage = {
    kind: 'memory',
    async write(path, data) {
      const after = used() - (files.get(path)?.size ?? 0) + data.size;
      if (options.quotaBytes !== undefined && after > options.quotaBytes) {
        throw new DOMException(`Writing ${path} needs ${after} bytes; the quota is ${options.quotaBytes}.`, 'QuotaExceededError');
      }
      // A copy, as a real store keeps its own bytes.
      files.set(path, new Blob([await data.arrayBuffer()], { type: data.type }));
    },
    read: async (path) => files.get(path) ?? null,
    async remove(path) {
      files.delete(path);
    },
    list: async (prefix): Promise<StoredFile[]> =>
      [...files.entries()]
        .filter(([p]) => p.startsWith(prefix))
        .map(([path, b]) => ({ path, size: b.size }))
        .sort((a, b) => a.path.localeCompare(b.path)),
  };
  return Object.assign(storage, { files, used });
}
