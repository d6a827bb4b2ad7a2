import { node } from '../../ir/build';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { rebuildGraph } from '../../graph/rebuild';
import type { StoredWeight, ValueUse } from '../../graph/weight-uses';

/** How one stored float weight is replaced by int8 data and a DequantizeLinear. */
export interface DequantizePlan {
  weight: StoredWeight;
  /**
   * True when every reader takes the dequantized value: the float tensor is dropped and the
   * DequantizeLinear output takes over its name. Otherwise the float tensor stays for the other
   * readers and `retarget` lists the slots moved to the DequantizeLinear output.
   */
  replaceOriginal: boolean;
  retarget: ValueUse[];
  quantized: TensorProto;
  scale: TensorProto;
  zeroPoint: TensorProto;
  /** DequantizeLinear(quantized, scale, zeroPoint) -> weight name (or a new name). */
  dequantize: NodeProto;
  /** Node names for the Constant nodes that hold the three tensors when the weight was a Constant. */
  constantNames: [string, string, string];
}

function constantNode(t: TensorProto, name: string): NodeProto {
  return node('Constant', [], [t.name], { value: t }, { name });
}

/**
 * Applies dequantize plans to the model: initializer weights get their int8/scale/zero-point
 * initializers and a DequantizeLinear at the top of their graph; Constant-node weights are
 * replaced in place by three Constants and the DequantizeLinear. Returns a new model.
 */
export function applyDequantizePlans(model: ModelIR, plans: readonly DequantizePlan[]): ModelIR {
  const byGraph = new Map<object, DequantizePlan[]>();
  const renames = new Map<NodeProto, Map<number, string>>();
  for (const p of plans) {
    const list = byGraph.get(p.weight.graph);
    if (list) list.push(p);
    else byGraph.set(p.weight.graph, [p]);
    const target = p.dequantize.output[0]!;
    for (const use of p.retarget) {
      const m = renames.get(use.node) ?? new Map<number, string>();
      m.set(use.inputIndex, target);
      renames.set(use.node, m);
    }
  }
  const rewire = (current: NodeProto, original: NodeProto): NodeProto => {
    const m = renames.get(original);
    if (!m) return current;
    return patch(current, { input: current.input.map((name, i) => m.get(i) ?? name) });
  };

  const graph = rebuildGraph(model.graph!, (g, orig) => {
    const mine = byGraph.get(orig) ?? [];
    const needsRewire = orig.node.some((n) => renames.has(n));
    if (mine.length === 0 && !needsRewire) return g;
    const fromInit = mine.filter((p) => p.weight.constantIndex === undefined);
    const fromConst = new Map(mine.filter((p) => p.weight.constantIndex !== undefined).map((p) => [p.weight.constantIndex!, p]));
    const dropped = new Set(fromInit.filter((p) => p.replaceOriginal).map((p) => p.weight.name));

    const nodes: NodeProto[] = fromInit.map((p) => p.dequantize);
    g.node.forEach((n, i) => {
      const p = fromConst.get(i);
      if (!p) {
        nodes.push(rewire(n, orig.node[i]!));
        return;
      }
      if (!p.replaceOriginal) nodes.push(n);
      const [qn, sn, zn] = p.constantNames;
      nodes.push(constantNode(p.quantized, qn), constantNode(p.scale, sn), constantNode(p.zeroPoint, zn), p.dequantize);
    });
    return patch(g, {
      node: nodes,
      initializer: [...g.initializer.filter((t) => !dropped.has(t.name)), ...fromInit.flatMap((p) => [p.quantized, p.scale, p.zeroPoint])],
      input: dropped.size > 0 ? g.input.filter((v) => !dropped.has(v.name)) : g.input,
    });
  });
  return patch(model, { graph });
}
