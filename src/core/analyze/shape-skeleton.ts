import type { ModelIR } from '../ir/model';
import { elementCount } from '../ir/tensor';
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../onnx/schema';
import { CONST_LIMIT } from '../graph/shapes';

/**
 * A copy of a decoded message with some fields replaced. ONNX is proto2, so unset fields read
 * their defaults from the message's prototype: a spread would lose them (a node's `domain`).
 */
function withFields<T extends object>(message: T, fields: Partial<T>): T {
  return Object.assign(Object.create(Object.getPrototypeOf(message) as object) as T, message, fields);
}

/**
 * A stored tensor as shape inference reads it: small ones (what the constant evaluator may read)
 * with their values copied out of the file's buffer, larger ones with their dims and dtype only.
 */
function skeletonTensor(t: TensorProto): TensorProto {
  if (elementCount(t) <= CONST_LIMIT) return withFields(t, { rawData: new Uint8Array(t.rawData) });
  return withFields(t, { rawData: new Uint8Array(0), floatData: [], doubleData: [], int32Data: [], int64Data: [], uint64Data: [], stringData: [] });
}

function skeletonAttribute(a: AttributeProto): AttributeProto {
  return withFields(a, {
    ...(a.t && { t: skeletonTensor(a.t) }),
    ...(a.g && { g: skeletonGraph(a.g) }),
    tensors: a.tensors.map(skeletonTensor),
    graphs: a.graphs.map(skeletonGraph),
  });
}

function skeletonGraph(g: GraphProto): GraphProto {
  const node = g.node.map((n): NodeProto => withFields(n, { attribute: n.attribute.map(skeletonAttribute) }));
  return withFields(g, { node, initializer: g.initializer.map(skeletonTensor), sparseInitializer: [] });
}

/**
 * The model without its weights' values: nodes, inputs, every stored tensor's dims and dtype, and
 * the values of tensors small enough for shape inference to read. Shape inference and the MAC
 * count give the same answers on it as on the model, it holds no view into the file's bytes (so
 * those can be freed), and it stays small however large the model is.
 */
export function shapeSkeleton(model: ModelIR): ModelIR {
  return withFields(model, { ...(model.graph && { graph: skeletonGraph(model.graph) }), trainingInfo: [] });
}
