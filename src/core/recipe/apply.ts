import type { ModelIR } from '../ir/model';
import { getMethod } from '../methods/registry';
import type { LayerError, MethodContext } from '../methods/types';
import { throwIfAborted } from '../util/abort';
import { planOverrides } from './overrides';
import type { Recipe } from './types';

export interface StepReport {
  method: string;
  options: Record<string, unknown>;
  /** For a step added by per-layer overrides, the node patterns it was restricted to. */
  overrideNodes?: string[];
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
 * Runs the recipe's steps in order, each on the previous step's model, then the steps its
 * per-layer overrides add (see planOverrides), each restricted to its nodes. The input model is
 * never modified; progress from each method is passed through, cancellation stops between and
 * within steps.
 */
export async function applyRecipe(model: ModelIR, recipe: Recipe, ctx: MethodContext = {}): Promise<RecipeResult> {
  const runs = planOverrides(recipe);
  const methods = runs.map((r) => getMethod(r.step.method));
  let current = model;
  const steps: StepReport[] = [];
  for (let i = 0; i < runs.length; i++) {
    throwIfAborted(ctx.signal);
    const { step, scope, overrideNodes } = runs[i]!;
    const method = methods[i]!;
    const label = overrideNodes ? `${method.id} on ${overrideNodes.join(', ')}` : method.id;
    ctx.onProgress?.({ kind: 'phase', phase: `step ${i + 1}/${runs.length}: ${label}` });
    const t0 = performance.now();
    const out = await method.apply(current, step.options, scope ? { ...ctx, nodeScope: scope } : ctx);
    const ms = performance.now() - t0;
    steps.push({
      method: method.id,
      options: step.options,
      ...(overrideNodes && { overrideNodes }),
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
