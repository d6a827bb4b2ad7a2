import { isDefaultDomain } from '../../graph/attrs';
import { DT } from '../../ir/dtype';
import { patch } from '../../ir/edit';
import { isExternal, makeFloatTensor, readFloat32, tensorDims } from '../../ir/tensor';
import type { RewritePass } from './rewrite-pass';

/** Whether dims hold one value per channel of a Conv output of rank `rank`: [C], [1, C, 1...] or [C, 1...]. */
function perChannel(dims: readonly number[], channels: number, rank: number): boolean {
  const n = dims.reduce((a, d) => a * d, 1);
  if (n !== channels || dims.length > rank) return false;
  // Broadcast aligns trailing axes: padded to the output's rank, only axis 1 (channels) may exceed 1.
  const padded = [...new Array<number>(rank - dims.length).fill(1), ...dims];
  return padded.every((d, i) => i === 1 || d === 1);
}

/** Conv(x, W[, b]) followed by Add of a stored per-channel value becomes Conv(x, W, b + value). */
export function foldConvBiasAdds(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    for (const conv of scope.graph.node) {
      if (conv.opType !== 'Conv' || !isDefaultDomain(conv) || conv.output.length !== 1 || !conv.output[0] || !conv.input[1]) continue;
      const uses = pass.index.consumers(conv.output[0], scope);
      if (uses.length !== 1 || pass.index.isGraphOutput(conv.output[0], scope)) continue;
      const add = uses[0]!.node;
      if (add.opType !== 'Add' || !isDefaultDomain(add) || pass.index.scopeOfNode(add) !== scope || !add.output[0]) continue;
      const w = pass.index.stored(conv.input[1], scope);
      const valueName = add.input[1 - uses[0]!.inputIndex];
      const value = valueName ? pass.index.stored(valueName, scope) : undefined;
      if (!w || !value || value.isGraphInput || value.tensor.dataType !== DT.FLOAT || isExternal(value.tensor)) continue;
      const wd = tensorDims(w.tensor);
      const channels = wd[0]!;
      if (!perChannel(tensorDims(value.tensor), channels, wd.length)) continue;
      const oldBias = conv.input[2] ? pass.index.stored(conv.input[2], scope) : undefined;
      if (conv.input[2] && (!oldBias || oldBias.isGraphInput || oldBias.tensor.dataType !== DT.FLOAT || isExternal(oldBias.tensor))) continue;
      if (!pass.canReplace(conv) || !pass.canReplace(add)) continue;
      const add1 = readFloat32(value.tensor);
      const base = oldBias ? readFloat32(oldBias.tensor) : new Float32Array(channels);
      if (base.length !== channels) continue;
      const bias = Float32Array.from(base, (b, c) => b + add1[c]!);
      const name = pass.newName(`${conv.name || conv.output[0]}_bias`);
      pass.session.addInitializer(scope.graph, makeFloatTensor(name, [channels], bias));
      pass.replace(conv, [patch(conv, { input: [conv.input[0]!, conv.input[1], name], output: [add.output[0]] })]);
      pass.replace(add, []);
      pass.changes.push({ kind: 'node-folded', name: add.name || add.output[0], opType: 'Add', into: conv.name || conv.output[0] });
    }
  }
}
