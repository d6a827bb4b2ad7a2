import * as Comlink from 'comlink';
import type { BenchWorkerApi } from '../../../workers/bench-api';
import type { BenchJobs, ModelRegistry } from './types';
import { readModelFiles, transferables } from './model-registry';
import type { WorkerClient } from './worker-client';

/** Seed of the inputs a model is timed on (fidelity uses its own seed from the store). */
const TIMING_SEED = 7;

/** `oneThread` is a second bench worker whose onnxruntime runs on one WASM thread. */
export function createBenchJobs(client: WorkerClient<BenchWorkerApi>, registry: ModelRegistry, oneThread?: WorkerClient<BenchWorkerApi>): BenchJobs {
  const input = async (id: string) => {
    const files = await readModelFiles(registry, id);
    return { files, transfer: transferables(files.model, ...Object.values(files.external)) };
  };
  return {
    backends: (signal) => client.run(signal, (w) => w.backends()),
    maxThreads: (signal) => client.run(signal, (w) => w.maxThreads()),
    async measureAll(signal, ids, { backend, threads, runs, warmup, dims, values }, onProgress) {
      const worker = threads === 1 && backend === 'wasm' && oneThread ? oneThread : client;
      return worker.run(signal, async (w) => {
        const inputs = await Promise.all(ids.map(input));
        const files = inputs.map((i) => i.files);
        const options = { backend, runs, warmup, seed: TIMING_SEED, ...(dims && { dims }), ...(values && { values }) };
        return w.measureAll(Comlink.transfer(files, inputs.flatMap((i) => i.transfer)), options, ...(onProgress ? [Comlink.proxy(onProgress)] : []));
      });
    },
    fidelity: (signal, referenceId, candidateId, { backend, seed, samples, dims, values }) =>
      client.run(signal, async (w) => {
        const ref = await input(referenceId);
        const cand = await input(candidateId);
        return w.fidelity(Comlink.transfer(ref.files, ref.transfer), Comlink.transfer(cand.files, cand.transfer), { backend, seed, samples, ...(dims && { dims }), ...(values && { values }) });
      }),
  };
}
