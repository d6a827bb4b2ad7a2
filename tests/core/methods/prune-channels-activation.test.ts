import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { getMethod } from '../../../src/core/methods/registry';
import { UnsupportedModelError } from '../../../src/core/util/errors';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { textImage } from '../../fixtures/text-images';
import { randn, runModel } from './run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);
const prune = getMethod('prune-channels');

/**
 * image[1,3,16,16] -> c1 3x3 (4, no bias) -> BN -> Relu -> c2 1x1 (3) -> out. Channel 0's filter is
 * 100x smaller than the others but its BatchNorm scale is 100x larger: after the BN it carries as
 * much as any channel, which the filter norm cannot see.
 */
function rescaledChannel(): ModelIR {
  const w = randn(1, 4 * 27, 0.3);
  for (let i = 0; i < 27; i++) w[i] = w[i]! * 0.01;
  return model(
    graph({
      name: 'rescaled',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 16, 16])],
      outputs: [valueInfo('out', DT.FLOAT, [1, 3, 16, 16])],
      initializers: [
        makeFloatTensor('c1.w', [4, 3, 3, 3], w),
        makeFloatTensor('bn.s', [4], Float32Array.of(100, 1, 1, 1)),
        makeFloatTensor('bn.b', [4], Float32Array.of(0.1, 0.1, 0.1, 0.1)),
        makeFloatTensor('bn.m', [4], new Float32Array(4)),
        makeFloatTensor('bn.v', [4], Float32Array.of(1, 1, 1, 1)),
        makeFloatTensor('c2.w', [3, 4, 1, 1], randn(2, 12, 0.5)),
      ],
      nodes: [
        node('Conv', ['image', 'c1.w'], ['c1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, { name: 'c1' }),
        node('BatchNormalization', ['c1', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['b1'], {}, { name: 'bn' }),
        node('Relu', ['b1'], ['r1'], {}, { name: 'relu' }),
        node('Conv', ['r1', 'c2.w'], ['out'], { kernel_shape: [1, 1] }, { name: 'c2' }),
      ],
    }),
  );
}

const images = (seeds: number[]) => seeds.map((s) => ({ image: textImage(s, 16, 16) }));

describe('prune-channels importance=activation', () => {
  it('keeps a channel a BatchNorm scales up, which the filter norm would cut, and hands on the kept channels', async () => {
    const m = rescaledChannel();
    const byNorm = await prune.apply(m, { ratio: 0.25, importance: 'l1' });
    const byActivation = await prune.apply(m, { ratio: 0.25, importance: 'activation' }, { openModel, calibrationInputs: images([1, 2, 3, 4]) });
    expect(byNorm.channelMaps).toEqual([{ node: 'c1', kept: [1, 2, 3] }]);
    const kept = byActivation.channelMaps![0]!.kept;
    expect(kept).toContain(0);
    expect(kept).toHaveLength(3);
    expect(byActivation.warnings.join(' ')).not.toMatch(/synthetic/);
    // Cutting by activation loses less of the output on other images.
    const error = async (cand: ModelIR) => {
      let e = 0;
      for (const feeds of images([11, 12])) {
        const a = (await runModel(runtime, m, feeds)).out!.data as Float32Array;
        const b = (await runModel(runtime, cand, feeds)).out!.data as Float32Array;
        for (let i = 0; i < a.length; i++) e += (a[i]! - b[i]!) ** 2;
      }
      return e;
    };
    expect(await error(byActivation.model)).toBeLessThan(await error(byNorm.model));
  });

  it('needs a runtime; without samples it measures seeded synthetic inputs and says so', async () => {
    await expect(prune.apply(rescaledChannel(), { ratio: 0.25, importance: 'activation' })).rejects.toBeInstanceOf(UnsupportedModelError);
    const out = await prune.apply(rescaledChannel(), { ratio: 0.25, importance: 'activation' }, { openModel });
    expect(out.warnings.join(' ')).toMatch(/seeded synthetic/);
    expect(prune.calibrationSamples?.({ ratio: 0.25, roundTo: 1, importance: 'activation', excludeNodes: [] })).toBe(16);
    expect(prune.calibrationSamples?.({ ratio: 0.25, roundTo: 1, importance: 'l1', excludeNodes: [] })).toBeUndefined();
  });
});
