import { recipeFromJson, recipeToJson } from '../../core/recipe/json';
import { FLOAT_OVERRIDE, type Recipe } from '../../core/recipe/types';
import { sameOptionValue } from '../../core/methods/options';
import { RecipeError } from '../../core/util/errors';
import type { RecipeInput } from '../services/types';
import type { MethodInfo } from './method-info';
import type { OptionValue } from './recipe';
import { stripOnnxExtension } from '../format';

/**
 * A recipe as the file the studio saves: the core's versioned JSON with every option filled in
 * (recipeFromJson validates it first), so the CLI's `--recipe-file` and the Import control read it
 * back to the same recipe, whatever defaults a later version may change.
 */
export function recipeFileText(recipe: RecipeInput): string {
  return `${JSON.stringify(recipeToJson(recipeFromJson(recipe)), null, 2)}\n`;
}

/** `mlp.int8.onnx` -> `mlp.int8.recipe.json`. */
export function recipeFileName(variantFileName: string): string {
  return `${stripOnnxExtension(variantFileName) || 'model'}.recipe.json`;
}

/** A step or an override as the editor holds it: the method and only the options that differ from its defaults. */
export interface EditorStep {
  methodId: string;
  options: Record<string, OptionValue>;
}

export interface EditorRecipe {
  steps: EditorStep[];
  overrides: { nodes: string; method: string; options: Record<string, OptionValue> }[];
}

function changedOptions(method: MethodInfo, options: Record<string, unknown> | undefined): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const f of method.options) {
    const v = options?.[f.key];
    if (v !== undefined && !sameOptionValue(v, f.default)) out[f.key] = v as OptionValue;
  }
  return out;
}

function known(methods: readonly MethodInfo[], id: string, where: string): MethodInfo {
  const m = methods.find((x) => x.id === id);
  if (!m) throw new RecipeError(`${where}: this studio has no method '${id}'; expected one of ${methods.map((x) => x.id).join(', ')}.`);
  return m;
}

/**
 * The text of a recipe file (as recipeFileText writes it, or any recipe JSON the CLI takes) as the
 * editor's steps and overrides. Not JSON, not a valid recipe, or a method this studio lacks: a
 * RecipeError saying what was expected.
 */
export function parseRecipeFile(text: string, methods: readonly MethodInfo[]): EditorRecipe {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RecipeError(`A recipe file must be JSON like {"version":1,"steps":[{"method":"int8-weight"}]}; this one does not parse (${(e as Error).message}).`);
  }
  const recipe: Recipe = recipeFromJson(json);
  return {
    steps: recipe.steps.map((s, i) => ({ methodId: s.method, options: changedOptions(known(methods, s.method, `recipe.steps[${i}]`), s.options) })),
    overrides: (recipe.overrides ?? []).map((o, i) => ({
      nodes: o.nodes,
      method: o.method,
      options: o.method === FLOAT_OVERRIDE ? {} : changedOptions(known(methods, o.method, `recipe.overrides[${i}]`), o.options),
    })),
  };
}
