import { DT } from '../../ir/dtype';
import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { listGraphs } from '../../ir/walk';
import type { GraphProto, NodeProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';
import { isDefaultDomain } from '../../graph/attrs';
import { inferElemTypes, type ElemTypes } from '../../graph/elem-types';
import { nameAllocator } from '../../graph/names';
import { defaultOpset } from '../../graph/opset';
import { listStoredWeights, type StoredWeight } from '../../graph/weight-uses';
import { FLOAT32_ONLY_OPS as DECLARED_FLOAT32_ONLY } from '../declarations/fp16';

/**
 * Planning of the float16 conversion of a whole model: which values end up float16 and which
 * stay float32, where Casts must bridge the two, and which stored tensors get converted. Every
 * float32 value gets a "home" type (the type it is produced in) and every reader a "need" (the
 * type it must read); a Cast is inserted where they differ.
 */

const F32 = DT.FLOAT;
const F16 = DT.FLOAT16;

/**
 * Operators the ONNX spec gives no float16 form (Celu, Range, NonMaxSuppression,
 * DynamicQuantizeLinear, TfIdfVectorizer) or float32-only scales before opset 19
 * (QuantizeLinear, DequantizeLinear): always kept float32, whatever the block list says.
 */
export const FLOAT32_ONLY_OPS: ReadonlySet<string> = new Set(DECLARED_FLOAT32_ONLY);

/** Control flow: converted with their bodies, never kept float32 as a whole. */
export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

const SEQUENCE_OPS = /^(Sequence\w*|SplitToSequence|ConcatFromSequence|Optional\w*)$/;

/** Inputs that are tensor(float) in the spec whatever the data type (Resize/Upsample scales). */
function fixedFloatInput(node: NodeProto, slot: number, opset: number): boolean {
  if (!isDefaultDomain(node)) return false;
  if (node.opType === 'Resize') return slot === (opset < 11 ? 1 : 2);
  if (node.opType === 'Upsample') return slot === 1;
  return false;
}

/** Outputs that stay float32 from a float16 node (LayerNormalization's saved mean and inverse deviation). */
function fixedFloatOutput(node: NodeProto, slot: number): boolean {
  return isDefaultDomain(node) && node.opType === 'LayerNormalization' && slot > 0;
}

export interface HalfPlanOptions {
  keepIO: boolean;
  /** Operators kept in float32, Casts around them (besides FLOAT32_ONLY_OPS and custom-domain operators). */
  floatOps: ReadonlySet<string>;
  /** Stored tensors that must stay float32 (values beyond the float16 range): their readers stay float32 too. */
  floatWeights?: ReadonlySet<string>;
  /** Node names that may become float16 (excludeNodes and override scopes); absent: all. */
  changeable?: (name: string) => boolean;
}

export interface HalfPlan {
  types: ElemTypes;
  /** Home type (FLOAT or FLOAT16) of every originally float32 value. */
  homes: Map<string, number>;
  /** Nodes that stay float32. */
  floatNodes: Set<NodeProto>;
  /** Stored float32 tensors to convert (their home becomes FLOAT16). */
  weights: StoredWeight[];
  /** Graph outputs whose producer writes under a new name, a Cast making the declared one: old -> new. */
  renames: Map<string, string>;
  fresh: (base: string) => string;
  opset: number;
  keepIO: boolean;
  main: GraphProto;
}

function refuseUnsupported(model: ReadonlyModelIR, opset: number): void {
  if (opset < 6) throw new UnsupportedModelError(`fp16 needs ai.onnx opset 6 or later (Cast with a numeric 'to'); this model uses opset ${opset}.`);
  for (const { graph, path } of listGraphs(model)) {
    for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) {
      if (v.type && v.type.value.case !== 'tensorType' && v.type.value.case !== undefined) {
        throw new UnsupportedModelError(
          `fp16 converts tensor values only; '${v.name}' in graph '${path || 'main'}' is a ${v.type.value.case.replace('Type', '')} value. Use fp16-weight for this model.`,
        );
      }
    }
    const seq = graph.node.find((n) => isDefaultDomain(n) && SEQUENCE_OPS.test(n.opType));
    if (seq) {
      throw new UnsupportedModelError(`fp16 converts tensor values only; node '${seq.name || seq.opType}' is a ${seq.opType} (sequence/optional values). Use fp16-weight for this model.`);
    }
  }
}

export function planHalf(model: ReadonlyModelIR, o: HalfPlanOptions): HalfPlan {
  const main = sharedModel(model).graph!;
  const opset = defaultOpset(model) ?? 1;
  refuseUnsupported(model, opset);
  const types = inferElemTypes(model);
  const isFloat = (name: string): boolean => name !== '' && types.get(name) === F32;
  const visits = listGraphs(model);
  const allWeights = listStoredWeights(model);
  const constantNodes = new Set(allWeights.flatMap((w) => (w.constantIndex === undefined ? [] : [w.graph.node[w.constantIndex]!])));

  const floatWeights = o.floatWeights ?? new Set<string>();
  const floatNodes = new Set<NodeProto>();
  const homes = new Map<string, number>();
  for (const { graph } of visits) {
    const isMain = graph === main;
    for (const v of graph.input) if (isFloat(v.name)) homes.set(v.name, isMain && o.keepIO ? F32 : F16);
    for (const n of graph.node) {
      if (constantNodes.has(n)) continue; // decided with the stored weights below
      const keepFloat =
        !isDefaultDomain(n) ||
        o.floatOps.has(n.opType) ||
        (o.changeable !== undefined && !o.changeable(n.name)) ||
        FLOAT32_ONLY_OPS.has(n.opType) ||
        n.input.some((name) => floatWeights.has(name)) ||
        (n.opType === 'Constant' && n.output.some(isFloat)); // value_float(s) / sparse: left as written
      if (keepFloat) floatNodes.add(n);
      n.output.forEach((name, k) => {
        if (isFloat(name)) homes.set(name, keepFloat || fixedFloatOutput(n, k) ? F32 : F16);
      });
    }
  }

  // What each reader needs: float32 for float nodes, fixed-float inputs and kept-float32 graph outputs.
  const needs = new Map<string, Set<number>>();
  const lockedF32 = new Set<string>();
  const addNeed = (name: string, need: number): void => {
    const s = needs.get(name);
    if (s) s.add(need);
    else needs.set(name, new Set([need]));
  };
  const outputNeed = (graph: GraphProto): number => (graph === main && o.keepIO ? F32 : F16);
  for (const { graph } of visits) {
    for (const n of graph.node) {
      n.input.forEach((name, slot) => {
        if (isFloat(name)) addNeed(name, floatNodes.has(n) || fixedFloatInput(n, slot, opset) ? F32 : F16);
      });
    }
    for (const v of graph.output) {
      if (!isFloat(v.name)) continue;
      addNeed(v.name, outputNeed(graph));
      if (outputNeed(graph) === F32) lockedF32.add(v.name);
    }
  }

  // Stored weights: float16 when some reader computes in float16 (and a kept-float32 output does not hold it).
  const weights: StoredWeight[] = [];
  for (const w of allWeights) {
    if (w.tensor.dataType !== F32 || w.isGraphInput) continue;
    if (floatWeights.has(w.name)) {
      homes.set(w.name, F32);
      continue;
    }
    const half = (needs.get(w.name)?.has(F16) ?? false) && !lockedF32.has(w.name);
    homes.set(w.name, half ? F16 : F32);
    if (half) weights.push(w);
  }

  // Graph outputs produced in a type other than the declared one: the producer writes a new name.
  const fresh = nameAllocator(model);
  const renames = new Map<string, string>();
  for (const { graph } of visits) {
    const produced = new Set(graph.node.filter((n) => !constantNodes.has(n)).flatMap((n) => n.output));
    for (const v of graph.output) {
      if (!isFloat(v.name) || homes.get(v.name) === outputNeed(graph) || !produced.has(v.name) || renames.has(v.name)) continue;
      renames.set(v.name, fresh(`${v.name}_${homes.get(v.name) === F16 ? 'fp16' : 'fp32'}`));
    }
  }
  return { types, homes, floatNodes, weights, renames, fresh, opset, keepIO: o.keepIO, main };
}

export { fixedFloatInput, F16, F32 };
