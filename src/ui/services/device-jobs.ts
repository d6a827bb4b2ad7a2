import * as Comlink from 'comlink';
import type { BenchWorkerRemote } from '../../../workers/bench.worker';
import type { CrossBackendReport } from '../../core/device/cross-backend-result';
import type { DeviceProfile } from '../../core/device/profile';
import type { Progress } from '../../core/util/progress';
import { readModelFiles, transferables } from './model-registry';
import type { ModelRegistry } from './types';
import { createWorkerClient, type WorkerClient } from './worker-client';

export type { CrossBackendReport, DeviceProfile };

/** Seed of the inputs the cross-backend check runs on, and how many. */
export const CROSS_CHECK = { seed: 11, samples: 2 } as const;

/**
 * Device probe and cross-backend check, in a bench worker of their own: aborting a call's signal
 * terminates that worker, and nothing else is lost.
 */
export interface DeviceJobs {
  probe(signal: AbortSignal, onProgress: (p: Progress) => void): Promise<DeviceProfile>;
  crossBackend(signal: AbortSignal, modelId: string, onProgress: (p: Progress) => void): Promise<CrossBackendReport>;
}

export function createDeviceJobs(registry: ModelRegistry, client?: WorkerClient<BenchWorkerRemote>): DeviceJobs {
  const worker =
    client ??
    createWorkerClient<BenchWorkerRemote>(
      () => new Worker(new URL('../../../workers/bench.worker.ts', import.meta.url), { type: 'module', name: 'featherweight-device' }),
    );
  return {
    probe: (signal, onProgress) => worker.run(signal, (w) => w.probe({}, Comlink.proxy(onProgress))),
    // The files are read inside the job, so a cancel while they are read stops it too.
    crossBackend: (signal, modelId, onProgress) =>
      worker.run(signal, async (w) => {
        const files = await readModelFiles(registry, modelId);
        const transfer = transferables(files.model, ...Object.values(files.external));
        return w.crossBackend(Comlink.transfer(files, transfer), { ...CROSS_CHECK }, Comlink.proxy(onProgress));
      }),
  };
}
