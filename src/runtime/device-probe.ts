import type { BackendFigures, DeviceProfile, HostFacts } from '../core/device/profile';
import { throwIfAborted } from '../core/util/abort';
import type { LongCallOptions } from '../core/util/progress';
import { measureBackend, type ThroughputOptions } from './throughput';
import type { Backend, Runtime } from './types';

export type { HostFacts };

/** One backend configuration to measure, on the runtime that will run models that way. */
export interface ProbeTarget {
  runtime: Runtime;
  backend: Backend;
  threads: number;
}

export type ProbeOptions = LongCallOptions & Pick<ThroughputOptions, 'targetMs' | 'runs' | 'matmulSizes' | 'streamLengths'>;

/**
 * The device profile: the host's facts plus peak MatMul GFLOP/s and streaming GB/s measured on
 * each target in turn. A target that fails reports why; cancelling stops between runs.
 */
export async function probeDevice(facts: HostFacts, targets: readonly ProbeTarget[], options: ProbeOptions = {}): Promise<DeviceProfile> {
  const figures: BackendFigures[] = [];
  for (const target of targets) {
    throwIfAborted(options.signal);
    options.onProgress?.({ kind: 'phase', phase: `probe ${target.backend}${target.backend === 'wasm' ? ` (${target.threads} threads)` : ''}` });
    figures.push(await measureBackend(target.runtime, { ...options, backend: target.backend, threads: target.threads }));
  }
  return { ...facts, figures, takenAt: Date.now() };
}
