import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, makeInt64Tensor, tensorDims } from '../../../src/core/ir/tensor';
import { getMethod } from '../../../src/core/methods/registry';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { randn, runModel, seededFeeds } from './run-helpers';

const runtime = createNodeRuntime();
const prune = getMethod('prune-channels');
const DEAD = [1, 4, 6];

/** image[1,3,4,4] -> conv 3x3 (8; channels 1, 4, 6 dead) -> Relu -> Flatten or Reshape [0, -1] -> Gemm transB [5, 128] -> out[1,5]. */
function flattenGemm(flatten: 'Flatten' | 'Reshape'): ModelIR {
  const w = randn(1, 8 * 27, 0.3);
  const b = randn(2, 8, 0.1);
  for (const c of DEAD) {
    w.fill(0, c * 27, (c + 1) * 27);
    b[c] = 0;
  }
  return model(
    graph({
      name: 'flatten_gemm',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 4, 4])],
      outputs: [valueInfo('out', DT.FLOAT, [1, 5])],
      initializers: [
        makeFloatTensor('conv.w', [8, 3, 3, 3], w),
        makeFloatTensor('conv.b', [8], b),
        makeFloatTensor('fc.w', [5, 128], randn(3, 5 * 128, 0.2)),
        makeFloatTensor('fc.b', [5], randn(4, 5, 0.1)),
        ...(flatten === 'Reshape' ? [makeInt64Tensor('shape', [2], [0, -1])] : []),
      ],
      nodes: [
        node('Conv', ['image', 'conv.w', 'conv.b'], ['c'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, { name: 'conv' }),
        node('Relu', ['c'], ['r'], {}, { name: 'relu' }),
        flatten === 'Flatten' ? node('Flatten', ['r'], ['f'], { axis: 1 }, { name: 'flatten' }) : node('Reshape', ['r', 'shape'], ['f'], {}, { name: 'reshape' }),
        node('Gemm', ['f', 'fc.w', 'fc.b'], ['out'], { transB: 1 }, { name: 'fc' }),
      ],
    }),
  );
}

describe('prune-channels through Flatten/Reshape into a Gemm (each channel a block of H x W features)', () => {
  it.each(['Flatten', 'Reshape'] as const)('%s: the dead channels go with their 16-feature blocks of the Gemm weight, outputs unchanged', async (flatten) => {
    const m = flattenGemm(flatten);
    const out = await prune.apply(m, { ratio: 3 / 8 });
    expect(out.changes).toEqual([{ kind: 'channels-removed', name: 'conv', before: 8, after: 5 }]);
    const fc = out.model.graph!.initializer.find((t) => t.name === 'fc.w')!;
    expect(tensorDims(fc)).toEqual([5, 80]);
    const feeds = seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 4, 4] } });
    const a = (await runModel(runtime, m, feeds)).out!;
    const b = (await runModel(runtime, out.model, feeds)).out!;
    expect(b.dims).toEqual(a.dims);
    const x = a.data as Float32Array;
    const y = b.data as Float32Array;
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(x[i]!, 5);
  });

  it('importance=activation sums each channel\'s block of Gemm inputs (no fallback to filter norms): the dead channels go', async () => {
    const m = flattenGemm('Flatten');
    const calibrationInputs = [1, 2, 3].map((seed) => seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 4, 4] } }, seed));
    const out = await prune.apply(m, { ratio: 3 / 8, importance: 'activation' }, { openModel: modelOpener(runtime), calibrationInputs });
    expect(out.warnings.join(' ')).not.toMatch(/ranked by filter L2 norm/);
    expect(out.channelMaps).toEqual([{ node: 'conv', kept: [0, 2, 3, 5, 7] }]);
  });

  it('a flattened map read by something else is left as it is, with the reason', async () => {
    const m = flattenGemm('Flatten');
    const g = m.graph!;
    const extra = { ...g, output: [...g.output, valueInfo('f', DT.FLOAT, undefined)] } as typeof g;
    const out = await prune.apply({ ...m, graph: extra } as ModelIR, { ratio: 3 / 8 });
    expect(out.changes).toEqual([]);
    expect(out.warnings.join(' ')).toMatch(/reaches graph output 'f' flattened/);
  });
});
