import type { ModelIR, ReadonlyModelIR } from '../ir/model';
import { constantTensor } from '../ir/walk';
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/schema';
import type { StoredWeight, ValueUse } from './weight-uses';

/** One graph of the model (the main graph or a subgraph) with what it defines and reads. */
export interface GraphScope {
  graph: GraphProto;
  /** '' for the main graph, 'node.attr' segments for subgraphs (as listGraphs names them). */
  path: string;
  parent?: GraphScope;
  /** The node of the parent graph that holds this subgraph. */
  owner?: NodeProto;
  /** Nodes of this graph by the values they write. */
  producers: Map<string, NodeProto>;
  /** Slots of this graph's own nodes that read each value. */
  consumers: Map<string, ValueUse[]>;
  /**
   * Values this graph reads from an enclosing scope (directly or from a nested subgraph), with the
   * reading slots. These are edges too: the owner node depends on them.
   */
  outerReads: Map<string, ValueUse[]>;
  /** Stored tensors of this graph (initializers and Constant nodes alike). */
  stored: Map<string, StoredWeight>;
  valueInfo: Map<string, ValueInfoProto>;
  /** Every name this graph defines: inputs, initializers and node outputs. */
  defines: Set<string>;
  /** Outer names that a nested subgraph hands out as its output (a pass-through). */
  nestedOutputs: Set<string>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * An index over a model's graph and all its subgraphs, built once in time linear in the model:
 * producers, consumers (a subgraph's reads of outer names count as reads of the node that owns
 * it), stored values, value infos and scopes. It describes the model given; edit through an
 * EditSession and index the committed model again.
 */
export class GraphIndex {
  readonly model: ModelIR;
  /** Every scope, parents before their subgraphs, depth first (the order listGraphs gives). */
  readonly scopes: GraphScope[] = [];
  private readonly byGraph = new Map<GraphProto, GraphScope>();
  private readonly nodeScope = new Map<NodeProto, GraphScope>();

  constructor(model: ReadonlyModelIR) {
    this.model = model as ModelIR;
    if (this.model.graph) this.visit(this.model.graph, '');
  }

  private visit(graph: GraphProto, path: string, parent?: GraphScope, owner?: NodeProto): GraphScope {
    const scope: GraphScope = {
      graph,
      path,
      ...(parent && { parent }),
      ...(owner && { owner }),
      producers: new Map(),
      consumers: new Map(),
      outerReads: new Map(),
      stored: new Map(),
      valueInfo: new Map(graph.valueInfo.map((v) => [v.name, v])),
      defines: new Set([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name)]),
      nestedOutputs: new Set(),
    };
    this.scopes.push(scope);
    this.byGraph.set(graph, scope);
    for (const n of graph.node) for (const o of n.output) if (o) scope.defines.add(o);
    const inputs = new Set(graph.input.map((v) => v.name));
    for (const tensor of graph.initializer) {
      scope.stored.set(tensor.name, { name: tensor.name, tensor, graph, uses: [], isGraphOutput: false, isGraphInput: inputs.has(tensor.name) });
    }
    graph.node.forEach((node, i) => {
      this.nodeScope.set(node, scope);
      for (const o of node.output) if (o) scope.producers.set(o, node);
      node.input.forEach((name, inputIndex) => {
        if (!name) return;
        push(scope.defines.has(name) ? scope.consumers : scope.outerReads, name, { node, inputIndex });
      });
      const t = constantTensor(node);
      if (t && node.output[0]) scope.stored.set(node.output[0], { name: node.output[0], tensor: t, graph, constantIndex: i, uses: [], isGraphOutput: false, isGraphInput: false });
      for (const attr of node.attribute) {
        const base = `${path}/${node.name || `${node.opType}#${i}`}.${attr.name}`;
        const subs = attr.g ? [attr.g] : attr.graphs;
        subs.forEach((g, k) => {
          const child = this.visit(g, attr.g ? base : `${base}[${k}]`, scope, node);
          // A name the subgraph does not define is read from here (or further out): the owner depends on it.
          for (const [name, uses] of child.outerReads) for (const u of uses) push(scope.defines.has(name) ? scope.consumers : scope.outerReads, name, u);
          for (const name of [...child.graph.output.map((o) => o.name), ...child.nestedOutputs]) if (!child.defines.has(name)) scope.nestedOutputs.add(name);
        });
      }
    });
    return scope;
  }

  /** The scope of a graph of this model. */
  scope(graph: GraphProto): GraphScope {
    const s = this.byGraph.get(graph);
    if (!s) throw new Error('GraphIndex.scope: expected a graph of the indexed model, got another object.');
    return s;
  }

  /** The scope whose node list holds `node`, or undefined for a node not in the model. */
  scopeOfNode(node: NodeProto): GraphScope | undefined {
    return this.nodeScope.get(node);
  }

  /** The scope that defines `name` as seen from `from` (itself or the nearest enclosing one). */
  definingScope(name: string, from: GraphScope): GraphScope | undefined {
    for (let s: GraphScope | undefined = from; s; s = s.parent) if (s.defines.has(name)) return s;
    return undefined;
  }

  /** The node that writes `name` in the scope that defines it, seen from `from` (the main graph by default). */
  producer(name: string, from: GraphScope = this.scopes[0]!): NodeProto | undefined {
    return this.definingScope(name, from)?.producers.get(name);
  }

  /** Every slot that reads `name` as defined in `scope`: its own nodes and those of nested subgraphs. */
  consumers(name: string, scope: GraphScope = this.scopes[0]!): readonly ValueUse[] {
    return scope.consumers.get(name) ?? [];
  }

  /** Whether `name` is an output of `scope` or handed out by a nested subgraph as its output. */
  isGraphOutput(name: string, scope: GraphScope): boolean {
    return scope.nestedOutputs.has(name) || scope.graph.output.some((o) => o.name === name);
  }

  /** The stored tensor named `name` as seen from `from` (initializer or Constant node alike). */
  stored(name: string, from: GraphScope = this.scopes[0]!): StoredWeight | undefined {
    const s = this.definingScope(name, from);
    return s ? this.withUses(s.stored.get(name), s) : undefined;
  }

  /** Every stored tensor of every graph, each with its readers, in graph order (initializers, then Constants). */
  storedWeights(): StoredWeight[] {
    return this.scopes.flatMap((s) => {
      const all = [...s.stored.values()];
      const inits = all.filter((w) => w.constantIndex === undefined);
      const consts = all.filter((w) => w.constantIndex !== undefined);
      return [...inits, ...consts].map((w) => this.withUses(w, s)!);
    });
  }

  private withUses(w: StoredWeight | undefined, s: GraphScope): StoredWeight | undefined {
    if (!w) return undefined;
    return { ...w, uses: [...this.consumers(w.name, s)], isGraphOutput: this.isGraphOutput(w.name, s) };
  }

  /** The value declaration of `name` (value_info, then graph inputs and outputs) as seen from `from`. */
  valueInfo(name: string, from: GraphScope = this.scopes[0]!): ValueInfoProto | undefined {
    for (let s: GraphScope | undefined = from; s; s = s.parent) {
      const v = s.valueInfo.get(name) ?? s.graph.input.find((i) => i.name === name) ?? s.graph.output.find((o) => o.name === name);
      if (v) return v;
    }
    return undefined;
  }

  /** The tensor of a stored value by name, searching every scope (ONNX names are unique across scopes). */
  tensor(name: string): TensorProto | undefined {
    for (const s of this.scopes) {
      const w = s.stored.get(name);
      if (w) return w.tensor;
    }
    return undefined;
  }

  /** Scopes with every subgraph before the graph that holds it, siblings in node order (the order a bottom-up rebuild visits them). */
  bottomUp(): GraphScope[] {
    const out: GraphScope[] = [];
    const children = new Map<GraphScope, GraphScope[]>();
    for (const s of this.scopes) if (s.parent) push(children, s.parent, s);
    const visit = (s: GraphScope): void => {
      for (const c of children.get(s) ?? []) visit(c);
      out.push(s);
    };
    if (this.scopes[0]) visit(this.scopes[0]);
    return out;
  }
}
