import type { ModelIR } from '../ir/model';
import { listGraphs } from '../ir/walk';
import { inferShapes, type ShapeTable } from '../graph/shapes';
import { countMacs, type NodeMacs } from './macs';

/** The MACs of a whole model at concrete input shapes. */
export interface ModelMacs {
  total: number;
  byNode: NodeMacs[];
  /** False when some Conv/MatMul/Gemm of the main graph could not be counted, or a subgraph holds any (subgraphs are not counted). */
  complete: boolean;
  /** Counted nodes left out because their inferred shapes are impossible (a negative dim). */
  impossible: string[];
}

const COUNTED_OPS = ['Conv', 'ConvTranspose', 'MatMul', 'Gemm'];

/**
 * Multiply-accumulates of Conv/ConvTranspose/MatMul/Gemm with the main graph's inputs at
 * `inputShapes` (inputs left out are unknown). The one count behind the summary (CLI inspect
 * `--dim`), a measurement's cost and the studio's live recount.
 */
export function modelMacs(model: ModelIR, inputShapes: Readonly<Record<string, readonly number[]>>): ModelMacs {
  return macsFromShapes(model, inferShapes(model.graph!, new Map(Object.entries(inputShapes).map(([k, v]) => [k, [...v]]))));
}

/** The same count from shapes already inferred for the main graph (callers that need the table for more). */
export function macsFromShapes(model: ModelIR, table: ShapeTable): ModelMacs {
  const macs = countMacs(model.graph!, table);
  const inSubgraph = listGraphs(model)
    .slice(1)
    .some(({ graph }) => graph.node.some((n) => COUNTED_OPS.includes(n.opType)));
  return { ...macs, complete: macs.complete && !inSubgraph };
}
