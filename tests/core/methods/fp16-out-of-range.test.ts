import { describe, expect, it } from 'vitest';
import { fp16 } from '../../../src/core/methods/fp16';
import { fp16Weight } from '../../../src/core/methods/fp16-weight';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { createNodeRuntime } from '../../../src/runtime/node';
import { runModel, seededFeeds, worstCosine } from './run-helpers';

const runtime = createNodeRuntime();

/** A BatchNormalization whose running variance holds values beyond ±65504 in two channels, as PaddleOCR's detector does. */
function wideVarianceBn() {
  const c = 8;
  const variance = Float32Array.from({ length: c }, (_, i) => (i === 2 ? 4e5 : i === 5 ? 9e4 : 0.5 + i * 0.1));
  return model(
    graph({
      inputs: [valueInfo('x', DT.FLOAT, [1, c, 4, 4])],
      outputs: [valueInfo('y', DT.FLOAT, [1, c, 4, 4])],
      initializers: [
        makeFloatTensor('scale', [c], Float32Array.from({ length: c }, (_, i) => (i === 2 ? 600 : i === 5 ? 300 : 1))),
        makeFloatTensor('bias', [c], new Float32Array(c)),
        makeFloatTensor('mean', [c], new Float32Array(c)),
        makeFloatTensor('var', [c], variance),
      ],
      nodes: [node('BatchNormalization', ['x', 'scale', 'bias', 'mean', 'var'], ['y'], { epsilon: { float: 1e-5 } }, { name: 'bn' })],
    }),
  );
}

describe('fp16 outOfRange', () => {
  it('declares keep-float32 (default) and clamp; the recipe grammar takes out-of-range=clamp; other values are a RecipeError', async () => {
    for (const m of [fp16, fp16Weight]) {
      expect(m.options.find((f) => f.key === 'outOfRange')).toMatchObject({ kind: 'enum', default: 'keep-float32', choices: ['keep-float32', 'clamp'] });
    }
    expect(fp16.options.find((f) => f.key === 'outOfRange')!.help).toMatch(/0\.84.*0\.99999/);
    expect(parseRecipe('fp16:out-of-range=clamp').steps[0]!.options.outOfRange).toBe('clamp');
    await expect(fp16.apply(wideVarianceBn(), { outOfRange: 'float32' } as never)).rejects.toMatchObject({ name: 'RecipeError', message: expect.stringContaining('keep-float32, clamp') });
  });

  it('keep-float32 keeps the wide variance exact; clamp names the tensor and count and costs fidelity (onnxruntime-web)', async () => {
    const m = wideVarianceBn();
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 8, 4, 4] } });
    const ref = await runModel(runtime, m, feeds);
    for (const method of [fp16, fp16Weight]) {
      // fp16-weight leaves tensors under 16 elements alone by default.
      const small = method === fp16Weight ? { minElements: 1 } : {};
      const kept = await method.apply(m, { ...small, outOfRange: 'keep-float32' } as never);
      const byDefault = await method.apply(m, small as never);
      expect(byDefault.warnings).toEqual(kept.warnings);
      expect(kept.warnings.join(' ')).toMatch(/Kept 1 tensor\(s\) float32 because they hold values beyond the float16 range \(±65504\): 'var' \(2 values\)/);
      const clamped = await method.apply(m, { ...small, outOfRange: 'clamp' } as never);
      expect(clamped.warnings.join(' ')).toMatch(/Clamped values outside the float16 range to ±65504 in 1 tensor\(s\): 'var' \(2 values\)/);
      const cosKept = worstCosine(ref, await runModel(runtime, kept.model, feeds));
      const cosClamped = worstCosine(ref, await runModel(runtime, clamped.model, feeds));
      console.log(`${method.id} on a BatchNorm with variance 4e5: cosine kept ${cosKept.toFixed(6)}, clamped ${cosClamped.toFixed(6)}`);
      expect(cosKept).toBeGreaterThanOrEqual(0.9999);
      expect(cosClamped).toBeLessThan(cosKept);
    }
  });
});
