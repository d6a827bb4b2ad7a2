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
