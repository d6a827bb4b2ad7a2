import { DEFAULT_AGREEMENT_TOLERANCE, judgeAgreement, type AgreementTolerance } from '../core/device/backend-agreement';
import type { CrossBackendResult } from '../core/device/cross-backend-result';
import { compareOutputs } from '../core/evaluate/metrics';
import type { Feeds } from '../core/evaluate/tensor-data';
import { RuntimeError } from '../core/util/errors';
import type { LongCallOptions } from '../core/util/progress';
import { runSamples } from './compare';
import type { Backend, Runtime } from './types';
import { fallbackNodes, type NodePlacements } from './node-placement';

export type { CrossBackendResult };

/** A backend the check needs is missing on this host (WebGPU in Node, or a browser without an adapter). */
export class BackendUnavailableError extends RuntimeError {
  constructor(
    readonly backend: Backend,
    available: readonly Backend[],
  ) {
    super(`The cross-backend check needs ${backend}, which is not available here (available: ${available.join(', ') || 'none'}); it runs in a browser with a WebGPU adapter.`);
  }
}

export interface CrossBackendOptions extends LongCallOptions {
  /** WASM threads for the reference run. */
  threads?: number;
  tolerance?: Partial<AgreementTolerance>;
}

/** onnxruntime's name for its WebGPU execution provider. */
const WEBGPU_PROVIDER = 'WebGpuExecutionProvider';

/**
 * Runs the same model on the same inputs on WASM (the reference) and on WebGPU, compares every
 * output with the evaluation metrics, pooled over the samples, and flags outputs that differ
 * beyond the tolerance (see AgreementTolerance for why its defaults are what they are). Throws
 * BackendUnavailableError where WebGPU is missing, before running anything.
 */
export async function crossBackendCheck(runtime: Runtime, bytes: Uint8Array, inputs: readonly Feeds[], options: CrossBackendOptions = {}): Promise<CrossBackendResult> {
  const available = await runtime.availableBackends();
  for (const backend of ['wasm', 'webgpu'] as const) if (!available.includes(backend)) throw new BackendUnavailableError(backend, available);
  const tolerance = { ...DEFAULT_AGREEMENT_TOLERANCE, ...options.tolerance };
  const { signal, onProgress, threads } = options;
  const common = { ...(signal && { signal }), ...(onProgress && { onProgress }) };
  const reference = await runSamples(runtime, bytes, inputs, { ...common, backend: 'wasm', ...(threads !== undefined && { threads }), label: 'wasm' });
  let placements: NodePlacements | undefined;
  const candidate = await runSamples(runtime, bytes, inputs, { ...common, backend: 'webgpu', label: 'webgpu', onPlacements: (p) => (placements = p) });
  onProgress?.({ kind: 'phase', phase: 'compare' });
  const outputs = judgeAgreement(compareOutputs(reference, candidate), tolerance);
  const placement = placements && {
    webgpuNodes: placements.providers.find((p) => p.provider === WEBGPU_PROVIDER)?.count ?? 0,
    fallback: fallbackNodes(placements, WEBGPU_PROVIDER),
  };
  return { reference: 'wasm', candidate: 'webgpu', samples: inputs.length, tolerance, outputs, agree: outputs.every((o) => o.agrees), ...(placement && { placement }) };
}
