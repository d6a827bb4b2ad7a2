import type { ModelIR } from '../ir/model';
import { getMethod } from '../methods/registry';
import type { LayerError, MethodContext } from '../methods/types';
import { throwIfAborted } from '../util/abort';
import type { Recipe } from './types';

export interface StepReport {
  method: string;
  options: Record<string, unknown>;
  tensors: number;
  ms: number;
  bytesBefore: number;
  bytesAfter: number;
  warnings: string[];
  layers: LayerError[];
}

export interface RecipeResult {
  model: ModelIR;
  steps: StepReport[];
}

/**
 * Runs the recipe's steps in order, each on the previous step's model. The input model is
 * never modified; progress from each method is passed through, cancellation stops between and
 * within steps.
 */
export async function applyRecipe(model: ModelIR, recipe: Recipe, ctx: MethodContext = {}): Promise<RecipeResult> {
  const methods = recipe.steps.map((s) => getMethod(s.method));
  let current = model;
  const steps: StepReport[] = [];
  for (let i = 0; i < recipe.steps.length; i++) {
    throwIfAborted(ctx.signal);
    const step = recipe.steps[i]!;
    const method = methods[i]!;
    ctx.onProgress?.({ kind: 'phase', phase: `step ${i + 1}/${recipe.steps.length}: ${method.id}` });
    const t0 = performance.now();
    const out = await method.apply(current, step.options, ctx);
    const ms = performance.now() - t0;
    steps.push({
      method: method.id,
      options: step.options,
      tensors: out.tensors,
      ms,
      bytesBefore: out.bytesBefore,
      bytesAfter: out.bytesAfter,
      warnings: out.warnings,
      layers: out.layers,
    });
    current = out.model;
  }
  return { model: current, steps };
}
