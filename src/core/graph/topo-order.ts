import type { GraphProto, NodeProto } from '../onnx/schema';
import { subgraphsOf } from '../ir/walk';

/** Every name a node reads: its inputs and the outer-scope names its subgraphs read (nested). */
export function nodeReads(node: NodeProto): string[] {
  const out = [...node.input];
  const visit = (g: GraphProto): void => {
    for (const m of g.node) {
      out.push(...m.input);
      subgraphsOf(m).forEach(visit);
    }
  };
  subgraphsOf(node).forEach(visit);
  return out;
}

/**
 * Node indices of `graph` in an order where producers come first (models may list nodes out of
 * order). Nodes already in order keep their order; otherwise each node follows the producers it
 * reads, found depth first. Linear in nodes plus edges.
 */
export function topologicalOrder(graph: GraphProto): number[] {
  const producer = new Map<string, number>();
  graph.node.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const state = new Uint8Array(graph.node.length); // 0 new, 1 in progress, 2 done
  const order: number[] = [];
  const visit = (start: number): void => {
    // Iterative DFS: real graphs are deep enough to overflow the stack.
    const stack: [number, string[], number][] = [[start, nodeReads(graph.node[start]!), 0]];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [i, deps] = top;
      if (top[2] < deps.length) {
        const p = producer.get(deps[top[2]++]!);
        if (p !== undefined && state[p] === 0) {
          state[p] = 1;
          stack.push([p, nodeReads(graph.node[p]!), 0]);
        }
        continue;
      }
      state[i] = 2;
      order.push(i);
      stack.pop();
    }
  };
  for (let i = 0; i < graph.node.length; i++) if (state[i] === 0) visit(i);
  return order;
}
