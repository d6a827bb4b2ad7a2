import { describe, expect, it } from 'vitest';
import { modelWorkerApi } from '../../workers/model-api';
import { encodeModel } from '../../src/core/onnx/encode';
import { convBnRelu, mlp } from '../fixtures/models';

describe('the model worker flags a recipe that changed nothing', () => {
  it('int4 on a model without MatMul/Gemm, int8-weight on an int8 model: unchanged; a real compression is not', async () => {
    const conv = { model: encodeModel(convBnRelu()), external: {} };
    const noMatMul = await modelWorkerApi.compress(conv, { steps: [{ method: 'int4', options: {} }] });
    expect(noMatMul.unchanged).toBe(true);
    const once = await modelWorkerApi.compress({ model: encodeModel(mlp()), external: {} }, { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    expect(once.unchanged).toBeUndefined();
    const twice = await modelWorkerApi.compress({ model: once.bytes, external: {} }, { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    expect(twice.unchanged).toBe(true);
    expect(modelWorkerApi.analyze({ model: once.bytes, external: {} }).noOps?.['int8-weight']).toMatch(/already quantized/);
  });
});
