import type { ModelIR, ReadonlyModelIR } from '../../ir/model';
import { EditSession } from '../../graph/edit-session';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { dynamicQuantizeNode, type FreshName, type QuantizedActivation } from './dynamic-patterns';
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

/**
 * Applies the plans: every planned node becomes its integer form, preceded (once per activation
 * and graph) by a DynamicQuantizeLinear placed before its first reader; each weight's quantized
 * tensors are stored where the weight was, and the float weight is dropped when nothing reads
 * it any more. Subgraphs are edited the same way. Returns a new model; the input is untouched.
 */
export function applyDynamicPlans(model: ReadonlyModelIR, weights: readonly DynamicWeightPlan[], nodes: readonly DynamicNodePlan[], fresh: FreshName): ModelIR {
  const session = new EditSession(model);
  const nodePlans = new Map(nodes.map((p) => [p.original, p]));
  const constantPlans = new Map<NodeProto, DynamicWeightPlan>();
  for (const w of weights) {
    if (w.weight.constantIndex === undefined) session.storeBeside(w.weight, w.tensors, { dropOriginal: w.dropOriginal, constantNames: [] });
    else constantPlans.set(w.weight.graph.node[w.weight.constantIndex]!, w);
  }
  // Names are handed out graph by graph, subgraphs first, nodes in order, so they do not depend on plan order.
  for (const { graph } of session.index.bottomUp()) {
    const quantizers = new Map<string, QuantizedActivation>();
    for (const n of graph.node) {
      const stored = constantPlans.get(n);
      if (stored) {
        session.storeBeside(stored.weight, stored.tensors, { dropOriginal: stored.dropOriginal, constantNames: stored.tensors.map((t) => fresh(`${t.name}_Constant`)) });
        continue;
      }
      const plan = nodePlans.get(n);
      if (!plan) continue;
      const out: NodeProto[] = [...plan.prelude];
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
      session.replaceNode(n, out);
    }
  }
  return session.commit();
}
