import { isDefaultDomain } from '../../graph/attrs';
import { node as makeNode } from '../../ir/build';
import { DT } from '../../ir/dtype';
import { tensorDims } from '../../ir/tensor';
import type { RewritePass } from './rewrite-pass';
import { valueRanks } from './static-shapes';

/** MatMul(A, W) + bias, with A 2-D and W and the bias stored float values of one row, becomes Gemm(A, W, bias). */
export function matmulAddToGemm(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    let rankOf: Map<string, number> | undefined;
    for (const mm of scope.graph.node) {
      if (mm.opType !== 'MatMul' || !isDefaultDomain(mm) || !mm.output[0] || !mm.input[0] || !mm.input[1]) continue;
      const uses = pass.index.consumers(mm.output[0], scope);
      if (uses.length !== 1 || pass.index.isGraphOutput(mm.output[0], scope)) continue;
      const add = uses[0]!.node;
      if (add.opType !== 'Add' || !isDefaultDomain(add) || pass.index.scopeOfNode(add) !== scope || !add.output[0]) continue;
      const biasName = add.input[1 - uses[0]!.inputIndex];
      const w = pass.index.stored(mm.input[1], scope);
      const bias = biasName ? pass.index.stored(biasName, scope) : undefined;
      if (!w || !bias || w.isGraphInput || bias.isGraphInput || w.tensor.dataType !== DT.FLOAT || bias.tensor.dataType !== DT.FLOAT) continue;
      const wd = tensorDims(w.tensor);
      const bd = tensorDims(bias.tensor);
      if (wd.length !== 2 || !(bd.length === 1 || (bd.length === 2 && bd[0] === 1)) || (bd[bd.length - 1] !== wd[1] && bd[bd.length - 1] !== 1)) continue;
      rankOf ??= valueRanks(scope);
      if (rankOf.get(mm.input[0]) !== 2 || !pass.canReplace(mm) || !pass.canReplace(add)) continue;
      const gemm = makeNode('Gemm', [mm.input[0], mm.input[1], biasName!], [add.output[0]], {}, { name: mm.name || pass.newName(`${add.output[0]}_gemm`) });
      pass.replace(mm, [gemm]);
      pass.replace(add, []);
      pass.changes.push({ kind: 'node-folded', name: add.name || add.output[0], opType: 'Add', into: gemm.name });
    }
  }
}
