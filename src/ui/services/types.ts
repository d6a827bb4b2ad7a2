import type { ModelSummary } from '../../core/analyze/summary';
import type { Progress } from '../../core/util/progress';
import type { CompressResult, CompressStep, RecipeInput } from '../../../workers/model-api';
import type { BenchResult, FidelityResult, MeasureAllItem } from '../../../workers/bench-api';
import type { Backend } from '../../runtime/types';

export type { ModelSummary, Progress, BenchResult, MeasureAllItem, CompressResult, CompressStep, FidelityResult, RecipeInput, Backend };

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
export interface VariantInfo extends Omit<CompressResult, 'bytes'> {
  id: string;
  name: string;
}

/** Jobs on the model worker: decode, analyze, compress. `cancel` terminates the worker. */
export interface ModelJobs {
  analyze(id: string): Promise<ModelSummary>;
  compress(id: string, recipe: RecipeInput, variantName: string, onProgress: (p: Progress) => void): Promise<VariantInfo>;
  cancel(): void;
}

export interface BenchOptions {
  backend: Backend;
  runs: number;
  warmup: number;
}

export interface FidelityOptions {
  backend: Backend;
  seed: number;
  samples: number;
}

/** Jobs on the bench worker: latency and output fidelity through onnxruntime-web. */
export interface BenchJobs {
  /** Backends the bench worker can use here (WebGPU only when an adapter is granted). */
  backends(): Promise<Backend[]>;
  /** Times several models in one run with interleaved timed runs; one item per id, in order. */
  measureAll(ids: readonly string[], options: BenchOptions): Promise<MeasureAllItem[]>;
  fidelity(referenceId: string, candidateId: string, options: FidelityOptions): Promise<FidelityResult>;
  cancel(): void;
}

/** Everything the store needs from the outside world; tests pass fakes. */
export interface StudioServices {
  registry: ModelRegistry;
  models: ModelJobs;
  bench: BenchJobs;
  /** Fetches the bundled sample model. */
  loadSample(): Promise<File>;
  /** Offers the bytes registered under `id` as a file download. */
  download(id: string, fileName: string): void;
}
