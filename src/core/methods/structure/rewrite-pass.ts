import { patch } from '../../ir/edit';
import { EditSession } from '../../graph/edit-session';
import type { GraphScope } from '../../graph/graph-index';
import { nameAllocator } from '../../graph/names';
import type { ModelIR } from '../../ir/model';
import type { NodeProto } from '../../onnx/schema';
import type { LayerChange } from '../changes';

/**
 * One simplification pass over a model: an EditSession plus the bookkeeping that keeps edits
 * of one pass from contradicting each other. A node replaced in this pass takes no further edits,
 * and a node whose inputs were rewired is not replaced (its replacement would be built from the
 * stale inputs); what a pass skips for that reason the next pass picks up.
 */
export class RewritePass {
  readonly session: EditSession;
  readonly changes: LayerChange[] = [];
  readonly newName: (base: string) => string;
  private readonly replaced = new Set<NodeProto>();
  private readonly updated = new Set<NodeProto>();

  /** `changeable`: nodes (by name) the pass may replace; the others stay as they are. */
  constructor(
    model: ModelIR,
    private readonly changeable: (nodeName: string) => boolean = () => true,
  ) {
    this.session = new EditSession(model);
    this.newName = nameAllocator(model);
  }

  get index() {
    return this.session.index;
  }

  canReplace(node: NodeProto): boolean {
    return !this.replaced.has(node) && !this.updated.has(node) && this.changeable(node.name);
  }

  replace(node: NodeProto, nodes: readonly NodeProto[]): void {
    this.replaced.add(node);
    this.session.replaceNode(node, nodes);
  }

  /** Whether every reader of `value` in `scope` (nested subgraphs included) can still be rewired. */
  canRewire(scope: GraphScope, value: string): boolean {
    return this.index.consumers(value, scope).every((u) => !this.replaced.has(u.node));
  }

  rewire(scope: GraphScope, value: string, replacement: string): void {
    for (const u of this.index.consumers(value, scope)) {
      this.updated.add(u.node);
      this.session.setInput(u.node, u.inputIndex, replacement);
    }
  }

  /**
   * Takes `node` out of the graph, its output `out` now being `source` (a value it passed
   * through). When `out` is an output of the graph, the node that writes `source` writes `out`
   * instead, if it is a node of this graph and `source` is not an output itself. Returns whether it did.
   */
  bypass(scope: GraphScope, node: NodeProto, out: string, source: string): boolean {
    if (!this.canReplace(node) || !this.canRewire(scope, out)) return false;
    if (!this.index.isGraphOutput(out, scope)) {
      this.rewire(scope, out, source);
      this.replace(node, []);
      return true;
    }
    const producer = scope.producers.get(source);
    if (!producer || this.index.isGraphOutput(source, scope) || !this.canReplace(producer) || !this.canRewire(scope, source)) return false;
    if (this.index.consumers(source, scope).some((u) => u.node !== node && this.index.scopeOfNode(u.node) !== scope)) return false;
    this.rewire(scope, source, out);
    this.updated.add(producer);
    this.session.updateNode(producer, (cur) => patch(cur, { output: cur.output.map((o) => (o === source ? out : o)) }));
    this.replace(node, []);
    return true;
  }

  /** The edited model, dead nodes and unread initializers of every graph dropped. */
  commit(): ModelIR {
    for (const s of this.index.scopes) this.session.removeDead(s.graph);
    return this.session.commit();
  }
}
