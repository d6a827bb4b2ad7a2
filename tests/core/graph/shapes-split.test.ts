import { describe, expect, it } from 'vitest';
import { graph, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeInt64Tensor } from '../../../src/core/ir/tensor';
import { inferShapes } from '../../../src/core/graph/shapes';

const split = (attrs: Record<string, number | number[]>, outputs: number, sizes?: number[]) =>
  graph({
    nodes: [node('Split', sizes ? ['x', 'sizes'] : ['x'], Array.from({ length: outputs }, (_, k) => `y${k}`), attrs)],
    inputs: [valueInfo('x', DT.FLOAT, [1, 10, 4, 4])],
    outputs: [],
    initializers: sizes ? [makeInt64Tensor('sizes', [sizes.length], sizes)] : [],
  });

describe('shape inference through Split', () => {
  it('takes the sizes from the input constant, the attribute, or equal parts (the last smaller)', () => {
    const x = new Map([['x', [1, 10, 4, 4]]]);
    const byInput = inferShapes(split({ axis: 1 }, 2, [3, 7]), x);
    expect([byInput.shapes.get('y0'), byInput.shapes.get('y1')]).toEqual([[1, 3, 4, 4], [1, 7, 4, 4]]);
    const byAttr = inferShapes(split({ axis: -3, split: [6, 4] }, 2), x);
    expect([byAttr.shapes.get('y0'), byAttr.shapes.get('y1')]).toEqual([[1, 6, 4, 4], [1, 4, 4, 4]]);
    const equal = inferShapes(split({ axis: 1 }, 3), x);
    expect([0, 1, 2].map((k) => equal.shapes.get(`y${k}`))).toEqual([[1, 4, 4, 4], [1, 4, 4, 4], [1, 2, 4, 4]]);
    const mismatched = inferShapes(split({ axis: 1 }, 3, [5, 5]), x);
    expect(mismatched.shapes.get('y0')).toBeUndefined();
  });
});
