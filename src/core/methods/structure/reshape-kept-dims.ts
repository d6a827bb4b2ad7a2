import { attrInt, attrInts, isDefaultDomain } from '../../graph/attrs';
import { fromTensorProto } from '../../graph/evaluate/const-tensor';
import type { GraphScope } from '../../graph/graph-index';
import { makeInt64Tensor } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import type { RewritePass } from './rewrite-pass';
import { valueRanks } from './static-shapes';

/** The node that writes `name` in this graph, looking through Casts (integer casts keep a shape's values). */
function producerThroughCasts(scope: GraphScope, name: string): NodeProto | undefined {
  let p = scope.producers.get(name);
  while (p && p.opType === 'Cast' && p.input[0]) p = scope.producers.get(p.input[0]);
  return p;
}

/**
 * Where `part` is Slice(Shape(x), a, b) along axis 0 with unit step, the [a, b) it takes of x's
 * dims, else undefined. Slice bounds come from attributes (old opsets) or stored inputs.
 */
function shapeSlice(pass: RewritePass, scope: GraphScope, part: string, x: string): { from: number; to: number } | undefined {
  const slice = producerThroughCasts(scope, part);
  if (!slice || slice.opType !== 'Slice' || !isDefaultDomain(slice) || !slice.input[0]) return undefined;
  const shape = producerThroughCasts(scope, slice.input[0]);
  if (!shape || shape.opType !== 'Shape' || shape.input[0] !== x || (attrInt(shape, 'start') ?? 0) !== 0 || attrInt(shape, 'end') !== undefined) return undefined;
  const read = (attr: string, i: number): number[] | undefined => {
    const a = attrInts(slice, attr);
    if (a) return a;
    const w = slice.input[i] ? pass.index.stored(slice.input[i]!, scope) : undefined;
    return w && !w.isGraphInput ? fromTensorProto(w.tensor)?.data : undefined;
  };
  const starts = read('starts', 1);
  const ends = read('ends', 2);
  const axes = slice.input[3] || attrInts(slice, 'axes') ? read('axes', 3) : [0];
  const steps = slice.input[4] ? read('steps', 4) : [1];
  if (starts?.length !== 1 || ends?.length !== 1 || axes?.[0] !== 0 || steps?.[0] !== 1 || starts[0]! < 0 || ends[0]! <= starts[0]!) return undefined;
  return { from: starts[0]!, to: ends[0]! };
}

/**
 * Reshape(x, Concat(Slice(Shape(x))..., stored ints...)) where every slice copies x's dims at
 * the positions they land on becomes Reshape(x, stored target) with 0 ("keep this dim") there:
 * the shape arithmetic folds away even when those dims are dynamic.
 */
export function reshapeKeptDims(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    let ranks: Map<string, number> | undefined;
    for (const node of scope.graph.node) {
      if (node.opType !== 'Reshape' || !isDefaultDomain(node) || (attrInt(node, 'allowzero') ?? 0) !== 0 || !node.input[0] || !node.input[1]) continue;
      if (pass.index.stored(node.input[1], scope)) continue;
      const concat = scope.producers.get(node.input[1]);
      if (!concat || concat.opType !== 'Concat' || !isDefaultDomain(concat)) continue;
      ranks ??= valueRanks(scope);
      const rank = ranks.get(node.input[0]);
      if (rank === undefined) continue;
      const target: number[] = [];
      let ok = true;
      for (const part of concat.input) {
        const w = part ? pass.index.stored(part, scope) : undefined;
        const values = w && !w.isGraphInput ? fromTensorProto(w.tensor) : undefined;
        if (values && values.dims.length === 1) {
          if (values.data.includes(0)) ok = false;
          target.push(...values.data);
          continue;
        }
        const s = part ? shapeSlice(pass, scope, part, node.input[0]) : undefined;
        // A copied dim keeps its place only when the slice starts where it lands in the target.
        if (!s || s.from !== target.length || s.to > rank) ok = false;
        else for (let d = s.from; d < s.to; d++) target.push(0);
        if (!ok) break;
      }
      if (!ok || !pass.canReplace(node)) continue;
      const name = pass.newName(`${node.input[1]}_kept`);
      pass.session.addInitializer(scope.graph, makeInt64Tensor(name, [target.length], target));
      pass.session.setInput(node, 1, name);
      pass.changes.push({ kind: 'node-folded', name: concat.name || node.input[1], opType: 'Concat', into: node.name || node.output[0]! });
    }
  }
}
