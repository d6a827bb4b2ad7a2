import { patch } from '../../ir/edit';
import { constantTensor } from '../../ir/walk';
import type { RewritePass } from './rewrite-pass';

/**
 * Stores every Constant node's tensor as an initializer of its graph under the node's output
 * name: the same value with one node fewer (subgraphs hold initializers too).
 */
export function constantsToInitializers(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    for (const node of scope.graph.node) {
      const t = constantTensor(node);
      const out = node.output[0];
      if (!t || !out || !pass.canReplace(node)) continue;
      pass.session.addInitializer(scope.graph, patch(t, { name: out }));
      pass.replace(node, []);
    }
  }
}
