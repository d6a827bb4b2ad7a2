import { node as makeNode } from '../ir/build';
import { patch } from '../ir/edit';
import type { ModelIR, ReadonlyModelIR } from '../ir/model';
import { AttributeProto_AttributeType as AT, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../onnx/schema';
import { GraphIndex } from './graph-index';
import { nodeReads, topologicalOrder } from './topo-order';
import type { StoredWeight } from './weight-uses';

type NodeUpdate = (current: NodeProto) => NodeProto;

/** The edits asked of one graph; applied in one pass at commit. */
interface GraphEdits {
  top: NodeProto[];
  before: Map<NodeProto, NodeProto[]>;
  after: Map<NodeProto, NodeProto[]>;
  replaced: Map<NodeProto, readonly NodeProto[]>;
  updates: Map<NodeProto, NodeUpdate[]>;
  initializerSwaps: Map<string, TensorProto>;
  removedInitializers: Set<string>;
  addedInitializers: TensorProto[];
  removedInputs: Set<string>;
  declarations: { input?: ValueInfoProto[]; output?: ValueInfoProto[]; valueInfo?: ValueInfoProto[] };
  sort: boolean;
  pruneDead: boolean;
}

function emptyEdits(): GraphEdits {
  return {
    top: [],
    before: new Map(),
    after: new Map(),
    replaced: new Map(),
    updates: new Map(),
    initializerSwaps: new Map(),
    removedInitializers: new Set(),
    addedInitializers: [],
    removedInputs: new Set(),
    declarations: {},
    sort: false,
    pruneDead: false,
  };
}

function append<K, V>(m: Map<K, V[]>, k: K, values: readonly V[]): void {
  const list = m.get(k);
  if (list) list.push(...values);
  else m.set(k, [...values]);
}

/** A Constant node holding `tensor`, writing the tensor's name. */
export function constantNode(tensor: TensorProto, name: string): NodeProto {
  return makeNode('Constant', [], [tensor.name], { value: tensor }, { name });
}

/** Where new stored tensors go and what else comes with them (see EditSession.storeBeside). */
export interface StoreBeside {
  /** Remove the original stored tensor (nothing reads it any more). */
  dropOriginal: boolean;
  /** Node names for the Constant nodes, one per tensor, used when the weight is a Constant node. */
  constantNames: readonly string[];
  /** Nodes that read the new tensors: at the top of the graph for an initializer weight, right after the new Constants otherwise. */
  readers?: readonly NodeProto[];
}

/**
 * Edits a model without touching it. Every edit names nodes and graphs of the input model (the
 * objects the GraphIndex gives); nothing happens until commit(), which builds a new model in one
 * pass per changed graph, shares every unchanged node, tensor and graph object with the input, and
 * carries subgraph edits (If/Loop/Scan bodies, nested) up into new owner nodes.
 *
 * Order is kept: a node's replacement sits where it was, inserted nodes sit before or after the
 * node named, top nodes open the graph in the order given. Ask for sortTopologically() where an
 * edit may break producer-before-reader order.
 */
export class EditSession {
  readonly index: GraphIndex;
  private readonly input: ModelIR;
  private readonly edits = new Map<GraphProto, GraphEdits>();

  constructor(model: ReadonlyModelIR, index?: GraphIndex) {
    this.input = model as ModelIR;
    this.index = index ?? new GraphIndex(model);
  }

  private graphOf(node: NodeProto): GraphProto {
    const scope = this.index.scopeOfNode(node);
    if (!scope) throw new Error(`EditSession: node '${node.name || node.opType}' is not a node of the input model (edits name the input's own node objects).`);
    return scope.graph;
  }

  private on(graph: GraphProto): GraphEdits {
    let e = this.edits.get(graph);
    if (!e) {
      this.index.scope(graph); // throws for a graph of another model
      e = emptyEdits();
      this.edits.set(graph, e);
    }
    return e;
  }

  /** Puts `nodes` where `original` was; an empty list removes it. */
  replaceNode(original: NodeProto, nodes: readonly NodeProto[]): this {
    this.on(this.graphOf(original)).replaced.set(original, nodes);
    return this;
  }

  removeNode(original: NodeProto): this {
    return this.replaceNode(original, []);
  }

  /** Changes a node at commit: `update` gets it with its subgraphs already edited (updates compose in call order). */
  updateNode(original: NodeProto, update: NodeUpdate): this {
    append(this.on(this.graphOf(original)).updates, original, [update]);
    return this;
  }

  /** Makes one input slot of a node read another value. */
  setInput(original: NodeProto, slot: number, value: string): this {
    return this.updateNode(original, (cur) => {
      const input = [...cur.input];
      while (input.length <= slot) input.push('');
      input[slot] = value;
      return patch(cur, { input });
    });
  }

  /**
   * Makes the readers of `value` read `replacement` instead: every slot of the graph's own nodes
   * and, unless `ownGraphOnly`, of nested subgraphs that read it from outside. Graph outputs keep
   * the value. Returns how many slots were moved.
   */
  rewireConsumers(graph: GraphProto, value: string, replacement: string, opts: { ownGraphOnly?: boolean } = {}): number {
    const scope = this.index.scope(graph);
    let moved = 0;
    for (const use of this.index.consumers(value, scope)) {
      if (opts.ownGraphOnly && this.index.scopeOfNode(use.node) !== scope) continue;
      this.setInput(use.node, use.inputIndex, replacement);
      moved++;
    }
    return moved;
  }

  insertBefore(original: NodeProto, nodes: readonly NodeProto[]): this {
    append(this.on(this.graphOf(original)).before, original, nodes);
    return this;
  }

  insertAfter(original: NodeProto, nodes: readonly NodeProto[]): this {
    append(this.on(this.graphOf(original)).after, original, nodes);
    return this;
  }

  /** Nodes that open the graph, after any given before them. */
  insertAtTop(graph: GraphProto, nodes: readonly NodeProto[]): this {
    this.on(graph).top.push(...nodes);
    return this;
  }

  /** Adds an initializer after the existing ones. */
  addInitializer(graph: GraphProto, tensor: TensorProto): this {
    this.on(graph).addedInitializers.push(tensor);
    return this;
  }

  /** Removes an initializer and the graph input that declared it as an overridable default. */
  removeInitializer(graph: GraphProto, name: string): this {
    const e = this.on(graph);
    e.removedInitializers.add(name);
    e.removedInputs.add(name);
    return this;
  }

  /** Puts `tensor` in an initializer's place; under a new name, the graph input that declared the old one goes. */
  replaceInitializer(graph: GraphProto, name: string, tensor: TensorProto): this {
    const e = this.on(graph);
    e.initializerSwaps.set(name, tensor);
    if (tensor.name !== name) e.removedInputs.add(name);
    return this;
  }

  /**
   * Replaces a stored tensor, initializer or Constant node alike, keeping its place: an
   * initializer is swapped in position, a Constant node gets a Constant holding `tensor` (named
   * `constantName`). `readers` are nodes that read the new tensor (the top of the graph for an
   * initializer, right after the Constant otherwise).
   */
  replaceStored(weight: StoredWeight, tensor: TensorProto, constantName: string, readers: readonly NodeProto[] = []): this {
    if (weight.constantIndex === undefined) {
      this.replaceInitializer(weight.graph, weight.name, tensor);
      this.insertAtTop(weight.graph, readers);
    } else {
      this.replaceNode(weight.graph.node[weight.constantIndex]!, [constantNode(tensor, constantName), ...readers]);
    }
    return this;
  }

  /**
   * Stores new tensors where a stored weight is: as initializers after the existing ones, or as
   * Constant nodes right after its Constant node. The original stays unless `dropOriginal`.
   */
  storeBeside(weight: StoredWeight, tensors: readonly TensorProto[], o: StoreBeside): this {
    const readers = o.readers ?? [];
    if (weight.constantIndex === undefined) {
      this.insertAtTop(weight.graph, readers);
      if (o.dropOriginal) this.removeInitializer(weight.graph, weight.name);
      for (const t of tensors) this.addInitializer(weight.graph, t);
    } else {
      const original = weight.graph.node[weight.constantIndex]!;
      const consts = tensors.map((t, k) => constantNode(t, o.constantNames[k] ?? t.name));
      this.replaceNode(original, [...(o.dropOriginal ? [] : [original]), ...consts, ...readers]);
    }
    return this;
  }

  /** New declarations of the graph's inputs, outputs or value_info (replacing the lists given). */
  setDeclarations(graph: GraphProto, d: { input?: ValueInfoProto[]; output?: ValueInfoProto[]; valueInfo?: ValueInfoProto[] }): this {
    Object.assign(this.on(graph).declarations, d);
    return this;
  }

  /** Reorders the graph's nodes at commit so producers come before readers. */
  sortTopologically(graph: GraphProto): this {
    this.on(graph).sort = true;
    return this;
  }

  /** Drops at commit nodes whose outputs nothing reads, initializers nothing reads and value_info of values that are gone. */
  removeDead(graph: GraphProto): this {
    this.on(graph).pruneDead = true;
    return this;
  }

  /** Whether any edit was asked for. */
  get changed(): boolean {
    return this.edits.size > 0;
  }

  /** The edited model; the input is left as it was and shares every unchanged part with it. */
  commit(): ModelIR {
    const main = this.input.graph;
    if (!main || this.edits.size === 0) return this.input;
    const graph = this.commitGraph(main);
    return graph === main ? this.input : patch(this.input, { graph });
  }

  private commitGraph(graph: GraphProto): GraphProto {
    let childChanged = false;
    const current = new Map<NodeProto, NodeProto>();
    for (const n of graph.node) {
      const cur = this.withEditedSubgraphs(n);
      if (cur !== n) {
        childChanged = true;
        current.set(n, cur);
      }
    }
    const e = this.edits.get(graph);
    if (!e) return childChanged ? patch(graph, { node: graph.node.map((n) => current.get(n) ?? n) }) : graph;

    let nodes: NodeProto[] = [...e.top];
    for (const n of graph.node) {
      const before = e.before.get(n);
      if (before) nodes.push(...before);
      const replacement = e.replaced.get(n);
      if (replacement) nodes.push(...replacement);
      else {
        let cur = current.get(n) ?? n;
        for (const update of e.updates.get(n) ?? []) cur = update(cur);
        nodes.push(cur);
      }
      const after = e.after.get(n);
      if (after) nodes.push(...after);
    }
    let initializer = [
      ...graph.initializer.filter((t) => !e.removedInitializers.has(t.name)).map((t) => e.initializerSwaps.get(t.name) ?? t),
      ...e.addedInitializers,
    ];
    const input = e.declarations.input ?? (e.removedInputs.size > 0 ? graph.input.filter((v) => !e.removedInputs.has(v.name)) : graph.input);
    const output = e.declarations.output ?? graph.output;
    let valueInfo = e.declarations.valueInfo ?? graph.valueInfo;
    if (e.pruneDead) ({ nodes, initializer, valueInfo } = pruneDead(nodes, initializer, valueInfo, input, output));
    if (e.sort) {
      const g = patch(graph, { node: nodes });
      nodes = topologicalOrder(g).map((i) => nodes[i]!);
    }
    return patch(graph, { node: nodes, initializer, input, output, valueInfo });
  }

  private withEditedSubgraphs(n: NodeProto): NodeProto {
    let changed = false;
    const attribute = n.attribute.map((a) => {
      if (a.type === AT.GRAPH && a.g) {
        const g = this.commitGraph(a.g);
        if (g === a.g) return a;
        changed = true;
        return patch(a, { g });
      }
      if (a.type === AT.GRAPHS && a.graphs.length > 0) {
        const graphs = a.graphs.map((sub) => this.commitGraph(sub));
        if (graphs.every((g, i) => g === a.graphs[i])) return a;
        changed = true;
        return patch(a, { graphs });
      }
      return a;
    });
    return changed ? patch(n, { attribute }) : n;
  }
}

/**
 * Removes nodes none of whose outputs is read (by a later node, a subgraph or a graph output),
 * then initializers nothing reads (unless they are graph inputs too) and value_info of names no longer defined. Nodes without
 * outputs are kept (they are there for a reason the graph does not show). Linear: each node's
 * reads are counted once and a node is dropped when its count of live readers falls to zero.
 */
function pruneDead(
  nodes: NodeProto[],
  initializer: TensorProto[],
  valueInfo: readonly ValueInfoProto[],
  input: readonly ValueInfoProto[],
  output: readonly ValueInfoProto[],
): { nodes: NodeProto[]; initializer: TensorProto[]; valueInfo: ValueInfoProto[] } {
  const reads = nodes.map(nodeReads);
  const readers = new Map<string, number>();
  for (const list of reads) for (const name of list) if (name) readers.set(name, (readers.get(name) ?? 0) + 1);
  for (const o of output) readers.set(o.name, (readers.get(o.name) ?? 0) + 1);
  const producerOf = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && producerOf.set(o, i)));
  const dead = new Uint8Array(nodes.length);
  const isDead = (i: number): boolean => nodes[i]!.output.some((o) => o) && nodes[i]!.output.every((o) => !o || !readers.get(o));
  const queue: number[] = [];
  nodes.forEach((_, i) => isDead(i) && queue.push(i));
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (dead[i]) continue;
    dead[i] = 1;
    for (const name of reads[i]!) {
      if (!name) continue;
      readers.set(name, readers.get(name)! - 1);
      const p = producerOf.get(name);
      if (p !== undefined && !dead[p] && isDead(p)) queue.push(p);
    }
  }
  const kept = nodes.filter((_, i) => !dead[i]);
  const defined = new Set([...input.map((v) => v.name), ...kept.flatMap((n) => n.output)]);
  // An initializer that is also a graph input stays: dropping it would make the input required.
  const inputs = new Set(input.map((v) => v.name));
  const liveInit = initializer.filter((t) => (readers.get(t.name) ?? 0) > 0 || inputs.has(t.name));
  for (const t of liveInit) defined.add(t.name);
  return { nodes: kept, initializer: liveInit, valueInfo: valueInfo.filter((v) => defined.has(v.name)) };
}

/** Edits `model` through a session and commits: `edit` makes the calls. */
export function editModel(model: ReadonlyModelIR, edit: (session: EditSession) => void): ModelIR {
  const session = new EditSession(model);
  edit(session);
  return session.commit();
}
