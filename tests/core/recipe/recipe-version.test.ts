import { describe, expect, it } from 'vitest';
import { parseRecipe, recipeFromJson, recipeToJson, RECIPE_VERSION } from '../../../src/core/recipe';
import { migrateRecipeJson } from '../../../src/core/recipe/migrate';

describe('recipe JSON versions', () => {
  it('writes the current version and reads it back to the same recipe', () => {
    const recipe = parseRecipe("int8-weight:perChannel=false+int4 --override 'fc1=float'");
    const json = recipeToJson(recipe);
    expect(json.version).toBe(RECIPE_VERSION);
    expect(recipeFromJson(JSON.parse(JSON.stringify(json)))).toEqual(recipe);
  });

  it('reads a recipe without a version as version 1', () => {
    const steps = [{ method: 'int8-weight', options: { symmetric: true } }];
    expect(recipeFromJson({ steps })).toEqual(recipeFromJson({ version: 1, steps }));
  });

  it('refuses a newer version with a RecipeError naming the versions it reads', () => {
    expect(() => recipeFromJson({ version: RECIPE_VERSION + 1, steps: [{ method: 'int8-weight' }] })).toThrow(
      expect.objectContaining({ name: 'RecipeError', message: expect.stringContaining(`reads recipe versions 1 to ${RECIPE_VERSION}`) }),
    );
  });

  it('runs every migration from the recipe version up to the current one, in order', () => {
    // A successor at version 3 that renamed "steps" to "stages" in 2 and "nodes" to "match" in 3.
    const migrations = {
      1: ({ steps, ...rest }: Record<string, unknown>) => ({ ...rest, stages: steps }),
      2: ({ stages, ...rest }: Record<string, unknown>) => ({ ...rest, stages, match: 'all' }),
    };
    const v1 = { steps: [{ method: 'fp16' }] };
    expect(migrateRecipeJson(v1, { current: 3, migrations })).toEqual({ stages: [{ method: 'fp16' }], match: 'all' });
    expect(migrateRecipeJson({ version: 2, stages: [] }, { current: 3, migrations })).toEqual({ stages: [], match: 'all' });
    expect(migrateRecipeJson({ version: 3, stages: [] }, { current: 3, migrations })).toEqual({ stages: [] });
    expect(() => migrateRecipeJson({ version: 1 }, { current: 3, migrations: { 2: migrations[2] } })).toThrow(/No migration from recipe version 1 to 2/);
  });
});
