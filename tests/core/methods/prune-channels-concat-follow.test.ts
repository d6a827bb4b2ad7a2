import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, tensorDims } from '../../../src/core/ir/tensor';
import { encodeModel } from '../../../src/core/onnx/encode';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { getMethod } from '../../../src/core/methods/registry';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { randn, sameBytes, seededFeeds } from './run-helpers';
import { expectSameOutputs } from './same-outputs';

const runtime = createNodeRuntime();
const prune = getMethod('prune-channels');
const feeds = seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 8, 8] } });
const f = makeFloatTensor;

/** Zeroes the slices `dead` along axis 0 of a [channels, ...] tensor. */
function dead(values: Float32Array<ArrayBuffer>, channels: number, channelsDead: number[]): Float32Array<ArrayBuffer> {
  const per = values.length / channels;
  for (const c of channelsDead) values.fill(0, c * per, (c + 1) * per);
  return values;
}
/** Dead positions of the 12 concatenated channels: a's 1, 4, 6 and b's 2 at offset 8. */
const DEAD_CAT = [1, 4, 6, 10];

/**
 * image -> a 3x3 (8) -> Relu ─┐ Concat ─┐
 *       -> b 1x1 (4) -> Relu ─┘         Add -> BN -> Relu -> Mul(per-channel scale) -> dw 3x3 depthwise (12) -> out 1x1 (5) -> y
 *       -> a2 3x3 (8) ────────┐ Concat ─┘
 *       -> b2 1x1 (4) ────────┘
 * The Add couples a with a2 and b with b2 (same segment layout); BN, the scale and the depthwise
 * Conv read all 12 concatenated channels. With `swapped`, the second Concat lists b2 first.
 */
function concatFollowNet(swapped = false): ModelIR {
  const aDead = [1, 4, 6];
  return model(
    graph({
      name: 'concat_follow',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 8, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 5, 8, 8])],
      initializers: [
        f('a.w', [8, 3, 3, 3], dead(randn(1, 8 * 27, 0.3), 8, aDead)),
        f('a.b', [8], dead(randn(2, 8, 0.1), 8, aDead)),
        f('b.w', [4, 3, 1, 1], dead(randn(3, 12, 0.3), 4, [2])),
        f('b.b', [4], dead(randn(4, 4, 0.1), 4, [2])),
        f('a2.w', [8, 3, 3, 3], dead(randn(5, 8 * 27, 0.3), 8, aDead)),
        f('b2.w', [4, 3, 1, 1], dead(randn(6, 12, 0.3), 4, [2])),
        f('bn.s', [12], Float32Array.from(randn(7, 12, 0.1), (v) => 1 + v)),
        f('bn.b', [12], dead(randn(8, 12, 0.1), 12, DEAD_CAT)),
        f('bn.m', [12], dead(randn(9, 12, 0.1), 12, DEAD_CAT)),
        f('bn.v', [12], new Float32Array(12).fill(1)),
        f('scale', [1, 12, 1, 1], Float32Array.from(randn(10, 12, 0.2), (v) => 1 + v)),
        f('dw.w', [12, 1, 3, 3], randn(11, 108, 0.3)),
        f('dw.b', [12], dead(randn(12, 12, 0.1), 12, DEAD_CAT)),
        f('out.w', [5, 12, 1, 1], randn(13, 60, 0.3)),
      ],
      nodes: [
        node('Conv', ['image', 'a.w', 'a.b'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'a' }),
        node('Relu', ['a'], ['ra'], {}, { name: 'ra' }),
        node('Conv', ['image', 'b.w', 'b.b'], ['b'], { kernel_shape: [1, 1] }, { name: 'b' }),
        node('Relu', ['b'], ['rb'], {}, { name: 'rb' }),
        node('Conv', ['image', 'a2.w'], ['a2'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'a2' }),
        node('Conv', ['image', 'b2.w'], ['b2'], { kernel_shape: [1, 1] }, { name: 'b2' }),
        node('Concat', ['ra', 'rb'], ['cat'], { axis: 1 }, { name: 'cat' }),
        node('Concat', swapped ? ['b2', 'a2'] : ['a2', 'b2'], ['cat2'], { axis: 1 }, { name: 'cat2' }),
        node('Add', ['cat', 'cat2'], ['sum'], {}, { name: 'sum' }),
        node('BatchNormalization', ['sum', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['bn'], {}, { name: 'bn' }),
        node('Relu', ['bn'], ['rbn'], {}, { name: 'rbn' }),
        node('Mul', ['rbn', 'scale'], ['scaled'], {}, { name: 'scaled' }),
        node('Conv', ['scaled', 'dw.w', 'dw.b'], ['dw'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 12 }, { name: 'dw' }),
        node('Conv', ['dw', 'out.w'], ['y'], { kernel_shape: [1, 1] }, { name: 'out' }),
      ],
    }),
  );
}

const dims = (m: ModelIR, name: string) => tensorDims(m.graph!.initializer.find((t) => t.name === name)!);

describe('prune-channels after a Concat: BatchNormalization, Add of two Concats, per-channel constants and a depthwise Conv follow the segments', () => {
  it('cuts every segment where its group chose, outputs as they were, params and MACs drop by the cut', async () => {
    const m = concatFollowNet();
    const bytes = encodeModel(m);
    const result = await applyRecipe(m, parseRecipe('prune-channels:ratio=0.3'));
    expect(sameBytes(encodeModel(m), bytes)).toBe(true);
    const step = result.steps[0]!;
    expect(step.changes).toEqual([
      { kind: 'channels-removed', name: 'a', before: 8, after: 6 },
      { kind: 'channels-removed', name: 'a2', before: 8, after: 6 },
      { kind: 'channels-removed', name: 'b', before: 4, after: 3 },
      { kind: 'channels-removed', name: 'b2', before: 4, after: 3 },
    ]);
    for (const name of ['bn.s', 'bn.b', 'bn.m', 'bn.v', 'dw.b']) expect(dims(result.model, name)).toEqual([9]);
    expect(dims(result.model, 'scale')).toEqual([1, 9, 1, 1]);
    expect(dims(result.model, 'dw.w')).toEqual([9, 1, 3, 3]);
    expect(dims(result.model, 'out.w')).toEqual([5, 9, 1, 1]);
    const dw = result.model.graph!.node.find((n) => n.name === 'dw')!;
    expect(Number(dw.attribute.find((x) => x.name === 'group')!.i)).toBe(9);
    await expectSameOutputs(runtime, m, result.model, feeds);
    // Removed: 2 channels of a and a2 (27 weights, a's bias), 1 of b and b2 (3, b's bias); for each of
    // the 3 concatenated channels, BN 4, scale 1, dw 9 + 1 and out's 5 input weights.
    expect(step.before.parameters - step.after.parameters).toBe(2 * 28 + 2 * 27 + 4 + 3 + 3 * (4 + 1 + 10 + 5));
    // Per pixel of the 8x8 map: a and a2 27 per channel, b and b2 3, dw 9 and out 5 per concatenated channel.
    expect(step.before.macs - step.after.macs).toBe(64 * (4 * 27 + 2 * 3 + 3 * (9 + 5)));
  });

  it('importance=activation measures the channels through it (no fallback to filter norms): the dead ones go, outputs as they were', async () => {
    const m = concatFollowNet();
    const calibrationInputs = [1, 2, 3].map((seed) => seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 8, 8] } }, seed));
    const r = await prune.apply(m, { ratio: 0.3, importance: 'activation' }, { openModel: modelOpener(runtime), calibrationInputs });
    expect(r.warnings.join(' ')).not.toMatch(/ranked by filter L2 norm/);
    expect(r.changes.length).toBeGreaterThan(0);
    await expectSameOutputs(runtime, m, r.model, feeds);
  });

  it('ratio 0 leaves the model as it was', async () => {
    const m = concatFollowNet();
    const r = await prune.apply(m, { ratio: 0 });
    expect(r.changes).toEqual([]);
    expect(sameBytes(encodeModel(r.model), encodeModel(m))).toBe(true);
  });

  it('an Add of two Concats whose segments do not line up leaves their groups alone and says why', async () => {
    const r = await prune.apply(concatFollowNet(true), { ratio: 0.3 });
    expect(r.changes).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/concatenated and read by Add 'sum'/);
  });
});
