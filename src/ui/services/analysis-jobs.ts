import * as Comlink from 'comlink';
import type { AnalysisWorkerRemote } from '../../../workers/analysis.worker';
import type { MacsAtDims } from '../../core/analyze/macs-at-dims';
import type { InputDims } from '../../core/evaluate/input-dims';
import { readModelFiles, transferables } from './model-registry';
import type { ModelRegistry } from './types';
import type { WorkerClient } from './worker-client';

/**
 * Jobs on the analysis worker, which runs beside the model and bench workers (never queued behind
 * a compression or a measurement).
 */
export interface AnalysisJobs {
  /** The MACs of each registered model at `dims` (the other open dims as a measurement guesses them). */
  macsAt(signal: AbortSignal, ids: readonly string[], dims: InputDims): Promise<Record<string, MacsAtDims>>;
}

/** Sends each model's files to the worker the first time it is counted (again if the worker was restarted). */
export function createAnalysisJobs(client: WorkerClient<AnalysisWorkerRemote>, registry: ModelRegistry): AnalysisJobs {
  return {
    macsAt: (signal, ids, dims) =>
      client.run(signal, async (w) => {
        await w.keepOnly(ids);
        const first = await w.macsAt(ids, dims);
        const missing = ids.filter((id) => first[id] === null);
        for (const id of missing) {
          const files = await readModelFiles(registry, id);
          await w.hold(id, Comlink.transfer(files, transferables(files.model, ...Object.values(files.external))));
        }
        const rest = missing.length > 0 ? await w.macsAt(missing, dims) : {};
        const all = { ...first, ...rest };
        return Object.fromEntries(ids.map((id) => [id, all[id]!]).filter(([, r]) => r !== null)) as Record<string, MacsAtDims>;
      }),
  };
}
