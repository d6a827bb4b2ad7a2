import type { GraphProto } from '../onnx/schema';
import { attrInt } from '../graph/attrs';
import type { ShapeTable } from '../graph/shapes';

export interface NodeMacs {
  name: string;
  op: string;
  macs: number;
}

const COUNTED = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm']);
const prod = (a: number[]): number => a.reduce((m, d) => m * d, 1);

/** Multiply-accumulates of one node from its inferred shapes, or undefined when they are not known. */
function nodeMacs(op: string, ins: (number[] | undefined)[], out: number[] | undefined, transA: boolean): number | undefined {
  const [x, w] = ins;
  if (!x || !w || !out) return undefined;
  switch (op) {
    case 'Conv': // out [N, M, *sp], w [M, C/g, *k]
      return prod(out) * prod(w.slice(1));
    case 'ConvTranspose': // x [N, C, *sp], w [C, M/g, *k]
      return prod(x) * prod(w.slice(1));
    case 'Gemm':
      return x.length === 2 ? prod(out) * (transA ? x[0]! : x[1]!) : undefined;
    default: // MatMul: every output element takes K products
      return prod(out) * (x[x.length - 1] ?? 1);
  }
}

/** A shape no tensor can have: a negative, fractional or non-finite dimension. */
const isImpossible = (shape: number[] | undefined): boolean => shape !== undefined && shape.some((d) => !Number.isSafeInteger(d) || d < 0);

/**
 * MACs of Conv/ConvTranspose/MatMul/Gemm in `graph`; `complete` is false when any could not be
 * computed. A node whose inferred shapes are impossible (a negative dim, e.g. from a guessed
 * input size that does not fit a Reshape) is not counted and is listed in `impossible`, so the
 * total is never negative.
 */
export function countMacs(graph: GraphProto, table: ShapeTable): { total: number; byNode: NodeMacs[]; complete: boolean; impossible: string[] } {
  const byNode: NodeMacs[] = [];
  const impossible: string[] = [];
  let complete = true;
  graph.node.forEach((n, i) => {
    if (!COUNTED.has(n.opType) || (n.domain !== '' && n.domain !== 'ai.onnx')) return;
    const name = n.name || `${n.opType}#${i}`;
    const ins = n.input.map((input) => (input ? table.shapes.get(input) : undefined));
    const out = n.output[0] ? table.shapes.get(n.output[0]) : undefined;
    if ([...ins, out].some(isImpossible)) {
      impossible.push(name);
      complete = false;
      return;
    }
    const macs = nodeMacs(n.opType, ins, out, (attrInt(n, 'transA') ?? 0) === 1);
    if (macs === undefined || !Number.isFinite(macs)) complete = false;
    else byNode.push({ name, op: n.opType, macs });
  });
  byNode.sort((a, b) => b.macs - a.macs);
  return { total: byNode.reduce((s, n) => s + n.macs, 0), byNode, complete, impossible };
}
