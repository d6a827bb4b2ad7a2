import { recipeFromJson } from '../../core/recipe/json';
import type { Recipe } from '../../core/recipe/types';
import type { Report } from '../../core/report';
import { sha256Hex } from '../../core/util/sha256';

export type ReproduceCheck = { ok: true; recipes: Recipe[] } | { ok: false; reason: string };

const short = (hash: string): string => `${hash.slice(0, 12)}…`;

/**
 * Whether `file` is the report's model (same SHA-256) and the report's recipes are ones this
 * studio can run; the reason when not.
 */
export async function checkReproducible(report: Report, file: File): Promise<ReproduceCheck> {
  const m = report.model;
  if (file.size !== m.sizeBytes) {
    return { ok: false, reason: `${file.name} is ${file.size} bytes; the report is about ${m.fileName}, ${m.sizeBytes} bytes (SHA-256 ${short(m.sha256)}). Open that model to reproduce it.` };
  }
  const hash = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
  if (hash !== m.sha256) {
    return { ok: false, reason: `${file.name} has SHA-256 ${short(hash)}, the report's model ${m.fileName} has ${short(m.sha256)}: a different model of the same size. Open the report's model to reproduce it.` };
  }
  const recipes: Recipe[] = [];
  for (const v of report.variants) {
    if (!v.recipe) return { ok: false, reason: `The report does not say how ${v.label} was made (it was compared as a file), so it cannot be rerun.` };
    try {
      recipes.push(recipeFromJson({ version: 1, ...v.recipe }));
    } catch (e) {
      return { ok: false, reason: `The recipe of ${v.label} cannot run here: ${(e as Error).message}` };
    }
  }
  return { ok: true, recipes };
}

/** The studio actions reproducing uses (the normal open and compress path). */
export interface ReproduceActions {
  openFiles(files: readonly File[]): Promise<void>;
  setRecipe(steps: readonly { methodId: string; options?: Record<string, never> | Record<string, unknown> }[]): void;
  addOverride(): void;
  setOverride(index: number, change: { nodes?: string; method?: string }): void;
  compress(): Promise<void>;
}

/** Opens the model in the studio and runs each recipe through the studio's compress (which measures every variant). */
export async function reproduceRecipes(actions: ReproduceActions, file: File, recipes: readonly Recipe[]): Promise<void> {
  await actions.openFiles([file]);
  for (const recipe of recipes) {
    actions.setRecipe(recipe.steps.map((s) => ({ methodId: s.method, options: s.options })));
    (recipe.overrides ?? []).forEach((o, i) => {
      actions.addOverride();
      actions.setOverride(i, { nodes: o.nodes, method: o.method });
    });
    await actions.compress();
  }
}
