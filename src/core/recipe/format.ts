import { getMethod } from '../methods/registry';
import { defaultOptions, formatOptionText, sameOptionValue, type OptionValue } from '../methods/options';
import type { Recipe } from './types';

/** The CLI form of a recipe, listing only options that differ from their defaults (parseRecipe reads it back). */
export function recipeToString(recipe: Recipe): string {
  return recipe.steps
    .map((step) => {
      const method = getMethod(step.method);
      const defaults = defaultOptions(method.options);
      const pairs = method.options
        .filter((f) => step.options[f.key] !== undefined && !sameOptionValue(step.options[f.key], defaults[f.key]))
        .map((f) => `${f.key}=${formatOptionText(step.options[f.key] as OptionValue)}`);
      return pairs.length > 0 ? `${method.id}:${pairs.join(',')}` : method.id;
    })
    .join('+');
}
