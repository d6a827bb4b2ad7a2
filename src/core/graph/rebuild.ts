import { AttributeProto_AttributeType as AT, type GraphProto } from '../onnx/schema';
import { patch } from '../ir/edit';

/**
 * Rebuilds a graph bottom-up: subgraphs first (If/Loop/Scan bodies, nested), then `edit` on
 * the graph itself. `edit` gets the graph with its subgraphs already rebuilt and the original
 * graph: their node lists line up index by index, so per-node plans keyed by the original
 * node objects can be applied. Unchanged parts are shared; nothing is mutated.
 */
export function rebuildGraph(graph: GraphProto, edit: (current: GraphProto, original: GraphProto) => GraphProto): GraphProto {
  let changed = false;
  const node = graph.node.map((n) => {
    let attrChanged = false;
    const attribute = n.attribute.map((a) => {
      if (a.type === AT.GRAPH && a.g) {
        const g = rebuildGraph(a.g, edit);
        if (g === a.g) return a;
        attrChanged = true;
        return patch(a, { g });
      }
      if (a.type === AT.GRAPHS && a.graphs.length > 0) {
        const graphs = a.graphs.map((sub) => rebuildGraph(sub, edit));
        if (graphs.every((g, i) => g === a.graphs[i])) return a;
        attrChanged = true;
        return patch(a, { graphs });
      }
      return a;
    });
    if (!attrChanged) return n;
    changed = true;
    return patch(n, { attribute });
  });
  return edit(changed ? patch(graph, { node }) : graph, graph);
}
