import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeInt64Tensor } from '../../../src/core/ir/tensor';
import type { GraphProto, NodeProto } from '../../../src/core/onnx/schema';
import { inferElemTypes } from '../../../src/core/graph/elem-types';
import { inferShapes } from '../../../src/core/graph/shapes';
import { topologicalOrder } from '../../../src/core/graph/topo-order';

/** x[2,3] -> Relu -> Relu ... -> y: `length` nodes. */
function chain(length: number): NodeProto[] {
  return Array.from({ length }, (_, i) => node(i % 2 ? 'Relu' : 'Sigmoid', [i === 0 ? 'x' : `v${i - 1}`], [i === length - 1 ? 'y' : `v${i}`], {}, { name: `n${i}` }));
}

function chainGraph(nodes: NodeProto[]): GraphProto {
  return graph({ nodes, inputs: [valueInfo('x', DT.FLOAT, [2, 3])], outputs: [valueInfo('y', DT.FLOAT, [2, 3])] });
}

describe('shape inference is one pass in topological order', () => {
  const N = 10_000;

  it('visits each node of a reversed 10,000-node chain exactly once and learns every shape', () => {
    const reversed = chainGraph(chain(N).reverse());
    let visits = 0;
    const t = inferShapes(reversed, new Map([['x', [2, 3]]]), { onVisit: () => visits++ });
    expect(visits).toBe(N);
    expect(t.shapes.get('y')).toEqual([2, 3]);
    for (let i = 0; i < N - 1; i++) expect(t.shapes.get(`v${i}`)).toEqual([2, 3]);
  });

  it('gives the reversed listing the same table as the sorted one', () => {
    const sorted = inferShapes(chainGraph(chain(500)), new Map([['x', [2, 3]]]));
    const reversed = inferShapes(chainGraph(chain(500).reverse()), new Map([['x', [2, 3]]]));
    expect([...reversed.shapes].sort()).toEqual([...sorted.shapes].sort());
  });

  it('follows a shape chain (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) listed backwards', () => {
    const nodes = [
      node('Shape', ['x'], ['s']),
      node('Gather', ['s', 'zero'], ['b'], { axis: 0 }),
      node('Unsqueeze', ['b', 'axes0'], ['b1']),
      node('Concat', ['b1', 'minus1'], ['target'], { axis: 0 }),
      node('Reshape', ['x', 'target'], ['y']),
    ];
    const g = graph({
      nodes: nodes.reverse(),
      inputs: [valueInfo('x', DT.FLOAT, [4, 3, 5])],
      outputs: [valueInfo('y', DT.FLOAT, undefined)],
      initializers: [makeInt64Tensor('zero', [], [0]), makeInt64Tensor('axes0', [1], [0]), makeInt64Tensor('minus1', [1], [-1])],
    });
    let visits = 0;
    const t = inferShapes(g, new Map([['x', [4, 3, 5]]]), { onVisit: () => visits++ });
    expect(visits).toBe(5);
    expect(t.values.get('target')).toEqual([4, -1]);
    expect(t.shapes.get('y')).toEqual([4, 15]);
  });

  it('orders producers first and keeps an already sorted graph as listed', () => {
    expect(topologicalOrder(chainGraph(chain(5)))).toEqual([0, 1, 2, 3, 4]);
    expect(topologicalOrder(chainGraph(chain(5).reverse()))).toEqual([4, 3, 2, 1, 0]);
  });

  it('infers element types of a reversed chain like those of the sorted one', () => {
    const sorted = inferElemTypes(model(chainGraph(chain(300))));
    const reversed = inferElemTypes(model(chainGraph(chain(300).reverse())));
    expect(reversed).toEqual(sorted);
    expect(reversed.get('y')).toBe(DT.FLOAT);
  });
});
