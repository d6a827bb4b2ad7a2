export type { Recipe, RecipeStep } from './types';
export { parseRecipe } from './parse';
export { recipeFromJson } from './json';
export { recipeToString } from './format';
export { applyRecipe, type RecipeResult, type StepReport } from './apply';
