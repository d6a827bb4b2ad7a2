import { toBinary } from '@bufbuild/protobuf';
import type { GraphScope } from '../../graph/graph-index';
import { subgraphsOf } from '../../ir/walk';
import { constantTensor } from '../../ir/walk';
import { AttributeProtoSchema, TensorProtoSchema, type NodeProto, type TensorProto } from '../../onnx/schema';
import type { RewritePass } from './rewrite-pass';

/** Operators whose output differs between two identical calls. */
const NON_DETERMINISTIC = new Set(['RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

function fnv(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A tensor's type, dims and content as bytes (its name left out). */
function contentBytes(t: TensorProto): Uint8Array {
  return toBinary(TensorProtoSchema, { ...t, name: '' });
}

function nodeKey(node: NodeProto): string {
  const attrs = node.attribute.map((a) => `${a.name}:${toBinary(AttributeProtoSchema, a).join(',')}`);
  return [node.domain, node.opType, node.input.join('\u0000'), node.output.length, ...attrs.sort()].join('\u0001');
}

/** Makes the readers of every output of `dup` read the matching output of `kept`, then removes `dup`. */
function merge(pass: RewritePass, scope: GraphScope, dup: NodeProto, outs: readonly string[], keptOuts: readonly string[]): boolean {
  if (!pass.canReplace(dup)) return false;
  if (outs.some((o) => !o || pass.index.isGraphOutput(o, scope) || !pass.canRewire(scope, o))) return false;
  outs.forEach((o, k) => pass.rewire(scope, o, keptOuts[k]!));
  pass.replace(dup, []);
  pass.changes.push({ kind: 'node-removed', name: dup.name || outs[0]!, opType: dup.opType });
  return true;
}

/**
 * Common subexpressions: a node with the same operator, inputs and attributes as an earlier one
 * of its graph is dropped and its readers read the earlier one's outputs. Stored tensors with the
 * same type, dims and content (initializers and Constant nodes of one graph) are merged likewise.
 */
export function mergeDuplicates(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    const seenNodes = new Map<string, NodeProto>();
    const seenTensors = new Map<string, { name: string; bytes: Uint8Array }[]>();
    const inputs = new Set(scope.graph.input.map((v) => v.name));
    const sameTensor = (name: string, t: TensorProto): string | undefined => {
      const bytes = contentBytes(t);
      const key = `${t.dataType}:${t.dims.join('x')}:${fnv(bytes)}`;
      const list = seenTensors.get(key) ?? [];
      const hit = list.find((e) => sameBytes(e.bytes, bytes));
      if (hit) return hit.name;
      list.push({ name, bytes });
      seenTensors.set(key, list);
      return undefined;
    };
    for (const t of scope.graph.initializer) {
      if (inputs.has(t.name)) continue;
      const first = sameTensor(t.name, t);
      if (first && !pass.index.isGraphOutput(t.name, scope) && pass.canRewire(scope, t.name)) pass.rewire(scope, t.name, first);
    }
    for (const node of scope.graph.node) {
      const c = constantTensor(node);
      if (c && node.output[0]) {
        const first = sameTensor(node.output[0], c);
        if (first) merge(pass, scope, node, [node.output[0]], [first]);
        continue;
      }
      if (node.output.length === 0 || NON_DETERMINISTIC.has(node.opType) || subgraphsOf(node).length > 0) continue;
      const key = nodeKey(node);
      const kept = seenNodes.get(key);
      if (kept) merge(pass, scope, node, node.output, kept.output);
      else seenNodes.set(key, node);
    }
  }
}
