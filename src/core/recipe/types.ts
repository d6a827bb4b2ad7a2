/** A recipe: the compression steps to run in order, each a registered method with its options (defaults filled in). */
export interface RecipeStep {
  method: string;
  options: Record<string, unknown>;
}

export interface Recipe {
  steps: RecipeStep[];
}
