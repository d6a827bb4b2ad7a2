import { create } from '@bufbuild/protobuf';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import { subgraphsOf } from '../../ir/walk';
import { ValueInfoProtoSchema, type NodeProto } from '../../onnx/schema';
import { exposeTensors } from '../../evaluate/intermediate-tensors';

/**
 * The model cut down to what computes `names`: those values as its only outputs, only the main-graph
 * nodes they depend on and the initializers those read (every graph input stays, so the same feeds
 * run it). The nodes that remain compute what they did in the whole model, so a layer early in the
 * graph is read without running the rest. A graph with a subgraph (If, Loop, Scan, whose bodies may
 * read outer values) is only given the extra outputs.
 */
export function truncatedTo(model: ModelIR, names: readonly string[]): ModelIR {
  const graph = model.graph;
  if (!graph || graph.node.some((n) => subgraphsOf(n).length > 0)) return exposeTensors(model, names);
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) if (o) producer.set(o, n);
  const kept = new Set<NodeProto>();
  const needed = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (needed.has(value)) continue;
    needed.add(value);
    const n = producer.get(value);
    if (!n || kept.has(n)) continue;
    kept.add(n);
    for (const i of n.input) if (i) pending.push(i);
  }
  // An initializer listed as a graph input is that input's default: it stays with the input.
  const inputs = new Set(graph.input.map((v) => v.name));
  const known = new Map([...graph.output, ...graph.valueInfo].map((v) => [v.name, v]));
  return patch(model, {
    graph: patch(graph, {
      node: graph.node.filter((n) => kept.has(n)),
      initializer: graph.initializer.filter((t) => needed.has(t.name) || inputs.has(t.name)),
      output: names.map((name) => known.get(name) ?? create(ValueInfoProtoSchema, { name })),
      valueInfo: graph.valueInfo.filter((v) => needed.has(v.name) && !names.includes(v.name)),
    }),
  });
}
