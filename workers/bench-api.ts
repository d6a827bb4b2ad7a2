import { modelInputShapes, synthesizeModelInputs } from '../src/core/evaluate/inputs';
import type { Feeds } from '../src/core/evaluate/tensor-data';
import type { ProgressCallback } from '../src/core/util/progress';
import { benchmarkModel, warmUpRuntime } from '../src/runtime/benchmark';
import { compareModels } from '../src/runtime/compare';
import type { Runtime } from '../src/runtime/types';
import { decodeInput, inputRunnableBytes, type ModelInput } from './model-input';
import { benchmarkInterleaved } from '../src/runtime/interleaved-benchmark';
import type { DeviceProfile, HostFacts } from '../src/core/device/profile';
import { probeDevice, type ProbeOptions, type ProbeTarget } from '../src/runtime/device-probe';
import { crossBackendCheck } from '../src/runtime/cross-backend';
import type { AgreementTolerance } from '../src/core/device/backend-agreement';
import { modelCost } from '../src/core/device/roofline';
import type { CrossBackendReport } from '../src/core/device/cross-backend-result';
import type { BenchResult, MeasureAllItem } from '../src/core/evaluate/bench-result';
import type { FidelityResult } from '../src/core/evaluate/fidelity-result';
import type { InputDims, InputValues } from '../src/core/evaluate/input-dims';
import type { Backend } from '../src/core/device/backend';
import type { ModelIR } from '../src/core/ir/model';

/** Where the bench worker gets its runtime and its default thread count (browser or Node). */
export interface BenchHost {
  runtime(): Promise<Runtime>;
  defaultThreads(): Promise<number>;
  /** What the host says about itself (navigator in the browser, os in Node), for the device probe. */
  facts?(): Promise<HostFacts>;
}

/** Probe settings a caller may tighten (a slow software GPU in tests); the defaults suit a real device. */
export type DeviceProbeOptions = Pick<ProbeOptions, 'targetMs' | 'runs' | 'matmulSizes' | 'streamLengths'>;

export interface CrossBackendOptions {
  dims?: InputDims;
  seed: number;
  samples: number;
  tolerance?: Partial<AgreementTolerance>;
}

export interface MeasureOptions {
  backend?: Backend;
  dims?: InputDims;
  /** Values for scalar inputs (a sample rate); the others are seeded random. */
  values?: InputValues;
  threads?: number;
  runs: number;
  warmup: number;
  /** Seed of the random inputs the model is timed on. */
  seed: number;
}

export interface FidelityOptions {
  backend?: Backend;
  dims?: InputDims;
  values?: InputValues;
  seed: number;
  samples: number;
}

/**
 * Bytes onnxruntime can load on their own, and seeded inputs for them. A model with external
 * data is re-encoded with its weights inline (the runtime gets one buffer).
 */
function prepare(
  input: ModelInput,
  seed: number,
  samples: number,
  dims: InputDims = {},
  values?: InputValues,
): { model: ModelIR; bytes: Uint8Array<ArrayBuffer>; feeds: Feeds[]; inputShapes: Record<string, number[]> } {
  const model = decodeInput(input);
  const feeds = synthesizeModelInputs(model, { seed, count: samples, dims, ...(values && { values }) });
  return { model, bytes: inputRunnableBytes(input, model), feeds, inputShapes: modelInputShapes(model, dims) };
}

export function createBenchWorkerApi(host: BenchHost) {
  let runtime: Promise<Runtime> | undefined;
  const getRuntime = (): Promise<Runtime> => (runtime ??= host.runtime());
  const warmed = new Map<Backend, Promise<Runtime>>();
  /** The runtime with `backend` started (WASM compiled, GPU device made), so later timings are fair. */
  const ready = (backend: Backend, threads: number): Promise<Runtime> => {
    let p = warmed.get(backend);
    if (!p) {
      p = (async () => {
        const rt = await getRuntime();
        await warmUpRuntime(rt, backend, threads);
        return rt;
      })();
      p.catch(() => warmed.delete(backend));
      warmed.set(backend, p);
    }
    return p;
  };
  return {
    /** WASM threads this worker's runtime times with. */
    maxThreads: (): Promise<number> => host.defaultThreads(),

    async backends(): Promise<Backend[]> {
      return (await getRuntime()).availableBackends();
    },

    async measure(input: ModelInput, options: MeasureOptions, onProgress?: ProgressCallback): Promise<BenchResult> {
      const { model, bytes, feeds, inputShapes } = prepare(input, options.seed, 1, options.dims, options.values);
      const threads = options.threads ?? (await host.defaultThreads());
      const backend = options.backend ?? 'wasm';
      const result = await benchmarkModel(await ready(backend, threads), bytes, feeds[0]!, {
        backend,
        threads,
        warmup: options.warmup,
        runs: options.runs,
        ...(onProgress && { onProgress }),
      });
      return { ...result, inputShapes, cost: modelCost(model, inputShapes) };
    },

    /** Times several models in one run, their timed runs interleaved, so their ratios are fair. */
    async measureAll(inputs: ModelInput[], options: MeasureOptions, onProgress?: ProgressCallback): Promise<MeasureAllItem[]> {
      const prepared = inputs.map((input) => prepare(input, options.seed, 1, options.dims, options.values));
      const threads = options.threads ?? (await host.defaultThreads());
      const backend = options.backend ?? 'wasm';
      const results = await benchmarkInterleaved(
        await ready(backend, threads),
        prepared.map((p) => ({ bytes: p.bytes, feeds: p.feeds[0]! })),
        { backend, threads, warmup: options.warmup, runs: options.runs, ...(onProgress && { onProgress }) },
      );
      return results.map((r, i) => {
        if (!r.ok) return r;
        const { model, inputShapes } = prepared[i]!;
        return { ok: true, result: { ...r.result, inputShapes, cost: modelCost(model, inputShapes) } };
      });
    },

    /**
     * The device profile: host facts and measured GFLOP/s and GB/s on WASM (this worker's thread
     * count) and on WebGPU when an adapter exists, on the runtime that times the models.
     */
    async probe(options: DeviceProbeOptions = {}, onProgress?: ProgressCallback): Promise<DeviceProfile> {
      if (!host.facts) throw new Error('This bench host cannot describe its device (no facts()).');
      const rt = await getRuntime();
      const threads = await host.defaultThreads();
      const targets: ProbeTarget[] = (await rt.availableBackends()).map((backend) => ({ runtime: rt, backend, threads: backend === 'wasm' ? threads : 1 }));
      return probeDevice(await host.facts(), targets, { ...options, ...(onProgress && { onProgress }) });
    },

    /** The model on WASM and on WebGPU on the same seeded inputs, compared; a RuntimeError (BackendUnavailableError) without WebGPU. */
    async crossBackend(input: ModelInput, options: CrossBackendOptions, onProgress?: ProgressCallback): Promise<CrossBackendReport> {
      const { bytes, feeds, inputShapes } = prepare(input, options.seed, options.samples, options.dims);
      const rt = await getRuntime();
      const result = await crossBackendCheck(rt, bytes, feeds, {
        threads: await host.defaultThreads(),
        ...(options.tolerance && { tolerance: options.tolerance }),
        ...(onProgress && { onProgress }),
      });
      return { ...result, inputShapes };
    },

    async fidelity(reference: ModelInput, candidate: ModelInput, options: FidelityOptions, onProgress?: ProgressCallback): Promise<FidelityResult> {
      const ref = prepare(reference, options.seed, options.samples, options.dims, options.values);
      const cand = prepare(candidate, options.seed, 0, options.dims, options.values);
      const threads = await host.defaultThreads();
      const backend = options.backend ?? 'wasm';
      const outputs = await compareModels(await ready(backend, threads), ref.bytes, cand.bytes, ref.feeds, {
        backend,
        threads,
        ...(onProgress && { onProgress }),
      });
      return { outputs, inputShapes: ref.inputShapes, samples: options.samples };
    },
  };
}

export type BenchWorkerApi = ReturnType<typeof createBenchWorkerApi>;
