import type { ModelSummary } from '../../core/analyze/summary';
import type { Progress } from '../../core/util/progress';
import type { StepReport } from '../../core/recipe/step-report';
import type { CompressResult, RecipeInput } from '../../../workers/model-api';
import type { CalibrationUsed } from '../../../workers/model-api';
import type { Backend } from '../../core/device/backend';
import type { BenchResult, MeasureAllItem } from '../../core/evaluate/bench-result';
import type { EvaluateResult, InputsUsed } from '../../core/evaluate/evaluation-result';
import type { FidelityResult } from '../../core/evaluate/fidelity-result';
import type { InputDims, InputValues } from '../../core/evaluate/input-dims';
import type { PerLayerResult } from '../../core/evaluate/per-layer-result';
import type { SampleSetInfo } from '../../core/evaluate/loaders/sample-set-info';
import type { ClassMapping, SampleSettings } from '../../core/evaluate/loaders/sample-settings';
import type { DroppedFile } from './dropped-files';
import type { WorkspaceRepository } from './workspace-storage/workspace-repository';
import type { AnalysisJobs } from './analysis-jobs';

export type { ModelSummary, Progress, BenchResult, MeasureAllItem, CompressResult, StepReport, FidelityResult, RecipeInput, Backend };
export type { CalibrationUsed, EvaluateResult, InputsUsed, InputDims, PerLayerResult, ClassMapping, SampleSetInfo, SampleSettings, DroppedFile };

/** Files the user gave for one model: the .onnx and any external data files beside it. */
export interface ModelFiles {
  name: string;
  model: Blob;
  /** External data files by name, as the model's `location` entries refer to them. */
  external: ReadonlyMap<string, Blob>;
}

/** Holds model bytes (as Blobs) outside the store; the store only keeps ids. */
export interface ModelRegistry {
  add(files: ModelFiles): string;
  get(id: string): ModelFiles | undefined;
  remove(id: string): void;
}

/** A compressed variant as the store sees it: its bytes stay in the registry under `id`. */
export interface VariantInfo extends Omit<CompressResult, 'bytes' | 'external'> {
  id: string;
  name: string;
  /** When its weights are in an external data file (past 2 GB), that file's name: it downloads as a second file. */
  externalDataFile?: string;
}

/**
 * Jobs on the model worker: decode, analyze, compress. Every call takes an AbortSignal first:
 * aborting it while the call runs terminates the worker (and rejects with AbortError).
 */
export interface ModelJobs {
  analyze(signal: AbortSignal, id: string): Promise<ModelSummary>;
  /** With `samples`, calibrating steps (int8-static) run on the user's samples instead of synthetic inputs. */
  compress(signal: AbortSignal, id: string, recipe: RecipeInput, variantName: string, onProgress: (p: Progress) => void, samples?: SampleSettings): Promise<VariantInfo>;
}

export interface BenchOptions {
  backend: Backend;
  dims?: InputDims;
  /** Values for scalar inputs (a sample rate); the others are seeded random. */
  values?: InputValues;
  /** 1 times WASM on one thread; absent, on all the threads the bench worker uses. */
  threads?: 1;
  runs: number;
  warmup: number;
}

export interface FidelityOptions {
  backend: Backend;
  dims?: InputDims;
  values?: InputValues;
  seed: number;
  samples: number;
}

/**
 * Jobs on the bench worker: latency and output fidelity through onnxruntime-web. Aborting a call's
 * signal while it runs terminates the worker it runs on.
 */
export interface BenchJobs {
  /** Backends the bench worker can use here (WebGPU only when an adapter is granted). */
  backends(signal: AbortSignal): Promise<Backend[]>;
  /** WASM threads the bench worker times with by default (more than 1 only when cross-origin isolated). */
  maxThreads(signal: AbortSignal): Promise<number>;
  /** Times several models in one run with interleaved timed runs; one item per id, in order. `onProgress` hears each load, warm-up and timed run. */
  measureAll(signal: AbortSignal, ids: readonly string[], options: BenchOptions, onProgress?: (p: Progress) => void): Promise<MeasureAllItem[]>;
  fidelity(signal: AbortSignal, referenceId: string, candidateId: string, options: FidelityOptions): Promise<FidelityResult>;
}

/** Holds the user's sample files (Files, outside the store); one set at a time. */
export interface SampleFilesHolder {
  set(files: readonly DroppedFile[]): void;
  get(): readonly DroppedFile[];
}

export interface EvalRunOptions {
  backend: Backend;
  dims?: InputDims;
  values?: InputValues;
}

/**
 * Evaluation jobs on the bench worker (serialised with the benchmarks): the held sample files are
 * read there with `settings`; `null` settings mean seeded synthetic inputs. Aborting a call's
 * signal while it runs terminates the bench worker (as aborting a measurement does).
 */
export interface EvalJobs {
  inspectSamples(signal: AbortSignal, modelId: string, settings: SampleSettings, onProgress: (p: Progress) => void): Promise<SampleSetInfo>;
  evaluate(
    signal: AbortSignal,
    referenceId: string,
    candidateIds: readonly string[],
    settings: SampleSettings | null,
    options: EvalRunOptions,
    onProgress: (p: Progress) => void,
  ): Promise<EvaluateResult>;
  perLayer(signal: AbortSignal, referenceId: string, candidateId: string, settings: SampleSettings | null, options: EvalRunOptions, onProgress: (p: Progress) => void): Promise<PerLayerResult>;
}

/** Everything the store needs from the outside world; tests pass fakes. */
export interface StudioServices {
  registry: ModelRegistry;
  models: ModelJobs;
  bench: BenchJobs;
  evaluation: EvalJobs;
  sampleFiles: SampleFilesHolder;
  /** Fetches the bundled sample model; aborting the signal stops the download. */
  loadSample(signal: AbortSignal): Promise<File>;
  /** Offers the bytes registered under `id` as a file download. */
  download(id: string, fileName: string): void;
  /** Where workspaces are kept on this device (OPFS or IndexedDB); absent, nothing is stored. */
  workspace?: WorkspaceRepository;
  /** Live MAC recounts at the sizes typed, beside the other workers; absent, MACs follow measurements only. */
  analysis?: AnalysisJobs;
}
