import { toStorageError, StorageError, type StorageKind, type WorkspaceStorage } from './storage';

/** One file a workspace's manifest refers to, by its path inside the workspace (`variants/<key>.onnx`). */
export interface WorkspaceFile {
  path: string;
  /** The bytes; read only when the file is not stored yet (each file is written once). */
  blob: Blob;
  /** What it is, in words, for a quota error: `the variant int4`. */
  what: string;
}

export interface SaveRequest {
  /** The model's SHA-256: the workspace's key. */
  sha: string;
  /** The manifest, JSON-ready; written after every file it refers to. */
  manifest: unknown;
  files: readonly WorkspaceFile[];
  /**
   * The same manifest naming only the files that are stored already. When some stored files are no
   * longer wanted (a removed variant) and new ones are to be written, it is written first and the
   * unwanted files removed, so their room is free for the new ones and no step leaves a manifest
   * naming a missing file.
   */
  interim?: (isStored: (path: string) => boolean) => unknown;
}

/** A stored workspace: its manifest as stored (the caller validates it) and a reader for its files. */
export interface StoredWorkspace {
  sha: string;
  manifest: unknown;
  /** A file of this workspace; StorageError when it is missing. */
  read(path: string): Promise<Blob>;
}

export interface StorageUsage {
  kind: StorageKind;
  /** Bytes of the workspaces' files. */
  ownBytes: number;
  workspaces: number;
  /** navigator.storage.estimate() for the whole site, where the browser gives it. */
  usage: number | null;
  quota: number | null;
}

export interface WorkspaceRepository {
  readonly kind: StorageKind;
  /**
   * Writes the files not stored yet, then the manifest, then marks the workspace as the last one;
   * only then are the workspace's files that the manifest no longer names removed (earlier with an
   * interim manifest, see SaveRequest). A failed write (StorageQuotaError) leaves the stored
   * workspace readable, with everything it held that is still wanted.
   */
  save(request: SaveRequest): Promise<void>;
  /** The workspace saved last, or null. */
  last(): Promise<StoredWorkspace | null>;
  load(sha: string): Promise<StoredWorkspace | null>;
  /** Removes every stored workspace. */
  clear(): Promise<void>;
  usage(): Promise<StorageUsage>;
}

const ROOT = 'workspaces/';
const INDEX = 'index.json';
const MANIFEST = 'manifest.json';
const INDEX_VERSION = 1;

const json = (data: unknown): Blob => new Blob([JSON.stringify(data)], { type: 'application/json' });

/** Workspaces over a storage, one folder per model SHA-256; its operations run one after another. */
export function createWorkspaceRepository(storage: WorkspaceStorage, estimate: () => Promise<StorageEstimate | null> = browserEstimate): WorkspaceRepository {
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T,>(op: () => Promise<T>): Promise<T> => {
    const result = tail.then(op);
    tail = result.catch(() => undefined);
    return result;
  };
  /** Paths known to be stored, per workspace (listed once, then kept up to date). */
  const stored = new Map<string, Set<string>>();
  const dir = (sha: string): string => {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new StorageError(`'${sha}' is not a SHA-256; expected 64 lowercase hex digits.`);
    return `${ROOT}${sha}/`;
  };
  const known = async (sha: string): Promise<Set<string>> => {
    let set = stored.get(sha);
    if (!set) {
      const base = dir(sha);
      set = new Set((await storage.list(base)).map((f) => f.path.slice(base.length)));
      stored.set(sha, set);
    }
    return set;
  };
  const load = async (sha: string): Promise<StoredWorkspace | null> => {
    const base = dir(sha);
    let text: string;
    try {
      const blob = await storage.read(`${base}${MANIFEST}`);
      if (!blob) return null;
      text = await blob.text();
    } catch (e) {
      throw toStorageError(e, 'reading the saved workspace');
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch {
      throw new StorageError(`The saved workspace of model ${sha.slice(0, 12)}… is damaged (its manifest is not JSON); clear the stored workspaces to start again.`);
    }
    return {
      sha,
      manifest,
      async read(path) {
        const blob = await storage.read(`${base}${path}`).catch((e: unknown) => {
          throw toStorageError(e, `reading ${path}`);
        });
        if (!blob) throw new StorageError(`The saved workspace of model ${sha.slice(0, 12)}… lacks ${path}; expected it beside its manifest.`);
        return blob;
      },
    };
  };
  return {
    kind: storage.kind,
    save: (request) =>
      serial(async () => {
        const base = dir(request.sha);
        const have = await known(request.sha).catch((e: unknown) => {
          throw toStorageError(e, 'listing the saved workspace');
        });
        const wanted = new Set([MANIFEST, ...request.files.map((f) => f.path)]);
        const prune = async (): Promise<void> => {
          for (const path of [...have]) {
            if (wanted.has(path)) continue;
            await storage.remove(`${base}${path}`).catch(() => undefined);
            have.delete(path);
          }
        };
        const unwanted = [...have].some((p) => !wanted.has(p));
        const fresh = request.files.some((f) => !have.has(f.path));
        if (unwanted && fresh && request.interim && have.has(MANIFEST)) {
          try {
            await storage.write(`${base}${MANIFEST}`, json(request.interim((path) => have.has(path))));
          } catch (e) {
            throw toStorageError(e, 'the workspace list');
          }
          await prune();
        }
        for (const file of request.files) {
          if (have.has(file.path)) continue;
          try {
            await storage.write(`${base}${file.path}`, file.blob);
          } catch (e) {
            // A partly written file is not trusted: the next save writes it again.
            await storage.remove(`${base}${file.path}`).catch(() => undefined);
            throw toStorageError(e, file.what, file.blob.size);
          }
          have.add(file.path);
        }
        try {
          await storage.write(`${base}${MANIFEST}`, json(request.manifest));
          have.add(MANIFEST);
          await storage.write(INDEX, json({ version: INDEX_VERSION, last: request.sha }));
        } catch (e) {
          throw toStorageError(e, 'the workspace list');
        }
        await prune();
      }),
    last: () =>
      serial(async () => {
        let index: unknown;
        try {
          const blob = await storage.read(INDEX);
          if (!blob) return null;
          index = JSON.parse(await blob.text());
        } catch {
          return null;
        }
        const last = (index as { last?: unknown } | null)?.last;
        return typeof last === 'string' && /^[0-9a-f]{64}$/.test(last) ? load(last) : null;
      }),
    load: (sha) => serial(() => load(sha)),
    clear: () =>
      serial(async () => {
        try {
          for (const f of await storage.list(ROOT)) await storage.remove(f.path);
          await storage.remove(INDEX);
        } catch (e) {
          throw toStorageError(e, 'clearing the stored workspaces');
        } finally {
          stored.clear();
        }
      }),
    usage: () =>
      serial(async () => {
        const files = await storage.list(ROOT).catch(() => []);
        const workspaces = new Set(files.map((f) => f.path.slice(ROOT.length).split('/')[0])).size;
        const site = await estimate().catch(() => null);
        return {
          kind: storage.kind,
          ownBytes: files.reduce((n, f) => n + f.size, 0),
          workspaces,
          usage: site?.usage ?? null,
          quota: site?.quota ?? null,
        };
      }),
  };
}

async function browserEstimate(): Promise<StorageEstimate | null> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.estimate !== 'function') return null;
  return navigator.storage.estimate();
}
