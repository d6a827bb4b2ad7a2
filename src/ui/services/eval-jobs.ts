import * as Comlink from 'comlink';
import type { BenchWorkerRemote } from '../../../workers/bench.worker';
import { readModelFiles, transferables } from './model-registry';
import { toSampleFiles } from './dropped-files';
import type { DroppedFile, EvalJobs, ModelRegistry, SampleFilesHolder, SampleSettings } from './types';
import type { WorkerClient } from './worker-client';

/** Seed and count of the synthetic inputs when the user has given no samples. */
export const SYNTHETIC_INPUTS = { seed: 42, samples: 8 } as const;
/** Per-layer runs expose every activation: a handful of samples tells which layer breaks. */
export const PER_LAYER_MAX_SAMPLES = 8;

/** An in-memory holder of the current sample files. */
export function createSampleFilesHolder(): SampleFilesHolder {
  let files: readonly DroppedFile[] = [];
  return {
    set(next) {
      files = [...next];
    },
    get: () => files,
  };
}

/** Evaluation jobs over the bench worker's client: model bytes are read fresh and transferred, sample Files are passed by reference. */
export function createEvalJobs(client: WorkerClient<BenchWorkerRemote>, registry: ModelRegistry, sampleFiles: SampleFilesHolder): EvalJobs {
  const read = async (id: string) => {
    const files = await readModelFiles(registry, id);
    return { files, transfer: transferables(files.model, ...Object.values(files.external)) };
  };
  const input = async (id: string) => {
    const { files, transfer } = await read(id);
    return Comlink.transfer(files, transfer);
  };
  const request = (settings: SampleSettings | null) => (settings ? { files: toSampleFiles(sampleFiles.get()), settings } : null);
  // The model files are read inside the job, so a cancel while they are read stops the job too.
  return {
    inspectSamples: (signal, modelId, settings, onProgress) =>
      client.run(signal, async (w) => w.inspectSamples(await input(modelId), { files: toSampleFiles(sampleFiles.get()), settings }, Comlink.proxy(onProgress))),
    evaluate: (signal, referenceId, candidateIds, settings, { backend, dims, values }, onProgress) =>
      client.run(signal, async (w) => {
        const reference = await input(referenceId);
        // Comlink reads transfer lists of top-level arguments only: the array carries its elements' buffers.
        const loaded = await Promise.all(candidateIds.map(read));
        const candidates = Comlink.transfer(
          loaded.map((c) => c.files),
          loaded.flatMap((c) => c.transfer),
        );
        return w.evaluate(reference, candidates, request(settings), { backend, seed: SYNTHETIC_INPUTS.seed, syntheticSamples: SYNTHETIC_INPUTS.samples, ...(dims && { dims }), ...(values && { values }) }, Comlink.proxy(onProgress));
      }),
    perLayer: (signal, referenceId, candidateId, settings, { backend, dims, values }, onProgress) =>
      client.run(signal, async (w) =>
        w.perLayer(
          await input(referenceId),
          await input(candidateId),
          request(settings),
          { backend, seed: SYNTHETIC_INPUTS.seed, syntheticSamples: SYNTHETIC_INPUTS.samples, maxSamples: PER_LAYER_MAX_SAMPLES, ...(dims && { dims }), ...(values && { values }) },
          Comlink.proxy(onProgress),
        ),
      ),
  };
}
