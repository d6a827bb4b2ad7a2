import { topologicalNodes } from '../../evaluate/intermediate-tensors';
import type { GraphProto, NodeProto } from '../../onnx/schema';
import { constantTensor } from '../../ir/walk';
import { isDefaultDomain } from './attrs';

/** Operators int8-static surrounds with QDQ: those ORT fuses into QLinearConv / QLinearMatMul / QGemm. */
export const QDQ_OPS = ['Conv', 'MatMul', 'Gemm'] as const;

/** One operator to run on quantized values. */
export interface QdqTarget {
  node: NodeProto;
  /** Input slots that carry activations (get a QuantizeLinear -> DequantizeLinear pair). */
  activationInputs: number[];
  /** The weight slot when it holds a stored weight (or a value made from weights only). */
  weightInput?: number;
  /** Conv/Gemm bias slot (input 2) when present and made from weights. */
  biasInput?: number;
}

export interface QdqPlan {
  targets: QdqTarget[];
  /** Activations to calibrate and quantize, in execution order: target inputs and outputs. */
  activations: string[];
}

/** Values that are stored weights or computed from weights alone (not activations). */
export function weightDerivedValues(graph: GraphProto, order: readonly NodeProto[] = topologicalNodes(graph)): Set<string> {
  const weights = new Set(graph.initializer.map((t) => t.name));
  const inputs = new Set(graph.input.map((v) => v.name));
  for (const name of [...weights]) if (inputs.has(name)) weights.delete(name); // overridable: treat as an input
  for (const n of order) {
    const ins = n.input.filter((x) => x !== '');
    if (constantTensor(n) !== undefined || (ins.length > 0 && ins.every((x) => weights.has(x)))) n.output.forEach((o) => o && weights.add(o));
  }
  return weights;
}

/**
 * The main graph's target operators (by op type, default domain, not excluded) and the
 * activations around them: their activation inputs and their first output. Outputs of the graph
 * are left float (a QDQ there would only add error), as are values not produced in the main graph.
 */
export function planQdq(graph: GraphProto, opTypes: readonly string[], excludeNodes: readonly string[]): QdqPlan {
  const ops = new Set(opTypes);
  const excluded = new Set(excludeNodes);
  const order = topologicalNodes(graph);
  const weights = weightDerivedValues(graph, order);
  const graphOutputs = new Set(graph.output.map((v) => v.name));
  const targets: QdqTarget[] = [];
  const activations: string[] = [];
  const seen = new Set<string>();
  const addActivation = (name: string): void => {
    if (!name || seen.has(name) || weights.has(name) || graphOutputs.has(name)) return;
    seen.add(name);
    activations.push(name);
  };
  for (const n of order) {
    if (!ops.has(n.opType) || !isDefaultDomain(n) || excluded.has(n.name)) continue;
    const slots = n.opType === 'MatMul' ? [0, 1] : [0];
    const activationInputs = slots.filter((i) => n.input[i] && !weights.has(n.input[i]!));
    const weightInput = n.input[1] && weights.has(n.input[1]) ? 1 : undefined;
    // Conv and Gemm weights must be constant for the fused kernels; an activation weight leaves the op float.
    if (n.opType !== 'MatMul' && weightInput === undefined) continue;
    const bias = n.opType !== 'MatMul' && n.input[2] && weights.has(n.input[2]) ? 2 : undefined;
    targets.push({ node: n, activationInputs, ...(weightInput !== undefined && { weightInput }), ...(bias !== undefined && { biasInput: bias }) });
    for (const i of activationInputs) addActivation(n.input[i]!);
    addActivation(n.output[0] ?? '');
  }
  return { targets, activations };
}
