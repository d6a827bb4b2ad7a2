import { getDeclaration } from '../methods/declarations';
import { spreadSubset } from '../methods/calibration/spread-subset';
import { resolveOptions } from '../methods/resolve-options';
import { FLOAT_OVERRIDE, type Recipe } from './types';

/**
 * How many calibration samples the recipe runs: the most any of its steps (overrides included)
 * asks for with its options, or undefined when no step runs the model. Hosts read that many of
 * the user's samples (calibrationSubset) or report that seeded synthetic ones were used.
 */
export function recipeCalibrationSamples(recipe: Recipe): number | undefined {
  const overrides = (recipe.overrides ?? []).filter((o) => o.method !== FLOAT_OVERRIDE).map((o) => ({ method: o.method, options: o.options ?? {} }));
  const counts = [...recipe.steps, ...overrides].flatMap((s) => {
    const method = getDeclaration(s.method);
    return method.calibrationSamples?.(resolveOptions(method.id, method.options, s.options)) ?? [];
  });
  return counts.length > 0 ? Math.max(...counts) : undefined;
}

/** The user's samples the recipe calibrates on: as many as it runs, spread over the set; undefined when it runs none. */
export function calibrationSubset<T>(samples: readonly T[], recipe: Recipe): T[] | undefined {
  const wanted = recipeCalibrationSamples(recipe);
  return wanted === undefined ? undefined : spreadSubset(samples, wanted);
}
