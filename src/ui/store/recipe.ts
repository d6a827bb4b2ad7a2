import type { OptionValue } from '../../core/methods/options';
import type { RecipeInput } from '../services/types';
import { stripOnnxExtension } from '../format';

export type { OptionValue };

/** Short tag for file names: int8-weight -> int8; other ids as they are. */
export function methodTag(methodId: string): string {
  return methodId === 'int8-weight' ? 'int8' : methodId;
}

/** model.onnx compressed by int8-weight -> model.int8.onnx */
export function variantFileName(modelName: string, methodId: string): string {
  return `${stripOnnxExtension(modelName) || 'model'}.${methodTag(methodId)}.onnx`;
}

/** A one-step recipe in the JSON form; the worker validates it and fills in defaults. */
export function singleStepRecipe(methodId: string, options: Readonly<Record<string, OptionValue>>): RecipeInput {
  return { steps: [{ method: methodId, options: { ...options } }] };
}
