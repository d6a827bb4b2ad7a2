import type { Feeds } from '../core/evaluate/tensor-data';
import { compareOutputs, type OutputMetrics } from '../core/evaluate/metrics';
import { throwIfAborted } from '../core/util/abort';
import type { LongCallOptions } from '../core/util/progress';
import type { Backend, Runtime } from './types';
import type { NodePlacements } from './node-placement';

export interface RunOptions extends LongCallOptions {
  backend?: Backend;
  threads?: number;
  /** Progress phase name for this model's runs. */
  label?: string;
  /** Asks the runtime where it placed the nodes and hands that over (undefined when the host cannot tell). */
  onPlacements?: (placements: NodePlacements | undefined) => void;
}

/** Runs the model once per sample in one session and returns every output; releases the session. */
export async function runSamples(runtime: Runtime, bytes: Uint8Array, inputs: readonly Feeds[], options: RunOptions = {}): Promise<Feeds[]> {
  const { backend, threads, signal, onProgress, label = 'run', onPlacements } = options;
  throwIfAborted(signal);
  const session = await runtime.createSession(bytes, { ...(backend && { backend }), ...(threads !== undefined && { threads }), ...(onPlacements && { placements: true }) });
  try {
    onPlacements?.(session.placements);
    const outputs: Feeds[] = [];
    for (const [index, feeds] of inputs.entries()) {
      throwIfAborted(signal);
      onProgress?.({ kind: 'step', phase: label, index, total: inputs.length });
      outputs.push(await session.run(feeds));
    }
    return outputs;
  } finally {
    await session.release();
  }
}

/** Placements are not asked for here: one callback would hear about both models. */
export type CompareOptions = Omit<RunOptions, 'label' | 'onPlacements'>;

/**
 * Runs the reference and then the candidate on the same inputs (one session at a time, so
 * peak memory holds one model) and compares their outputs.
 */
export async function compareModels(
  runtime: Runtime,
  refBytes: Uint8Array,
  candBytes: Uint8Array,
  inputs: readonly Feeds[],
  options: CompareOptions = {},
): Promise<OutputMetrics[]> {
  const reference = await runSamples(runtime, refBytes, inputs, { ...options, label: 'reference' });
  const candidate = await runSamples(runtime, candBytes, inputs, { ...options, label: 'candidate' });
  options.onProgress?.({ kind: 'phase', phase: 'compare' });
  return compareOutputs(reference, candidate);
}
