import type { StateCreator } from 'zustand';
import type { RecipeInput } from '../services/types';
import type { MethodInfo } from './method-info';
import type { SliceDeps } from './store-deps';
import { draftToRecipe, type DraftOverride, type DraftStep, type OptionValue } from './recipe';
import { parseRecipeFile } from './recipe-file';

export interface RecipeSlice {
  /** The methods the recipe and its overrides may use (the store's, from the declarations). */
  recipeMethods: readonly MethodInfo[];
  /** The recipe being edited, in order; never empty. */
  recipeSteps: DraftStep[];
  /** Picks the method of step `index`; its options go back to the method's defaults. */
  setStepMethod(index: number, methodId: string): void;
  setStepOption(index: number, key: string, value: OptionValue): void;
  /** Appends a step, with the first method the recipe does not use yet. */
  addStep(): void;
  /** Removes step `index`; the last remaining step stays. */
  removeStep(index: number): void;
  /** Replaces the whole recipe (a goal's starting point), dropping the overrides; unknown methods are skipped. */
  setRecipe(steps: readonly { methodId: string; options?: Record<string, OptionValue> }[]): void;
  /** Per-layer overrides, first match wins. */
  recipeOverrides: DraftOverride[];
  /** Appends an override keeping nodes float, with an empty pattern. */
  addOverride(): void;
  setOverride(index: number, change: Partial<Pick<DraftOverride, 'nodes' | 'method'>>): void;
  removeOverride(index: number): void;
  /**
   * From the layer tables: the override whose pattern is exactly `nodes` gets `method` ('float' or
   * a method id, with its default options), or a new one is appended; unknown methods are ignored.
   */
  overrideNodes(nodes: string, method: string): void;
  /** Removes the override whose pattern is exactly `nodes`, if there is one. */
  dropNodeOverride(nodes: string): void;
  /** Replaces the steps and overrides with a recipe file's (see parseRecipeFile); a bad file throws its RecipeError and changes nothing. */
  importRecipe(text: string): void;
}

/** The edited recipe in the JSON form the model worker takes. */
export const selectRecipe = (s: Pick<RecipeSlice, 'recipeSteps'> & Partial<Pick<RecipeSlice, 'recipeOverrides'>>): RecipeInput =>
  draftToRecipe(s.recipeSteps, s.recipeOverrides);

/** The methods of the recipe's steps, in order (unknown ids are skipped). */
export function stepMethods(steps: readonly DraftStep[], methods: readonly MethodInfo[]): MethodInfo[] {
  return steps.flatMap((s) => methods.filter((m) => m.id === s.methodId));
}

export const createRecipeSlice =
  ({ methods }: SliceDeps): StateCreator<RecipeSlice, [], [], RecipeSlice> =>
  (set, get) => {
    let keys = 0;
    const step = (methodId: string): DraftStep => ({ key: `step-${(keys += 1)}`, methodId, options: {} });
    const edit = (index: number, change: (s: DraftStep) => DraftStep): void => {
      const steps = get().recipeSteps;
      if (index < 0 || index >= steps.length) return;
      set({ recipeSteps: steps.map((s, i) => (i === index ? change(s) : s)) });
    };
    return {
      recipeMethods: methods,
      recipeSteps: [step(methods[0]?.id ?? 'int8-weight')],
      setStepMethod(index, methodId) {
        if (!methods.some((m) => m.id === methodId)) return;
        edit(index, (s) => (s.methodId === methodId ? s : { ...s, methodId, options: {} }));
      },
      setStepOption(index, key, value) {
        edit(index, (s) => ({ ...s, options: { ...s.options, [key]: value } }));
      },
      addStep() {
        const steps = get().recipeSteps;
        const unused = methods.find((m) => !steps.some((s) => s.methodId === m.id)) ?? methods[0];
        if (unused) set({ recipeSteps: [...steps, step(unused.id)] });
      },
      removeStep(index) {
        const steps = get().recipeSteps;
        if (steps.length > 1 && index >= 0 && index < steps.length) set({ recipeSteps: steps.filter((_, i) => i !== index) });
      },
      setRecipe(next) {
        const known = next.filter((n) => methods.some((m) => m.id === n.methodId));
        if (known.length === 0) return;
        set({ recipeSteps: known.map((n) => ({ ...step(n.methodId), options: { ...n.options } })), recipeOverrides: [] });
      },
      recipeOverrides: [],
      addOverride() {
        set({ recipeOverrides: [...get().recipeOverrides, { key: `override-${(keys += 1)}`, nodes: '', method: 'float' }] });
      },
      setOverride(index, change) {
        if (change.method !== undefined && change.method !== 'float' && !methods.some((m) => m.id === change.method)) return;
        // Another method's options do not carry over.
        const reset = (o: DraftOverride): DraftOverride => (change.method !== undefined && change.method !== o.method ? { key: o.key, nodes: o.nodes, method: o.method } : o);
        set({ recipeOverrides: get().recipeOverrides.map((o, i) => (i === index ? { ...reset(o), ...change } : o)) });
      },
      removeOverride(index) {
        set({ recipeOverrides: get().recipeOverrides.filter((_, i) => i !== index) });
      },
      overrideNodes(nodes, method) {
        if (nodes.trim() === '') return;
        const index = get().recipeOverrides.findIndex((o) => o.nodes.trim() === nodes.trim());
        if (index >= 0) {
          get().setOverride(index, { method });
          return;
        }
        if (method !== 'float' && !methods.some((m) => m.id === method)) return;
        set({ recipeOverrides: [...get().recipeOverrides, { key: `override-${(keys += 1)}`, nodes: nodes.trim(), method }] });
      },
      dropNodeOverride(nodes) {
        set({ recipeOverrides: get().recipeOverrides.filter((o) => o.nodes.trim() !== nodes.trim()) });
      },
      importRecipe(text) {
        const recipe = parseRecipeFile(text, methods);
        set({
          recipeSteps: recipe.steps.map((s) => ({ ...step(s.methodId), options: s.options })),
          recipeOverrides: recipe.overrides.map((o) => ({
            key: `override-${(keys += 1)}`,
            nodes: o.nodes,
            method: o.method,
            ...(Object.keys(o.options).length > 0 && { options: o.options }),
          })),
        });
      },
    };
  };
