import { create } from '@bufbuild/protobuf';
import { node } from '../../ir/build';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import { OperatorSetIdProtoSchema, type NodeProto, type TensorProto } from '../../onnx/schema';
import { rebuildGraph } from '../../graph/rebuild';
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
export function applyWeightSwaps(model: ModelIR, swaps: readonly StoredWeightSwap[], replace: ReadonlyMap<NodeProto, readonly NodeProto[]>): ModelIR {
  const byGraph = new Map<object, StoredWeightSwap[]>();
  for (const s of swaps) {
    const list = byGraph.get(s.weight.graph);
    if (list) list.push(s);
    else byGraph.set(s.weight.graph, [s]);
  }
  const graph = rebuildGraph(model.graph!, (g, orig) => {
    const mine = byGraph.get(orig) ?? [];
    if (mine.length === 0 && !orig.node.some((n) => replace.has(n))) return g;
    const fromInit = mine.filter((s) => s.weight.constantIndex === undefined);
    const fromConst = new Map(mine.filter((s) => s.weight.constantIndex !== undefined).map((s) => [s.weight.constantIndex!, s]));
    const dropped = new Set(fromInit.filter((s) => s.dropOriginal).map((s) => s.weight.name));
    const nodes: NodeProto[] = [];
    g.node.forEach((n, i) => {
      const swap = fromConst.get(i);
      if (swap) {
        if (!swap.dropOriginal) nodes.push(n);
        swap.tensors.forEach((t, k) => nodes.push(node('Constant', [], [t.name], { value: t }, { name: swap.constantNames[k] ?? t.name })));
        return;
      }
      const replacement = replace.get(orig.node[i]!);
      if (replacement) nodes.push(...replacement);
      else nodes.push(n);
    });
    return patch(g, {
      node: nodes,
      initializer: [...g.initializer.filter((t) => !dropped.has(t.name)), ...fromInit.flatMap((s) => s.tensors)],
      input: dropped.size > 0 ? g.input.filter((v) => !dropped.has(v.name)) : g.input,
    });
  });
  return patch(model, { graph });
}

/** A copy of the model importing `domain` at `version` (left as it is when the domain is already imported). */
export function withDomainImport(model: ModelIR, domain: string, version: number): ModelIR {
  if (model.opsetImport.some((o) => o.domain === domain)) return model;
  return patch(model, { opsetImport: [...model.opsetImport, create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })] });
}
