import { attrInt, attrInts, isDefaultDomain } from '../../graph/attrs';
import { inferElemTypes } from '../../graph/elem-types';
import { fromTensorProto } from '../../graph/evaluate/const-tensor';
import type { GraphScope } from '../../graph/graph-index';
import type { ModelIR } from '../../ir/model';
import type { NodeProto } from '../../onnx/schema';
import type { RewritePass } from './rewrite-pass';
import { staticShapes } from './static-shapes';

const sameDims = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

/** Ops that only move or relabel data: when the output has the input's shape they pass it through unchanged. */
const SHAPE_ONLY = new Set(['Reshape', 'Expand', 'Flatten', 'Squeeze', 'Unsqueeze']);

function storedInts(pass: RewritePass, scope: GraphScope, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const w = pass.index.stored(name, scope);
  const t = w && fromTensorProto(w.tensor);
  return t?.data;
}

/** Whether the node, in inference, hands its first input through unchanged. */
function isNoOp(pass: RewritePass, scope: GraphScope, node: NodeProto, shapes: Map<string, number[]>, types: Map<string, number>): boolean {
  const x = node.input[0];
  const y = node.output[0];
  if (!isDefaultDomain(node) || !x || !y) return false;
  const unread = (name: string | undefined): boolean => !name || (pass.index.consumers(name, scope).length === 0 && !pass.index.isGraphOutput(name, scope));
  switch (node.opType) {
    case 'Identity':
      return true;
    case 'Dropout': {
      if (!node.output.slice(1).every(unread)) return false;
      const training = node.input[2];
      return !training || storedInts(pass, scope, training)?.[0] === 0;
    }
    case 'Cast': {
      const from = types.get(x);
      return from !== undefined && from !== 0 && from === attrInt(node, 'to');
    }
    case 'Transpose': {
      const perm = attrInts(node, 'perm');
      return perm !== undefined && perm.every((p, i) => p === i);
    }
    case 'Pad': {
      const pads = attrInts(node, 'pads') ?? storedInts(pass, scope, node.input[1]);
      return pads !== undefined && pads.every((p) => p === 0);
    }
    case 'Slice': {
      const steps = node.input[4] ? storedInts(pass, scope, node.input[4]) : [1];
      return steps !== undefined && steps.every((s) => s === 1) && sameDims(shapes.get(x), shapes.get(y));
    }
    default:
      return SHAPE_ONLY.has(node.opType) && sameDims(shapes.get(x), shapes.get(y));
  }
}

/** Removes Identity, inference Dropout and Cast/Reshape/Transpose/Pad/Slice (and the like) that change nothing. */
export function removeNoOps(pass: RewritePass, model: ModelIR): void {
  const types = inferElemTypes(model);
  for (const scope of pass.index.scopes) {
    const shapes = staticShapes(scope);
    for (const node of scope.graph.node) {
      if (!isNoOp(pass, scope, node, shapes, types)) continue;
      if (pass.bypass(scope, node, node.output[0]!, node.input[0]!)) pass.changes.push({ kind: 'node-removed', name: node.name || node.output[0]!, opType: node.opType });
    }
  }
}
