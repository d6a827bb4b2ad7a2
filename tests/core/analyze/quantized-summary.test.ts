import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../../src/core/analyze/summary';
import { noOpReasons } from '../../../src/core/analyze/applicability';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { convBnRelu, mlp } from '../../fixtures/models';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';

const mlpWeights = 128 * 64 + 128 + 128 * 32 + 32;

async function compressed(recipe: string, m = mlp()) {
  const { bytes } = await applyRecipe(m, parseRecipe(recipe));
  return decodeModel(bytes);
}

describe('summary of quantized models', () => {
  it('counts integer weights as parameters: int8 and int4 forms of the mlp keep its weight count (plus their scales)', async () => {
    const int8 = analyzeModel(await compressed('int8-weight:minElements=1'), 0);
    // Every weight (biases stay float), plus one float scale per output channel of each matrix.
    expect(int8.params).toBeGreaterThanOrEqual(mlpWeights);
    expect(int8.params).toBeLessThan(mlpWeights * 1.1);
    expect(int8.bytesByDType.float32 ?? 0).toBeLessThan(mlpWeights);
    const int4 = analyzeModel(await compressed('int4'), 0);
    expect(int4.params).toBeGreaterThanOrEqual(mlpWeights);
    expect(int4.params).toBeLessThan(mlpWeights * 1.2);
  });

  it('says which methods would change nothing in an already-quantized model, and none in a float one', async () => {
    expect(noOpReasons(mlp())).toEqual({});
    expect(noOpReasons(convBnRelu())).toMatchObject({ int4: expect.stringMatching(/No MatMul\/Gemm in this model has a stored float32 weight/) });
    const int8 = noOpReasons(await compressed('int8-weight:minElements=1'));
    expect(int8['int8-weight']).toMatch(/already quantized \(\d+ DequantizeLinear\)/);
    expect(int8.int4).toMatch(/already quantized/);
    expect(int8['prune-channels']).toMatch(/already quantized/);
    expect(int8['low-rank']).toMatch(/No MatMul, Gemm or 1×1 Conv .* nothing to factor/);
    // convBnRelu's second Conv is 1×1, which low-rank factors; a model of 3×3 Convs only has nothing for it.
    expect(noOpReasons(convBnRelu())['low-rank']).toBeUndefined();
    const kByK = model(
      graph({
        name: 'k',
        inputs: [valueInfo('x', DT.FLOAT, [1, 3, 8, 8])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 4, 6, 6])],
        initializers: [makeFloatTensor('w', [4, 3, 3, 3], new Float32Array(108).fill(0.1))],
        nodes: [node('Conv', ['x', 'w'], ['y'], {}, { name: 'conv' })],
      }),
    );
    expect(noOpReasons(kByK)['low-rank']).toMatch(/1 Conv\(s\) with a float32 weight all have larger kernels/);
    // The float biases are left, so the float16 methods still have something to convert.
    expect(int8['fp16-weight']).toBeUndefined();
    expect(analyzeModel(await compressed('int8-weight:minElements=1'), 0).noOps).toEqual(int8);
  });
});

describe('shapes through a reflect Pad', () => {
  it('infers the padded shape, so MACs after a Pad are counted, not partial', async () => {
    const { voiceActivity } = await import('../../fixtures/voice-activity');
    const s = analyzeModel(voiceActivity(), 0, { dims: {} });
    const cost = (await import('../../../src/core/device/roofline')).modelCost(voiceActivity(), { input: [1, 512], sr: [] });
    expect(cost.macsComplete).toBe(true);
    expect(cost.macs).toBe(16 * 129 * 16 + 16 * 2);
    // At the load-time guess of 1 for each unnamed dim: 1 + 128 padded samples, one Conv step.
    expect(s.macs.total).toBe(16 * 129 + 16 * 2);
    expect(s.macs.complete).toBe(true);
  });
});
