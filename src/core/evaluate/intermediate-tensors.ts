import { create } from '@bufbuild/protobuf';
import { patch } from '../ir/edit';
import type { ModelIR } from '../ir/model';
import { constantTensor } from '../ir/walk';
import { ValueInfoProtoSchema, type GraphProto, type NodeProto } from '../onnx/schema';

/** An activation both models compute, as the per-layer debugger compares it. */
export interface LayerTensor {
  /** The value name (the same in both models). */
  tensor: string;
  /** The reference node that produces it, and its op. */
  node: string;
  opType: string;
  /** The producing node's inputs that are themselves compared activations (empty for the first layers). */
  inputs: string[];
}

/**
 * The main graph's nodes in execution order: a stable topological sort (ties keep the stored
 * order), since some exporters store nodes out of order. Nodes in a cycle or fed by values
 * nobody produces keep their stored place at the end.
 */
export function topologicalNodes(graph: GraphProto): NodeProto[] {
  const producer = new Map<string, number>();
  graph.node.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const waiting = graph.node.map((n) => new Set(n.input.filter((x) => x && producer.has(x)).map((x) => producer.get(x)!)));
  const consumers = graph.node.map(() => [] as number[]);
  waiting.forEach((deps, i) => deps.forEach((d) => d !== i && consumers[d]!.push(i)));
  const done = new Array<boolean>(graph.node.length).fill(false);
  const order: NodeProto[] = [];
  const ready: number[] = [];
  waiting.forEach((deps, i) => deps.size === 0 && ready.push(i));
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    done[i] = true;
    order.push(graph.node[i]!);
    for (const c of consumers[i]!) {
      const deps = waiting[c]!;
      deps.delete(i);
      if (deps.size === 0 && !done[c]) ready.push(c);
    }
  }
  graph.node.forEach((n, i) => !done[i] && order.push(n));
  return order;
}

/**
 * Values that are weights or computed from weights alone: initializers, Constant outputs, and
 * the outputs of nodes whose every input is such a value (DequantizeLinear of an int8 weight,
 * a Transpose or Cast of a weight). These are not activations and are never compared.
 */
function weightValues(graph: GraphProto, order: readonly NodeProto[]): Set<string> {
  const weights = new Set(graph.initializer.map((t) => t.name));
  for (const n of order) {
    const inputs = n.input.filter((x) => x !== '');
    const fromWeights = constantTensor(n) !== undefined || (inputs.length > 0 && inputs.every((x) => weights.has(x)));
    if (fromWeights) n.output.forEach((o) => o && weights.add(o));
  }
  return weights;
}

function activations(model: ModelIR): Map<string, NodeProto> {
  const graph = model.graph;
  const out = new Map<string, NodeProto>();
  if (!graph) return out;
  const order = topologicalNodes(graph);
  const weights = weightValues(graph, order);
  const inputs = new Set(graph.input.map((v) => v.name));
  for (const n of order) for (const o of n.output) if (o && !weights.has(o) && !inputs.has(o)) out.set(o, n);
  return out;
}

/**
 * The activations to compare layer by layer: values produced by a main-graph node in both
 * models under the same name (int8-weight keeps activation names), minus weights and what is
 * computed from weights alone (so DequantizeLinear outputs are skipped), in the reference's
 * execution order. Non-float values (shapes, indices) are left to the caller, which sees dtypes.
 */
export function comparableTensors(reference: ModelIR, candidate: ModelIR): LayerTensor[] {
  const cand = activations(candidate);
  const shared = [...activations(reference).entries()].filter(([name]) => cand.has(name));
  const names = new Set(shared.map(([name]) => name));
  return shared.map(([tensor, n]) => ({
    tensor,
    node: n.name || n.output[0] || n.opType,
    opType: n.opType,
    inputs: [...new Set(n.input.filter((x) => names.has(x)))],
  }));
}

/**
 * The model with the named values added as main-graph outputs (bare value infos: the runtime
 * infers their types), after the existing outputs. Names already outputs are not repeated.
 */
export function exposeTensors(model: ModelIR, names: readonly string[]): ModelIR {
  const graph = model.graph;
  if (!graph) return model;
  const present = new Set(graph.output.map((v) => v.name));
  const added = names.filter((n) => !present.has(n) && (present.add(n), true));
  if (added.length === 0) return model;
  return patch(model, { graph: patch(graph, { output: [...graph.output, ...added.map((name) => create(ValueInfoProtoSchema, { name }))] }) });
}
