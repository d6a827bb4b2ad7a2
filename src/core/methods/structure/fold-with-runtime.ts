import { constantNode } from '../../graph/edit-session';
import { inferElemTypes, type ElemTypes } from '../../graph/elem-types';
import type { GraphScope } from '../../graph/graph-index';
import { rawByteLength } from '../../ir/dtype';
import { elementCount } from '../../ir/tensor';
import { create } from '@bufbuild/protobuf';
import { ValueInfoProtoSchema, type NodeProto, type TensorProto, type ValueInfoProto } from '../../onnx/schema';
import { encodeModel } from '../../onnx/encode';
import { throwIfAborted } from '../../util/abort';
import type { ConstantRunner } from '../types';
import { constantSubgraph, neededFor, subgraphModel } from './constant-subgraph';
import type { RewritePass } from './rewrite-pass';
import { staticShapes } from './static-shapes';
import { tensorDataToProto } from './tensor-data-proto';

export interface RuntimeFoldOptions {
  runner: ConstantRunner;
  /** No folded tensor takes more bytes than this. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Why a subgraph stayed as it is, one line each (the runtime refused it, say). */
  warnings: string[];
}

/** A graph output declaration for `name`: its value_info when the model has one (the runtime needs no more). */
function outputInfo(pass: RewritePass, scope: GraphScope, name: string): ValueInfoProto {
  const v = pass.index.valueInfo(name, scope);
  return v && v.name === name ? v : create(ValueInfoProtoSchema, { name });
}

/**
 * Folds what depends only on stored values but the core's evaluator does not compute (a Sin, an
 * Erf, a Conv over stored tensors...): per graph, one model of all such nodes is run by the host's
 * runtime, and each value it gives within `maxBytes` replaces the nodes that computed it. A value
 * whose inferred shape is already over the limit is not computed at all.
 */
export async function foldWithRuntime(pass: RewritePass, o: RuntimeFoldOptions): Promise<void> {
  let types: ElemTypes | undefined;
  for (const scope of pass.index.scopes) {
    throwIfAborted(o.signal);
    const sub = constantSubgraph(pass.index, scope, (n) => pass.canReplace(n));
    if (!sub) continue;
    const shapes = staticShapes(scope);
    const tooLarge = (name: string): boolean => {
      const dims = shapes.get(name);
      types ??= inferElemTypes(pass.index.model);
      const type = types.get(name) ?? 0;
      return dims !== undefined && type !== 0 && rawByteLength(type, dims.reduce((n, d) => n * d, 1)) > o.maxBytes;
    };
    const wanted = sub.frontier.filter((name) => !tooLarge(name));
    const folded = new Map<string, TensorProto>();
    if (wanted.length > 0) {
      const nodes = neededFor(sub.nodes, wanted);
      const bytes = encodeModel(subgraphModel(pass.index.model, nodes, sub.inputs, wanted.map((name) => outputInfo(pass, scope, name))));
      try {
        const out = await o.runner(bytes, wanted);
        for (const name of wanted) {
          const t = out[name] && tensorDataToProto(name, out[name]);
          if (t && rawByteLength(t.dataType, elementCount(t)) <= o.maxBytes) folded.set(name, t);
        }
      } catch (e) {
        throwIfAborted(o.signal);
        const where = scope.path ? ` in ${scope.path}` : '';
        o.warnings.push(`Constant subgraph of ${nodes.length} node(s)${where} left as it is: the runtime could not compute it (${e instanceof Error ? e.message : String(e)}).`);
        continue;
      }
    }
    replaceFolded(pass, sub.nodes, sub.frontier, folded);
  }
}

/**
 * Replaces each node of the subgraph by Constants for its folded values, except nodes some value
 * left unfolded still needs (they and their producers in the subgraph stay).
 */
function replaceFolded(pass: RewritePass, nodes: readonly NodeProto[], frontier: readonly string[], folded: ReadonlyMap<string, TensorProto>): void {
  const kept = new Set(neededFor(nodes, frontier.filter((name) => !folded.has(name))));
  for (const node of nodes) {
    if (kept.has(node)) continue;
    const outs = node.output.filter((name) => folded.has(name));
    const consts = outs.map((name, k) => constantNode(folded.get(name)!, k === 0 && node.name ? node.name : pass.newName(`${name}_const`)));
    pass.replace(node, consts);
    pass.changes.push({ kind: 'node-folded', name: node.name || node.output[0] || node.opType, opType: node.opType });
  }
}
