import { analyzeModel, type ModelSummary } from '../src/core/analyze/summary';
import { encodeModel } from '../src/core/onnx/encode';
import { applyRecipe, recipeFromJson, type Recipe } from '../src/core/recipe';
import type { OpenModel } from '../src/core/methods/types';
import type { ProgressCallback } from '../src/core/util/progress';
import { decodeInput, type ModelInput } from './model-input';

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

export interface CompressResult {
  bytes: Uint8Array<ArrayBuffer>;
  sizeBytes: number;
  steps: CompressStep[];
  /** Decode + recipe + encode, wall time in the worker. */
  ms: number;
}

/** What the model worker does, as plain functions over the core (the worker only exposes them). */
export const modelWorkerApi = {
  analyze(input: ModelInput): ModelSummary {
    return analyzeModel(decodeInput(input), input.model.byteLength);
  },

  /** `openModel` runs models for methods that must (int8-static calibration); the worker passes a lazily started runtime. */
  async compress(input: ModelInput, recipe: RecipeInput, onProgress?: ProgressCallback, openModel?: OpenModel): Promise<CompressResult> {
    const t0 = performance.now();
    const parsed = recipeFromJson(recipe);
    onProgress?.({ kind: 'phase', phase: 'Decoding' });
    const model = decodeInput(input);
    const applied = await applyRecipe(model, parsed, { onProgress: (p) => onProgress?.(p), ...(openModel && { openModel }) });
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
    return { bytes, sizeBytes: bytes.byteLength, steps, ms: performance.now() - t0 };
  },
};

export type ModelWorkerApi = typeof modelWorkerApi;
