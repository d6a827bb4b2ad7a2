/** Structure the analysis must survive: an empty Concat, shapes no tensor can have. */
import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { patch } from '../../../src/core/ir/edit';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { inferShapes } from '../../../src/core/graph/shapes';
import { analyzeModel } from '../../../src/core/analyze/summary';
import { mlp } from '../../fixtures/models';

describe('hostile structure in analysis', () => {
  it('a Concat with no inputs leaves its output unknown instead of throwing', () => {
    const g = graph({
      name: 'empty-concat',
      inputs: [valueInfo('x', DT.FLOAT, [2, 3])],
      outputs: [valueInfo('y', DT.FLOAT, undefined)],
      nodes: [node('Concat', [], ['c'], { axis: 0 }), node('Relu', ['x'], ['y'])],
    });
    const table = inferShapes(g, new Map([['x', [2, 3]]]));
    expect(table.shapes.get('c')).toBeUndefined();
    expect(table.shapes.get('y')).toEqual([2, 3]);
    const summary = analyzeModel(decodeModel(encodeModel(model(g))), 0);
    expect(summary.nodes).toBe(2);
  });

  it('MACs are never negative: an input with a negative dim is reported as an impossible shape', () => {
    const base = mlp();
    const g = base.graph!;
    const hostile = patch(base, { graph: patch(g, { input: [valueInfo('x', DT.FLOAT, [-7, 64])] }) });
    const summary = analyzeModel(decodeModel(encodeModel(hostile)), 0);
    expect(summary.macs.total).toBeGreaterThanOrEqual(0);
    expect(summary.macs.complete).toBe(false);
    expect(summary.macs.impossible).toEqual(['fc1', 'fc2']);
    // The same model with a real batch counts both layers.
    const sane = analyzeModel(mlp(), 0, { dims: { batch: 1 } });
    expect(sane.macs.total).toBe(64 * 128 + 128 * 32);
    expect(sane.macs.impossible).toEqual([]);
  });
});
