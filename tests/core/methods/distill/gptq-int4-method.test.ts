import { describe, expect, it } from 'vitest';
import { int4 } from '../../../../src/core/methods/int4';
import { applyRecipe, parseRecipe } from '../../../../src/core/recipe';
import { encodeModel } from '../../../../src/core/onnx/encode';
import { createNodeRuntime } from '../../../../src/runtime/node';
import { modelOpener } from '../../../../src/runtime/calibrate';
import { UnsupportedModelError } from '../../../../src/core/util/errors';
import { listNodes } from '../../../../src/core/ir/walk';
import { transformerBlock } from '../../../fixtures/models';
import { runModel, seededFeeds, worstCosine } from '../run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);
const feeds = (seed: number) => seededFeeds({ x: { dtype: 'float32', dims: [1, 12, 32] } }, seed);

describe('int4 algorithm=gptq (transformerBlock, executed in onnxruntime-web)', () => {
  it('runs from the recipe grammar, keeps the MatMulNBits format and is closer than round to nearest on held-out inputs', async () => {
    const m = transformerBlock();
    const calibrationInputs = Array.from({ length: 32 }, (_, i) => feeds(i + 1));
    const rtn = await int4.apply(m, { block: 16, minElements: 16 });
    const kinds = (x: typeof m) => listNodes(x).map(({ node: n }) => n.opType).sort();
    for (const [recipe, ratio] of [
      // Measured mean held-out gaps (1 - worst output cosine): rtn 0.00371, gptq 0.00288 (0.78x), with act-order 0.00314 (0.85x).
      ['int4:block=16,min-elements=16,algorithm=gptq', 0.85],
      ['int4:block=16,min-elements=16,algorithm=gptq,act-order=true,block-size=8,damp=0.02', 0.95],
    ] as const) {
      const r = await applyRecipe(m, parseRecipe(recipe), { openModel, calibrationInputs });
      expect(kinds(r.model)).toEqual(kinds(rtn.model));
      expect(encodeModel(r.model).byteLength).toBe(encodeModel(rtn.model).byteLength);
      let rtnGap = 0;
      let gptqGap = 0;
      for (const seed of [101, 102, 103, 104]) {
        const ref = await runModel(runtime, m, feeds(seed));
        rtnGap += 1 - worstCosine(ref, await runModel(runtime, rtn.model, feeds(seed)));
        gptqGap += 1 - worstCosine(ref, await runModel(runtime, r.model, feeds(seed)));
      }
      expect(gptqGap).toBeLessThan(ratio * rtnGap);
    }
  }, 600_000);

  it('without samples it synthesizes seeded ones and says so; the same result twice', async () => {
    const m = transformerBlock();
    const a = await int4.apply(m, { block: 16, minElements: 16, algorithm: 'gptq' }, { openModel });
    const b = await int4.apply(m, { block: 16, minElements: 16, algorithm: 'gptq' }, { openModel });
    expect(a.warnings.join(' ')).toMatch(/seeded synthetic/);
    expect(encodeModel(a.model)).toEqual(encodeModel(b.model));
  });

  it('needs a runtime to measure layer inputs', async () => {
    await expect(int4.apply(transformerBlock(), { algorithm: 'gptq', minElements: 16, block: 16 })).rejects.toBeInstanceOf(UnsupportedModelError);
  });

  it('rejects an unknown algorithm', async () => {
    await expect(int4.apply(transformerBlock(), { algorithm: 'hqq' })).rejects.toThrow(/rtn, gptq/);
  });
});
