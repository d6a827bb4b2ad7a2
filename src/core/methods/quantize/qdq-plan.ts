import { topologicalNodes } from '../../evaluate/intermediate-tensors';
import type { GraphProto, NodeProto } from '../../onnx/schema';
import { constantTensor } from '../../ir/walk';
import { isDefaultDomain } from '../../graph/attrs';
import type { NodeMatcher } from '../../graph/node-patterns';
import type { GraphIndex } from '../../graph/graph-index';


/** One operator to run on quantized values. */
/**
 * A Conv output read by a BatchNormalization is left float: before the normalization it can sit
 * far from zero with a small spread (a large mean that BN subtracts), so uint8 over [min, max]
 * widened to 0 would leave it a few levels; and no QLinearConv fuses across an unfolded BN anyway.
 */
const UNFUSED_NORMALIZATIONS = new Set(['BatchNormalization', 'InstanceNormalization', 'LayerNormalization']);

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
  /** Target operators `leaveFloat` kept float. */
  left: number;
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
 * The main graph's target operators (by op type, default domain, `changeable` by name) and the
 * activations around them: their activation inputs, and with `quantizeOutputs` their first
 * output too (an output that feeds another target is quantized as that target's input anyway). Outputs of the graph
 * are left float (a QDQ there would only add error), as are values not produced in the main graph
 * and outputs that go through an unfolded normalization (see UNFUSED_NORMALIZATIONS).
 */
export function planQdq(
  graph: GraphProto,
  opTypes: readonly string[],
  changeable: NodeMatcher,
  quantizeOutputs: boolean,
  /** Target operators to leave float anyway (e.g. grouped Convs); they are counted in `left`. */
  leaveFloat: (n: NodeProto) => boolean = () => false,
): QdqPlan {
  const ops = new Set(opTypes);
  const order = topologicalNodes(graph);
  const weights = weightDerivedValues(graph, order);
  const graphOutputs = new Set(graph.output.map((v) => v.name));
  const targets: QdqTarget[] = [];
  const activations: string[] = [];
  let left = 0;
  const seen = new Set<string>();
  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const x of n.input) if (x) consumers.set(x, [...(consumers.get(x) ?? []), n]);
  const addActivation = (name: string): void => {
    if (!name || seen.has(name) || weights.has(name) || graphOutputs.has(name)) return;
    seen.add(name);
    activations.push(name);
  };
  for (const n of order) {
    if (!ops.has(n.opType) || !isDefaultDomain(n) || !changeable(n.name)) continue;
    if (leaveFloat(n)) {
      left++;
      continue;
    }
    const slots = n.opType === 'MatMul' ? [0, 1] : [0];
    const activationInputs = slots.filter((i) => n.input[i] && !weights.has(n.input[i]!));
    const weightInput = n.input[1] && weights.has(n.input[1]) ? 1 : undefined;
    // Conv and Gemm weights must be constant for the fused kernels; an activation weight leaves the op float.
    if (n.opType !== 'MatMul' && weightInput === undefined) continue;
    const bias = n.opType !== 'MatMul' && n.input[2] && weights.has(n.input[2]) ? 2 : undefined;
    targets.push({ node: n, activationInputs, ...(weightInput !== undefined && { weightInput }), ...(bias !== undefined && { biasInput: bias }) });
    for (const i of activationInputs) addActivation(n.input[i]!);
    const out = n.output[0] ?? '';
    if (quantizeOutputs && !(consumers.get(out) ?? []).some((c) => UNFUSED_NORMALIZATIONS.has(c.opType))) addActivation(out);
  }
  return { targets, activations, left };
}

export interface ModelQdqPlan extends QdqPlan {
  /** Target operators inside subgraphs left float: an activation they read is made inside a subgraph, where no range can be measured. */
  unmeasurable: number;
}

/**
 * planQdq over the main graph and every subgraph (If/Loop/Scan bodies, nested). Calibration can
 * only measure main-graph values (they can be made model outputs), so a subgraph operator is a
 * target only when every activation it reads comes from the main graph; its weight is quantized
 * where it is stored. Main-graph targets and activations come first, as planQdq gives them.
 */
export function planQdqModel(
  index: GraphIndex,
  opTypes: readonly string[],
  changeable: NodeMatcher,
  quantizeOutputs: boolean,
  leaveFloat: (n: NodeProto) => boolean = () => false,
): ModelQdqPlan {
  const main = index.scopes[0]!;
  const plan = planQdq(main.graph, opTypes, changeable, quantizeOutputs, leaveFloat);
  const activations = new Set(plan.activations);
  const mainOutputs = new Set(main.graph.output.map((v) => v.name));
  let unmeasurable = 0;
  for (const scope of index.scopes.slice(1)) {
    const sub = planQdq(scope.graph, opTypes, changeable, false, leaveFloat);
    plan.left += sub.left;
    for (const t of sub.targets) {
      const reads = t.activationInputs.map((i) => t.node.input[i]!);
      if (reads.some((name) => index.definingScope(name, scope) !== main || main.stored.has(name))) {
        unmeasurable++;
        continue;
      }
      plan.targets.push(t);
      for (const name of reads) {
        if (activations.has(name) || mainOutputs.has(name)) continue;
        activations.add(name);
        plan.activations.push(name);
      }
    }
  }
  return { ...plan, unmeasurable };
}
