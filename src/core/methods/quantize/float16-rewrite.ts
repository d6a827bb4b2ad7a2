import { attr, node } from '../../ir/build';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import { makeRawTensor } from '../../ir/tensor';
import { constantTensor } from '../../ir/walk';
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';
import { attrInt, findAttr, isDefaultDomain } from '../../graph/attrs';
import { F16, F32, fixedFloatInput, type HalfPlan } from './float16-plan';
import { toHalfTensor } from './float16-tensor';
import { rebuildGraph } from '../../graph/rebuild';

/**
 * Operators whose output type is an attribute, and its name. Absent, it means float32 for the
 * generators (RandomNormal, RandomUniform, the windows) and "like the input" for the *Like
 * operators, Bernoulli and EyeLike.
 */
const DTYPE_ATTRS: Record<string, string> = {
  RandomNormal: 'dtype',
  RandomUniform: 'dtype',
  RandomNormalLike: 'dtype',
  RandomUniformLike: 'dtype',
  Bernoulli: 'dtype',
  EyeLike: 'dtype',
  HannWindow: 'output_datatype',
  HammingWindow: 'output_datatype',
  BlackmanWindow: 'output_datatype',
  MelWeightMatrix: 'output_datatype',
  Cast: 'to',
};

function withElemType(v: ValueInfoProto, elemType: number): ValueInfoProto {
  const type = v.type;
  if (!type || type.value.case !== 'tensorType' || type.value.value.elemType === elemType) return v;
  return patch(v, { type: patch(type, { value: { case: 'tensorType', value: patch(type.value.value, { elemType }) } }) });
}

function setAttribute(n: NodeProto, a: AttributeProto): NodeProto {
  const has = n.attribute.some((x) => x.name === a.name);
  return patch(n, { attribute: has ? n.attribute.map((x) => (x.name === a.name ? a : x)) : [...n.attribute, a] });
}

/** A float16 node's attributes: output-type attributes and ConstantOfShape's fill value say float16 where they said float32. */
function halfAttributes(n: NodeProto, outputIsFloat: boolean): NodeProto {
  if (!isDefaultDomain(n) || !outputIsFloat) return n;
  if (n.opType === 'ConstantOfShape') {
    const value = findAttr(n, 'value')?.t;
    // Without a value the fill is a float32 zero; float16 zero is all-zero bits.
    const half = value ? toHalfTensor(value, value.name, true).tensor : makeRawTensor('', F16, [1], new Uint8Array(2));
    return setAttribute(n, attr('value', half));
  }
  const key = DTYPE_ATTRS[n.opType];
  if (key === undefined) return n;
  const current = attrInt(n, key);
  // Absent dtype on the *Like operators means "like the input", which is already float16.
  if (current === undefined && (n.opType.endsWith('Like') || n.opType === 'Bernoulli' || n.opType === 'EyeLike')) return n;
  return current === undefined || current === F32 ? setAttribute(n, attr(key, F16)) : n;
}

/**
 * Rewrites every graph by the plan: converted stored tensors swapped in, float16 nodes' type
 * attributes changed, Casts inserted where a reader needs the other type, declarations of
 * inputs, outputs and value_info retyped. `converted` maps each planned original tensor to
 * its float16 version. Returns the new model and the number of Casts added.
 */
export function applyHalfPlan(model: ModelIR, plan: HalfPlan, converted: ReadonlyMap<TensorProto, TensorProto>): { model: ModelIR; casts: number } {
  const { types, homes, floatNodes, renames, fresh, opset, keepIO, main } = plan;
  const isFloat = (name: string): boolean => name !== '' && types.get(name) === F32;
  const homeName = (v: string): string => renames.get(v) ?? v;
  let casts = 0;

  const graph = rebuildGraph(main, (current, orig) => {
    const isMain = orig === main;
    const outNeed = isMain && keepIO ? F32 : F16;
    const producer = new Map<string, number>();
    orig.node.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
    const top: NodeProto[] = [];
    const after = new Map<number, NodeProto[]>();
    const cache = new Map<string, string>();
    const emit = (v: string, n: NodeProto): void => {
      const p = producer.get(v);
      if (p === undefined) top.push(n);
      else {
        const list = after.get(p);
        if (list) list.push(n);
        else after.set(p, [n]);
      }
    };
    const castNode = (src: string, out: string, to: number, base: string): NodeProto => {
      casts++;
      return node('Cast', [src], [out], { to }, { name: fresh(`${base}_Cast_${to === F16 ? 'fp16' : 'fp32'}`) });
    };
    const read = (v: string, need: number): string => {
      if (!isFloat(v) || homes.get(v) === need) return isFloat(v) ? homeName(v) : v;
      const key = `${need}:${v}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const out = fresh(`${v}_${need === F16 ? 'fp16' : 'fp32'}`);
      emit(v, castNode(homeName(v), out, need, v));
      cache.set(key, out);
      return out;
    };
    // Renamed outputs of this graph: the Cast back to the declared type writes the declared name.
    for (const v of orig.output) {
      const renamed = renames.get(v.name);
      if (renamed === undefined || !producer.has(v.name)) continue;
      cache.set(`${outNeed}:${v.name}`, v.name);
      emit(v.name, castNode(renamed, v.name, outNeed, v.name));
    }

    const body = orig.node.map((n, i): NodeProto => {
      const cur = current.node[i]!;
      const t = constantTensor(n);
      const half = t ? converted.get(t) : undefined;
      if (half) return setAttribute(cur, attr('value', half));
      const needOf = (slot: number): number => (floatNodes.has(n) || fixedFloatInput(n, slot, opset) ? F32 : F16);
      let out = patch(cur, {
        input: cur.input.map((v, slot) => (v ? read(v, needOf(slot)) : v)),
        output: cur.output.map((v) => renames.get(v) ?? v),
      });
      if (!floatNodes.has(n)) out = halfAttributes(out, n.output.some((v) => isFloat(v) && homes.get(v) === F16));
      return out;
    });

    const output = orig.output.map((v) => {
      if (!isFloat(v.name)) return v;
      if (homes.get(v.name) === outNeed || renames.has(v.name)) return withElemType(v, outNeed);
      if (isMain) {
        throw new UnsupportedModelError(`fp16 cannot give graph output '${v.name}' its declared type: it is not produced by a node of the main graph.`);
      }
      return withElemType(patch(v, { name: read(v.name, outNeed) }), outNeed);
    });
    const input = orig.input.map((v) => (isFloat(v.name) ? withElemType(v, homes.get(v.name) ?? F32) : v));
    const valueInfo = orig.valueInfo.map((v) => {
      if (!isFloat(v.name)) return v;
      return withElemType(v, renames.has(v.name) ? outNeed : (homes.get(v.name) ?? F32));
    });
    const initializer = current.initializer.map((t, k) => converted.get(orig.initializer[k]!) ?? t);

    const nodes: NodeProto[] = [...top];
    body.forEach((n, i) => nodes.push(n, ...(after.get(i) ?? [])));
    return patch(current, { node: nodes, input, output, valueInfo, initializer });
  });
  return { model: patch(model, { graph }), casts };
}
