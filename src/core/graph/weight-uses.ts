import { type GraphProto, type NodeProto, type TensorProto } from '../onnx/schema';
import { constantTensor, subgraphsOf } from '../ir/walk';

/** One input slot that reads a value. */
export interface ValueUse {
  node: NodeProto;
  inputIndex: number;
}

/** A stored tensor with everything that reads it: nodes (in its graph and nested subgraphs) and graph outputs. */
export interface StoredWeight {
  name: string;
  tensor: TensorProto;
  graph: GraphProto;
  /** For a Constant-node weight, the node's index in `graph.node`. */
  constantIndex?: number;
  uses: ValueUse[];
  /** True when the value is an output of its graph or of a nested subgraph. */
  isGraphOutput: boolean;
  /** True when an initializer is also listed as a graph input (an overridable default). */
  isGraphInput: boolean;
}

interface ScopeIndex {
  uses: Map<string, ValueUse[]>;
  outputs: Set<string>;
}

/** Uses of every name in `graph` and its nested subgraphs (names may not shadow outer ones in ONNX). */
function indexScope(graph: GraphProto, memo: Map<GraphProto, ScopeIndex>): ScopeIndex {
  const hit = memo.get(graph);
  if (hit) return hit;
  const uses = new Map<string, ValueUse[]>();
  const outputs = new Set(graph.output.map((o) => o.name));
  for (const node of graph.node) {
    node.input.forEach((name, inputIndex) => {
      if (!name) return;
      const list = uses.get(name);
      if (list) list.push({ node, inputIndex });
      else uses.set(name, [{ node, inputIndex }]);
    });
    for (const sub of subgraphsOf(node)) {
      const inner = indexScope(sub, memo);
      for (const [name, list] of inner.uses) {
        const mine = uses.get(name);
        if (mine) mine.push(...list);
        else uses.set(name, [...list]);
      }
      for (const o of inner.outputs) outputs.add(o);
    }
  }
  const index = { uses, outputs };
  memo.set(graph, index);
  return index;
}

/** Every stored tensor of every graph (initializers and Constant nodes) with its readers. */
export function listStoredWeights(graphs: readonly GraphProto[]): StoredWeight[] {
  const memo = new Map<GraphProto, ScopeIndex>();
  const out: StoredWeight[] = [];
  for (const graph of graphs) {
    const scope = indexScope(graph, memo);
    const inputs = new Set(graph.input.map((i) => i.name));
    for (const tensor of graph.initializer) {
      out.push({
        name: tensor.name,
        tensor,
        graph,
        uses: scope.uses.get(tensor.name) ?? [],
        isGraphOutput: scope.outputs.has(tensor.name),
        isGraphInput: inputs.has(tensor.name),
      });
    }
    graph.node.forEach((node, constantIndex) => {
      const tensor = constantTensor(node);
      const name = node.output[0];
      if (!tensor || !name) return;
      out.push({ name, tensor, graph, constantIndex, uses: scope.uses.get(name) ?? [], isGraphOutput: scope.outputs.has(name), isGraphInput: false });
    });
  }
  return out;
}
