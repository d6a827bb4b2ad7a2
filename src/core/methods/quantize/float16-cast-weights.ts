import { node } from '../../ir/build';
import { DT } from '../../ir/dtype';
import type { ModelIR, ReadonlyModelIR } from '../../ir/model';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { EditSession } from '../../graph/edit-session';
import type { StoredWeight } from '../../graph/weight-uses';

/** One stored float32 weight replaced by its float16 copy and a Cast back to float32 under the original name. */
export interface CastWeightPlan {
  weight: StoredWeight;
  /** The float16 tensor, under a fresh name. */
  half: TensorProto;
  /** Cast(half -> weight.name, to=FLOAT). */
  cast: NodeProto;
  /** Node name for the Constant that holds `half` when the weight was a Constant node. */
  constantName: string;
}

export function castToFloat(input: string, output: string, name: string): NodeProto {
  return node('Cast', [input], [output], { to: DT.FLOAT }, { name });
}

/**
 * Applies the plans: initializer weights become float16 initializers with their Casts at the top
 * of their graph (and leave the graph inputs, where they were overridable defaults); Constant
 * weights become a float16 Constant followed by the Cast, in place. Every reader keeps reading
 * the original name, so nothing else changes. Returns a new model.
 */
export function applyCastWeightPlans(model: ReadonlyModelIR, plans: readonly CastWeightPlan[]): ModelIR {
  const session = new EditSession(model);
  for (const p of plans) session.replaceStored(p.weight, p.half, p.constantName, [p.cast]);
  return session.commit();
}
