import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, tensorDims } from '../../../src/core/ir/tensor';
import { getMethod } from '../../../src/core/methods/registry';
import { createNodeRuntime } from '../../../src/runtime/node';
import { randn, runModel, seededFeeds } from './run-helpers';

const runtime = createNodeRuntime();
const prune = getMethod('prune-channels');

/** Zeroes filters (and bias entries) `dead` of a [channels, ...] weight. */
function withDead(w: Float32Array<ArrayBuffer>, b: Float32Array<ArrayBuffer>, channels: number, dead: number[]): void {
  const per = w.length / channels;
  for (const c of dead) {
    w.fill(0, c * per, (c + 1) * per);
    b[c] = 0;
  }
}

/**
 * image[1,3,8,8] -> a 3x3 (8; 1, 4, 6 dead) -> Relu -> Resize x1 ─┐
 *                -> b 1x1 (4; 2 dead) -> Relu ─────────────────────┴ Concat(axis 1, 12) -> Relu -> out 1x1 (5) -> y
 * Cutting a's and b's dead channels must cut out's input channels at their offsets (0.. and 8..).
 */
function concatNet(extraReader = false): ModelIR {
  const aw = randn(1, 8 * 27, 0.3);
  const ab = randn(2, 8, 0.1);
  withDead(aw, ab, 8, [1, 4, 6]);
  const bw = randn(3, 4 * 3, 0.3);
  const bb = randn(4, 4, 0.1);
  withDead(bw, bb, 4, [2]);
  return model(
    graph({
      name: 'concat_net',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 8, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 5, 8, 8]), ...(extraReader ? [valueInfo('z', DT.FLOAT, undefined)] : [])],
      initializers: [
        makeFloatTensor('a.w', [8, 3, 3, 3], aw),
        makeFloatTensor('a.b', [8], ab),
        makeFloatTensor('b.w', [4, 3, 1, 1], bw),
        makeFloatTensor('b.b', [4], bb),
        makeFloatTensor('out.w', [5, 12, 1, 1], randn(5, 60, 0.3)),
        makeFloatTensor('scales', [4], Float32Array.of(1, 1, 1, 1)),
      ],
      nodes: [
        node('Conv', ['image', 'a.w', 'a.b'], ['a'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, { name: 'a' }),
        node('Relu', ['a'], ['ra'], {}, { name: 'ra' }),
        node('Resize', ['ra', '', 'scales'], ['sa'], { mode: 'nearest' }, { name: 'resize' }),
        node('Conv', ['image', 'b.w', 'b.b'], ['b'], { kernel_shape: [1, 1] }, { name: 'b' }),
        node('Relu', ['b'], ['rb'], {}, { name: 'rb' }),
        node('Concat', ['sa', 'rb'], ['cat'], { axis: 1 }, { name: 'concat' }),
        node('Relu', ['cat'], ['rc'], {}, { name: 'rc' }),
        node('Conv', ['rc', 'out.w'], ['y'], { kernel_shape: [1, 1] }, { name: 'out' }),
        ...(extraReader ? [node('Softmax', ['cat'], ['z'], { axis: 1 }, { name: 'other' })] : []),
      ],
    }),
  );
}

describe('prune-channels through a Concat on the channel axis (channel offsets)', () => {
  it('cuts each input group and the reader\'s input channels at their offsets; outputs unchanged', async () => {
    const m = concatNet();
    const out = await prune.apply(m, { ratio: 0.3 });
    expect(out.changes).toEqual([
      { kind: 'channels-removed', name: 'a', before: 8, after: 6 },
      { kind: 'channels-removed', name: 'b', before: 4, after: 3 },
    ]);
    expect(tensorDims(out.model.graph!.initializer.find((t) => t.name === 'out.w')!)).toEqual([5, 9, 1, 1]);
    const feeds = seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 8, 8] } });
    const x = (await runModel(runtime, m, feeds)).y!;
    const y = (await runModel(runtime, out.model, feeds)).y!;
    expect(y.dims).toEqual(x.dims);
    const a = x.data as Float32Array;
    const b = y.data as Float32Array;
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
  });

  it('leaves the concatenated groups alone when something else reads the Concat, and says why', async () => {
    const out = await prune.apply(concatNet(true), { ratio: 0.3 });
    expect(out.changes).toEqual([]);
    expect(out.warnings.join(' ')).toMatch(/concatenated and read by Softmax 'other'/);
  });
});
