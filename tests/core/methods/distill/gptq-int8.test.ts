import { describe, expect, it } from 'vitest';
import { gptqInt8 } from '../../../../src/core/methods/distill/gptq-int8';
import { InputHessian } from '../../../../src/core/methods/distill/input-hessian';
import { axisLayout, dequantizeInt8, quantizeInt8 } from '../../../../src/core/methods/kernels/quantize-int8';
import { int8Weight } from '../../../../src/core/methods/int8-weight';
import { int8WeightDeclaration } from '../../../../src/core/methods/declarations/int8-weight';
import { GPTQ_SAMPLES } from '../../../../src/core/methods/declarations/gptq-options';
import { encodeModel } from '../../../../src/core/onnx/encode';
import { createNodeRuntime } from '../../../../src/runtime/node';
import { modelOpener } from '../../../../src/runtime/calibrate';
import { seededRandom } from '../../../../src/core/util/random';
import { convBnRelu, transformerBlock } from '../../../fixtures/models';
import { runModel, seededFeeds, worstCosine } from '../run-helpers';
import { correlatedInputs } from '../../../fixtures/correlated-inputs';
import { outputError } from './layer-output-error';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

describe('GPTQ for int8 weights (a 64x24 layer, correlated inputs)', () => {
  const K = 64;
  const N = 24;
  const r = seededRandom(12);
  const data = Float32Array.from({ length: K * N }, () => r.normal() * 0.1);
  const h = new InputHessian(K);
  h.add(correlatedInputs(256, K, 5));
  const held = correlatedInputs(256, K, 6);
  for (const [perChannel, transposed] of [[true, false], [true, true], [false, false]] as const) {
    it(`per channel ${perChannel}, transposed ${transposed}: same scales as round to nearest, lower held-out output error`, () => {
      const layout = axisLayout(transposed ? [N, K] : [K, N], perChannel ? (transposed ? 0 : 1) : undefined);
      const rtn = quantizeInt8(data, layout, false);
      const q = gptqInt8({ data, k: K, n: N, transposed }, perChannel, false, h.symmetric(), { damp: 0.01, batch: 16, actOrder: false });
      if (typeof q === 'string') throw new Error(q);
      expect(q.scales).toEqual(rtn.scales);
      expect(q.zeroPoints).toEqual(rtn.zeroPoints);
      const gErr = outputError(held, 256, data, dequantizeInt8(q, layout), K, N, transposed);
      const rErr = outputError(held, 256, data, dequantizeInt8(rtn, layout), K, N, transposed);
      expect(gErr).toBeLessThan(0.7 * rErr);
      expect(q.sqnrDb).toBeLessThanOrEqual(rtn.sqnrDb);
    });
  }
});

describe('int8-weight algorithm=gptq (executed in onnxruntime-web)', () => {
  const feeds = (seed: number) => seededFeeds({ x: { dtype: 'float32', dims: [1, 12, 32] } }, seed);

  it('declares its calibration samples', () => {
    const defaults = Object.fromEntries(int8WeightDeclaration.options.map((f) => [f.key, f.default])) as never as Parameters<NonNullable<typeof int8WeightDeclaration.calibrationSamples>>[0];
    expect(int8WeightDeclaration.calibrationSamples!({ ...defaults, algorithm: 'gptq' })).toBe(GPTQ_SAMPLES);
    expect(int8WeightDeclaration.calibrationSamples!(defaults)).toBeUndefined();
  });

  it('transformerBlock: the same DequantizeLinear form and size, closer than round to nearest on held-out inputs', async () => {
    const m = transformerBlock();
    const calibrationInputs = Array.from({ length: 32 }, (_, i) => feeds(i + 1));
    const rtn = await int8Weight.apply(m, { minElements: 16 });
    const g = await int8Weight.apply(m, { minElements: 16, algorithm: 'gptq' }, { openModel, calibrationInputs });
    expect(encodeModel(g.model).byteLength).toBe(encodeModel(rtn.model).byteLength);
    let rtnGap = 0;
    let gptqGap = 0;
    for (const seed of [101, 102, 103, 104]) {
      const ref = await runModel(runtime, m, feeds(seed));
      rtnGap += 1 - worstCosine(ref, await runModel(runtime, rtn.model, feeds(seed)));
      gptqGap += 1 - worstCosine(ref, await runModel(runtime, g.model, feeds(seed)));
    }
    // Measured mean gaps (1 - worst output cosine): rtn 1.28e-5, gptq 1.07e-5 (0.84x).
    expect(gptqGap).toBeLessThan(0.95 * rtnGap);
  }, 600_000);

  it('quantizes group-1 Conv weights with GPTQ too (the same DequantizeLinear form and size as round to nearest)', async () => {
    const m = convBnRelu();
    const calibrationInputs = Array.from({ length: 8 }, (_, i) => seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 16, 16] } }, i + 1));
    const g = await int8Weight.apply(m, { minElements: 16, algorithm: 'gptq' }, { openModel, calibrationInputs });
    const rtn = await int8Weight.apply(m, { minElements: 16 });
    expect(g.warnings.join(' ')).not.toMatch(/to nearest/);
    expect(g.model.graph!.node.map((n) => n.opType)).toEqual(rtn.model.graph!.node.map((n) => n.opType));
    expect(encodeModel(g.model).byteLength).toBe(encodeModel(rtn.model).byteLength);
    expect(encodeModel(g.model)).not.toEqual(encodeModel(rtn.model));
  });
});
