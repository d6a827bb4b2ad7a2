import { constantNode } from '../../graph/edit-session';
import type { GraphScope } from '../../graph/graph-index';
import { evaluateConstants } from '../../graph/evaluate/const-eval';
import { EVALUATED_OPS } from '../../graph/evaluate/const-ops';
import { nodeReads } from '../../graph/topo-order';
import { toTensorProto, type ConstTensor } from '../../graph/evaluate/const-tensor';
import { rawByteLength } from '../../ir/dtype';
import { subgraphsOf } from '../../ir/walk';
import { constantTensor } from '../../ir/walk';
import type { RewritePass } from './rewrite-pass';
import { staticShapes } from './static-shapes';

/**
 * Replaces every node whose outputs the core evaluator computes from stored values alone (and
 * from shapes that hold for every run) by Constant nodes. The evaluator reads and computes
 * nothing over `maxElements` values, and no folded tensor takes more than `maxBytes`, so folding
 * never makes the file grow by more than that per value.
 */
export function foldConstants(pass: RewritePass, maxElements: number, maxBytes = Infinity): void {
  const known = new Map<GraphScope, Map<string, ConstTensor>>();
  // Only values some evaluated operator reads are worth reading (weights mostly are not).
  const wanted = new Set<string>();
  for (const scope of pass.index.scopes) for (const n of scope.graph.node) if (n.domain === '' && EVALUATED_OPS.has(n.opType)) for (const r of nodeReads(n)) wanted.add(r);
  for (const scope of pass.index.scopes) {
    const outer = scope.parent ? known.get(scope.parent) : undefined;
    const values = evaluateConstants(scope.graph, { ...(outer && { known: outer }), shapes: staticShapes(scope), maxElements, wanted: (name) => wanted.has(name) });
    known.set(scope, values);
    for (const node of scope.graph.node) {
      if (constantTensor(node) || subgraphsOf(node).length > 0 || !pass.canReplace(node)) continue;
      const outs = node.output.filter((o) => o);
      if (outs.length === 0 || !outs.every((o) => values.has(o) && rawByteLength(values.get(o)!.dataType, values.get(o)!.data.length) <= maxBytes)) continue;
      const consts = outs.map((o, k) => constantNode(toTensorProto(o, values.get(o)!), k === 0 && node.name ? node.name : pass.newName(`${o}_const`)));
      pass.replace(node, consts);
      pass.changes.push({ kind: 'node-folded', name: node.name || outs[0]!, opType: node.opType });
    }
  }
}
