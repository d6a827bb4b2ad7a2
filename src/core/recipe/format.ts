import { getDeclaration } from '../methods/declarations';
import { defaultOptions, formatOptionText, sameOptionValue, type OptionValue } from '../methods/options';
import { shellQuote } from './override-text';
import { FLOAT_OVERRIDE, type Recipe, type RecipeOverride } from './types';

/** One step's text, `name[:key=value,...]`, listing only options that differ from their defaults. */
export function stepToString(step: { method: string; options?: Record<string, unknown> | undefined }): string {
  const method = getDeclaration(step.method);
  const defaults = defaultOptions(method.options);
  const options = step.options ?? {};
  const pairs = method.options
    .filter((f) => options[f.key] !== undefined && !sameOptionValue(options[f.key], defaults[f.key]))
    .map((f) => `${f.key}=${formatOptionText(options[f.key] as OptionValue)}`);
  return pairs.length > 0 ? `${method.id}:${pairs.join(',')}` : method.id;
}

/** An override as `--override` takes it: `<nodes>=float` or `<nodes>=<method>[:options]`. */
export function overrideToString(o: RecipeOverride): string {
  return `${o.nodes}=${o.method === FLOAT_OVERRIDE ? FLOAT_OVERRIDE : stepToString(o)}`;
}

/**
 * The CLI form of a recipe (parseRecipe reads it back): steps joined by '+', then
 * ` --override '<override>'` for each per-layer override, quoted for a POSIX shell.
 */
export function recipeToString(recipe: Recipe): string {
  const steps = recipe.steps.map(stepToString).join('+');
  return [steps, ...(recipe.overrides ?? []).map((o) => `--override ${shellQuote(overrideToString(o))}`)].join(' ');
}
