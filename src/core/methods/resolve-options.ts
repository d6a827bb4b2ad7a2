import { RecipeError } from '../util/errors';
import { checkOptionValue, defaultOptions, type OptionValue } from './options';
import type { OptionField } from './types';

/**
 * Options as a method receives them: declared defaults, overridden by the given values, each
 * checked against its field. Unknown keys are an error (a typo must not silently do nothing).
 */
export function resolveOptions(methodId: string, fields: readonly OptionField[], given: Record<string, unknown>): Record<string, OptionValue> {
  const out = defaultOptions(fields);
  for (const [key, value] of Object.entries(given)) {
    const field = fields.find((f) => f.key === key);
    if (!field) {
      throw new RecipeError(`Method '${methodId}' has no option '${key}'; expected one of ${fields.map((f) => f.key).join(', ')}.`);
    }
    if (value === undefined) continue;
    out[key] = checkOptionValue(`Method '${methodId}'`, field, value);
  }
  return out;
}
