import { create } from '@bufbuild/protobuf';
import { patch } from '../../ir/edit';
import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../../ir/model';
import { EditSession } from '../../graph/edit-session';
import { OperatorSetIdProtoSchema, type NodeProto, type TensorProto } from '../../onnx/schema';
import type { StoredWeight } from '../../graph/weight-uses';

/** How one stored float weight gives way to its quantized tensors. */
export interface StoredWeightSwap {
  weight: StoredWeight;
  /** True when nothing reads the float tensor any more: it is removed (and from the graph inputs). */
  dropOriginal: boolean;
  /** New tensors, stored like the weight: initializers of its graph, or Constant nodes where its Constant was. */
  tensors: TensorProto[];
  /** Node names for those Constant nodes (used only when the weight was a Constant), one per tensor. */
  constantNames: string[];
}

/**
 * Swaps stored weights for new tensors and replaces whole nodes (anywhere, subgraphs included)
 * by lists of nodes put at the same place, so the graph stays in topological order. `replace`
 * is keyed by the original node objects. Returns a new model; unchanged parts are shared.
 */
export function applyWeightSwaps(model: ReadonlyModelIR, swaps: readonly StoredWeightSwap[], replace: ReadonlyMap<NodeProto, readonly NodeProto[]>): ModelIR {
  const session = new EditSession(model);
  for (const s of swaps) session.storeBeside(s.weight, s.tensors, { dropOriginal: s.dropOriginal, constantNames: s.constantNames });
  for (const [original, nodes] of replace) session.replaceNode(original, nodes);
  return session.commit();
}

/** A copy of the model importing `domain` at `version` (left as it is when the domain is already imported). */
export function withDomainImport(model: ReadonlyModelIR, domain: string, version: number): ModelIR {
  if (model.opsetImport.some((o) => o.domain === domain)) return sharedModel(model);
  return patch(sharedModel(model), { opsetImport: [...sharedModel(model).opsetImport, create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })] });
}
