import type { RecipeInput } from '../services/types';
import { saveFile } from '../services/save-file';
import { draftToRecipe, type DraftOverride, type DraftStep } from '../store/recipe';
import { recipeFileName, recipeFileText } from '../store/recipe-file';
import { stripOnnxExtension } from '../format';

/** Saves the recipe of the variant `id` as `<variant file>.recipe.json`. */
export function exportVariantRecipe(variants: readonly { id: string; recipe: RecipeInput; fileName: string }[], id: string): void {
  const variant = variants.find((v) => v.id === id);
  if (variant) saveFile(recipeFileText(variant.recipe), recipeFileName(variant.fileName), 'application/json');
}

/** Saves the editor's recipe as `<model>.recipe.json`. */
export function exportEditedRecipe(modelName: string | undefined, steps: readonly DraftStep[], overrides: readonly DraftOverride[]): void {
  saveFile(recipeFileText(draftToRecipe(steps, overrides)), `${stripOnnxExtension(modelName ?? '') || 'model'}.recipe.json`, 'application/json');
}
