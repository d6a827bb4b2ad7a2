import { synthesizeModelInputs } from '../../evaluate/inputs';
import type { Feeds } from '../../evaluate/tensor-data';
import type { ModelIR } from '../../ir/model';
import type { MethodContext } from '../types';
import { spreadSubset } from './spread-subset';

/**
 * The feeds a method runs the model on: `count` of the host's calibration samples spread over
 * the set, or, when there are none, `count` seeded synthetic ones whose unknown dims take the
 * host's sizes (ctx.inputDims) before any guess.
 */
export function calibrationOrSynthetic(model: ModelIR, ctx: MethodContext, count: number, seed: number): { inputs: Feeds[]; synthetic: boolean } {
  if (ctx.calibrationInputs && ctx.calibrationInputs.length > 0) return { inputs: spreadSubset(ctx.calibrationInputs, count), synthetic: false };
  return { inputs: synthesizeModelInputs(model, { seed, count, ...(ctx.inputDims && { dims: ctx.inputDims }) }), synthetic: true };
}
