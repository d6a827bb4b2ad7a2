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

/** How many values of one graph are run one by one (per round) after the runtime refused them together. */
const MAX_SEPARATE_RUNS = 32;

export interface RuntimeFoldOptions {
  runner: ConstantRunner;
  /** No folded tensor takes more bytes than this. */
  maxBytes: number;
  signal?: AbortSignal;
  /**
   * Values the runtime could not compute alone, with its reason: filled here, and kept across
   * simplify's rounds so that their nodes are not tried again (what they read may still fold).
   */
  refused: Map<string, string>;
}

/** Bytes of the stored tensors `nodes` read. */
function storedBytes(nodes: readonly NodeProto[], inputs: readonly TensorProto[]): number {
  const reads = new Set(nodes.flatMap((n) => n.input));
  return inputs.reduce((sum, t) => sum + (reads.has(t.name) ? rawByteLength(t.dataType, elementCount(t)) : 0), 0);
}

/** A graph output declaration for `name`: its value_info when the model has one (the runtime needs no more). */
function outputInfo(pass: RewritePass, scope: GraphScope, name: string): ValueInfoProto {
  const v = pass.index.valueInfo(name, scope);
  return v && v.name === name ? v : create(ValueInfoProtoSchema, { name });
}

/**
 * Folds what depends only on stored values but the core's evaluator does not compute (a Sin, an
 * Erf, a Conv over stored tensors...): per graph, one model of all such nodes is run by the host's
 * runtime, and each value it gives within `maxBytes`, and no larger than the stored tensors it
 * comes from, replaces the nodes that computed it. A value whose inferred shape is already over
 * its limit is not computed at all.
 */
export async function foldWithRuntime(pass: RewritePass, o: RuntimeFoldOptions): Promise<void> {
  let types: ElemTypes | undefined;
  for (const scope of pass.index.scopes) {
    throwIfAborted(o.signal);
    const sub = constantSubgraph(pass.index, scope, (n) => pass.canReplace(n) && !n.output.some((name) => o.refused.has(name)));
    if (!sub) continue;
    const shapes = staticShapes(scope);
    // A value is stored only when it takes no more bytes than the guard and than the stored tensors it is computed from (a Cast of float16 weights back to float32 stays).
    const limit = new Map(sub.frontier.map((name) => [name, Math.min(o.maxBytes, storedBytes(neededFor(sub.nodes, [name]), sub.inputs))]));
    const tooLarge = (name: string): boolean => {
      const dims = shapes.get(name);
      types ??= inferElemTypes(pass.index.model);
      const type = types.get(name) ?? 0;
      return dims !== undefined && type !== 0 && rawByteLength(type, dims.reduce((n, d) => n * d, 1)) > limit.get(name)!;
    };
    const wanted = sub.frontier.filter((name) => !tooLarge(name));
    const folded = new Map<string, TensorProto>();
    const run = async (names: readonly string[]): Promise<boolean> => {
      const nodes = neededFor(sub.nodes, names);
      const bytes = encodeModel(subgraphModel(pass.index.model, nodes, sub.inputs, names.map((name) => outputInfo(pass, scope, name))));
      try {
        const out = await o.runner(bytes, names);
        for (const name of names) {
          const t = out[name] && tensorDataToProto(name, out[name]);
          if (t && rawByteLength(t.dataType, elementCount(t)) <= limit.get(name)!) folded.set(name, t);
        }
        return true;
      } catch (e) {
        throwIfAborted(o.signal);
        if (names.length === 1) o.refused.set(names[0]!, e instanceof Error ? e.message : String(e));
        return false;
      }
    };
    // One run for the whole graph; when the runtime refuses it (an operator it lacks, say), each value alone, so one such node does not keep the rest.
    // (The values past MAX_SEPARATE_RUNS get their turn in the next round, without those refused now.)
    if (wanted.length > 0 && !(await run(wanted)) && wanted.length > 1) for (const name of wanted.slice(0, MAX_SEPARATE_RUNS)) await run([name]);
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

/** One warning line for the values the runtime refused, or undefined when it refused none. */
export function refusedWarning(refused: ReadonlyMap<string, string>): string | undefined {
  if (refused.size === 0) return undefined;
  const names = [...refused.keys()];
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')}, ...` : names.join(', ');
  return `The runtime could not compute ${names.length} constant value(s) (${shown}), so they are still computed at run time: ${[...refused.values()][0]}`;
}
