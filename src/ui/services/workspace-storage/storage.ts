/** One stored file and its size in bytes. */
export interface StoredFile {
  path: string;
  size: number;
}

export type StorageKind = 'opfs' | 'indexeddb' | 'memory';

/**
 * Files on this device by path (`workspaces/<sha>/model.onnx`): the origin private file system,
 * IndexedDB where that is missing, or memory in tests. A write replaces a file whole: when it fails
 * (a full quota), the file keeps its previous content.
 */
export interface WorkspaceStorage {
  readonly kind: StorageKind;
  write(path: string, data: Blob): Promise<void>;
  /** The file, or null when there is none. */
  read(path: string): Promise<Blob | null>;
  /** Removes a file; a missing one is fine. */
  remove(path: string): Promise<void>;
  /** Every file whose path starts with `prefix`. */
  list(prefix: string): Promise<StoredFile[]>;
}

/** Storing failed: the browser's storage refused a write or a read. What was stored before is unchanged. */
export class StorageError extends Error {
  override readonly name: 'StorageError' | 'StorageQuotaError' = 'StorageError';
}

/** The browser's storage quota for this site is used up; the write that hit it stored nothing. */
export class StorageQuotaError extends StorageError {
  override readonly name = 'StorageQuotaError';
}

const MB = 1_000_000;

/** The browser's exception for a storage operation as a typed, readable error naming what was being stored. */
export function toStorageError(e: unknown, doing: string, bytes?: number): StorageError {
  if (e instanceof StorageError) return e;
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  const raw = e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e) ? String((e as { message: unknown }).message) : String(e);
  if (name === 'QuotaExceededError') {
    const size = bytes !== undefined ? ` (${(bytes / MB).toFixed(1)} MB)` : '';
    return new StorageQuotaError(
      `This browser's storage for the studio is full, so ${doing}${size} could not be saved. Everything saved before is kept; delete some variants or clear the stored workspaces to make room. (${raw})`,
    );
  }
  return new StorageError(`The browser's storage failed while ${doing}: ${raw}`);
}
