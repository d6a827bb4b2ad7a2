import { analyzeModel, type ModelSummary } from '../src/core/analyze/summary';
import { applyRecipe, calibrationSubset, createTeacher, recipeCalibrationSamples, recipeFromJson, type Recipe, type StepReport } from '../src/core/recipe';
import type { ConstantRunner, OpenModel } from '../src/core/methods/types';
import type { ProgressCallback } from '../src/core/util/progress';
import type { ImageDecoder } from '../src/core/evaluate/loaders/sample-set';
import type { Feeds } from '../src/core/evaluate/tensor-data';
import type { ModelIR } from '../src/core/ir/model';
import { decodeInput, type ModelInput } from './model-input';
import { encodedByteLength, type OutputLayout } from '../src/core/onnx/external-output';
import { readSampleSet, type SampleRequest } from './sample-input';

/** A recipe in its JSON form ({ version?, steps: [{ method, options }] }); validated (and migrated) in the worker. */
export type RecipeInput = Recipe & { version?: number };

/** The inputs calibrating methods (int8-static) ran on. */
export type CalibrationUsed = { kind: 'samples'; count: number; of: number } | { kind: 'synthetic'; count: number };

export interface CompressResult {
  /** The .onnx bytes; with `external`, they refer to that data file by its name. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The whole output's bytes: the .onnx and its external data file. */
  sizeBytes: number;
  /** Past the inline limit, the weights' data file: its name (the model's `location`) and its bytes, never joined into one buffer. */
  external?: { location: string; data: Blob };
  steps: StepReport[];
  /** Decode + recipe + encode, wall time in the worker. */
  ms: number;
  /** Present when a step calibrated on inputs. */
  calibration?: CalibrationUsed;
  /**
   * True when the recipe changed nothing: no step made a new model, or the output's bytes equal
   * the input file's. Such a result is not a new variant.
   */
  unchanged?: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The user's samples as calibration inputs, and how the worker decodes their images. */
export interface CalibrationSamples {
  request: SampleRequest;
  decodeImage: ImageDecoder;
}

/** The user's samples, at most the recipe's `samples` of them spread over the set; undefined when the recipe calibrates nothing. */
async function calibrationInputs(model: ModelIR, recipe: Recipe, samples: CalibrationSamples | undefined, onProgress?: ProgressCallback): Promise<{ inputs?: Feeds[]; used?: CalibrationUsed }> {
  const wanted = recipeCalibrationSamples(recipe);
  if (wanted === undefined) return {};
  if (!samples) return { used: { kind: 'synthetic', count: wanted } };
  onProgress?.({ kind: 'phase', phase: 'Reading calibration samples' });
  const set = await readSampleSet(model, samples.request, samples.decodeImage, onProgress ? { onProgress } : {});
  if (set.samples.length === 0) return { used: { kind: 'synthetic', count: wanted } };
  const inputs = calibrationSubset(set.samples, recipe) ?? [];
  return { inputs, used: { kind: 'samples', count: inputs.length, of: set.samples.length } };
}

/** What the model worker does, as plain functions over the core (the worker only exposes them). */
export const modelWorkerApi = {
  analyze(input: ModelInput): ModelSummary {
    return analyzeModel(decodeInput(input), input.model.byteLength);
  },

  /**
   * `openModel` runs models for methods that must (int8-static calibration) and the original
   * model as the methods' teacher; the worker passes a lazily started runtime. With `samples`,
   * calibration runs on the user's samples (capped by the step's `samples` option) instead of the
   * method's seeded synthetic inputs. `runConstants` computes the constant subgraphs simplify's
   * own evaluator does not.
   */
  async compress(
    input: ModelInput,
    recipe: RecipeInput,
    onProgress?: ProgressCallback,
    openModel?: OpenModel,
    samples?: CalibrationSamples,
    output?: OutputLayout,
    runConstants?: ConstantRunner,
  ): Promise<CompressResult> {
    const t0 = performance.now();
    const parsed = recipeFromJson(recipe);
    onProgress?.({ kind: 'phase', phase: 'Decoding' });
    const model = decodeInput(input);
    const calibration = await calibrationInputs(model, parsed, samples, onProgress);
    const teacher = openModel && createTeacher(model, openModel);
    let applied;
    try {
      applied = await applyRecipe(model, parsed, {
        onProgress: (p) => onProgress?.(p),
        ...(openModel && { openModel }),
        ...(runConstants && { runConstants }),
        ...(teacher && { teacher }),
        ...(calibration.inputs && { calibrationInputs: calibration.inputs }),
        ...(output && { output }),
      });
    } finally {
      await teacher?.release();
    }
    const { bytes, steps } = applied;
    const file = applied.output.external;
    const unchanged = applied.model === model || (Object.keys(input.external).length === 0 && sameBytes(bytes, input.model));
    return {
      bytes,
      sizeBytes: encodedByteLength(applied.output),
      // A Blob of the pieces: the browser keeps it (on disk if need be), no buffer holds all the weights.
      ...(file && { external: { location: file.location, data: new Blob([...file.pieces], { type: 'application/octet-stream' }) } }),
      steps,
      ms: performance.now() - t0,
      ...(calibration.used && { calibration: calibration.used }),
      ...(unchanged && { unchanged: true }),
    };
  },
};

export type ModelWorkerApi = typeof modelWorkerApi;
