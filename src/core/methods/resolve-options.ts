import { RecipeError } from '../util/errors';
import { checkOptionValue, defaultOptions } from './options';
import type { OptionField, OptionsOf } from './types';

/**
 * Options as a method receives them: declared defaults, overridden by the given values, each
 * checked against its field. Unknown keys are an error (a typo must not silently do nothing).
 * The result has the type the fields declare.
 */
export function resolveOptions<Fields extends readonly OptionField[]>(methodId: string, fields: Fields, given: Record<string, unknown>): OptionsOf<Fields> {
  const out = defaultOptions(fields);
  for (const [key, value] of Object.entries(given)) {
    const field = fields.find((f) => f.key === key);
    if (!field) {
      throw new RecipeError(`Method '${methodId}' has no option '${key}'; expected one of ${fields.map((f) => f.key).join(', ')}.`);
    }
    if (value === undefined) continue;
    out[key] = checkOptionValue(`Method '${methodId}'`, field, value);
  }
  // Each key now holds a value its field checked, which is what OptionsOf<Fields> spells out.
  return out as OptionsOf<Fields>;
}
