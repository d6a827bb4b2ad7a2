import { createIndexedDbStorage } from './indexeddb-storage';
import { createMemoryStorage } from './memory-storage';
import { createOpfsStorage, hasOpfs } from './opfs-storage';
import type { StorageKind, WorkspaceStorage } from './storage';

/**
 * The best storage this browser offers: OPFS, else IndexedDB, else memory (nothing survives a
 * reload; the studio says so). `prefer` picks one for tests.
 */
export async function openWorkspaceStorage(prefer?: StorageKind): Promise<WorkspaceStorage> {
  if ((prefer ?? 'opfs') === 'opfs' && hasOpfs()) {
    try {
      return await createOpfsStorage();
    } catch {
      // e.g. a private window that refuses the file system: IndexedDB may still work.
    }
  }
  if (prefer !== 'memory' && typeof indexedDB !== 'undefined') {
    try {
      return await createIndexedDbStorage();
    } catch {
      // IndexedDB disabled: memory only.
    }
  }
  return createMemoryStorage();
}
