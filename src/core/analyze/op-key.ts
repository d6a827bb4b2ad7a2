import type { NodeProto } from '../onnx/schema';

/** Histogram key of a node: the op type, prefixed by its domain outside ai.onnx (e.g. 'com.microsoft.MatMulNBits'). */
export function opKey(node: NodeProto): string {
  return node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}.${node.opType}`;
}
