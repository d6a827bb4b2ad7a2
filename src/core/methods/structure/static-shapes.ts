import type { GraphScope } from '../../graph/graph-index';
import { inferShapes } from '../../graph/shapes';
import type { ValueInfoProto } from '../../onnx/schema';

/** A declared shape whose every dim is a fixed number, else undefined (symbolic or unknown dims). */
export function fixedDims(v: ValueInfoProto | undefined): number[] | undefined {
  const t = v?.type?.value;
  if (t?.case !== 'tensorType' || !t.value.shape) return undefined;
  const dims: number[] = [];
  for (const d of t.value.shape.dim) {
    if (d.value.case !== 'dimValue' || d.value.value < 0n) return undefined;
    dims.push(Number(d.value.value));
  }
  return dims;
}

/**
 * Shapes of a graph's values that hold for every run: inference seeded only by inputs whose
 * declared dims are all fixed, so a dynamic batch or image size is never baked into the model.
 */
export function staticShapes(scope: GraphScope): Map<string, number[]> {
  const seed = new Map<string, number[]>();
  for (const v of scope.graph.input) {
    const d = fixedDims(v);
    if (d) seed.set(v.name, d);
  }
  return inferShapes(scope.graph, seed).shapes;
}

/**
 * Ranks of a graph's values: inference with every unknown input dim taken as 1. The dims it gives
 * are not to be trusted, only how many there are (no rank here depends on a dim's size).
 */
export function valueRanks(scope: GraphScope): Map<string, number> {
  const seed = new Map<string, number[]>();
  for (const v of scope.graph.input) {
    const t = v.type?.value;
    if (t?.case !== 'tensorType' || !t.value.shape) continue;
    seed.set(v.name, t.value.shape.dim.map((d) => (d.value.case === 'dimValue' && d.value.value > 0n ? Number(d.value.value) : 1)));
  }
  const out = new Map<string, number>();
  for (const [name, dims] of inferShapes(scope.graph, seed).shapes) out.set(name, dims.length);
  return out;
}
