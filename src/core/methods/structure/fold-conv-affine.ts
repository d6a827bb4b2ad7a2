import { isDefaultDomain } from '../../graph/attrs';
import { DT } from '../../ir/dtype';
import { patch } from '../../ir/edit';
import { isExternal, makeFloatTensor, readFloat32, tensorDims } from '../../ir/tensor';
import type { RewritePass } from './rewrite-pass';

/** Whether dims hold one value, or one per channel of a Conv output of rank `rank`: [C], [1, C, 1...] or [C, 1...]. */
function perChannelOrScalar(dims: readonly number[], channels: number, rank: number): boolean {
  const n = dims.reduce((a, d) => a * d, 1);
  if ((n !== channels && n !== 1) || dims.length > rank) return false;
  // Broadcast aligns trailing axes: padded to the output's rank, only axis 1 (channels) may exceed 1.
  const padded = [...new Array<number>(rank - dims.length).fill(1), ...dims];
  return padded.every((d, i) => i === 1 || d === 1);
}

const OPS = new Set(['Add', 'Sub', 'Mul', 'Div']);

/**
 * Conv(x, W[, b]) followed by an Add, Sub, Mul or Div with a stored value of one element or one
 * per output channel becomes one Conv: the value joins the bias, or scales the weights and bias.
 * Sub and Div only with the Conv as their first operand.
 */
export function foldConvAffine(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    for (const conv of scope.graph.node) {
      if (conv.opType !== 'Conv' || !isDefaultDomain(conv) || conv.output.length !== 1 || !conv.output[0] || !conv.input[1]) continue;
      const uses = pass.index.consumers(conv.output[0], scope);
      if (uses.length !== 1 || pass.index.isGraphOutput(conv.output[0], scope)) continue;
      const op = uses[0]!.node;
      const slot = uses[0]!.inputIndex;
      if (!OPS.has(op.opType) || !isDefaultDomain(op) || pass.index.scopeOfNode(op) !== scope || !op.output[0] || op.input.length !== 2) continue;
      if ((op.opType === 'Sub' || op.opType === 'Div') && slot !== 0) continue;
      const w = pass.index.stored(conv.input[1], scope);
      const valueName = op.input[1 - slot];
      const value = valueName ? pass.index.stored(valueName, scope) : undefined;
      if (!w || w.isGraphInput || w.tensor.dataType !== DT.FLOAT || isExternal(w.tensor)) continue;
      if (!value || value.isGraphInput || value.tensor.dataType !== DT.FLOAT || isExternal(value.tensor)) continue;
      const wd = tensorDims(w.tensor);
      const channels = wd[0]!;
      if (!perChannelOrScalar(tensorDims(value.tensor), channels, wd.length)) continue;
      const oldBias = conv.input[2] ? pass.index.stored(conv.input[2], scope) : undefined;
      if (conv.input[2] && (!oldBias || oldBias.isGraphInput || oldBias.tensor.dataType !== DT.FLOAT || isExternal(oldBias.tensor))) continue;
      if (!pass.canReplace(conv) || !pass.canReplace(op)) continue;
      const raw = readFloat32(value.tensor);
      const v = (c: number): number => raw[raw.length === 1 ? 0 : c]!;
      const base = oldBias ? readFloat32(oldBias.tensor) : new Float32Array(channels);
      if (base.length !== channels) continue;
      const inputs = [conv.input[0]!, conv.input[1]];
      let bias: Float32Array<ArrayBuffer>;
      if (op.opType === 'Add' || op.opType === 'Sub') {
        bias = Float32Array.from(base, (b, c) => (op.opType === 'Add' ? b + v(c) : b - v(c)));
      } else {
        const scale = (c: number): number => (op.opType === 'Mul' ? v(c) : 1 / v(c));
        const weights = readFloat32(w.tensor);
        const per = weights.length / channels;
        const scaled = Float32Array.from(weights, (x, i) => x * scale(Math.floor(i / per)));
        const wName = pass.newName(`${conv.input[1]}_scaled`);
        pass.session.addInitializer(scope.graph, makeFloatTensor(wName, wd, scaled));
        inputs[1] = wName;
        bias = Float32Array.from(base, (b, c) => b * scale(c));
      }
      const bName = pass.newName(`${conv.name || conv.output[0]}_bias`);
      pass.session.addInitializer(scope.graph, makeFloatTensor(bName, [channels], bias));
      pass.replace(conv, [patch(conv, { input: [...inputs, bName], output: [op.output[0]] })]);
      pass.replace(op, []);
      pass.changes.push({ kind: 'node-folded', name: op.name || op.output[0], opType: op.opType, into: conv.name || conv.output[0] });
    }
  }
}
