export type { Recipe, RecipeOverride, RecipeStep } from './types';
export { FLOAT_OVERRIDE } from './types';
export { parseOverride, parseRecipe } from './parse';
export { recipeFromJson } from './json';
export { overrideToString, recipeToString, stepToString } from './format';
export { applyRecipe, type RecipeResult, type StepReport } from './apply';
export { GOALS, findGoal, goalRecipe, type Goal } from './goals';
