import { describe, expect, it } from 'vitest';
import { attr, graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { patch } from '../../../src/core/ir/edit';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { listNodes } from '../../../src/core/ir/walk';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { modelOpener } from '../../../src/runtime/calibrate';
import { createNodeRuntime } from '../../../src/runtime/node';
import { randn, runModel, seededFeeds, worstCosine } from './run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

/** y = If(flag, then: Relu(x) @ Wt (activation made in the branch), else: x @ We (x from the main graph)). */
function ifModel() {
  const branch = (name: string, inner: boolean) =>
    graph({
      name,
      inputs: [],
      outputs: [valueInfo(`${name}_out`, DT.FLOAT, [1, 24])],
      nodes: [
        node('Constant', [], [`${name}_w`], { value: makeFloatTensor(`${name}_w`, [16, 24], randn(name.length, 16 * 24, 0.25)) }, { name: `${name}_const` }),
        ...(inner ? [node('Relu', ['x'], [`${name}_relu`], {}, { name: `${name}_relu` })] : []),
        node('MatMul', [inner ? `${name}_relu` : 'x', `${name}_w`], [`${name}_out`], {}, { name: `${name}_matmul` }),
      ],
    });
  return model(
    graph({
      inputs: [valueInfo('x', DT.FLOAT, [1, 16]), valueInfo('flag', DT.BOOL, [])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 24])],
      nodes: [patch(node('If', ['flag'], ['y'], {}, { name: 'branch' }), { attribute: [attr('then_branch', branch('then', true)), attr('else_branch', branch('else', false))] })],
    }),
  );
}

describe('int8-static inside subgraphs', () => {
  it('quantizes a branch operator that reads a main-graph activation and keeps one that reads a branch-made activation float', async () => {
    const m = ifModel();
    const r = await applyRecipe(m, parseRecipe('int8-static:samples=2'), { openModel });
    const [thenB, elseB] = r.model.graph!.node.find((n) => n.opType === 'If')!.attribute.map((a) => a.g!);
    expect(thenB!.node.map((n) => n.opType)).toEqual(['Constant', 'Relu', 'MatMul']);
    expect(elseB!.node.map((n) => n.opType)).toEqual(['Constant', 'Constant', 'Constant', 'DequantizeLinear', 'MatMul']);
    expect(elseB!.node[4]!.input[0]).toBe('x_dequantized');
    expect(thenB!.node[1]!.input[0]).toBe('x_dequantized'); // every reader of the quantized activation, subgraphs included
    expect(r.steps.flatMap((s) => s.warnings).join(' ')).toMatch(/Kept 1 operator\(s\) inside subgraphs float/);
    expect(listNodes(r.model).filter(({ node: n }) => n.opType === 'QuantizeLinear')).toHaveLength(1);
    for (const flag of [0, 1]) {
      const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } }, 5 + flag);
      feeds.flag = { dtype: 'bool', dims: [], data: Uint8Array.of(flag) };
      expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, r.model, feeds))).toBeGreaterThan(0.99); // two synthetic calibration samples: 0.995 measured
    }
  });
});
