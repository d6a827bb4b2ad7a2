import { attr, node } from '../../ir/build';
import { patch } from '../../ir/edit';
import type { ModelIR, ReadonlyModelIR } from '../../ir/model';
import { EditSession } from '../../graph/edit-session';
import { makeRawTensor } from '../../ir/tensor';
import { constantTensor } from '../../ir/walk';
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';
import { attrInt, findAttr, isDefaultDomain } from '../../graph/attrs';
import { F16, F32, fixedFloatInput, type HalfPlan } from './float16-plan';
import { toHalfTensor } from './float16-tensor';

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
export function applyHalfPlan(model: ReadonlyModelIR, plan: HalfPlan, converted: ReadonlyMap<TensorProto, TensorProto>): { model: ModelIR; casts: number } {
  const { types, homes, floatNodes, renames, fresh, opset, keepIO, main } = plan;
  const isFloat = (name: string): boolean => name !== '' && types.get(name) === F32;
  const homeName = (v: string): string => renames.get(v) ?? v;
  let casts = 0;
  const session = new EditSession(model);

  // Subgraphs first, nodes in order: the order Cast names are handed out in.
  for (const { graph: orig } of session.index.bottomUp()) {
    const isMain = orig === main;
    const outNeed = isMain && keepIO ? F32 : F16;
    const producer = new Map<string, NodeProto>();
    for (const n of orig.node) for (const o of n.output) if (o) producer.set(o, n);
    const cache = new Map<string, string>();
    const emit = (v: string, n: NodeProto): void => {
      const p = producer.get(v);
      if (p === undefined) session.insertAtTop(orig, [n]);
      else session.insertAfter(p, [n]);
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

    for (const n of orig.node) {
      const t = constantTensor(n);
      const half = t ? converted.get(t) : undefined;
      if (half) {
        session.updateNode(n, (cur) => setAttribute(cur, attr('value', half)));
        continue;
      }
      const needOf = (slot: number): number => (floatNodes.has(n) || fixedFloatInput(n, slot, opset) ? F32 : F16);
      const input = n.input.map((v, slot) => (v ? read(v, needOf(slot)) : v));
      const output = n.output.map((v) => renames.get(v) ?? v);
      const halfOut = !floatNodes.has(n) && n.output.some((v) => isFloat(v) && homes.get(v) === F16);
      session.updateNode(n, (cur) => {
        const out = patch(cur, { input, output });
        return floatNodes.has(n) ? out : halfAttributes(out, halfOut);
      });
    }

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
    session.setDeclarations(orig, { input, output, valueInfo });
    for (const t of orig.initializer) {
      const half = converted.get(t);
      if (half) session.replaceInitializer(orig, t.name, half);
    }
  }
  return { model: session.commit(), casts };
}
