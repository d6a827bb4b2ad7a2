import { describe, expect, it } from 'vitest';
import { graph, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, makeInt64Tensor, makeRawTensor, readIntegers } from '../../../src/core/ir/tensor';
import type { NodeProto } from '../../../src/core/onnx/schema';
import { evaluateNode } from '../../../src/core/graph/evaluate/const-ops';
import { fromTensorProto, toTensorProto, type ConstTensor } from '../../../src/core/graph/evaluate/const-tensor';
import { evaluateConstants } from '../../../src/core/graph/evaluate/const-eval';

const i64 = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.INT64, dims, data });
const i32 = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.INT32, dims, data });
const f32 = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.FLOAT, dims, data });
const bool = (dims: number[], data: number[]): ConstTensor => ({ dataType: DT.BOOL, dims, data });

function run(n: NodeProto, ...inputs: (ConstTensor | undefined)[]): ConstTensor | undefined {
  return evaluateNode(n, inputs)?.[0];
}

describe('constant evaluator, hand-computed', () => {
  it('casts float to int by truncation toward zero, int to bool, and rounds to float32', () => {
    expect(run(node('Cast', ['x'], ['y'], { to: DT.INT32 }), f32([4], [1.9, -1.9, 0.5, -0.5]))).toEqual(i32([4], [1, -1, 0, 0]));
    expect(run(node('Cast', ['x'], ['y'], { to: DT.BOOL }), i64([3], [0, 2, -1]))).toEqual(bool([3], [0, 1, 1]));
    expect(run(node('Cast', ['x'], ['y'], { to: DT.FLOAT }), i64([1], [16777217]))).toEqual(f32([1], [16777216]));
    expect(run(node('Cast', ['x'], ['y'], { to: DT.FLOAT16 }), f32([1], [1]))).toBeUndefined();
  });

  it('divides integers truncating toward zero, wraps int32, and refuses integer division by zero', () => {
    expect(run(node('Div', ['a', 'b'], ['y']), i64([4], [7, -7, 7, -7]), i64([4], [2, 2, -2, -2]))).toEqual(i64([4], [3, -3, -3, 3]));
    expect(run(node('Mul', ['a', 'b'], ['y']), i32([1], [2 ** 30]), i32([1], [4]))).toEqual(i32([1], [0]));
    expect(run(node('Div', ['a', 'b'], ['y']), i64([1], [1]), i64([1], [0]))).toBeUndefined();
    expect(run(node('Div', ['a', 'b'], ['y']), f32([1], [1]), f32([1], [3]))!.data[0]).toBe(Math.fround(1 / 3));
    expect(run(node('Add', ['a', 'b'], ['y']), f32([1], [1]), i64([1], [1]))).toBeUndefined();
  });

  it('broadcasts arithmetic, Equal and Where', () => {
    expect(run(node('Sub', ['a', 'b'], ['y']), i64([2, 1], [10, 20]), i64([3], [1, 2, 3]))).toEqual(i64([2, 3], [9, 8, 7, 19, 18, 17]));
    expect(run(node('Equal', ['a', 'b'], ['y']), i64([3], [1, 2, 3]), i64([], [2]))).toEqual(bool([3], [0, 1, 0]));
    expect(run(node('Where', ['c', 'a', 'b'], ['y']), bool([2, 1], [1, 0]), i64([2], [1, 2]), i64([], [-1]))).toEqual(i64([2, 2], [1, 2, -1, -1]));
  });

  it('gathers from a shape with negative indices, scalar index giving a scalar', () => {
    expect(run(node('Gather', ['s', 'i'], ['y'], { axis: 0 }), i64([4], [1, 3, 224, 224]), i64([], [-1]))).toEqual(i64([], [224]));
    expect(run(node('Gather', ['s', 'i'], ['y'], { axis: 1 }), i64([2, 3], [1, 2, 3, 4, 5, 6]), i64([2], [2, 0]))).toEqual(i64([2, 2], [3, 1, 6, 4]));
    expect(run(node('Gather', ['s', 'i'], ['y']), i64([2], [1, 2]), i64([1], [2]))).toBeUndefined();
  });

  it('slices with INT64_MAX ends, negative steps and axes, from inputs or (old opsets) attributes', () => {
    const x = i64([6], [0, 1, 2, 3, 4, 5]);
    expect(run(node('Slice', ['x', 's', 'e'], ['y']), x, i64([1], [2]), i64([1], [9.223372036854776e18]))).toEqual(i64([4], [2, 3, 4, 5]));
    expect(run(node('Slice', ['x', 's', 'e', 'a', 't'], ['y']), x, i64([1], [-1]), i64([1], [-9.223372036854776e18]), i64([1], [0]), i64([1], [-2]))).toEqual(i64([3], [5, 3, 1]));
    expect(run(node('Slice', ['x'], ['y'], { starts: [1], ends: [3] }), x)).toEqual(i64([2], [1, 2]));
    const m = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(run(node('Slice', ['x', 's', 'e', 'a'], ['y']), m, i64([1], [1]), i64([1], [3]), i64([1], [-1]))).toEqual(f32([2, 2], [2, 3, 5, 6]));
  });

  it('reshapes with 0 and -1, squeezes and unsqueezes by attribute or input', () => {
    const x = i64([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(run(node('Reshape', ['x', 's'], ['y']), x, i64([2], [0, -1]))?.dims).toEqual([2, 3]);
    expect(run(node('Reshape', ['x', 's'], ['y']), x, i64([1], [-1]))?.dims).toEqual([6]);
    expect(run(node('Reshape', ['x', 's'], ['y']), x, i64([2], [4, -1]))).toBeUndefined();
    expect(run(node('Unsqueeze', ['x'], ['y'], { axes: [0, -1] }), x)?.dims).toEqual([1, 2, 3, 1]);
    expect(run(node('Unsqueeze', ['x', 'a'], ['y']), i64([], [5]), i64([1], [0]))).toEqual(i64([1], [5]));
    expect(run(node('Squeeze', ['x', 'a'], ['y']), i64([1, 3, 1], [1, 2, 3]), i64([1], [0]))?.dims).toEqual([3, 1]);
    expect(run(node('Squeeze', ['x'], ['y']), i64([1, 3, 1], [1, 2, 3]))?.dims).toEqual([3]);
    expect(run(node('Squeeze', ['x', 'a'], ['y']), x, i64([1], [0]))).toBeUndefined();
  });

  it('concatenates, fills ConstantOfShape (float zero by default), counts Range, reads Shape with start and end', () => {
    expect(run(node('Concat', ['a', 'b'], ['y'], { axis: 0 }), i64([1], [1]), i64([2], [-1, 4]))).toEqual(i64([3], [1, -1, 4]));
    expect(run(node('ConstantOfShape', ['s'], ['y']), i64([2], [2, 1]))).toEqual(f32([2, 1], [0, 0]));
    expect(run(node('ConstantOfShape', ['s'], ['y'], { value: makeInt64Tensor('v', [1], [7]) }), i64([1], [3]))).toEqual(i64([3], [7, 7, 7]));
    expect(run(node('Range', ['a', 'b', 'c'], ['y']), i64([], [10]), i64([], [4]), i64([], [-3]))).toEqual(i64([2], [10, 7]));
    expect(run(node('Range', ['a', 'b', 'c'], ['y']), f32([], [0]), f32([], [1]), f32([], [0.25]))).toEqual(f32([4], [0, 0.25, 0.5, 0.75]));
    expect(run(node('Shape', ['x'], ['y'], { start: 1, end: -1 }), { dataType: 0, dims: [1, 3, 224, 224], data: [] })).toEqual(i64([2], [3, 224]));
  });

  it('folds a whole shape chain from a graph input\'s dims in one pass', () => {
    const g = graph({
      nodes: [
        node('Concat', ['b1', 'minus1'], ['target'], { axis: 0 }),
        node('Unsqueeze', ['b', 'axes0'], ['b1']),
        node('Gather', ['s', 'zero'], ['b'], { axis: 0 }),
        node('Shape', ['x'], ['s']),
        node('Reshape', ['x', 'target'], ['y']),
      ],
      inputs: [valueInfo('x', DT.FLOAT, [4, 3, 5])],
      outputs: [valueInfo('y', DT.FLOAT, undefined)],
      initializers: [makeInt64Tensor('zero', [], [0]), makeInt64Tensor('axes0', [1], [0]), makeInt64Tensor('minus1', [1], [-1])],
    });
    const values = evaluateConstants(g, { shapes: new Map([['x', [4, 3, 5]]]) });
    expect(values.get('target')).toEqual(i64([2], [4, -1]));
    expect(values.has('y')).toBe(false); // x itself is not a constant
  });

  it('does not treat an initializer that is also a graph input as a constant', () => {
    const g = graph({
      nodes: [node('Add', ['a', 'a'], ['y'])],
      inputs: [valueInfo('a', DT.INT64, [1])],
      outputs: [valueInfo('y', DT.INT64, [1])],
      initializers: [makeInt64Tensor('a', [1], [2])],
    });
    expect(evaluateConstants(g).has('y')).toBe(false);
    expect(evaluateConstants(g, { known: new Map([['a', i64([1], [5])]]) }).get('y')).toEqual(i64([1], [10]));
  });

  it('round-trips tensors, clamping int64 values beyond range', () => {
    const t = toTensorProto('t', i64([2], [9.223372036854776e18, -3]));
    expect(readIntegers(t)).toEqual([Number(2n ** 63n - 1n), -3]);
    expect(fromTensorProto(makeFloatTensor('f', [2], Float32Array.of(1.5, -2)))).toEqual(f32([2], [1.5, -2]));
    expect(fromTensorProto(toTensorProto('b', bool([2], [1, 0])))).toEqual(bool([2], [1, 0]));
    expect(fromTensorProto(makeRawTensor('h', DT.FLOAT16, [1], new Uint8Array(2)))).toBeUndefined();
  });
});
