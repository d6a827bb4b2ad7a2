/** A recipe: the compression steps to run in order, each a registered method with its options (defaults filled in). */
export interface RecipeStep {
  method: string;
  options: Record<string, unknown>;
}

/** The method name of an override that keeps its nodes float (no method touches them). */
export const FLOAT_OVERRIDE = 'float';

/**
 * A per-layer override: the nodes matched by `nodes` (an exact name, a glob or a /regex/) get
 * `method` with `options` (defaults filled in), or stay float with 'float'. See planOverrides.
 */
export interface RecipeOverride {
  nodes: string;
  method: string;
  options?: Record<string, unknown>;
}

export interface Recipe {
  steps: RecipeStep[];
  /** Per-layer overrides, first match wins; absent or empty: none. */
  overrides?: RecipeOverride[];
}
