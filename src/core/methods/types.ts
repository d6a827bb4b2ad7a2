import type { Feeds } from '../evaluate/tensor-data';
import type { ModelIR, ReadonlyModelIR } from '../ir/model';
import type { LongCallOptions } from '../util/progress';
import type { LayerChange } from './changes';

export type { LayerChange, LayerError } from './changes';

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

/** The value type one field yields: number, boolean, the union of an enum's choices, or a string list. */
export type OptionValueOf<F extends OptionField> = F extends { kind: 'number' }
  ? number
  : F extends { kind: 'boolean' }
    ? boolean
    : F extends { kind: 'enum'; choices: readonly (infer C extends string)[] }
      ? C
      : string[];

/**
 * The options object a method's apply receives, derived from its `as const` field tuple, so the
 * declaration is the only place an option is written down.
 */
export type OptionsOf<Fields extends readonly OptionField[]> = { -readonly [F in Fields[number] as F['key']]: OptionValueOf<F> };

/** What a method does to a model; the UI groups methods by it. */
export type MethodFamily = 'quantization' | 'pruning' | 'distillation' | 'structure';

/** A runtime backend a method's output is built for. */
export type MethodBackend = 'wasm' | 'webgpu';

/**
 * Everything known about a method without loading its code: the studio lists methods and builds
 * their forms from this alone (declarations/*.ts hold one each); the implementation adds `apply`.
 */
export interface MethodDeclaration<Fields extends readonly OptionField[] = readonly OptionField[]> {
  id: string;
  label: string;
  description: string;
  family: MethodFamily;
  options: Fields;
  /**
   * The backends whose kernels run the output as intended; absent means all. A method limited to
   * 'wasm' emits operators WebGPU lacks, so the UI shows it as "CPU only, falls back off WebGPU".
   */
  backends?: readonly MethodBackend[];
  /**
   * How many calibration samples the method runs with these (resolved) options, or undefined when
   * it does not run the model with them. Absent means never. Hosts read that many of the user's samples.
   */
  calibrationSamples?(options: OptionsOf<Fields>): number | undefined;
  /** The method reads the original model (the teacher, MethodContext.teacher), e.g. to distil from it. */
  needsTeacher: boolean;
  /**
   * Each rewritten tensor depends on that tensor alone, so a host may stream the weights one at a
   * time. Steps that run the model (calibrationSamples gives a count) still need it whole.
   */
  streamsTensors: boolean;
}

/** A loaded model a method may run (calibration): one sample's feeds in, the named outputs back. */
export interface RunnableModel {
  run(feeds: Feeds, outputNames: readonly string[]): Promise<Feeds>;
  release(): Promise<void>;
}

/** Loads model bytes into the host's runtime. Methods are pure core: the host (CLI, worker, tests) injects this. */
export type OpenModel = (modelBytes: Uint8Array) => Promise<RunnableModel>;

/**
 * Runs a model that takes no inputs (a constant subgraph of a model, with the stored values it
 * reads) and returns the named outputs. simplify folds with it what the core's evaluator cannot
 * compute; hosts build it from their runtime (src/runtime/constant-runner.ts).
 */
export type ConstantRunner = (modelBytes: Uint8Array, outputNames: readonly string[]) => Promise<Feeds>;

/**
 * The original model of a recipe (before any step) and a way to run it, for methods that learn
 * from it (distillation, layer-wise reconstruction). Hosts build it from their runtime (createTeacher).
 */
export interface Teacher {
  model: ModelIR;
  /** Runs the original model on one sample and returns the named values, intermediate ones included. */
  activations(feeds: Feeds, names: readonly string[]): Promise<Feeds>;
  /** Frees what the runs loaded. */
  release(): Promise<void>;
}

export interface MethodContext extends LongCallOptions {
  /** How methods that must execute the model (int8-static calibration) run it; absent on hosts without a runtime. */
  openModel?: OpenModel;
  /** How simplify computes constant subgraphs of operators the core does not evaluate; absent, it folds only what the core evaluates. */
  runConstants?: ConstantRunner;
  /** Calibration samples (one feeds object each); methods synthesize seeded inputs when absent. */
  calibrationInputs?: readonly Feeds[];
  /**
   * Sizes for the model's unknown input dims (by name, or `input[axis]` for unnamed ones) that
   * synthetic calibration inputs take when no samples are given; the rest are guessed.
   */
  inputDims?: Readonly<Record<string, number>>;
  /** The recipe's original model and how to run it; absent on hosts without a runtime. */
  teacher?: Teacher;
  /**
   * Set by applyRecipe for per-layer overrides: the method changes only nodes whose names pass
   * (on top of its own excludeNodes); absent, every node is in scope.
   */
  nodeScope?: (nodeName: string) => boolean;
  /**
   * Set by applyRecipe after a step that removed output channels (prune-channels): for each such
   * node (by name, or first output when unnamed), its channels as indices into the recipe's
   * original model's, so a later step can match them to the teacher's.
   */
  channelMaps?: ReadonlyMap<string, readonly number[]>;
}

/** One layer's output channels after a step removed some: indices into the channels it had before. */
export interface ChannelMap {
  node: string;
  kept: readonly number[];
}

/**
 * What one method run hands back. Model totals (parameters, MACs, bytes, gzip size) are not here:
 * applyRecipe measures them once for every step (see recipe/totals.ts).
 */
export interface MethodOutcome {
  model: ModelIR;
  /** How many weight tensors the method rewrote. */
  tensors: number;
  warnings: string[];
  /** What changed, layer by layer. */
  changes: LayerChange[];
  /** The output channels each layer kept, when the step removed some (applyRecipe composes them into MethodContext.channelMaps). */
  channelMaps?: ChannelMap[];
}

export interface MethodModule<Fields extends readonly OptionField[] = readonly OptionField[]> extends MethodDeclaration<Fields> {
  /**
   * `options` are a recipe step's, possibly partial and unchecked: the method resolves them
   * against its fields (resolveOptions gives them the OptionsOf<Fields> type).
   */
  apply(model: ReadonlyModelIR, options: Record<string, unknown>, ctx?: MethodContext): Promise<MethodOutcome>;
}
