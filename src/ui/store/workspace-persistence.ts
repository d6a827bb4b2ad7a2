import { recordModelSha256, registeredModelSha256 } from '../services/model-sha256';
import type { ModelRegistry } from '../services/types';
import type { StoredWorkspace, WorkspaceFile, WorkspaceRepository } from '../services/workspace-storage/workspace-repository';
import type { StudioStore } from './studio-store';
import { toUiError } from './ui-error';
import { parseManifest, type StoredRecipe } from './workspace-manifest';
import { externalPath, MODEL_PATH, PERSISTED_KEYS, restorePatch, storedRecipe, toManifest, variantPath } from './workspace-snapshot';

export interface WorkspacePersistence {
  /** Reads the last saved workspace back into the store; true when one was restored. */
  restoreLast(): Promise<boolean>;
  /** Starts a pending save now and waits for every save to finish. */
  flush(): Promise<void>;
  /** Stops saving (the store is left as it is). */
  stop(): void;
}

const busy = (status: string): boolean => status === 'running' || status === 'queued';

/**
 * Keeps the open workspace on this device: after each change (debounced) its files not stored yet
 * are written, then its manifest. A model that was saved before gets its stored variants and results
 * back when it is opened again, and on start the last workspace is restored. Storage failures go to
 * the store's storageError; what was stored before a failure stays.
 */
export function startWorkspacePersistence(store: StudioStore, registry: ModelRegistry, repo: WorkspaceRepository, options: { debounceMs?: number } = {}): WorkspacePersistence {
  const debounceMs = options.debounceMs ?? 400;
  /** Variant id -> its storage key, kept for the session. */
  const keys = new Map<string, string>();
  /** The model whose stored workspace has been read back (or found absent): only then is it saved. */
  let adopted: string | null = null;
  /** A model whose stored workspace could not be read: it is never overwritten this session. */
  let blocked: string | null = null;
  /** The recipe the compression in flight started with (the editor may change meanwhile). */
  let compressRecipe: StoredRecipe | null = null;
  let suspended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();
  let keyCounter = 0;

  const shaOf = (id: string): Promise<string> => registeredModelSha256(registry, id);
  const keyOf = (variantId: string): string => {
    let key = keys.get(variantId);
    if (!key) {
      keyCounter += 1;
      key = `${Date.now().toString(36)}-${keyCounter}-${Math.random().toString(36).slice(2, 8)}`;
      keys.set(variantId, key);
    }
    return key;
  };

  const save = async (): Promise<void> => {
    const s = store.getState();
    const model = s.model;
    if (!model || !s.summary || adopted !== model.id || blocked === model.id) return;
    const modelFiles = registry.get(model.id);
    if (!modelFiles) return;
    try {
      const sha = await shaOf(model.id);
      const files: WorkspaceFile[] = [{ path: MODEL_PATH, blob: modelFiles.model, what: `the model ${model.name}` }];
      const external = [...modelFiles.external];
      external.forEach(([name, blob], i) => files.push({ path: externalPath(i), blob, what: `the external data file ${name}` }));
      // A variant whose bytes are gone (removed meanwhile) is left out of the manifest.
      const variants = s.variants.filter((v) => registry.get(v.id));
      for (const v of variants) files.push({ path: variantPath(keyOf(v.id)), blob: registry.get(v.id)!.model, what: `the variant ${v.label}` });
      // A variant past 2 GB has its weights in a data file: stored beside its .onnx, as `<path>.data`.
      for (const v of variants) {
        const data = v.externalDataFile && registry.get(v.id)!.external.get(v.externalDataFile);
        if (data) files.push({ path: `${variantPath(keyOf(v.id))}.data`, blob: data, what: `the data file of the variant ${v.label}` });
      }
      const manifest = toManifest({ ...s, variants }, sha, keyOf, busy(s.compressStatus) ? compressRecipe : null);
      manifest.model.external = manifest.model.external.map((e, i) => ({ ...e, size: external[i]?.[1].size ?? 0 }));
      const interim = (isStored: (path: string) => boolean) => {
        const stored = (v: (typeof variants)[number]) => isStored(variantPath(keyOf(v.id))) && (!v.externalDataFile || isStored(`${variantPath(keyOf(v.id))}.data`));
        const kept = toManifest({ ...s, variants: variants.filter(stored) }, sha, keyOf, null);
        return { ...kept, model: manifest.model };
      };
      await repo.save({ sha, manifest, files, interim });
      const error = store.getState().storageError;
      if (error && (error.name === 'StorageQuotaError' || error.name === 'StorageError')) store.setState({ storageError: null });
    } catch (e) {
      store.setState({ storageError: toUiError(e) });
    }
    await store.getState().refreshStorageUsage();
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      saving = saving.then(save);
    }, debounceMs);
  };

  /** Registers a stored workspace's variants and merges it into the open one (model `modelId`). */
  const adopt = async (modelId: string, known?: StoredWorkspace): Promise<void> => {
    const added: string[] = [];
    try {
      const stored = known ?? (await repo.load(await shaOf(modelId)));
      if (!stored || store.getState().model?.id !== modelId) return;
      let manifest;
      try {
        manifest = parseManifest(stored.manifest);
      } catch (e) {
        blocked = modelId;
        throw e;
      }
      const idOf = new Map<string, string>();
      for (const v of manifest.variants) {
        const blob = await stored.read(v.path);
        const external = new Map<string, Blob>(v.externalDataFile ? [[v.externalDataFile, await stored.read(`${v.path}.data`)]] : []);
        const id = registry.add({ name: v.fileName, model: blob, external });
        added.push(id);
        idOf.set(v.key, id);
        keys.set(id, v.key);
      }
      if (store.getState().model?.id !== modelId) {
        for (const id of added) registry.remove(id);
        return;
      }
      store.setState(restorePatch(store.getState(), manifest, idOf));
    } catch (e) {
      if (store.getState().model?.id === modelId && added.length > 0) for (const id of added) registry.remove(id);
      blocked = modelId;
      store.setState({
        storageError: { ...toUiError(e), message: `${toUiError(e).message} Changes to this model's workspace are not saved until this is resolved.` },
      });
    } finally {
      if (store.getState().model?.id === modelId) {
        adopted = modelId;
        schedule();
      }
    }
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (busy(s.compressStatus) && !busy(prev.compressStatus)) compressRecipe = storedRecipe(s.recipeSteps, s.recipeOverrides);
    if (suspended) return;
    if (s.model !== prev.model) {
      if (s.model && s.summary && s.model.id !== adopted) void adopt(s.model.id);
      if (!s.model) adopted = null;
    }
    if (PERSISTED_KEYS.some((k) => s[k] !== prev[k])) schedule();
  });

  return {
    async restoreLast() {
      suspended = true;
      store.setState({ restoreStatus: 'restoring' });
      let restored = false;
      try {
        const stored = await repo.last();
        if (!stored) return false;
        const manifest = parseManifest(stored.manifest);
        const model = await stored.read(manifest.model.path);
        const external = new Map<string, Blob>();
        for (const e of manifest.model.external) external.set(e.name, await stored.read(e.path));
        const s = store.getState();
        // Something was opened meanwhile: it wins over the stored workspace.
        if (s.model || s.loadStatus === 'loading') return false;
        const prepared = await s.prepareModel({ name: manifest.model.name, model, external }, manifest.model.source);
        if (!prepared) return false;
        store.getState().clearVariants();
        store.getState().commitModel(prepared);
        recordModelSha256(registry, prepared.model.id, stored.sha);
        suspended = false;
        await adopt(prepared.model.id, stored);
        void store.getState().probeBackends();
        restored = true;
        return true;
      } catch (e) {
        store.setState({ storageError: toUiError(e) });
        return false;
      } finally {
        suspended = false;
        store.setState({ restoreStatus: restored ? 'restored' : 'idle' });
        void store.getState().refreshStorageUsage();
      }
    },
    async flush() {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
        saving = saving.then(save);
      }
      await saving;
    },
    stop() {
      clearTimeout(timer);
      unsubscribe();
    },
  };
}
