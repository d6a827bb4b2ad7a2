import type { RecipeInput } from '../services/types';
import { saveTextFile } from '../services/save-text-file';
import { draftToRecipe, type DraftOverride, type DraftStep } from '../store/recipe';
import { recipeFileName, recipeFileText } from '../store/recipe-file';
import { stripOnnxExtension } from '../format';

/** Saves the recipe of the variant `id` as `<variant file>.recipe.json`. */
export function exportVariantRecipe(variants: readonly { id: string; recipe: RecipeInput; fileName: string }[], id: string): void {
  const variant = variants.find((v) => v.id === id);
  if (variant) saveTextFile(recipeFileName(variant.fileName), recipeFileText(variant.recipe));
}

/** Saves the editor's recipe as `<model>.recipe.json`. */
export function exportEditedRecipe(modelName: string | undefined, steps: readonly DraftStep[], overrides: readonly DraftOverride[]): void {
  saveTextFile(`${stripOnnxExtension(modelName ?? '') || 'model'}.recipe.json`, recipeFileText(draftToRecipe(steps, overrides)));
}
