import type { ModelIR } from '../ir/model';
import { encodeOutput, type EncodedModel, type OutputLayout } from '../onnx/external-output';
import { getMethod } from '../methods/registry';
import type { MethodContext } from '../methods/types';
import { checkpointFor } from '../util/checkpoint';
import { RecipeError } from '../util/errors';
import { planOverrides } from './overrides';
import type { StepReport } from './step-report';
import { modelTotals, type ModelTotals } from './totals';
import type { Recipe } from './types';

export interface RecipeResult {
  model: ModelIR;
  /** The encoded output model (measured for the totals anyway, so hosts need not encode it again): `output.model`. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The output as it is to be written: past the inline limit, the .onnx bytes refer to an external data file. */
  output: EncodedModel;
  steps: StepReport[];
}

/** What applyRecipe takes besides the methods' context: how its output is laid out. */
export interface ApplyContext extends MethodContext {
  /** Inline limit and data file name for outputs too large for one protobuf message. */
  output?: OutputLayout;
}

interface Measured {
  model: ModelIR;
  output: EncodedModel;
  totals: ModelTotals;
}

/** Progress phase while a model is encoded and measured (before the first step and after each). */
export const MEASURE_PHASE = 'Encoding and measuring the model';

async function measure(model: ModelIR, ctx: ApplyContext): Promise<Measured> {
  checkpointFor(ctx)();
  ctx.onProgress?.({ kind: 'phase', phase: MEASURE_PHASE });
  const output = encodeOutput(model, ctx.output);
  return { model, output, totals: await modelTotals(model, output, ctx) };
}

/**
 * Runs the recipe's steps in order, each on the previous step's model, then the steps its
 * per-layer overrides add (see planOverrides), each restricted to its nodes. The input model is
 * never modified; progress from each method is passed through, cancellation stops between and
 * within steps. The model totals of every step are measured here, once per model, not by methods.
 */
export async function applyRecipe(model: ModelIR, recipe: Recipe, ctx: ApplyContext = {}): Promise<RecipeResult> {
  const runs = planOverrides(recipe);
  const methods = runs.map((r) => getMethod(r.step.method));
  const needy = methods.find((m) => m.needsTeacher);
  if (needy && !ctx.teacher) {
    throw new RecipeError(`Method '${needy.id}' learns from the original model, so it needs a teacher (a host with a runtime: the CLI or the studio's worker); this host gave none.`);
  }
  let current = await measure(model, ctx);
  const steps: StepReport[] = [];
  const channelMaps = new Map<string, readonly number[]>();
  for (let i = 0; i < runs.length; i++) {
    checkpointFor(ctx)();
    const { step, scope, overrideNodes } = runs[i]!;
    const method = methods[i]!;
    const label = overrideNodes ? `${method.id} on ${overrideNodes.join(', ')}` : method.id;
    ctx.onProgress?.({ kind: 'phase', phase: `step ${i + 1}/${runs.length}: ${label}` });
    const t0 = performance.now();
    const stepCtx = channelMaps.size > 0 ? { ...ctx, channelMaps: new Map(channelMaps) } : ctx;
    const out = await method.apply(current.model, step.options, scope ? { ...stepCtx, nodeScope: scope } : stepCtx);
    for (const { node, kept } of out.channelMaps ?? []) {
      const before = channelMaps.get(node);
      channelMaps.set(node, before ? kept.map((c) => before[c]!) : kept);
    }
    const ms = performance.now() - t0;
    const after = out.model === current.model ? current : await measure(out.model, ctx);
    steps.push({
      method: method.id,
      options: step.options,
      ...(overrideNodes && { overrideNodes }),
      tensors: out.tensors,
      ms,
      warnings: out.warnings,
      changes: out.changes,
      before: current.totals,
      after: after.totals,
    });
    current = after;
  }
  return { model: current.model, bytes: current.output.model, output: current.output, steps };
}
