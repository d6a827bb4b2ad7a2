import { node } from '../../ir/build';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { dynamicQuantizeNode, type FreshName, type QuantizedActivation } from './dynamic-patterns';
import { rebuildGraph } from '../../graph/rebuild';
import type { StoredWeight } from '../../graph/weight-uses';

/** The quantized tensors stored for one float weight (one set per layout its readers need). */
export interface DynamicWeightPlan {
  weight: StoredWeight;
  /** True when every reader is rewritten: the float tensor is dropped. Otherwise it stays for the others. */
  dropOriginal: boolean;
  /** Stored where the weight was: beside it as initializers, or as Constant nodes at its Constant node. */
  tensors: TensorProto[];
}

/** One operator replaced by its integer form. */
export interface DynamicNodePlan {
  /** The node to replace: an object of the model given to applyDynamicPlans. */
  original: NodeProto;
  /** The float value to quantize; one DynamicQuantizeLinear per value and graph serves every reader. */
  activation: string;
  /** Nodes that must run before the quantizer (e.g. the Transpose that produces `activation`). */
  prelude: NodeProto[];
  /** The replacement nodes, given the quantized activation. */
  build(a: QuantizedActivation): NodeProto[];
}

function constantNode(t: TensorProto, name: string): NodeProto {
  return node('Constant', [], [t.name], { value: t }, { name });
}

/**
 * Applies the plans: every planned node becomes its integer form, preceded (once per activation
 * and graph) by a DynamicQuantizeLinear placed before its first reader; each weight's quantized
 * tensors are stored where the weight was, and the float weight is dropped when nothing reads
 * it any more. Subgraphs are rebuilt the same way. Returns a new model; the input is untouched.
 */
export function applyDynamicPlans(model: ModelIR, weights: readonly DynamicWeightPlan[], nodes: readonly DynamicNodePlan[], fresh: FreshName): ModelIR {
  const nodePlans = new Map(nodes.map((p) => [p.original, p]));
  const byGraph = new Map<object, DynamicWeightPlan[]>();
  for (const w of weights) {
    const list = byGraph.get(w.weight.graph);
    if (list) list.push(w);
    else byGraph.set(w.weight.graph, [w]);
  }

  const graph = rebuildGraph(model.graph!, (g, orig) => {
    const mine = byGraph.get(orig) ?? [];
    if (mine.length === 0 && !orig.node.some((n) => nodePlans.has(n))) return g;
    const fromInit = mine.filter((w) => w.weight.constantIndex === undefined);
    const fromConst = new Map(mine.filter((w) => w.weight.constantIndex !== undefined).map((w) => [w.weight.constantIndex!, w]));
    const dropped = new Set(fromInit.filter((w) => w.dropOriginal).map((w) => w.weight.name));
    const quantizers = new Map<string, QuantizedActivation>();

    const out: NodeProto[] = [];
    g.node.forEach((n, i) => {
      const stored = fromConst.get(i);
      if (stored) {
        if (!stored.dropOriginal) out.push(n);
        for (const t of stored.tensors) out.push(constantNode(t, fresh(`${t.name}_Constant`)));
        return;
      }
      const plan = nodePlans.get(orig.node[i]!);
      if (!plan) {
        out.push(n);
        return;
      }
      out.push(...plan.prelude);
      let a = quantizers.get(plan.activation);
      if (!a) {
        a = {
          values: fresh(`${plan.activation}_quantized`),
          scale: fresh(`${plan.activation}_scale`),
          zeroPoint: fresh(`${plan.activation}_zero_point`),
        };
        quantizers.set(plan.activation, a);
        out.push(dynamicQuantizeNode(plan.activation, a, fresh));
      }
      out.push(...plan.build(a));
    });
    return patch(g, {
      node: out,
      initializer: [...g.initializer.filter((t) => !dropped.has(t.name)), ...fromInit.flatMap((w) => w.tensors)],
      input: dropped.size > 0 ? g.input.filter((v) => !dropped.has(v.name)) : g.input,
    });
  });
  return patch(model, { graph });
}
