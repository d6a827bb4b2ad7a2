import type { RecipeInput } from '../services/types';
import { saveTextFile } from '../services/save-text-file';
import { draftToRecipe, type DraftOverride, type DraftStep } from '../store/recipe';
import { recipeFileName, recipeFileText } from '../store/recipe-file';
import { stripOnnxExtension } from '../format';

/** Saves a variant's recipe as `<variant file>.recipe.json`. */
export function exportVariantRecipe(variant: { recipe: RecipeInput; fileName: string }): void {
  saveTextFile(recipeFileName(variant.fileName), recipeFileText(variant.recipe));
}

/** Saves the editor's recipe as `<model>.recipe.json`. */
export function exportEditedRecipe(modelName: string | undefined, steps: readonly DraftStep[], overrides: readonly DraftOverride[]): void {
  saveTextFile(`${stripOnnxExtension(modelName ?? '') || 'model'}.recipe.json`, recipeFileText(draftToRecipe(steps, overrides)));
}
