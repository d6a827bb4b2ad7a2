import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import { isOpsetLiftNote } from './quantize/opset-upgrade';
import { weightErrors, type LayerError } from './changes';
import type { MethodOutcome } from './types';

/**
 * What a method hands back when it rewrote nothing: the input model itself (without any opset lift
 * prepared for it, so the lift's notes are dropped), the warnings gathered so far, and why.
 */
export function unchangedOutcome(model: ReadonlyModelIR, reason: string, warnings: readonly string[], layers: readonly LayerError[] = []): MethodOutcome {
  return { model: sharedModel(model), tensors: 0, warnings: [...warnings.filter((w) => !isOpsetLiftNote(w)), `${reason}; the model is unchanged.`], changes: weightErrors(layers) };
}
