// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { createMemoryStorage } from '../../src/ui/services/workspace-storage/memory-storage';
import { createWorkspaceRepository } from '../../src/ui/services/workspace-storage/workspace-repository';
import { startWorkspacePersistence } from '../../src/ui/store/workspace-persistence';
import type { StudioServices } from '../../src/ui/services/types';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile } from './fakes';

/** A studio over fake workers whose compressions come back as .onnx + `<file name>.data`, as a variant past 2 GB does. */
function tab(storage: ReturnType<typeof createMemoryStorage>) {
  const fake = fakeServices();
  const models: StudioServices['models'] = {
    ...fake.services.models,
    async compress(signal, id, recipe, name, onProgress, ...rest) {
      const made = await fake.services.models.compress(signal, id, recipe, name, onProgress, ...rest);
      const files = fake.registry.get(made.id)!;
      fake.registry.remove(made.id);
      const data = new Blob([`weights of ${name}`]);
      const variantId = fake.registry.add({ ...files, external: new Map([[`${name}.data`, data]]) });
      return { ...made, id: variantId, sizeBytes: files.model.size + data.size, externalDataFile: `${name}.data` };
    },
  };
  const repo = createWorkspaceRepository(storage, async () => ({ usage: storage.used(), quota: 10_000_000 }));
  const store = createStudioStore({ services: { ...fake.services, models, workspace: repo }, methods: fakeMethods, recipeText: fakeRecipeText });
  const persistence = startWorkspacePersistence(store, fake.registry, repo, { debounceMs: 1 });
  const saved = async (): Promise<void> => {
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 3));
      await persistence.flush();
    }
  };
  return { ...fake, store, persistence, saved };
}

describe('a variant with an external data file', () => {
  it('is marked on its row, and a reload brings back its data file under the same name', async () => {
    const storage = createMemoryStorage();
    const first = tab(storage);
    await first.store.getState().openFiles([onnxFile('net.onnx', 'ONNX model bytes, 32 bytes long.')]);
    await first.store.getState().compress();
    const [variant] = first.store.getState().variants;
    expect(variant).toBeDefined();
    expect(variant!.externalDataFile).toBe(`${variant!.fileName}.data`);
    await first.saved();
    const second = tab(storage);
    expect(await second.persistence.restoreLast()).toBe(true);
    const [restored] = second.store.getState().variants;
    const name = variant!.externalDataFile!;
    expect(restored?.externalDataFile).toBe(name);
    const files = second.registry.get(restored!.id)!;
    expect([...files.external.keys()]).toEqual([name]);
    expect(await files.external.get(name)!.text()).toBe(`weights of ${variant!.fileName}`);
    expect(files.model.size + files.external.get(name)!.size).toBe(restored!.sizeBytes);
  });
});
