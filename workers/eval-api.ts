import { evaluateOutputs } from '../src/core/evaluate/evaluation';
import type { CandidateEvaluation, EvaluateResult, InputsUsed } from '../src/core/evaluate/evaluation-result';
import type { PerLayerResult } from '../src/core/evaluate/per-layer-result';
import type { InputDims, InputValues } from '../src/core/evaluate/input-dims';
import type { Backend } from '../src/core/device/backend';
import type { SampleSettings } from '../src/core/evaluate/loaders/sample-settings';
import type { SampleSetInfo } from '../src/core/evaluate/loaders/sample-set-info';
import { errorInfo } from '../src/core/evaluate/error-info';
import { modelInputShapes, synthesizeModelInputs } from '../src/core/evaluate/inputs';
import type { ImageDecoder } from '../src/core/evaluate/loaders/sample-set';
import type { Feeds } from '../src/core/evaluate/tensor-data';
import type { ModelIR } from '../src/core/ir/model';
import type { ProgressCallback } from '../src/core/util/progress';
import { runSamples } from '../src/runtime/compare';
import { perLayerErrors } from '../src/runtime/per-layer';
import type { Runtime } from '../src/runtime/types';
import { decodeInput, inputRunnableBytes, type ModelInput } from './model-input';
import { spreadSubset } from '../src/core/methods/calibration/spread-subset';
import { SampleFormatError } from '../src/core/evaluate/loaders/sample-error';
import { readSampleSet } from './sample-input';

/** One file the user dropped or picked, with its path inside the dropped folder ('/'-separated). */
export interface SampleFile {
  path: string;
  blob: Blob;
}

/** What a worker needs to read the user's samples again: the files (Blobs cross by reference) and the settings. */
export interface SampleRequest {
  files: readonly SampleFile[];
  settings: SampleSettings;
}

/** Where the evaluation code gets its runtime and decodes images (the bench worker's host, plus a decoder). */
export interface EvalHost {
  runtime(): Promise<Runtime>;
  defaultThreads(): Promise<number>;
  decodeImage: ImageDecoder;
}

export interface EvalOptions {
  backend?: Backend;
  /** Sizes for symbolic input dims of the synthetic inputs (samples bring their own sizes). */
  dims?: InputDims;
  /** Values for scalar inputs of the synthetic inputs (a sample rate); the others are seeded random. */
  values?: InputValues;
  /** Seed and count of the synthetic inputs used when no samples are given. */
  seed: number;
  syntheticSamples: number;
}

export interface PerLayerRunOptions extends EvalOptions {
  /** At most this many samples, spread over the set (each runs both models with every activation exposed). */
  maxSamples: number;
}

/**
 * Evaluation in the bench worker, so it runs serialised with the benchmarks: the user's samples
 * are read here (never on the main thread), both models run on them, and the core metrics,
 * accuracy and per-layer debugger turn the outputs into numbers.
 */
export function createEvalWorkerApi(host: EvalHost) {
  let runtime: Promise<Runtime> | undefined;
  const getRuntime = (): Promise<Runtime> => (runtime ??= host.runtime());

  const inputsFor = async (model: ModelIR, request: SampleRequest | null, options: EvalOptions, onProgress?: ProgressCallback) => {
    if (request) {
      const set = await readSampleSet(model, request, host.decodeImage, onProgress ? { onProgress } : {});
      if (set.samples.length === 0) {
        throw new SampleFormatError(
          `the ${request.files.length} given file(s)`,
          `none is a sample (${set.info.ignored.slice(0, 3).join(', ')}); expected images, .wav, .npy, .npz or .json.`,
        );
      }
      return { feeds: set.samples, labels: set.labels, labelOutput: set.info.labelled?.output, labelled: set.labels !== undefined };
    }
    const dims = options.dims ?? {};
    const feeds = synthesizeModelInputs(model, { seed: options.seed, count: options.syntheticSamples, dims, ...(options.values && { values: options.values }) });
    return { feeds, shapes: modelInputShapes(model, dims) };
  };
  const used = (request: SampleRequest | null, count: number, of: number, labelled: boolean, options: EvalOptions, shapes?: Record<string, number[]>): InputsUsed =>
    request ? { kind: 'samples', count, of, labelled } : { kind: 'synthetic', count, seed: options.seed, shapes: shapes ?? {} };

  return {
    /** Reads the samples as the model would take them and says what they are; throws the loaders' typed errors. */
    async inspectSamples(model: ModelInput, request: SampleRequest, onProgress?: ProgressCallback): Promise<SampleSetInfo> {
      return (await readSampleSet(decodeInput(model), request, host.decodeImage, onProgress ? { onProgress } : {})).info;
    },

    /**
     * Runs the reference once and each candidate on the same inputs and compares their outputs
     * (cosine, SQNR, errors, top-k agreement); with labelled samples, the accuracy of both.
     */
    async evaluate(reference: ModelInput, candidates: ModelInput[], request: SampleRequest | null, options: EvalOptions, onProgress?: ProgressCallback): Promise<EvaluateResult> {
      const refModel = decodeInput(reference);
      const inputs = await inputsFor(refModel, request, options, onProgress);
      const rt = await getRuntime();
      const run = { backend: options.backend ?? 'wasm', threads: await host.defaultThreads(), ...(onProgress && { onProgress }) };
      const refOut = await runSamples(rt, inputRunnableBytes(reference, refModel), inputs.feeds, { ...run, label: 'original' });
      const results: CandidateEvaluation[] = [];
      for (const [i, candidate] of candidates.entries()) {
        try {
          const out = await runSamples(rt, inputRunnableBytes(candidate, decodeInput(candidate)), inputs.feeds, { ...run, label: `variant ${i + 1} of ${candidates.length}` });
          const evaluation = evaluateOutputs(refOut, out, {
            ...('labels' in inputs && inputs.labels && { labels: inputs.labels }),
            ...('labelOutput' in inputs && inputs.labelOutput !== undefined && { labelOutput: inputs.labelOutput }),
          });
          results.push({ ok: true, evaluation });
        } catch (e) {
          if (errorInfo(e).name === 'AbortError') throw e;
          results.push({ ok: false, error: errorInfo(e) });
        }
      }
      const count = inputs.feeds.length;
      return { inputs: used(request, count, count, 'labelled' in inputs && inputs.labelled === true, options, 'shapes' in inputs ? inputs.shapes : undefined), candidates: results };
    },

    /** The quantization debugger: SQNR of every activation both models share, in graph order. */
    async perLayer(reference: ModelInput, candidate: ModelInput, request: SampleRequest | null, options: PerLayerRunOptions, onProgress?: ProgressCallback): Promise<PerLayerResult> {
      const refModel = decodeInput(reference);
      const inputs = await inputsFor(refModel, request, options, onProgress);
      const feeds: Feeds[] = spreadSubset(inputs.feeds, options.maxSamples);
      const layers = await perLayerErrors(await getRuntime(), refModel, decodeInput(candidate), feeds, {
        backend: options.backend ?? 'wasm',
        threads: await host.defaultThreads(),
        ...(onProgress && { onProgress }),
      });
      return { inputs: used(request, feeds.length, inputs.feeds.length, 'labelled' in inputs && inputs.labelled === true, options, 'shapes' in inputs ? inputs.shapes : undefined), layers };
    },
  };
}

export type EvalWorkerApi = ReturnType<typeof createEvalWorkerApi>;
