import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../../src/core/ir/build';
import { DT } from '../../../../src/core/ir/dtype';
import type { ModelIR } from '../../../../src/core/ir/model';
import { makeFloatTensor } from '../../../../src/core/ir/tensor';
import { int8Weight } from '../../../../src/core/methods/int8-weight';
import { createNodeRuntime } from '../../../../src/runtime/node';
import { modelOpener } from '../../../../src/runtime/calibrate';
import type { Feeds } from '../../../../src/core/evaluate/tensor-data';
import { textImage } from '../../../fixtures/text-images';
import { randn, runModel } from '../run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

/** image[1,3,24,48] -> c1 3x3 (16) -> Relu -> c2 3x3 stride 2 (24) -> Relu -> c3 1x1 (8) -> out; a depthwise Conv beside them. */
function convStack(): ModelIR {
  return model(
    graph({
      name: 'conv_stack',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 24, 48])],
      outputs: [valueInfo('out', DT.FLOAT, undefined)],
      initializers: [
        makeFloatTensor('c1.w', [16, 3, 3, 3], randn(1, 16 * 27, 0.3)),
        makeFloatTensor('c1.b', [16], randn(2, 16, 0.1)),
        makeFloatTensor('dw.w', [16, 1, 3, 3], randn(3, 16 * 9, 0.3)),
        makeFloatTensor('c2.w', [24, 16, 3, 3], randn(4, 24 * 144, 0.1)),
        makeFloatTensor('c3.w', [8, 24, 1, 1], randn(5, 8 * 24, 0.3)),
      ],
      nodes: [
        node('Conv', ['image', 'c1.w', 'c1.b'], ['c1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, { name: 'c1' }),
        node('Relu', ['c1'], ['r1'], {}, { name: 'r1' }),
        node('Conv', ['r1', 'dw.w'], ['d'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3], group: 16 }, { name: 'dw' }),
        node('Conv', ['d', 'c2.w'], ['c2'], { pads: [1, 1, 1, 1], strides: [2, 2], kernel_shape: [3, 3] }, { name: 'c2' }),
        node('Relu', ['c2'], ['r2'], {}, { name: 'r2' }),
        node('Conv', ['r2', 'c3.w'], ['out'], { kernel_shape: [1, 1] }, { name: 'c3' }),
      ],
    }),
  );
}

const images = (seeds: number[]): Feeds[] => seeds.map((s) => ({ image: textImage(s, 24, 48) }));

async function outputNoise(ref: ModelIR, cand: ModelIR, inputs: readonly Feeds[]): Promise<number> {
  let noise = 0;
  for (const feeds of inputs) {
    const a = (await runModel(runtime, ref, feeds)).out!.data as Float32Array;
    const b = (await runModel(runtime, cand, feeds)).out!.data as Float32Array;
    for (let i = 0; i < a.length; i++) noise += (a[i]! - b[i]!) ** 2;
  }
  return noise;
}

describe('int8-weight:algorithm=gptq on Convs (im2col input Hessians, executed in onnxruntime-web)', () => {
  it('lowers the held-out output error of round to nearest with the same scales; the depthwise Conv is rounded and named', async () => {
    const m = convStack();
    const calibrationInputs = images(Array.from({ length: 16 }, (_, i) => i + 1));
    const heldOut = images([201, 202, 203, 204]);
    for (const perChannel of [true, false]) {
      const rtn = await int8Weight.apply(m, { minElements: 16, perChannel });
      const gptq = await int8Weight.apply(m, { minElements: 16, perChannel, algorithm: 'gptq' }, { openModel, calibrationInputs });
      expect(gptq.warnings.join(' ')).toMatch(/Rounded 1 Conv weight\(s\) to nearest instead of GPTQ: 'dw.w' \(a grouped Conv\)/);
      const scales = (r: typeof rtn) => r.model.graph!.initializer.filter((t) => t.name.endsWith('_scale')).map((t) => Array.from(new Float32Array(t.rawData.slice().buffer)));
      expect(scales(gptq)).toEqual(scales(rtn));
      const a = await outputNoise(m, rtn.model, heldOut);
      const b = await outputNoise(m, gptq.model, heldOut);
      // Measured (Σ squared output error on 4 held-out images): per channel rtn 1.76, gptq 0.276 (0.16x);
      // per tensor rtn 0.864, gptq 0.399 (0.46x).
      expect(b).toBeLessThan(0.9 * a);
    }
  }, 300_000);
});
