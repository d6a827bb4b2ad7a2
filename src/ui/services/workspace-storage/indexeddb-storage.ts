import type { StoredFile, WorkspaceStorage } from './storage';

const DB_NAME = 'featherweight-workspace';
const STORE = 'files';

interface Row {
  path: string;
  blob: Blob;
  size: number;
}

const done = <T,>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('An IndexedDB request failed without saying why.'));
  });

/** Where OPFS is missing: files as Blobs in one IndexedDB object store keyed by path (each put is atomic). */
export async function createIndexedDbStorage(factory: IDBFactory = indexedDB): Promise<WorkspaceStorage> {
  const open = factory.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'path' });
  const db = await done(open);
  /** Runs one request in its own transaction and waits for the transaction to commit (a quota error surfaces there). */
  const run = <T,>(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = make(tx.objectStore(STORE));
      let result: T;
      request.onsuccess = () => (result = request.result);
      tx.oncomplete = () => resolve(result);
      tx.onabort = tx.onerror = () => reject(tx.error ?? request.error ?? new Error('An IndexedDB transaction was aborted without saying why.'));
    });
  return {
    kind: 'indexeddb',
    async write(path, data) {
      await run('readwrite', (s) => s.put({ path, blob: data, size: data.size } satisfies Row));
    },
    async read(path) {
      const row = (await run('readonly', (s) => s.get(path))) as Row | undefined;
      return row?.blob ?? null;
    },
    async remove(path) {
      await run('readwrite', (s) => s.delete(path));
    },
    async list(prefix) {
      const rows = (await run('readonly', (s) => s.getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`)))) as Row[];
      return rows.map((r): StoredFile => ({ path: r.path, size: r.size }));
    },
  };
}
