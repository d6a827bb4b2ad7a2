import type { GraphIndex, GraphScope } from '../../graph/graph-index';
import { isDefaultDomain } from '../../graph/attrs';
import { topologicalOrder } from '../../graph/topo-order';
import { graph } from '../../ir/build';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import { isExternal } from '../../ir/tensor';
import { constantTensor, subgraphsOf } from '../../ir/walk';
import { ModelProtoSchema, type NodeProto, type TensorProto, type ValueInfoProto } from '../../onnx/schema';
import { create } from '@bufbuild/protobuf';

/**
 * Never folded: operators whose outputs differ from run to run, and DequantizeLinear, whose stored
 * inputs are weights a quantization step made compact on purpose.
 */
const NEVER_FOLDED: ReadonlySet<string> = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Dropout', 'DequantizeLinear']);

/** Whether the host's runtime may compute `node` once for all runs, given constant inputs: a deterministic tensor operator of the default domain. */
export function runtimeFoldable(node: NodeProto): boolean {
  return (
    isDefaultDomain(node) &&
    !NEVER_FOLDED.has(node.opType) &&
    !constantTensor(node) &&
    subgraphsOf(node).length === 0 &&
    // Sequence and optional values are not tensors a Constant can hold.
    !/Sequence|Optional/.test(node.opType) &&
    node.input.some((i) => i)
  );
}

/** Nodes of one graph that depend on stored values alone, as a model of their own that takes no inputs. */
export interface ConstantSubgraph {
  /** The nodes, producers first. */
  nodes: NodeProto[];
  /** Values of `nodes` that something else reads (a node outside them, a nested subgraph, a graph output): what the run must give. */
  frontier: string[];
  /** The stored tensors the nodes read, by the names the nodes use. */
  inputs: TensorProto[];
}

/**
 * The largest set of nodes of `scope` whose inputs are stored tensors (of this graph or an
 * enclosing one; an initializer a graph input overrides is not one) or outputs of the set, among
 * the nodes `canFold` accepts. Undefined when there is none.
 */
export function constantSubgraph(index: GraphIndex, scope: GraphScope, canFold: (node: NodeProto) => boolean): ConstantSubgraph | undefined {
  const stored = new Map<string, TensorProto>();
  const computed = new Set<string>();
  const isConstant = (name: string): boolean => {
    if (computed.has(name) || stored.has(name)) return true;
    const at = index.definingScope(name, scope);
    const w = at?.stored.get(name);
    if (!w || w.isGraphInput || isExternal(w.tensor)) return false;
    stored.set(name, w.tensor);
    return true;
  };
  const nodes: NodeProto[] = [];
  for (const i of topologicalOrder(scope.graph)) {
    const n = scope.graph.node[i]!;
    if (!runtimeFoldable(n) || !canFold(n) || !n.input.every((name) => !name || isConstant(name))) continue;
    nodes.push(n);
    for (const o of n.output) if (o) computed.add(o);
  }
  if (nodes.length === 0) return undefined;
  const inside = new Set(nodes);
  const frontier = nodes.flatMap((n) => n.output.filter((o) => o && (index.isGraphOutput(o, scope) || index.consumers(o, scope).some((u) => !inside.has(u.node)))));
  const read = new Set(nodes.flatMap((n) => n.input.filter((name) => name && stored.has(name))));
  return { nodes, frontier, inputs: [...read].map((name) => named(stored.get(name)!, name)) };
}

/** Only the nodes (of `nodes`, producers first) that computing `wanted` takes, producers first. */
export function neededFor(nodes: readonly NodeProto[], wanted: readonly string[]): NodeProto[] {
  const need = new Set(wanted);
  const keep: NodeProto[] = [];
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k]!;
    if (!n.output.some((o) => need.has(o))) continue;
    keep.push(n);
    for (const i of n.input) if (i) need.add(i);
  }
  return keep.reverse();
}

/** A model of `nodes` alone, its stored inputs as initializers and `outputs` as its outputs, under `model`'s opsets. */
export function subgraphModel(model: ModelIR, nodes: readonly NodeProto[], inputs: readonly TensorProto[], outputs: readonly ValueInfoProto[]): ModelIR {
  const reads = new Set(nodes.flatMap((n) => n.input));
  const initializers = inputs.filter((t) => reads.has(t.name));
  return create(ModelProtoSchema, {
    irVersion: model.irVersion,
    opsetImport: model.opsetImport,
    graph: graph({ name: 'constant_subgraph', nodes: [...nodes], inputs: [], outputs: [...outputs], initializers }),
  });
}

/** The tensor of a stored value under the name its readers use (a Constant node's tensor may carry another name). */
function named(t: TensorProto, name: string): TensorProto {
  return t.name === name ? t : patch(t, { name });
}
