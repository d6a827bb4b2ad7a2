import { DT } from '../ir/dtype';
import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import type { GraphProto, NodeProto, ValueInfoProto } from '../onnx/schema';
import { subgraphsOf } from '../ir/walk';
import { topologicalOrder } from './topo-order';
import { attrInt, findAttr, isDefaultDomain } from './attrs';

/**
 * Element types of every tensor value in a model (all graphs; ONNX names are unique across
 * scopes), inferred from the declared inputs, the stored tensors and a table of how each
 * operator's output type follows from its inputs and attributes. Declared value_info and graph
 * outputs fill in what the table cannot tell (custom operators). 0 means unknown.
 */
export type ElemTypes = Map<string, number>;

/** The element type a value declaration carries, 0 when it is not a tensor (sequence, map, optional) or untyped. */
export function declaredElemType(v: ValueInfoProto): number {
  return v.type?.value.case === 'tensorType' ? v.type.value.value.elemType : 0;
}

const INT64_OUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf', 'RegexFullMatch']);
/** Operators with an output dtype attribute (name, default when absent; undefined = follows input 0). */
const DTYPE_ATTR: Record<string, { attr: string; fallback?: number }> = {
  RandomNormal: { attr: 'dtype', fallback: DT.FLOAT },
  RandomUniform: { attr: 'dtype', fallback: DT.FLOAT },
  RandomNormalLike: { attr: 'dtype' },
  RandomUniformLike: { attr: 'dtype' },
  Bernoulli: { attr: 'dtype' },
  EyeLike: { attr: 'dtype' },
  Multinomial: { attr: 'dtype', fallback: DT.INT32 },
  HannWindow: { attr: 'output_datatype', fallback: DT.FLOAT },
  HammingWindow: { attr: 'output_datatype', fallback: DT.FLOAT },
  BlackmanWindow: { attr: 'output_datatype', fallback: DT.FLOAT },
  MelWeightMatrix: { attr: 'output_datatype', fallback: DT.FLOAT },
};

/** The type a Constant node produces. */
function constantType(node: NodeProto): number {
  for (const a of node.attribute) {
    switch (a.name) {
      case 'value':
        return a.t?.dataType ?? 0;
      case 'sparse_value':
        return a.sparseTensor?.values?.dataType ?? 0;
      case 'value_float':
      case 'value_floats':
        return DT.FLOAT;
      case 'value_int':
      case 'value_ints':
        return DT.INT64;
      case 'value_string':
      case 'value_strings':
        return DT.STRING;
    }
  }
  return 0;
}

function outputTypes(node: NodeProto, types: ElemTypes): number[] {
  const t = (i: number): number => types.get(node.input[i] ?? '') ?? 0;
  const first = node.input.find((s) => s !== '');
  const t0 = first === undefined ? 0 : (types.get(first) ?? 0);
  const all = (type: number): number[] => node.output.map(() => type);
  if (!isDefaultDomain(node)) return all(t0);
  const op = node.opType;
  if (INT64_OUT.has(op)) return all(DT.INT64);
  if (BOOL_OUT.has(op)) return all(DT.BOOL);
  const dtype = DTYPE_ATTR[op];
  if (dtype) return all(attrInt(node, dtype.attr) ?? dtype.fallback ?? t0);
  switch (op) {
    case 'Cast':
      return all(attrInt(node, 'to') ?? 0);
    case 'CastLike':
      return all(t(1));
    case 'Constant':
      return all(constantType(node));
    case 'ConstantOfShape':
      return all(findAttr(node, 'value')?.t?.dataType ?? DT.FLOAT);
    case 'TopK':
    case 'MaxPool':
    case 'Unique':
      return node.output.map((_, i) => (i === 0 ? t0 : DT.INT64));
    case 'Dropout':
      return node.output.map((_, i) => (i === 0 ? t0 : DT.BOOL));
    case 'LayerNormalization':
      return node.output.map((_, i) => (i === 0 ? t0 : (attrInt(node, 'stash_type') ?? DT.FLOAT)));
    case 'QuantizeLinear':
      return all(node.input[2] ? t(2) : (attrInt(node, 'output_dtype') || DT.UINT8));
    case 'DequantizeLinear':
      return all(t(1));
    case 'DynamicQuantizeLinear':
      return [DT.UINT8, DT.FLOAT, DT.UINT8];
    case 'MatMulInteger':
    case 'ConvInteger':
      return all(DT.INT32);
    case 'TfIdfVectorizer':
      return all(DT.FLOAT);
    case 'Where':
      return all(t(1));
    case 'OneHot':
      return all(t(2));
    default:
      return all(t0);
  }
}

/** Types of a Loop/Scan body's inputs from the node's inputs, for bodies that leave them undeclared. */
function bodyInputTypes(node: NodeProto, types: ElemTypes): number[] {
  const t = (name: string | undefined): number => types.get(name ?? '') ?? 0;
  if (node.opType === 'Loop') return [DT.INT64, DT.BOOL, ...node.input.slice(2).map(t)];
  if (node.opType === 'Scan') return node.input.map(t);
  return [];
}

function inferGraph(graph: GraphProto, types: ElemTypes, inputTypes: readonly number[] = []): void {
  graph.input.forEach((v, k) => types.set(v.name, declaredElemType(v) || (inputTypes[k] ?? 0)));
  for (const t of graph.initializer) types.set(t.name, t.dataType);
  const declared = new Map<string, number>();
  for (const v of [...graph.valueInfo, ...graph.output]) {
    const e = declaredElemType(v);
    if (e !== 0) declared.set(v.name, e);
  }
  for (const i of topologicalOrder(graph)) {
    const node = graph.node[i]!;
    const subs = subgraphsOf(node);
    const seed = isDefaultDomain(node) ? bodyInputTypes(node, types) : [];
    for (const sub of subs) inferGraph(sub, types, seed);
    let out: number[];
    if (isDefaultDomain(node) && (node.opType === 'If' || node.opType === 'Loop' || node.opType === 'Scan') && subs.length > 0) {
      // Outputs follow the body's outputs (Loop: skipping the condition).
      const body = subs[0]!.output.map((o) => types.get(o.name) || declaredElemType(o));
      out = node.opType === 'Loop' ? body.slice(1) : body;
    } else {
      out = outputTypes(node, types);
    }
    node.output.forEach((name, k) => {
      if (!name) return;
      const inferred = out[k] ?? 0;
      // Custom-domain operators: trust a declaration over the input-0 guess.
      const d = declared.get(name);
      types.set(name, !isDefaultDomain(node) && d ? d : inferred || (d ?? 0));
    });
  }
}

/** Element types of every value in the model. */
export function inferElemTypes(model: ReadonlyModelIR): ElemTypes {
  const types: ElemTypes = new Map();
  const main = sharedModel(model).graph;
  if (main) inferGraph(main, types);
  return types;
}
