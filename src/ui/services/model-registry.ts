import type { ModelFiles, ModelRegistry } from './types';

/** The in-memory registry: model bytes keyed by id, never in the store. */
export function createModelRegistry(): ModelRegistry {
  const entries = new Map<string, ModelFiles>();
  let next = 0;
  return {
    add(files) {
      next += 1;
      const id = `m${next}`;
      entries.set(id, files);
      return id;
    },
    get: (id) => entries.get(id),
    remove(id) {
      entries.delete(id);
    },
  };
}

/** Reads a registered model's files into fresh ArrayBuffers, ready to transfer to a worker. */
export async function readModelFiles(
  registry: ModelRegistry,
  id: string,
): Promise<{ model: Uint8Array<ArrayBuffer>; external: Record<string, Uint8Array<ArrayBuffer>> }> {
  const files = registry.get(id);
  if (!files) throw new Error(`No model is registered under id '${id}'.`);
  const external: Record<string, Uint8Array<ArrayBuffer>> = {};
  for (const [name, blob] of files.external) external[name] = new Uint8Array(await blob.arrayBuffer());
  return { model: new Uint8Array(await files.model.arrayBuffer()), external };
}

/** The buffers to list in a transfer: each once. */
export function transferables(...views: Uint8Array<ArrayBuffer>[]): ArrayBuffer[] {
  return [...new Set(views.map((v) => v.buffer))];
}
