import * as Comlink from 'comlink';
import type { ModelWorkerRemote } from '../../../workers/model.worker';
import type { ModelJobs, ModelRegistry, SampleFilesHolder } from './types';
import { toSampleFiles } from './dropped-files';
import { readModelFiles, transferables } from './model-registry';
import type { WorkerClient } from './worker-client';

/**
 * Model worker jobs over registered files: bytes are read fresh and transferred for each job, the
 * reading inside the job so a cancel during it stops the job too.
 */
export function createModelJobs(client: WorkerClient<ModelWorkerRemote>, registry: ModelRegistry, sampleFiles?: SampleFilesHolder): ModelJobs {
  const input = async (id: string) => {
    const files = await readModelFiles(registry, id);
    return Comlink.transfer(files, transferables(files.model, ...Object.values(files.external)));
  };
  return {
    analyze: (signal, id) => client.run(signal, async (w) => w.analyze(await input(id))),
    async compress(signal, id, recipe, variantName, onProgress, samples) {
      const files = samples && sampleFiles ? toSampleFiles(sampleFiles.get()) : [];
      const request = samples && files.length > 0 ? { files, settings: samples } : undefined;
      const result = await client.run(signal, async (w) => w.compress(await input(id), recipe, Comlink.proxy(onProgress), request));
      const { bytes, ...info } = result;
      const variantId = registry.add({ name: variantName, model: new Blob([bytes], { type: 'application/octet-stream' }), external: new Map() });
      return { ...info, id: variantId, name: variantName };
    },
  };
}
