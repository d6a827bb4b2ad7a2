import type { OptionValue } from '../../core/methods/options';
import type { RecipeInput } from '../services/types';
import type { MethodInfo } from './method-info';
import { stripOnnxExtension } from '../format';

export type { OptionValue };

/** One step of the recipe being edited: a method and the options the user changed (the rest take defaults). */
export interface DraftStep {
  /** Stable React key; not part of the recipe. */
  key: string;
  methodId: string;
  options: Record<string, OptionValue>;
}

/** One per-layer override being edited: node pattern and method id or 'float' (the method's default options). */
export interface DraftOverride {
  /** Stable React key; not part of the recipe. */
  key: string;
  nodes: string;
  method: string;
  /** Options that differ from the method's defaults (an imported recipe's); absent: the defaults. */
  options?: Record<string, OptionValue>;
}

/**
 * Short tag for file names, derived from the method id: a `-weight` suffix (weight-only storage)
 * is dropped, so int8-weight -> int8 and fp16-weight -> fp16; other ids stay as they are.
 */
export function methodTag(methodId: string): string {
  return methodId.replace(/-weight$/, '') || methodId;
}

/** model.onnx + [int8-weight] -> model.int8.onnx; several steps join their tags with '+'. */
export function variantFileName(modelName: string, methodIds: readonly string[]): string {
  const tags = methodIds.map(methodTag).filter((t, i, all) => all.indexOf(t) === i);
  return `${stripOnnxExtension(modelName) || 'model'}.${tags.join('+') || 'compressed'}.onnx`;
}

/** The recipe in its JSON form; the worker validates it and fills in defaults. Overrides with no pattern yet are left out. */
export function draftToRecipe(steps: readonly DraftStep[], overrides: readonly DraftOverride[] = []): RecipeInput {
  const recipe: RecipeInput = { steps: steps.map((s) => ({ method: s.methodId, options: { ...s.options } })) };
  const given = overrides
    .filter((o) => o.nodes.trim() !== '')
    .map((o) => (o.options && Object.keys(o.options).length > 0 ? { nodes: o.nodes.trim(), method: o.method, options: { ...o.options } } : { nodes: o.nodes.trim(), method: o.method }));
  return given.length > 0 ? { ...recipe, overrides: given } : recipe;
}

/**
 * A readable label from the recipe's CLI text (recipeToString):
 * `int4:block=32,symmetric=false+fp16` -> `int4 (block 32, symmetric false) + fp16`.
 */
export function recipeLabel(stepTexts: readonly string[]): string {
  return stepTexts
    .map((text) => {
      const colon = text.indexOf(':');
      if (colon < 0) return text;
      const options = text
        .slice(colon + 1)
        .split(',')
        .map((pair) => pair.replace('=', ' '))
        .join(', ');
      return `${text.slice(0, colon)} (${options})`;
    })
    .join(' + ');
}

/** `label`, or `label · 2`, `label · 3`… when earlier variants already carry it. */
export function uniqueLabel(label: string, taken: readonly string[]): string {
  if (!taken.includes(label)) return label;
  let n = 2;
  while (taken.includes(`${label} · ${n}`)) n += 1;
  return `${label} · ${n}`;
}

/** True when the method declares backends and WebGPU is not among them. */
export function isCpuOnly(method: Pick<MethodInfo, 'backends'> | undefined): boolean {
  return method?.backends !== undefined && !method.backends.includes('webgpu');
}
