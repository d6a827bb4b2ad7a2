/**
 * The evaluator's operators beyond shape arithmetic, on the forms the ONNX backend data of this
 * Debian release lacks (axes as an input of ReduceMax/Min/Prod from opset 18, Size of a value
 * whose shape alone is known) and on the inputs where it must decline rather than guess.
 */
import { describe, expect, it } from 'vitest';
import { graph, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { NodeProto } from '../../../src/core/onnx/schema';
import { evaluateNode } from '../../../src/core/graph/evaluate/const-ops';
import type { ConstTensor } from '../../../src/core/graph/evaluate/const-tensor';
import { evaluateConstants } from '../../../src/core/graph/evaluate/const-eval';

const i64 = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.INT64, dims, data });
const f32 = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.FLOAT, dims, data });
const bool = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.BOOL, dims, data });

function run(n: NodeProto, ...inputs: (ConstTensor | undefined)[]): ConstTensor | undefined {
  return evaluateNode(n, inputs)?.[0];
}

describe('constant evaluator, more operators', () => {
  it('reduces over axes given as an input (opset 18) as over the same axes as an attribute (opset 13)', () => {
    const x = i64([2, 3], [4, 1, 9, 2, 8, 3]);
    for (const op of ['ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSum']) {
      const byInput = run(node(op, ['x', 'axes'], ['y'], { keepdims: 0 }), x, i64([1], [-1]));
      const byAttr = run(node(op, ['x'], ['y'], { keepdims: 0, axes: [1] }), x);
      expect(byInput, op).toEqual(byAttr);
    }
    expect(run(node('ReduceMax', ['x', 'axes'], ['y'], { keepdims: 0 }), x, i64([1], [1]))).toEqual(i64([2], [9, 8]));
    expect(run(node('ReduceProd', ['x'], ['y'], { keepdims: 1 }), x)).toEqual(i64([1, 1], [4 * 9 * 2 * 8 * 3]));
    // Empty axes reduce everything unless noop_with_empty_axes says to pass the input through.
    expect(run(node('ReduceMin', ['x', 'axes'], ['y'], { keepdims: 0, noop_with_empty_axes: 1 }), x, i64([0], []))).toEqual(x);
    expect(run(node('ReduceMin', ['x', 'axes'], ['y'], { keepdims: 0 }), x, i64([0], []))).toEqual(i64([], [1]));
  });

  it('declines what it cannot give exactly: an empty integer max, float Mod without fmod, integer Pow to a negative power', () => {
    expect(run(node('ReduceMax', ['x'], ['y'], { axes: [0] }), i64([0, 2], []))).toBeUndefined();
    expect(run(node('ReduceMax', ['x'], ['y'], { axes: [0], keepdims: 0 }), f32([0, 2], []))).toEqual(f32([2], [-Infinity, -Infinity]));
    expect(run(node('Mod', ['a', 'b'], ['y']), f32([1], [5]), f32([1], [3]))).toBeUndefined();
    expect(run(node('Mod', ['a', 'b'], ['y']), i64([1], [5]), i64([1], [0]))).toBeUndefined();
    expect(run(node('Pow', ['a', 'b'], ['y']), i64([1], [2]), i64([1], [-1]))).toBeUndefined();
    expect(run(node('And', ['a', 'b'], ['y']), i64([1], [1]), i64([1], [1]))).toBeUndefined();
  });

  it('takes Mod sign from the divisor, or from the dividend with fmod=1, and never yields -0 for integers', () => {
    expect(run(node('Mod', ['a', 'b'], ['y']), i64([4], [7, -7, 7, -6]), i64([4], [3, 3, -3, 3]))).toEqual(i64([4], [1, 2, -2, 0]));
    expect(Object.is(run(node('Mod', ['a', 'b'], ['y'], { fmod: 1 }), i64([1], [-6]), i64([1], [3]))!.data[0], 0)).toBe(true);
    expect(run(node('Mod', ['a', 'b'], ['y'], { fmod: 1 }), f32([2], [-7, 7]), f32([2], [3, -3]))).toEqual(f32([2], [-1, 1]));
  });

  it('transposes, expands, tiles and flattens a stored tensor; NonZero lists positions in row-major order', () => {
    const x = i64([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(run(node('Transpose', ['x'], ['y'], { perm: [1, 0] }), x)).toEqual(i64([3, 2], [1, 4, 2, 5, 3, 6]));
    expect(run(node('Expand', ['x', 's'], ['y']), i64([2, 1], [1, 2]), i64([3], [2, 1, 3]))).toEqual(i64([2, 2, 3], [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]));
    expect(run(node('Tile', ['x', 'r'], ['y']), i64([1, 2], [1, 2]), i64([2], [2, 2]))).toEqual(i64([2, 4], [1, 2, 1, 2, 1, 2, 1, 2]));
    expect(run(node('Flatten', ['x'], ['y'], { axis: 0 }), x)).toEqual(i64([1, 6], [1, 2, 3, 4, 5, 6]));
    expect(run(node('NonZero', ['x'], ['y']), bool([2, 2], [1, 0, 0, 1]))).toEqual(i64([2, 2], [0, 1, 0, 1]));
    expect(run(node('Transpose', ['x'], ['y'], { perm: [0, 0] }), x)).toBeUndefined();
  });

  it('gives Size of a graph input from its static shape alone, as it does Shape', () => {
    const g = graph({
      name: 'g',
      inputs: [valueInfo('x', DT.FLOAT, [2, 5])],
      outputs: [valueInfo('n', DT.INT64, [])],
      nodes: [node('Size', ['x'], ['n']), node('Neg', ['n'], ['m'])],
    });
    const values = evaluateConstants(g, { shapes: new Map([['x', [2, 5]]]) });
    expect(values.get('n')).toEqual(i64([], [10]));
    expect(values.get('m')).toEqual(i64([], [-10]));
    expect(evaluateConstants(g).has('n')).toBe(false);
  });
});
