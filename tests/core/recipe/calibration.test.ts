import { describe, expect, it } from 'vitest';
import { calibrationSubset, parseRecipe, recipeCalibrationSamples } from '../../../src/core/recipe';

describe('recipe calibration samples', () => {
  it('is the most any step or override runs, and undefined when none runs the model', () => {
    expect(recipeCalibrationSamples(parseRecipe('int8-weight+int4'))).toBeUndefined();
    expect(recipeCalibrationSamples(parseRecipe('int8-static'))).toBe(16);
    expect(recipeCalibrationSamples(parseRecipe('int8-static:samples=4+int8-weight:biasCorrection=true'))).toBe(16);
    expect(recipeCalibrationSamples(parseRecipe("int4 --override 'fc1=int8-static:samples=40'"))).toBe(40);
    expect(recipeCalibrationSamples(parseRecipe("int4 --override 'fc1=float'"))).toBeUndefined();
    // JSON recipes may leave options out: the declared defaults count.
    expect(recipeCalibrationSamples({ steps: [{ method: 'int8-static', options: {} }] })).toBe(16);
  });

  it('picks that many of the given samples, spread over the set', () => {
    const samples = Array.from({ length: 10 }, (_, i) => i);
    expect(calibrationSubset(samples, parseRecipe('int8-static:samples=4'))).toEqual([0, 2, 5, 7]);
    expect(calibrationSubset(samples, parseRecipe('int8-static:samples=40'))).toEqual(samples);
    expect(calibrationSubset(samples, parseRecipe('int8-weight'))).toBeUndefined();
  });
});
