import { analyzeModel, type ModelSummary } from '../src/core/analyze/summary';
import { encodeModel } from '../src/core/onnx/encode';
import { FLOAT_OVERRIDE, applyRecipe, recipeFromJson, type Recipe } from '../src/core/recipe';
import type { OpenModel } from '../src/core/methods/types';
import { getMethod } from '../src/core/methods/registry';
import type { ProgressCallback } from '../src/core/util/progress';
import type { ImageDecoder } from '../src/core/evaluate/loaders/sample-set';
import type { Feeds } from '../src/core/evaluate/tensor-data';
import type { ModelIR } from '../src/core/ir/model';
import { decodeInput, type ModelInput } from './model-input';
import { spreadSubset } from '../src/core/methods/calibration/spread-subset';
import { readSampleSet, type SampleRequest } from './sample-input';

/** A recipe in its JSON form ({ steps: [{ method, options }] }); validated in the worker. */
export type RecipeInput = Recipe;

export interface CompressStep {
  method: string;
  tensors: number;
  ms: number;
  bytesBefore: number;
  bytesAfter: number;
  warnings: string[];
}

/** The inputs calibrating methods (int8-static) ran on. */
export type CalibrationUsed = { kind: 'samples'; count: number; of: number } | { kind: 'synthetic'; count: number };

export interface CompressResult {
  bytes: Uint8Array<ArrayBuffer>;
  sizeBytes: number;
  steps: CompressStep[];
  /** Decode + recipe + encode, wall time in the worker. */
  ms: number;
  /** Present when a step calibrated on inputs. */
  calibration?: CalibrationUsed;
}

/** The user's samples as calibration inputs, and how the worker decodes their images. */
export interface CalibrationSamples {
  request: SampleRequest;
  decodeImage: ImageDecoder;
}

/** The calibration sample count the recipe asks for (the most any of its steps runs), or undefined when none runs the model. */
function calibrationCount(recipe: Recipe): number | undefined {
  const overrides = (recipe.overrides ?? []).filter((o) => o.method !== FLOAT_OVERRIDE).map((o) => ({ method: o.method, options: o.options ?? {} }));
  const counts = [...recipe.steps, ...overrides].flatMap((s) => getMethod(s.method).calibrationSamples?.(s.options) ?? []);
  return counts.length > 0 ? Math.max(...counts) : undefined;
}

/** The user's samples, at most the recipe's `samples` of them spread over the set; undefined when the recipe calibrates nothing. */
async function calibrationInputs(model: ModelIR, recipe: Recipe, samples: CalibrationSamples | undefined, onProgress?: ProgressCallback): Promise<{ inputs?: Feeds[]; used?: CalibrationUsed }> {
  const wanted = calibrationCount(recipe);
  if (wanted === undefined) return {};
  if (!samples) return { used: { kind: 'synthetic', count: wanted } };
  onProgress?.({ kind: 'phase', phase: 'Reading calibration samples' });
  const set = await readSampleSet(model, samples.request, samples.decodeImage, onProgress ? { onProgress } : {});
  if (set.samples.length === 0) return { used: { kind: 'synthetic', count: wanted } };
  const inputs = spreadSubset(set.samples, wanted);
  return { inputs, used: { kind: 'samples', count: inputs.length, of: set.samples.length } };
}

/** What the model worker does, as plain functions over the core (the worker only exposes them). */
export const modelWorkerApi = {
  analyze(input: ModelInput): ModelSummary {
    return analyzeModel(decodeInput(input), input.model.byteLength);
  },

  /**
   * `openModel` runs models for methods that must (int8-static calibration); the worker passes a
   * lazily started runtime. With `samples`, calibration runs on the user's samples (capped by the
   * step's `samples` option) instead of the method's seeded synthetic inputs.
   */
  async compress(input: ModelInput, recipe: RecipeInput, onProgress?: ProgressCallback, openModel?: OpenModel, samples?: CalibrationSamples): Promise<CompressResult> {
    const t0 = performance.now();
    const parsed = recipeFromJson(recipe);
    onProgress?.({ kind: 'phase', phase: 'Decoding' });
    const model = decodeInput(input);
    const calibration = await calibrationInputs(model, parsed, samples, onProgress);
    const applied = await applyRecipe(model, parsed, {
      onProgress: (p) => onProgress?.(p),
      ...(openModel && { openModel }),
      ...(calibration.inputs && { calibrationInputs: calibration.inputs }),
    });
    onProgress?.({ kind: 'phase', phase: 'Encoding' });
    const bytes = encodeModel(applied.model);
    const steps = applied.steps.map(({ method, tensors, ms, bytesBefore, bytesAfter, warnings }) => ({
      method,
      tensors,
      ms,
      bytesBefore,
      bytesAfter,
      warnings,
    }));
    return { bytes, sizeBytes: bytes.byteLength, steps, ms: performance.now() - t0, ...(calibration.used && { calibration: calibration.used }) };
  },
};

export type ModelWorkerApi = typeof modelWorkerApi;
