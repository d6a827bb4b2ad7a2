import { constantTensor } from '../../ir/walk';
import type { GraphProto, NodeProto } from '../../onnx/schema';
import { topologicalOrder } from '../topo-order';
import { fromTensorProto, sizeOf, type ConstTensor } from './const-tensor';
import { evaluateNode } from './const-ops';

/** Tensors larger than this are neither read nor computed: the evaluator is for shape arithmetic and small constants. */
export const DEFAULT_MAX_ELEMENTS = 1 << 16;

/**
 * Evaluates one node when every input it names is a known constant (Shape and Size need only their input's
 * dims, from `shapeOf`), writing its outputs into `values`. Returns whether it did.
 */
export function evaluateInto(
  node: NodeProto,
  values: Map<string, ConstTensor>,
  shapeOf: (name: string) => readonly number[] | undefined = () => undefined,
  maxElements = DEFAULT_MAX_ELEMENTS,
): boolean {
  const inputs: (ConstTensor | undefined)[] = [];
  for (const name of node.input) {
    if (!name) {
      inputs.push(undefined);
      continue;
    }
    const v = values.get(name);
    if (v) inputs.push(v);
    else if ((node.opType === 'Shape' || node.opType === 'Size') && inputs.length === 0 && shapeOf(name)) inputs.push({ dataType: 0, dims: [...shapeOf(name)!], data: [] });
    else return false;
  }
  const out = evaluateNode(node, inputs);
  if (!out || out.some((t) => sizeOf(t.dims) > maxElements || t.data.length !== sizeOf(t.dims))) return false;
  node.output.forEach((name, k) => name && out[k] && values.set(name, out[k]!));
  return true;
}

/** The stored tensors of a graph (initializers and Constant nodes) that the evaluator can read. */
export function storedConstants(graph: GraphProto, maxElements = DEFAULT_MAX_ELEMENTS, wanted?: (name: string) => boolean): Map<string, ConstTensor> {
  const values = new Map<string, ConstTensor>();
  const add = (name: string | undefined, t: Parameters<typeof fromTensorProto>[0]): void => {
    if (!name || sizeOf(t.dims.map(Number)) > maxElements || (wanted && !wanted(name))) return;
    const c = fromTensorProto(t);
    if (c) values.set(name, c);
  };
  for (const t of graph.initializer) add(t.name, t);
  for (const n of graph.node) {
    const t = constantTensor(n);
    if (t) add(n.output[0], t);
  }
  return values;
}

export interface EvaluateOptions {
  /** Values known besides the stored tensors (graph inputs fixed by the caller, outer-scope constants). */
  known?: ReadonlyMap<string, ConstTensor>;
  /** Dims of values that are not constant, for Shape. */
  shapes?: ReadonlyMap<string, readonly number[]>;
  maxElements?: number;
  /**
   * Which stored tensors to read (all by default). Reading a large weight costs time and memory, so
   * callers that know which values can feed an evaluated operator name only those.
   */
  wanted?: (name: string) => boolean;
}

/**
 * Every value of the graph computable from constants alone: stored tensors, then every node whose
 * inputs are all known, in one pass in topological order. Graph inputs that are also initializers
 * are overridable, so they are not constants unless `known` fixes them.
 */
export function evaluateConstants(graph: GraphProto, o: EvaluateOptions = {}): Map<string, ConstTensor> {
  const max = o.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const values = storedConstants(graph, max, o.wanted);
  for (const v of graph.input) values.delete(v.name);
  for (const [k, v] of o.known ?? []) values.set(k, v);
  const shapeOf = (name: string): readonly number[] | undefined => o.shapes?.get(name);
  for (const i of topologicalOrder(graph)) {
    const n = graph.node[i]!;
    if (!constantTensor(n)) evaluateInto(n, values, shapeOf, max);
  }
  return values;
}
