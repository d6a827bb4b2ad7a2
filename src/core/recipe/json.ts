import { getMethod } from '../methods/registry';
import { checkOptionValue, defaultOptions } from '../methods/options';
import { RecipeError } from '../util/errors';
import type { Recipe, RecipeStep } from './types';

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a recipe from JSON ({ steps: [{ method, options? }] }), as saved by the UI or
 * passed to the CLI, and fills in option defaults. Errors name the bad part and what was expected.
 */
export function recipeFromJson(json: unknown): Recipe {
  if (!isRecord(json)) throw new RecipeError(`A recipe must be an object { "steps": [...] }; found ${kindOf(json)}.`);
  const extra = Object.keys(json).filter((k) => k !== 'steps');
  if (extra.length > 0) throw new RecipeError(`A recipe has only "steps"; found unexpected key(s) ${extra.map((k) => `"${k}"`).join(', ')}.`);
  const { steps } = json;
  if (!Array.isArray(steps)) throw new RecipeError(`recipe.steps must be an array of steps; found ${kindOf(steps)}.`);
  if (steps.length === 0) throw new RecipeError('recipe.steps is empty; expected at least one step.');
  return { steps: steps.map((s, i) => stepFromJson(s, i)) };
}

function stepFromJson(step: unknown, i: number): RecipeStep {
  const where = `recipe.steps[${i}]`;
  if (!isRecord(step)) throw new RecipeError(`${where} must be an object { "method", "options" }; found ${kindOf(step)}.`);
  const extra = Object.keys(step).filter((k) => k !== 'method' && k !== 'options');
  if (extra.length > 0) throw new RecipeError(`${where} has unexpected key(s) ${extra.map((k) => `"${k}"`).join(', ')}; expected "method" and "options".`);
  if (typeof step.method !== 'string') throw new RecipeError(`${where}.method must be a method name; found ${kindOf(step.method)}.`);
  let method;
  try {
    method = getMethod(step.method);
  } catch (e) {
    throw new RecipeError(`${where}.method: ${(e as Error).message}`);
  }
  const options = defaultOptions(method.options);
  const given = step.options ?? {};
  if (!isRecord(given)) throw new RecipeError(`${where}.options must be an object of option values; found ${kindOf(given)}.`);
  for (const [key, value] of Object.entries(given)) {
    const field = method.options.find((f) => f.key === key);
    if (!field) {
      throw new RecipeError(`${where}.options has no option '${key}' for '${method.id}'; expected one of ${method.options.map((f) => f.key).join(', ')}.`);
    }
    options[key] = checkOptionValue(`${where}.options`, field, value);
  }
  return { method: method.id, options };
}
