import * as Comlink from 'comlink';
import type { BenchWorkerApi } from '../../../workers/bench-api';
import type { BenchJobs, ModelRegistry } from './types';
import { readModelFiles, transferables } from './model-registry';
import type { WorkerClient } from './worker-client';

/** Seed of the inputs a model is timed on (fidelity uses its own seed from the store). */
const TIMING_SEED = 7;

export function createBenchJobs(client: WorkerClient<BenchWorkerApi>, registry: ModelRegistry): BenchJobs {
  const input = async (id: string) => {
    const files = await readModelFiles(registry, id);
    return { files, transfer: transferables(files.model, ...Object.values(files.external)) };
  };
  return {
    backends: () => client.run((w) => w.backends()),
    async measureAll(ids, { backend, runs, warmup }) {
      const inputs = await Promise.all(ids.map(input));
      const files = inputs.map((i) => i.files);
      return client.run((w) => w.measureAll(Comlink.transfer(files, inputs.flatMap((i) => i.transfer)), { backend, runs, warmup, seed: TIMING_SEED }));
    },
    async fidelity(referenceId, candidateId, { backend, seed, samples }) {
      const ref = await input(referenceId);
      const cand = await input(candidateId);
      return client.run((w) =>
        w.fidelity(Comlink.transfer(ref.files, ref.transfer), Comlink.transfer(cand.files, cand.transfer), { backend, seed, samples }),
      );
    },
    cancel: () => client.cancel(),
  };
}
