import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { checkpointFor } from '../../util/checkpoint';
import type { Feeds } from '../../evaluate/tensor-data';
import { UnsupportedModelError } from '../../util/errors';
import { forEachCalibrationRun } from '../calibration/calibration-runs';
import { calibrationOrSynthetic } from '../calibration/calibration-feeds';
import type { MethodContext } from '../types';
import { InputHessian } from './input-hessian';

/** Seed of the synthetic inputs used when the host gives no calibration samples. */
const SYNTHETIC_SEED = 20261201;

/** The calibration samples a method runs: up to `count` of the user's, else seeded synthetic ones (and a warning). */
export function calibrationFeeds(model: ReadonlyModelIR, ctx: MethodContext, count: number, method: string): { inputs: Feeds[]; warning?: string } {
  const { inputs, synthetic } = calibrationOrSynthetic(sharedModel(model), ctx, count, SYNTHETIC_SEED);
  if (!synthetic) return { inputs };
  return { inputs, warning: `${method} measured layer inputs on ${count} seeded synthetic sample(s); samples of real data (images, text, audio) do better.` };
}

/**
 * H = Σ xᵀx of each named activation (a [..., K] float32 tensor of the main graph), accumulated
 * over the calibration samples one run at a time. Activations that never came back as float32
 * with a whole number of K-rows are missing from the result.
 */
export async function collectInputHessians(
  model: ReadonlyModelIR,
  features: ReadonlyMap<string, number>,
  inputs: readonly Feeds[],
  ctx: MethodContext,
  phase: string,
): Promise<Map<string, InputHessian>> {
  if (!ctx.openModel) {
    throw new UnsupportedModelError(`${phase} measures layer inputs by running the model, so the host must provide MethodContext.openModel (a runtime); none was given.`);
  }
  const hessians = new Map<string, InputHessian>();
  const broken = new Set<string>();
  const options = { ...(ctx.signal && { signal: ctx.signal }), ...(ctx.onProgress && { onProgress: ctx.onProgress }) };
  const check = checkpointFor(ctx);
  await forEachCalibrationRun(sharedModel(model), [...features.keys()], inputs, ctx.openModel, phase, options, (name, values) => {
    if (broken.has(name)) return;
    let h = hessians.get(name);
    if (!h) hessians.set(name, (h = new InputHessian(features.get(name)!)));
    if (!h.add(values, check)) broken.add(name);
  });
  for (const name of broken) hessians.delete(name);
  return hessians;
}
