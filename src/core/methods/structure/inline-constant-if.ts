import { findAttr } from '../../graph/attrs';
import { fromTensorProto } from '../../graph/evaluate/const-tensor';
import { node as makeNode } from '../../ir/build';
import type { RewritePass } from './rewrite-pass';

/**
 * An If whose condition is a stored value becomes the nodes of the branch it always takes; each
 * branch output reaches the If's output through an Identity, which the no-op pass then removes.
 */
export function inlineConstantIfs(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    for (const node of scope.graph.node) {
      if (node.opType !== 'If' || node.domain !== '' || !node.input[0] || !pass.canReplace(node)) continue;
      const cond = pass.index.stored(node.input[0], scope);
      const value = cond && !cond.isGraphInput ? fromTensorProto(cond.tensor) : undefined;
      if (!value || value.data.length !== 1) continue;
      const name = value.data[0] ? 'then_branch' : 'else_branch';
      const branch = findAttr(node, name)?.g;
      if (!branch || branch.output.length !== node.output.length) continue;
      for (const t of branch.initializer) pass.session.addInitializer(scope.graph, t);
      const links = node.output.flatMap((o, k) => (o ? [makeNode('Identity', [branch.output[k]!.name], [o], {}, { name: pass.newName(`${o}_from_${name}`) })] : []));
      pass.replace(node, [...branch.node, ...links]);
      pass.changes.push({ kind: 'node-folded', name: node.name || node.output[0]!, opType: 'If', into: name });
    }
  }
}
