import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, makeInt64Tensor, readIntegers, tensorDims } from '../../../src/core/ir/tensor';
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

/** Zeroes the filters `dead` of a [channels, ...] weight. */
function dead(values: Float32Array<ArrayBuffer>, channels: number, channelsDead: number[]): Float32Array<ArrayBuffer> {
  const per = values.length / channels;
  for (const c of channelsDead) values.fill(0, c * per, (c + 1) * per);
  return values;
}

const f = makeFloatTensor;
const ones = (n: number) => new Float32Array(n).fill(1);
const initializer = (m: ModelIR, name: string) => m.graph!.initializer.find((t) => t.name === name)!;

/**
 * image -> a 3x3 (8; 1 and 6 dead) -> Relu -> Split(axis 1, [4, 4]) -> p 1x1 (5)            ─┐
 *                                                                  └-> BN -> Relu -> q 1x1 (5) ┴ Add -> y
 * The Split sizes are an input constant (opset 13+) or, with `attribute`, the opset-11 attribute.
 */
function splitNet(attribute = false): ModelIR {
  const bnDead = (seed: number) => dead(randn(seed, 4, 0.1), 4, [2]);
  return model(
    graph({
      name: 'split_net',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 8, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 5, 8, 8])],
      initializers: [
        f('a.w', [8, 3, 3, 3], dead(randn(1, 8 * 27, 0.3), 8, [1, 6])),
        f('a.b', [8], dead(randn(2, 8, 0.1), 8, [1, 6])),
        ...(attribute ? [] : [makeInt64Tensor('sizes', [2], [4, 4])]),
        // The BN reads the second half: its channel 2 is a's channel 6, whose shift and mean are zero so it stays zero.
        f('bn.s', [4], Float32Array.from(randn(3, 4, 0.1), (v) => 1 + v)),
        f('bn.b', [4], bnDead(4)),
        f('bn.m', [4], bnDead(5)),
        f('bn.v', [4], ones(4)),
        f('p.w', [5, 4, 1, 1], randn(6, 20, 0.3)),
        f('q.w', [5, 4, 1, 1], randn(7, 20, 0.3)),
      ],
      nodes: [
        node('Conv', ['image', 'a.w', 'a.b'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'a' }),
        node('Relu', ['a'], ['ra'], {}, { name: 'ra' }),
        attribute
          ? node('Split', ['ra'], ['s0', 's1'], { axis: 1, split: [4, 4] }, { name: 'split' })
          : node('Split', ['ra', 'sizes'], ['s0', 's1'], { axis: 1 }, { name: 'split' }),
        node('Conv', ['s0', 'p.w'], ['p'], { kernel_shape: [1, 1] }, { name: 'p' }),
        node('BatchNormalization', ['s1', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['s1_bn'], {}, { name: 'bn' }),
        node('Relu', ['s1_bn'], ['s1_r'], {}, { name: 's1_r' }),
        node('Conv', ['s1_r', 'q.w'], ['q'], { kernel_shape: [1, 1] }, { name: 'q' }),
        node('Add', ['p', 'q'], ['y'], {}, { name: 'sum' }),
      ],
    }),
    { '': attribute ? 11 : 17 },
  );
}

/**
 * image -> a 3x3 (8; 1, 3, 5, 7 dead) -> Relu -> Slice(channels -6..end, rows 0..6) -> p 1x1 (4) -> y
 *                                          └-> dw 3x3 depthwise (8) -> r 1x1 (4) -> z
 */
function sliceNet(): ModelIR {
  return model(
    graph({
      name: 'slice_net',
      inputs: [valueInfo('image', DT.FLOAT, [1, 3, 8, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 4, 6, 8]), valueInfo('z', DT.FLOAT, [1, 4, 8, 8])],
      initializers: [
        f('a.w', [8, 3, 3, 3], dead(randn(1, 8 * 27, 0.3), 8, [1, 3, 5, 7])),
        f('a.b', [8], dead(randn(2, 8, 0.1), 8, [1, 3, 5, 7])),
        makeInt64Tensor('starts', [2], [-6, 0]),
        makeInt64Tensor('ends', [2], [1_000_000, 6]),
        makeInt64Tensor('axes', [2], [1, 2]),
        f('p.w', [4, 6, 1, 1], randn(3, 24, 0.3)),
        f('dw.w', [8, 1, 3, 3], randn(4, 72, 0.3)),
        f('r.w', [4, 8, 1, 1], randn(5, 32, 0.3)),
      ],
      nodes: [
        node('Conv', ['image', 'a.w', 'a.b'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'a' }),
        node('Relu', ['a'], ['ra'], {}, { name: 'ra' }),
        node('Slice', ['ra', 'starts', 'ends', 'axes'], ['sl'], {}, { name: 'slice' }),
        node('Conv', ['sl', 'p.w'], ['y'], { kernel_shape: [1, 1] }, { name: 'p' }),
        node('Conv', ['ra', 'dw.w'], ['d'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 }, { name: 'dw' }),
        node('Conv', ['d', 'r.w'], ['z'], { kernel_shape: [1, 1] }, { name: 'r' }),
      ],
    }),
  );
}

describe('prune-channels through Split and Slice on the channel axis', () => {
  it.each([
    ['split sizes input (opset 17)', false],
    ['split attribute (opset 11)', true],
  ])('%s: each part keeps its share, the sizes follow, outputs as they were, params and MACs drop by the cut', async (_, attribute) => {
    const m = splitNet(attribute);
    const bytes = encodeModel(m);
    const result = await applyRecipe(m, parseRecipe('prune-channels:ratio=0.25'));
    expect(sameBytes(encodeModel(m), bytes)).toBe(true);
    const step = result.steps[0]!;
    // One dead channel in each half of the Split: a ratio of 1/4 per part takes exactly those.
    expect(step.changes).toEqual([{ kind: 'channels-removed', name: 'a', before: 8, after: 6 }]);
    const split = result.model.graph!.node.find((n) => n.name === 'split')!;
    if (attribute) expect(split.attribute.find((x) => x.name === 'split')!.ints.map(Number)).toEqual([3, 3]);
    else expect(readIntegers(initializer(result.model, 'sizes'))).toEqual([3, 3]);
    expect(tensorDims(initializer(result.model, 'p.w'))).toEqual([5, 3, 1, 1]);
    expect(tensorDims(initializer(result.model, 'bn.s'))).toEqual([3]);
    await expectSameOutputs(runtime, m, result.model, feeds);
    // Per removed channel: a's filter 27 + bias 1 and its reader's 5 weights; channel 6 also its 4 BN entries.
    expect(step.before.parameters - step.after.parameters).toBe(2 * (28 + 5) + 4);
    // Per removed channel on the 8x8 map: a's 27 and its reader's 5 per pixel.
    expect(step.before.macs - step.after.macs).toBe(2 * (27 + 5) * 64);
  });

  it('a Slice on the channel axis: channels are chosen inside and outside its window, its bounds follow; a depthwise reader of the whole map follows too', async () => {
    const m = sliceNet();
    const result = await prune.apply(m, { ratio: 0.5 });
    // Window [2, 8) of 8: the run [0, 2) drops 1 (dead 1), the run [2, 8) drops 3 (dead 3, 5, 7).
    expect(result.changes).toEqual([{ kind: 'channels-removed', name: 'a', before: 8, after: 4 }]);
    expect(readIntegers(initializer(result.model, 'starts'))).toEqual([1, 0]);
    expect(readIntegers(initializer(result.model, 'ends'))).toEqual([4, 6]);
    expect(tensorDims(initializer(result.model, 'p.w'))).toEqual([4, 3, 1, 1]);
    const dw = result.model.graph!.node.find((n) => n.name === 'dw')!;
    expect(Number(dw.attribute.find((x) => x.name === 'group')!.i)).toBe(4);
    expect(result.channelMaps).toEqual([
      { node: 'a', kept: [0, 2, 4, 6] },
      { node: 'dw', kept: [0, 2, 4, 6] },
    ]);
    await expectSameOutputs(runtime, m, result.model, feeds);
  });

  it('importance=activation measures the channels through it (no fallback to filter norms): the dead ones go, outputs as they were', async () => {
    const m = splitNet();
    const calibrationInputs = [1, 2, 3].map((seed) => seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 8, 8] } }, seed));
    const r = await prune.apply(m, { ratio: 0.25, importance: 'activation' }, { openModel: modelOpener(runtime), calibrationInputs });
    expect(r.warnings.join(' ')).not.toMatch(/ranked by filter L2 norm/);
    expect(r.changes.length).toBeGreaterThan(0);
    await expectSameOutputs(runtime, m, r.model, feeds);
  });

  it('ratio 0 leaves the model as it was', async () => {
    for (const m of [splitNet(), sliceNet()]) {
      const r = await prune.apply(m, { ratio: 0 });
      expect(r.changes).toEqual([]);
      expect(sameBytes(encodeModel(r.model), encodeModel(m))).toBe(true);
    }
  });

  it('a Split output that reaches a graph output or is read by an op the pass does not cut leaves the group alone, and says why', async () => {
    const m = splitNet();
    const g = m.graph!;
    g.output.push(valueInfo('s0', DT.FLOAT, undefined));
    const r = await prune.apply(m, { ratio: 0.25 });
    expect(r.changes).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/a \(8 channels\): reaches graph output 's0' split/);
    const other = splitNet();
    other.graph!.node.push(node('Softmax', ['s1'], ['soft'], { axis: 1 }, { name: 'soft' }));
    other.graph!.output.push(valueInfo('soft', DT.FLOAT, undefined));
    const r2 = await prune.apply(other, { ratio: 0.25 });
    expect(r2.changes).toEqual([]);
    expect(r2.warnings.join(' ')).toMatch(/split and read by Softmax 'soft'/);
  });

  it('a Split whose sizes are not its own constant is left alone with the reason', async () => {
    const m = splitNet();
    m.graph!.node.push(node('Identity', ['sizes'], ['sizes_copy'], {}, { name: 'copy' }));
    m.graph!.output.push(valueInfo('sizes_copy', DT.INT64, [2]));
    const r = await prune.apply(m, { ratio: 0.25 });
    expect(r.changes).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/Split 'split' splits channels by 'sizes', which is not a constant of its own/);
  });
});
