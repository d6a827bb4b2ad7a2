// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { createMemoryStorage } from '../../src/ui/services/workspace-storage/memory-storage';
import { createWorkspaceRepository } from '../../src/ui/services/workspace-storage/workspace-repository';
import { startWorkspacePersistence } from '../../src/ui/store/workspace-persistence';
import { sha256Hex } from '../../src/core/util/sha256';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile, settle, type FakeControl } from './fakes';

type Memory = ReturnType<typeof createMemoryStorage>;

/** A studio over fake workers whose workspace is kept in `storage` (a tab: a new one over the same storage is a reload). */
function tab(storage: Memory, control: FakeControl = {}) {
  const fake = fakeServices(control);
  const repo = createWorkspaceRepository(storage, async () => ({ usage: storage.used(), quota: 10_000_000 }));
  const store = createStudioStore({ services: { ...fake.services, workspace: repo }, methods: fakeMethods, recipeText: fakeRecipeText });
  const persistence = startWorkspacePersistence(store, fake.registry, repo, { debounceMs: 1 });
  /** Waits until every change so far is saved (hashing and adoption are asynchronous, then the debounce). */
  const saved = async (): Promise<void> => {
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 3));
      await persistence.flush();
    }
  };
  return { ...fake, store, persistence, saved, repo };
}

const MODEL = 'ONNX model bytes, 32 bytes long.';

async function workspaceWithTwoVariants(storage: Memory) {
  const t = tab(storage);
  await t.store.getState().openFiles([onnxFile('net.onnx', MODEL)]);
  await t.store.getState().compress();
  t.store.getState().setStepMethod(0, 'int4');
  await t.store.getState().compress();
  await t.store.getState().evaluateVariants();
  t.store.getState().setInputDim('batch', 3);
  await t.saved();
  return t;
}

const manifestOf = async (storage: Memory, sha: string) => JSON.parse(await storage.files.get(`workspaces/${sha}/manifest.json`)!.text());

describe('workspace persistence', () => {
  it('keeps the model, variants, recipe and results under the model’s SHA-256, and a reload restores them exactly', async () => {
    const storage = createMemoryStorage();
    const first = await workspaceWithTwoVariants(storage);
    const sha = await sha256Hex(new TextEncoder().encode(MODEL));
    const paths = [...storage.files.keys()].sort();
    expect(paths.filter((p) => p.startsWith(`workspaces/${sha}/`))).toHaveLength(4); // model, two variants, manifest
    expect(paths).toContain('index.json');
    const manifest = await manifestOf(storage, sha);
    expect(manifest).toMatchObject({ version: 1, model: { sha256: sha, name: 'net.onnx', source: 'file', sizeBytes: 32 } });

    const before = first.store.getState();
    const second = tab(storage);
    expect(await second.persistence.restoreLast()).toBe(true);
    const after = second.store.getState();
    expect(after.model).toMatchObject({ name: 'net.onnx', sizeBytes: 32, source: 'file' });
    expect(after.restoreStatus).toBe('restored');
    const strip = ({ id: _id, ...v }: (typeof before.variants)[number]) => v;
    expect(after.variants.map(strip)).toEqual(before.variants.map(strip));
    // The bytes came back too: the same sizes, registered for the workers.
    for (const v of after.variants) expect(second.registry.get(v.id)?.model.size).toBe(v.sizeBytes);
    // Same numbers: every measurement and the evaluation, now under the new ids.
    const byLabel = (s: typeof before) => Object.fromEntries(s.variants.map((v) => [v.label, s.measurements[v.id]]));
    const measured = (m: (typeof before.measurements)[string] | undefined) => m && { status: m.status, bench: m.bench, fidelity: m.fidelity };
    for (const [label, m] of Object.entries(byLabel(before))) expect(measured(byLabel(after)[label])).toEqual(measured(m));
    expect(measured(after.measurements[after.model!.id])).toEqual(measured(before.measurements[before.model!.id]));
    expect(after.evaluation?.inputs).toEqual(before.evaluation?.inputs);
    expect(Object.values(after.evaluation!.byVariant)).toEqual(Object.values(before.evaluation!.byVariant));
    expect(Object.keys(after.evaluation!.byVariant)).toEqual(after.variants.map((v) => v.id));
    expect(after.recipeSteps.map((s) => [s.methodId, s.options])).toEqual(before.recipeSteps.map((s) => [s.methodId, s.options]));
    expect(after.inputDims).toEqual({ batch: 3 });
    expect(after.interrupted).toEqual([]);
    // The restored variants can be measured and downloaded like new ones.
    await second.store.getState().remeasureAll();
    expect(second.log.calls.at(-3)).toBe(`measureAll ${[after.model!.id, ...after.variants.map((v) => v.id)].join(',')}`);
    second.store.getState().downloadVariant(after.variants[1]!.id);
    expect(second.log.downloads).toEqual([{ id: after.variants[1]!.id, fileName: 'net.int4.onnx' }]);
  });

  it('keeps external data files beside the model and gives them back under their names', async () => {
    const storage = createMemoryStorage();
    const t = tab(storage);
    await t.store.getState().openFiles([onnxFile('big.onnx', MODEL), new File(['weights, 14 B'], 'big.onnx.data')]);
    await t.store.getState().compress();
    await t.saved();
    const reloaded = tab(storage);
    expect(await reloaded.persistence.restoreLast()).toBe(true);
    const model = reloaded.store.getState().model!;
    expect(model.externalFiles).toEqual(['big.onnx.data']);
    const files = reloaded.registry.get(model.id)!;
    expect(await files.external.get('big.onnx.data')!.text()).toBe('weights, 14 B');
    expect(await files.model.text()).toBe(MODEL);
  });

  it('writes each file once, not on every change', async () => {
    const storage = createMemoryStorage();
    const writes: string[] = [];
    const write = storage.write.bind(storage);
    storage.write = async (path, data) => {
      writes.push(path);
      return write(path, data);
    };
    const t = await workspaceWithTwoVariants(storage);
    t.store.getState().setStepOption(0, 'block', '64');
    await t.saved();
    await t.store.getState().remeasureAll();
    await t.saved();
    const onnx = writes.filter((p) => p.endsWith('.onnx'));
    expect(onnx).toHaveLength(3);
    expect(new Set(onnx).size).toBe(3);
    expect(writes.filter((p) => p.endsWith('manifest.json')).length).toBeGreaterThan(1);
  });

  it('removing a variant removes its file and its entry from storage', async () => {
    const storage = createMemoryStorage();
    const t = await workspaceWithTwoVariants(storage);
    const [first, second] = t.store.getState().variants;
    t.store.getState().removeVariant(first!.id);
    await t.saved();
    const sha = await sha256Hex(new TextEncoder().encode(MODEL));
    const manifest = await manifestOf(storage, sha);
    expect(manifest.variants.map((v: { label: string }) => v.label)).toEqual([second!.label]);
    expect([...storage.files.keys()].filter((p) => p.includes('/variants/'))).toHaveLength(1);
    const reloaded = tab(storage);
    await reloaded.persistence.restoreLast();
    expect(reloaded.store.getState().variants.map((v) => v.label)).toEqual([second!.label]);
  });

  it('a full quota is a typed, readable error, and what was stored before is kept', async () => {
    const big = `ONNX${'w'.repeat(99_996)}`;
    // Room for the model (100 kB), one variant (50 kB), the manifest and the index; not for a second variant.
    const storage = createMemoryStorage({ quotaBytes: 160_000 });
    const t = tab(storage);
    await t.store.getState().openFiles([onnxFile('net.onnx', big)]);
    await t.store.getState().compress();
    await t.saved();
    expect(t.store.getState().storageError).toBeNull();
    const sha = await sha256Hex(new TextEncoder().encode(big));
    const stored = await manifestOf(storage, sha);
    expect(stored.variants).toHaveLength(1);

    await t.store.getState().compress();
    await t.saved();
    const error = t.store.getState().storageError;
    expect(error?.name).toBe('StorageQuotaError');
    expect(error?.message).toMatch(/storage for the studio is full, so the variant int8-weight · 2 \(0\.1 MB\) could not be saved\. Everything saved before is kept/);
    expect(await manifestOf(storage, sha)).toEqual(stored);
    expect([...storage.files.keys()].filter((p) => p.includes('/variants/'))).toHaveLength(1);
    // The page keeps both variants; a reload brings back what was stored.
    expect(t.store.getState().variants).toHaveLength(2);
    const reloaded = tab(storage);
    await reloaded.persistence.restoreLast();
    expect(reloaded.store.getState().variants.map((v) => v.label)).toEqual(['int8-weight']);
    // Making room lets the next save store the rest.
    t.store.getState().removeVariant(t.store.getState().variants[0]!.id);
    await t.saved();
    expect(t.store.getState().storageError).toBeNull();
    expect((await manifestOf(storage, sha)).variants.map((v: { label: string }) => v.label)).toEqual(['int8-weight · 2']);
  });

  it('a compression running when the tab died shows as interrupted, and Rerun runs it again with its recipe', async () => {
    const storage = createMemoryStorage();
    const t = tab(storage, { holdCompress: true });
    await t.store.getState().openFiles([onnxFile('net.onnx', MODEL)]);
    t.store.getState().setStepMethod(0, 'int4');
    t.store.getState().setStepOption(0, 'block', '16');
    void t.store.getState().compress();
    await settle();
    // The user edits the recipe while it runs; the job keeps the recipe it started with.
    t.store.getState().setStepMethod(0, 'int8-dynamic');
    await t.saved();

    const reloaded = tab(storage);
    await reloaded.persistence.restoreLast();
    const s = reloaded.store.getState();
    expect(s.interrupted).toEqual([{ kind: 'compress', what: 'Compressing with int4', recipe: { steps: [{ methodId: 'int4', options: { block: '16' } }], overrides: [] } }]);
    expect(s.compressStatus).toBe('idle');
    await reloaded.store.getState().rerunInterrupted('compress');
    expect(reloaded.log.compressCalls.map((c) => c.recipe)).toEqual([{ steps: [{ method: 'int4', options: { block: '16' } }] }]);
    expect(reloaded.store.getState().interrupted).toEqual([]);
    expect(reloaded.store.getState().variants.map((v) => v.label)).toEqual(['int4 (block 16)']);
    await reloaded.saved();
    const again = tab(storage);
    await again.persistence.restoreLast();
    expect(again.store.getState().interrupted).toEqual([]);
  });

  it('a measurement running when the tab died comes back cancelled and interrupted, not spinning', async () => {
    const storage = createMemoryStorage();
    const t = tab(storage, { holdMeasure: true });
    await t.store.getState().openFiles([onnxFile('net.onnx', MODEL)]);
    void t.store.getState().compress();
    await settle(30);
    expect(t.store.getState().measurePhase).not.toBeNull();
    await t.saved();
    const reloaded = tab(storage);
    await reloaded.persistence.restoreLast();
    const s = reloaded.store.getState();
    expect(Object.values(s.measurements).map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
    expect(s.interrupted.map((j) => j.kind)).toEqual(['measure']);
    await reloaded.store.getState().rerunInterrupted('measure');
    expect(Object.values(reloaded.store.getState().measurements).map((m) => m.status)).toEqual(['done', 'done']);
  });

  it('opening a model that was saved before brings back its variants', async () => {
    const storage = createMemoryStorage();
    await workspaceWithTwoVariants(storage);
    const t = tab(storage);
    await t.store.getState().openFiles([onnxFile('other.onnx', 'ONNX another model')]);
    await t.saved();
    await t.store.getState().openFiles([onnxFile('net.onnx', MODEL)]);
    await t.saved();
    expect(t.store.getState().variants.map((v) => v.label)).toEqual(['int8-weight', 'int4']);
    expect((await t.repo.usage()).workspaces).toBe(2);
  });

  it('clear everything deletes every stored workspace and closes the open one', async () => {
    const storage = createMemoryStorage();
    const t = await workspaceWithTwoVariants(storage);
    await t.store.getState().refreshStorageUsage();
    expect(t.store.getState().storageUsage).toMatchObject({ kind: 'memory', workspaces: 1, ownBytes: expect.any(Number) });
    expect(t.store.getState().storageUsage!.ownBytes).toBeGreaterThan(32 + 16 + 8);
    await t.store.getState().clearEverything();
    await t.saved();
    expect([...storage.files.keys()]).toEqual([]);
    expect(t.store.getState()).toMatchObject({ model: null, summary: null, variants: [], storageUsage: { ownBytes: 0, workspaces: 0 } });
    expect(await tab(storage).persistence.restoreLast()).toBe(false);
  });

  it('a workspace saved by a newer studio is refused with a readable error and never overwritten', async () => {
    const storage = createMemoryStorage();
    await workspaceWithTwoVariants(storage);
    const sha = await sha256Hex(new TextEncoder().encode(MODEL));
    const manifest = { ...(await manifestOf(storage, sha)), version: 99 };
    await storage.write(`workspaces/${sha}/manifest.json`, new Blob([JSON.stringify(manifest)]));
    const t = tab(storage);
    expect(await t.persistence.restoreLast()).toBe(false);
    expect(t.store.getState().storageError).toMatchObject({ name: 'StorageError', message: expect.stringContaining('saved by a newer Featherweight (manifest version 99') });
    // Opening the model by hand works, but its stored workspace is left alone.
    await t.store.getState().openFiles([onnxFile('net.onnx', MODEL)]);
    await t.store.getState().compress();
    await t.saved();
    expect((await manifestOf(storage, sha)).version).toBe(99);
    expect(t.store.getState().storageError?.message).toMatch(/not saved until this is resolved/);
  });
});
