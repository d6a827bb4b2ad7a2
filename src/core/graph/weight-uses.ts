import { type GraphProto, type NodeProto, type TensorProto } from '../onnx/schema';
import type { ReadonlyModelIR } from '../ir/model';
import { GraphIndex } from './graph-index';

/** One input slot that reads a value. */
export interface ValueUse {
  node: NodeProto;
  inputIndex: number;
}

/** A stored tensor with everything that reads it: nodes (in its graph and nested subgraphs) and graph outputs. */
export interface StoredWeight {
  name: string;
  tensor: TensorProto;
  graph: GraphProto;
  /** For a Constant-node weight, the node's index in `graph.node`. */
  constantIndex?: number;
  uses: ValueUse[];
  /** True when the value is an output of its graph or of a nested subgraph. */
  isGraphOutput: boolean;
  /** True when an initializer is also listed as a graph input (an overridable default). */
  isGraphInput: boolean;
}

/** Every stored tensor of every graph (initializers and Constant nodes, subgraphs included) with its readers. */
export function listStoredWeights(model: ReadonlyModelIR): StoredWeight[] {
  return new GraphIndex(model).storedWeights();
}

/** Whether `readers` slots are every reader of the weight (no other node, no graph output): then the original can go. */
export function onlyReadBy(weight: StoredWeight, readers: number): boolean {
  return !weight.isGraphOutput && readers === weight.uses.length;
}

/** The warning for a weight that keeps its float copy because something else still reads it. */
export function keptFloatCopyWarning(weight: StoredWeight): string {
  return `'${weight.name}' is also read by ${weight.isGraphOutput ? 'a graph output' : 'other operators'}; it keeps its float copy for them.`;
}
