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
/**
 * `inlineLimitBytes` lowers the size past which a variant's weights go to an external data file
 * (the core's default, 2 GB, when absent); tests set it.
 */
export function createModelJobs(client: WorkerClient<ModelWorkerRemote>, registry: ModelRegistry, sampleFiles?: SampleFilesHolder, inlineLimitBytes?: number): ModelJobs {
  const input = async (id: string) => {
    const files = await readModelFiles(registry, id);
    return Comlink.transfer(files, transferables(files.model, ...Object.values(files.external)));
  };
  return {
    analyze: (signal, id) => client.run(signal, async (w) => w.analyze(await input(id))),
    async compress(signal, id, recipe, variantName, onProgress, samples) {
      const files = samples && sampleFiles ? toSampleFiles(sampleFiles.get()) : [];
      const request = samples && files.length > 0 ? { files, settings: samples } : undefined;
      // A variant too large for one file keeps its weights in `<file name>.data`, the name its download gets.
      const output = { externalLocation: `${variantName}.data`, ...(inlineLimitBytes !== undefined && { inlineLimitBytes }) };
      const result = await client.run(signal, async (w) => w.compress(await input(id), recipe, Comlink.proxy(onProgress), request, output));
      const { bytes, external, ...info } = result;
      const variantId = registry.add({
        name: variantName,
        model: new Blob([bytes], { type: 'application/octet-stream' }),
        external: new Map(external ? [[external.location, external.data]] : []),
      });
      return { ...info, id: variantId, name: variantName, ...(external && { externalDataFile: external.location }) };
    },
  };
}
