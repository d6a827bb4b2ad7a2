import { getDeclaration } from '../methods/declarations';
import { checkOptionValue, defaultOptions } from '../methods/options';
import { RecipeError } from '../util/errors';
import { compileNodePattern } from '../graph/node-patterns';
import { migrateRecipeJson, RECIPE_VERSION } from './migrate';
import { FLOAT_OVERRIDE, type Recipe, type RecipeOverride, type RecipeStep } from './types';

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A recipe as written out: the current version, its steps and any overrides (defaults filled in). */
export interface RecipeJson extends Recipe {
  version: number;
}

/** The JSON form of a recipe, stamped with the version this code writes (recipeFromJson reads it back). */
export function recipeToJson(recipe: Recipe): RecipeJson {
  return { version: RECIPE_VERSION, ...recipe };
}

/**
 * Validates a recipe from JSON ({ version?, steps: [{ method, options? }], overrides?: [{ nodes,
 * method, options? }] }), as saved by the UI or passed to the CLI, and fills in option defaults.
 * Older versions are migrated first (a missing version is 1); a newer one is refused. Errors name
 * the bad part and what was expected.
 */
export function recipeFromJson(input: unknown): Recipe {
  if (!isRecord(input)) throw new RecipeError(`A recipe must be an object { "steps": [...] }; found ${kindOf(input)}.`);
  const json = migrateRecipeJson(input);
  const extra = Object.keys(json).filter((k) => k !== 'steps' && k !== 'overrides');
  if (extra.length > 0) throw new RecipeError(`A recipe has only "version", "steps" and "overrides"; found unexpected key(s) ${extra.map((k) => `"${k}"`).join(', ')}.`);
  const { steps, overrides } = json;
  if (!Array.isArray(steps)) throw new RecipeError(`recipe.steps must be an array of steps; found ${kindOf(steps)}.`);
  if (steps.length === 0) throw new RecipeError('recipe.steps is empty; expected at least one step.');
  const recipe: Recipe = { steps: steps.map((s, i) => stepFromJson(s, `recipe.steps[${i}]`)) };
  if (overrides === undefined) return recipe;
  if (!Array.isArray(overrides)) throw new RecipeError(`recipe.overrides must be an array of { "nodes", "method", "options" }; found ${kindOf(overrides)}.`);
  return overrides.length > 0 ? { ...recipe, overrides: overrides.map(overrideFromJson) } : recipe;
}

function overrideFromJson(o: unknown, i: number): RecipeOverride {
  const where = `recipe.overrides[${i}]`;
  if (!isRecord(o)) throw new RecipeError(`${where} must be an object { "nodes", "method", "options" }; found ${kindOf(o)}.`);
  const { nodes, ...rest } = o;
  if (typeof nodes !== 'string' || nodes === '') {
    throw new RecipeError(`${where}.nodes must be a node name, a glob or a /regex/; found ${nodes === '' ? 'an empty string' : kindOf(nodes)}.`);
  }
  compileNodePattern(nodes, `${where}.nodes`);
  if (rest.method === FLOAT_OVERRIDE) {
    const extra = Object.keys(rest).filter((k) => k !== 'method');
    if (extra.length > 0) throw new RecipeError(`${where} keeps its nodes float and takes no ${extra.map((k) => `"${k}"`).join(', ')}; expected only "nodes" and "method".`);
    return { nodes, method: FLOAT_OVERRIDE };
  }
  const step = stepFromJson(rest, where, ` or "${FLOAT_OVERRIDE}"`);
  return { nodes, method: step.method, options: step.options };
}

function stepFromJson(step: unknown, where: string, orFloat = ''): RecipeStep {
  if (!isRecord(step)) throw new RecipeError(`${where} must be an object { "method", "options" }; found ${kindOf(step)}.`);
  const extra = Object.keys(step).filter((k) => k !== 'method' && k !== 'options');
  if (extra.length > 0) throw new RecipeError(`${where} has unexpected key(s) ${extra.map((k) => `"${k}"`).join(', ')}; expected "method" and "options".`);
  if (typeof step.method !== 'string') throw new RecipeError(`${where}.method must be a method name${orFloat}; found ${kindOf(step.method)}.`);
  let method;
  try {
    method = getDeclaration(step.method);
  } catch (e) {
    throw new RecipeError(`${where}.method: ${(e as Error).message.replace(/\.$/, '')}${orFloat}.`);
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
