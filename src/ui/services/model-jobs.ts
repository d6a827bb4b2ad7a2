import * as Comlink from 'comlink';
import type { ModelWorkerRemote } from '../../../workers/model.worker';
import type { ModelJobs, ModelRegistry } from './types';
import { readModelFiles, transferables } from './model-registry';
import type { WorkerClient } from './worker-client';

/** Model worker jobs over registered files: bytes are read fresh and transferred for each job. */
export function createModelJobs(client: WorkerClient<ModelWorkerRemote>, registry: ModelRegistry): ModelJobs {
  const input = async (id: string) => {
    const files = await readModelFiles(registry, id);
    return Comlink.transfer(files, transferables(files.model, ...Object.values(files.external)));
  };
  return {
    async analyze(id) {
      const payload = await input(id);
      return client.run((w) => w.analyze(payload));
    },
    async compress(id, recipe, variantName, onProgress) {
      const payload = await input(id);
      const result = await client.run((w) => w.compress(payload, recipe, Comlink.proxy(onProgress)));
      const { bytes, ...info } = result;
      const variantId = registry.add({ name: variantName, model: new Blob([bytes], { type: 'application/octet-stream' }), external: new Map() });
      return { ...info, id: variantId, name: variantName };
    },
    cancel: () => client.cancel(),
  };
}
