import type { Feeds } from '../evaluate/tensor-data';
import type { ModelIR, ReadonlyModelIR } from '../ir/model';
import type { LongCallOptions } from '../util/progress';

/**
 * One option of a method, as data: the recipe editor's form and the CLI's key=value parsing
 * are both generated from these declarations, so defaults and ranges live in one place.
 */
export type OptionField =
  | { kind: 'number'; key: string; label: string; help?: string; default: number; min?: number; max?: number; integer?: boolean }
  | { kind: 'boolean'; key: string; label: string; help?: string; default: boolean }
  | { kind: 'enum'; key: string; label: string; help?: string; default: string; choices: readonly string[] }
  | {
      kind: 'string-list';
      key: string;
      label: string;
      help?: string;
      default: readonly string[];
      /** When present, every item must be one of these. */
      choices?: readonly string[];
      /** Items are node-name patterns (exact, glob or /regex/), checked when the recipe is read. */
      patterns?: boolean;
    };

/** A loaded model a method may run (calibration): one sample's feeds in, the named outputs back. */
export interface RunnableModel {
  run(feeds: Feeds, outputNames: readonly string[]): Promise<Feeds>;
  release(): Promise<void>;
}

/** Loads model bytes into the host's runtime. Methods are pure core: the host (CLI, worker, tests) injects this. */
export type OpenModel = (modelBytes: Uint8Array) => Promise<RunnableModel>;

export interface MethodContext extends LongCallOptions {
  /** How methods that must execute the model (int8-static calibration) run it; absent on hosts without a runtime. */
  openModel?: OpenModel;
  /** Calibration samples (one feeds object each); methods synthesize seeded inputs when absent. */
  calibrationInputs?: readonly Feeds[];
  /**
   * Set by applyRecipe for per-layer overrides: the method changes only nodes whose names pass
   * (on top of its own excludeNodes); absent, every node is in scope.
   */
  nodeScope?: (nodeName: string) => boolean;
}

/** Error figures for one rewritten weight tensor. */
export interface LayerError {
  name: string;
  maxAbsError: number;
  meanAbsError: number;
  /** Signal-to-quantization-noise ratio in dB; Infinity when the tensor came back exactly. */
  sqnrDb: number;
}

export interface MethodOutcome {
  model: ModelIR;
  /** How many weight tensors the method rewrote. */
  tensors: number;
  /** Bytes of every stored tensor in the model before and after. */
  bytesBefore: number;
  bytesAfter: number;
  warnings: string[];
  layers: LayerError[];
}

/** A runtime backend a method's output is built for. */
export type MethodBackend = 'wasm' | 'webgpu';

export interface MethodModule<O extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  label: string;
  description: string;
  options: readonly OptionField[];
  /**
   * The backends whose kernels run the output as intended; absent means all. A method limited to
   * 'wasm' emits operators WebGPU lacks, so the UI shows it as "CPU only, falls back off WebGPU".
   */
  backends?: readonly MethodBackend[];
  /**
   * How many calibration samples the method runs with these options (hosts read that many of the
   * user's samples), or undefined when it does not run the model. Absent means never.
   */
  calibrationSamples?(options: Record<string, unknown>): number | undefined;
  apply(model: ReadonlyModelIR, options: O, ctx?: MethodContext): Promise<MethodOutcome>;
}
