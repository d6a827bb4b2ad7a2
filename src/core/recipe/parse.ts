import { getMethod } from '../methods/registry';
import { defaultOptions, parseOptionText } from '../methods/options';
import { RecipeError } from '../util/errors';
import { splitOutsideRegex } from '../methods/graph/node-patterns';
import type { Recipe, RecipeStep } from './types';

/**
 * Parses the CLI recipe grammar: steps joined by `+`, each `name[:key=value,key=value]`.
 * Values are typed by the method's option declarations: numbers, true/false, enum choices,
 * lists separated by `|`. Separators inside a `/regex/` value do not split. Omitted options take
 * their declared defaults.
 */
export function parseRecipe(spec: string): Recipe {
  const text = spec.trim();
  if (text === '') throw new RecipeError(`The recipe is empty; expected steps like 'int8-weight' or 'int8-weight:perChannel=false'.`);
  const steps = splitOutsideRegex(text, '+').map((part, i) => parseStep(part.trim(), i + 1));
  return { steps };
}

function parseStep(part: string, index: number): RecipeStep {
  const where = `Recipe step ${index}`;
  if (part === '') throw new RecipeError(`${where} is empty; expected a method name between '+' signs.`);
  const colon = part.indexOf(':');
  const name = (colon < 0 ? part : part.slice(0, colon)).trim();
  if (name === '') throw new RecipeError(`${where} ('${part}') has no method name before ':'.`);
  let method;
  try {
    method = getMethod(name);
  } catch (e) {
    throw new RecipeError(`${where}: ${(e as Error).message}`);
  }
  const options = defaultOptions(method.options);
  if (colon < 0) return { method: method.id, options };
  const body = part.slice(colon + 1);
  if (body.trim() === '') throw new RecipeError(`${where} ('${part}') has ':' but no options; expected key=value pairs after it.`);
  const seen = new Set<string>();
  for (const pair of splitOutsideRegex(body, ',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new RecipeError(`${where} ('${name}'): '${pair.trim()}' is not key=value.`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const field = method.options.find((f) => f.key === key || sameKebabKey(key, f.key));
    if (!field) {
      throw new RecipeError(`${where} ('${name}') has no option '${key}'; expected one of ${method.options.map((f) => f.key).join(', ')}.`);
    }
    if (seen.has(field.key)) throw new RecipeError(`${where} ('${name}') sets option '${field.key}' twice.`);
    seen.add(field.key);
    options[field.key] = parseOptionText(`${where} ('${name}')`, field, value);
  }
  return { method: method.id, options };
}

/** Command lines favour kebab-case: 'keep-io' names 'keepIO', 'min-elements' names 'minElements'. */
function sameKebabKey(given: string, key: string): boolean {
  return given.includes('-') && given.replace(/-/g, '').toLowerCase() === key.toLowerCase();
}
