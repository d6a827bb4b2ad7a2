import { getDeclaration } from '../methods/declarations';
import { defaultOptions, parseOptionText } from '../methods/options';
import { RecipeError } from '../util/errors';
import { compileNodePattern, indexOutsideRegex, splitOutsideRegex } from '../graph/node-patterns';
import { splitOverrideArgs } from './override-text';
import { FLOAT_OVERRIDE, type Recipe, type RecipeOverride, type RecipeStep } from './types';

/**
 * Parses the CLI recipe grammar: steps joined by `+`, each `name[:key=value,key=value]`.
 * Per-layer overrides follow as ` --override '<nodes>=<method>'` (see override-text.ts).
 * Values are typed by the method's option declarations: numbers, true/false, enum choices,
 * lists separated by `|`. Separators inside a `/regex/` value do not split. Omitted options take
 * their declared defaults.
 */
export function parseRecipe(spec: string): Recipe {
  const [stepsText, overrideTexts] = splitOverrideArgs(spec);
  const text = stepsText.trim();
  if (text === '') throw new RecipeError(`The recipe is empty; expected steps like 'int8-weight' or 'int8-weight:perChannel=false'.`);
  const steps = splitOutsideRegex(text, '+').map((part, i) => {
    const trimmed = part.trim();
    if (trimmed === '') throw new RecipeError(`Recipe step ${i + 1} is empty; expected a method name between '+' signs.`);
    return parseStep(trimmed, `Recipe step ${i + 1}`);
  });
  return overrideTexts.length > 0 ? { steps, overrides: overrideTexts.map((t, i) => parseOverride(t, i)) } : { steps };
}

/** One step's text, `name[:key=value,...]`; `where` starts the error messages. */
export function parseStep(part: string, where: string): RecipeStep {
  const colon = part.indexOf(':');
  const name = (colon < 0 ? part : part.slice(0, colon)).trim();
  if (name === '') throw new RecipeError(`${where} ('${part}') has no method name before ':'.`);
  let method;
  try {
    method = getDeclaration(name);
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

/**
 * One override in the command-line grammar: `<nodes>=float` or `<nodes>=<method>[:key=value,...]`,
 * where <nodes> is an exact name, a glob or a /regex/ (an '=' inside the regex does not split).
 */
export function parseOverride(text: string, index: number): RecipeOverride {
  const where = `Override ${index + 1} ('${text}')`;
  const eq = indexOutsideRegex(text, '=');
  const nodes = eq < 0 ? '' : text.slice(0, eq).trim();
  const spec = eq < 0 ? '' : text.slice(eq + 1).trim();
  if (nodes === '' || spec === '') {
    throw new RecipeError(`${where} is not <nodes>=<method>; expected e.g. 'conv_1*=float' or 'head=int4:block=32'.`);
  }
  compileNodePattern(nodes, where);
  if (spec === FLOAT_OVERRIDE) return { nodes, method: FLOAT_OVERRIDE };
  const step = parseStep(spec, where);
  return { nodes, method: step.method, options: step.options };
}
