import {
  AttributeProto_AttributeType as AT,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from '../onnx/schema';
import { sharedModel, type ReadonlyModelIR } from './model';

/** Where a graph sits: '' for the main graph, 'node/attr' segments for subgraphs. */
export interface GraphVisit {
  graph: GraphProto;
  path: string;
  /** The node that owns this subgraph, if any. */
  owner?: NodeProto;
}

/** The subgraphs a node holds (If branches, Loop/Scan bodies), in attribute order. */
export function subgraphsOf(node: NodeProto): GraphProto[] {
  return node.attribute.flatMap((a) => (a.type === AT.GRAPH && a.g ? [a.g] : a.type === AT.GRAPHS ? a.graphs : []));
}

/** The main graph and every subgraph (If/Loop/Scan bodies, nested), depth first, parents first. */
export function listGraphs(model: ReadonlyModelIR): GraphVisit[] {
  const out: GraphVisit[] = [];
  const visit = (graph: GraphProto, path: string, owner?: NodeProto): void => {
    out.push(owner ? { graph, path, owner } : { graph, path });
    graph.node.forEach((node, i) => {
      for (const attr of node.attribute) {
        const base = `${path}/${node.name || `${node.opType}#${i}`}.${attr.name}`;
        if (attr.type === AT.GRAPH && attr.g) visit(attr.g, base, node);
        if (attr.type === AT.GRAPHS) attr.graphs.forEach((g, k) => visit(g, `${base}[${k}]`, node));
      }
    });
  };
  const main = sharedModel(model).graph;
  if (main) visit(main, '');
  return out;
}

export type WeightSource = 'initializer' | 'constant';

/** A stored tensor: a graph initializer or the value of a Constant node. */
export interface WeightRef {
  /** The value name consumers use: the initializer name or the Constant node's output. */
  name: string;
  tensor: TensorProto;
  source: WeightSource;
  graphPath: string;
  /** For Constant-node weights, the node that holds it. */
  node?: NodeProto;
}

export function constantTensor(node: NodeProto): TensorProto | undefined {
  if (node.opType !== 'Constant' || node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  return node.attribute.find((a) => a.name === 'value' && a.t)?.t;
}

/** Every stored tensor in the model, subgraphs included, in graph order. */
export function listWeights(model: ReadonlyModelIR): WeightRef[] {
  const out: WeightRef[] = [];
  for (const { graph, path } of listGraphs(model)) {
    for (const t of graph.initializer) out.push({ name: t.name, tensor: t, source: 'initializer', graphPath: path });
    for (const node of graph.node) {
      const t = constantTensor(node);
      if (t) out.push({ name: node.output[0] ?? t.name, tensor: t, source: 'constant', graphPath: path, node });
    }
  }
  return out;
}

/** Every node in the model, subgraphs included. */
export function listNodes(model: ReadonlyModelIR): { node: NodeProto; graphPath: string }[] {
  return listGraphs(model).flatMap(({ graph, path }) => graph.node.map((node) => ({ node, graphPath: path })));
}
