import { node } from '../../ir/build';
import { DT } from '../../ir/dtype';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/schema';
import { rebuildGraph } from '../../graph/rebuild';
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
export function applyCastWeightPlans(model: ModelIR, plans: readonly CastWeightPlan[]): ModelIR {
  const byGraph = new Map<GraphProto, CastWeightPlan[]>();
  for (const p of plans) {
    const list = byGraph.get(p.weight.graph);
    if (list) list.push(p);
    else byGraph.set(p.weight.graph, [p]);
  }
  const graph = rebuildGraph(model.graph!, (g, orig) => {
    const mine = byGraph.get(orig);
    if (!mine) return g;
    const fromInit = mine.filter((p) => p.weight.constantIndex === undefined);
    const fromConst = new Map(mine.filter((p) => p.weight.constantIndex !== undefined).map((p) => [p.weight.constantIndex!, p]));
    const replaced = new Map(fromInit.map((p) => [p.weight.name, p.half]));
    const nodes: NodeProto[] = fromInit.map((p) => p.cast);
    g.node.forEach((n, i) => {
      const p = fromConst.get(i);
      if (!p) nodes.push(n);
      else nodes.push(node('Constant', [], [p.half.name], { value: p.half }, { name: p.constantName }), p.cast);
    });
    return patch(g, {
      node: nodes,
      initializer: g.initializer.map((t) => replaced.get(t.name) ?? t),
      input: replaced.size > 0 ? g.input.filter((v) => !replaced.has(v.name)) : g.input,
    });
  });
  return patch(model, { graph });
}
