import { compileNodePattern, type NodeMatcher } from '../graph/node-patterns';
import { getDeclaration } from '../methods/declarations';
import { defaultOptions, sameOptionValue } from '../methods/options';
import { FLOAT_OVERRIDE, type Recipe, type RecipeOverride, type RecipeStep } from './types';

/** A step as applyRecipe runs it: the method, its options, and the nodes it may change (absent: all). */
export interface ScopedStep {
  step: RecipeStep;
  scope?: NodeMatcher;
  /** For a step added by overrides, their node patterns (for the report). */
  overrideNodes?: string[];
}

function sameMethodAndOptions(o: RecipeOverride, s: RecipeStep): boolean {
  if (o.method !== s.method) return false;
  const fields = getDeclaration(s.method).options;
  const defaults = defaultOptions(fields);
  return fields.every((f) => sameOptionValue(o.options?.[f.key] ?? defaults[f.key], s.options[f.key] ?? defaults[f.key]));
}

/**
 * How per-layer overrides shape a recipe's run. Each node belongs to the first override whose
 * pattern matches its name (or to none). A recipe step changes the nodes that belong to no
 * override, and those of overrides asking for that very method with the same options (the
 * override is merged into the step). Every override naming a method that no step runs with its
 * options becomes one extra step after the recipe's own, restricted to that override's nodes
 * (overrides asking for the same method and options share one). 'float' overrides add nothing:
 * their nodes are simply outside every step's scope. Nodes the steps create under fresh names
 * belong to no override.
 */
export function planOverrides(recipe: Recipe): ScopedStep[] {
  const overrides = recipe.overrides ?? [];
  if (overrides.length === 0) return recipe.steps.map((step) => ({ step }));
  const matchers = overrides.map((o, i) => compileNodePattern(o.nodes, `recipe.overrides[${i}].nodes`));
  const owners = new Map<string, number>();
  const owner = (name: string): number => {
    let k = owners.get(name);
    if (k === undefined) {
      k = matchers.findIndex((m) => m(name));
      owners.set(name, k);
    }
    return k;
  };
  const runs: ScopedStep[] = recipe.steps.map((step) => {
    const merged = new Set(overrides.flatMap((o, k) => (sameMethodAndOptions(o, step) ? [k] : [])));
    return { step, scope: (name: string) => (owner(name) < 0 ? true : merged.has(owner(name))) };
  });
  const extra: { step: RecipeStep; members: number[] }[] = [];
  overrides.forEach((o, k) => {
    if (o.method === FLOAT_OVERRIDE || recipe.steps.some((s) => sameMethodAndOptions(o, s))) return;
    const group = extra.find((e) => sameMethodAndOptions(o, e.step));
    if (group) group.members.push(k);
    else extra.push({ step: { method: o.method, options: { ...defaultOptions(getDeclaration(o.method).options), ...o.options } }, members: [k] });
  });
  for (const e of extra) {
    const members = new Set(e.members);
    runs.push({ step: e.step, scope: (name) => members.has(owner(name)), overrideNodes: e.members.map((k) => overrides[k]!.nodes) });
  }
  return runs;
}
