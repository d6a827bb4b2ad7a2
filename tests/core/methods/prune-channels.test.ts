import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, tensorDims } from '../../../src/core/ir/tensor';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { getMethod } from '../../../src/core/methods/registry';
import { RecipeError } from '../../../src/core/util/errors';
import { createNodeRuntime } from '../../../src/runtime/node';
import { randn, runModel, sameBytes, seededFeeds, worstCosine } from './run-helpers';

const runtime = createNodeRuntime();
const prune = getMethod('prune-channels');
const DEAD = [1, 4, 6];

/** Zeroes the slices at DEAD along axis 0 of a [8, ...] tensor. */
function deadRows(values: Float32Array<ArrayBuffer>, channels = 8): Float32Array<ArrayBuffer> {
  const per = values.length / channels;
  for (const c of DEAD) values.fill(0, c * per, (c + 1) * per);
  return values;
}

const t = (name: string, dims: number[], values: Float32Array<ArrayBuffer>) => makeFloatTensor(name, dims, values);
const ones = (n: number) => new Float32Array(n).fill(1);

/**
 * image[1,4,8,8] -> convA 3x3 (8) -> BN -> Relu -> depthwise 3x3 -> BN -> Add(residual) ->
 * squeeze-excitation (GlobalAveragePool -> se1 1x1 (4) -> Relu -> se2 1x1 (8) -> HardSigmoid -> Mul)
 * -> out 1x1 (6). Channels 1, 4 and 6 of the 8-channel group are dead (exactly zero everywhere), so
 * removing them must leave the outputs as they are.
 */
function residualSe(): ModelIR {
  return model(
    graph({
      name: 'residual_se',
      inputs: [valueInfo('image', DT.FLOAT, [1, 4, 8, 8])],
      outputs: [valueInfo('out', DT.FLOAT, [1, 6, 8, 8])],
      initializers: [
        t('a.w', [8, 4, 3, 3], deadRows(randn(1, 8 * 36, 0.3))),
        t('a.b', [8], deadRows(randn(2, 8, 0.1))),
        t('bn1.s', [8], Float32Array.from(randn(3, 8, 0.1), (v) => 1 + v)),
        t('bn1.b', [8], deadRows(randn(4, 8, 0.1))),
        t('bn1.m', [8], deadRows(randn(5, 8, 0.1))),
        t('bn1.v', [8], ones(8)),
        t('dw.w', [8, 1, 3, 3], randn(6, 72, 0.3)),
        t('dw.b', [8], deadRows(randn(7, 8, 0.1))),
        t('bn2.s', [8], ones(8)),
        t('bn2.b', [8], deadRows(randn(8, 8, 0.1))),
        t('bn2.m', [8], deadRows(randn(9, 8, 0.1))),
        t('bn2.v', [8], ones(8)),
        t('se1.w', [4, 8, 1, 1], randn(10, 32, 0.3)),
        t('se1.b', [4], randn(11, 4, 0.1)),
        t('se2.w', [8, 4, 1, 1], deadRows(randn(12, 32, 0.3))),
        t('se2.b', [8], randn(13, 8, 0.1)),
        t('out.w', [6, 8, 1, 1], randn(14, 48, 0.3)),
      ],
      nodes: [
        node('Conv', ['image', 'a.w', 'a.b'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'convA' }),
        node('BatchNormalization', ['a', 'bn1.s', 'bn1.b', 'bn1.m', 'bn1.v'], ['a_bn'], {}, { name: 'bn1' }),
        node('Relu', ['a_bn'], ['a_r'], {}, { name: 'relu1' }),
        node('Conv', ['a_r', 'dw.w', 'dw.b'], ['d'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 }, { name: 'dw' }),
        node('BatchNormalization', ['d', 'bn2.s', 'bn2.b', 'bn2.m', 'bn2.v'], ['d_bn'], {}, { name: 'bn2' }),
        node('Add', ['a_r', 'd_bn'], ['sum'], {}, { name: 'residual' }),
        node('GlobalAveragePool', ['sum'], ['pooled'], {}, { name: 'gap' }),
        node('Conv', ['pooled', 'se1.w', 'se1.b'], ['s1'], { kernel_shape: [1, 1] }, { name: 'se1' }),
        node('Relu', ['s1'], ['s1_r'], {}, { name: 'se_relu' }),
        node('Conv', ['s1_r', 'se2.w', 'se2.b'], ['s2'], { kernel_shape: [1, 1] }, { name: 'se2' }),
        node('HardSigmoid', ['s2'], ['gate'], {}, { name: 'se_gate' }),
        node('Mul', ['sum', 'gate'], ['scaled'], {}, { name: 'se_mul' }),
        node('Conv', ['scaled', 'out.w'], ['out'], { kernel_shape: [1, 1] }, { name: 'convOut' }),
      ],
    }),
  );
}

const feeds = seededFeeds({ image: { dtype: 'float32', dims: [1, 4, 8, 8] } });

describe('prune-channels', () => {
  it('removes dead channels through BN, depthwise, residual Add and an SE gate: outputs as they were, params and MACs drop by the cut', async () => {
    const bytes = encodeModel(residualSe());
    const before = bytes.slice();
    const m = decodeModel(bytes);
    // 3 of 8 channels; se1's own 4-channel group is excluded so only the dead channels go.
    const result = await applyRecipe(m, parseRecipe('prune-channels:ratio=0.375,exclude-nodes=se1'));
    expect(sameBytes(bytes, before)).toBe(true);
    const step = result.steps[0]!;
    expect(step.changes).toEqual([
      { kind: 'channels-removed', name: 'convA', before: 8, after: 5 },
      { kind: 'channels-removed', name: 'se2', before: 8, after: 5 },
    ]);
    expect(step.warnings.join(' ')).toMatch(/convOut \(6 channels\): reaches graph output 'out'/);
    expect(step.warnings.join(' ')).toMatch(/se1 \(4 channels\): se1 excluded/);
    const ref = await runModel(runtime, m, feeds);
    const out = await runModel(runtime, result.model, feeds);
    expect(out.out!.dims).toEqual([1, 6, 8, 8]);
    const a = ref.out!.data as Float32Array;
    const b = out.out!.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    // Per removed channel: convA 36 + 1, bn1 4, dw 9 + 1, bn2 4, se1 input 4, se2 4 + 1, convOut input 6.
    expect(step.before.parameters - step.after.parameters).toBe(3 * 70);
    // Per removed channel on the 8x8 map: convA 36, dw 9, convOut 6 each per pixel; se1 and se2 4 each once.
    expect(step.before.macs - step.after.macs).toBe(3 * ((36 + 9 + 6) * 64 + 8));
    const dw = result.model.graph!.node.find((n) => n.name === 'dw')!;
    expect(Number(dw.attribute.find((x) => x.name === 'group')!.i)).toBe(5);
    const w = result.model.graph!.initializer.find((x) => x.name === 'out.w')!;
    expect(tensorDims(w)).toEqual([6, 5, 1, 1]);
  });

  it('ratio 0 gives the model back with identical outputs', async () => {
    const m = residualSe();
    const r = await prune.apply(m, { ratio: 0 });
    expect(r.changes).toEqual([]);
    expect(sameBytes(encodeModel(r.model), encodeModel(m))).toBe(true);
  });

  it('removing every channel of a group is refused with a typed error that says so', async () => {
    await expect(prune.apply(residualSe(), { ratio: 1 })).rejects.toThrow(RecipeError);
    await expect(prune.apply(residualSe(), { ratio: 1 })).rejects.toThrow(/would remove all 8 channels of convA, se2/);
  });

  it('roundTo keeps the counts a multiple, rounding the kept count up', async () => {
    const r = await prune.apply(residualSe(), { ratio: 0.5, roundTo: 4 });
    // 8 -> 4 kept; se1's 4 -> 2 kept, rounded up to 4: unchanged.
    expect(r.changes).toEqual([
      { kind: 'channels-removed', name: 'convA', before: 8, after: 4 },
      { kind: 'channels-removed', name: 'se2', before: 8, after: 4 },
    ]);
    const ref = await runModel(runtime, residualSe(), feeds);
    const out = await runModel(runtime, r.model, feeds);
    expect(worstCosine(ref, out)).toBeGreaterThan(0.5);
  });

  it('an FFN (Gemm transB -> Relu -> MatMul): dead hidden units go with their bias and the next MatMul rows, outputs as they were', async () => {
    const m = model(
      graph({
        name: 'ffn',
        inputs: [valueInfo('x', DT.FLOAT, [2, 16])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 6])],
        initializers: [
          t('fc1.w', [8, 16], deadRows(randn(1, 128))),
          t('fc1.b', [8], deadRows(randn(2, 8, 0.1))),
          t('fc2.w', [8, 6], randn(3, 48)),
          t('fc2.b', [6], randn(4, 6, 0.1)),
        ],
        nodes: [
          node('Gemm', ['x', 'fc1.w', 'fc1.b'], ['h'], { transB: 1 }, { name: 'fc1' }),
          node('Relu', ['h'], ['a'], {}, { name: 'act' }),
          node('MatMul', ['a', 'fc2.w'], ['m'], {}, { name: 'fc2' }),
          node('Add', ['m', 'fc2.b'], ['y'], {}, { name: 'fc2_bias' }),
        ],
      }),
    );
    const result = await applyRecipe(m, parseRecipe('prune-channels:ratio=0.375'));
    const step = result.steps[0]!;
    expect(step.changes).toEqual([{ kind: 'channels-removed', name: 'fc1', before: 8, after: 5 }]);
    expect(step.warnings.join(' ')).toMatch(/fc2 \(6 channels\): reaches graph output 'y'/);
    const x = seededFeeds({ x: { dtype: 'float32', dims: [2, 16] } });
    const ref = (await runModel(runtime, m, x)).y!.data as Float32Array;
    const out = (await runModel(runtime, result.model, x)).y!.data as Float32Array;
    expect(Math.max(...ref.map((v, i) => Math.abs(v - out[i]!)))).toBeLessThan(1e-5);
    // Per removed unit: fc1 row 16 + bias 1, fc2 row 6; MACs per row of x (2 rows): 16 + 6.
    expect(step.before.parameters - step.after.parameters).toBe(3 * 23);
    expect(step.before.macs - step.after.macs).toBe(2 * 3 * 22);
  });

  it('a MatMul producer ranks its output columns: the dead ones go', async () => {
    // x[2,16] -> MatMul [16, 8] with columns 1, 4, 6 zero -> Relu -> MatMul [8, 6] -> y.
    const w1 = randn(5, 128);
    for (let k = 0; k < 16; k++) for (const c of DEAD) w1[k * 8 + c] = 0;
    const m = model(
      graph({
        name: 'matmul_ffn',
        inputs: [valueInfo('x', DT.FLOAT, [2, 16])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 6])],
        initializers: [t('w1', [16, 8], w1), t('w2', [8, 6], randn(6, 48))],
        nodes: [
          node('MatMul', ['x', 'w1'], ['h'], {}, { name: 'fc1' }),
          node('Relu', ['h'], ['a'], {}, { name: 'act' }),
          node('MatMul', ['a', 'w2'], ['y'], {}, { name: 'fc2' }),
        ],
      }),
    );
    const r = await prune.apply(m, { ratio: 0.375, importance: 'l2' });
    expect(r.changes).toEqual([{ kind: 'channels-removed', name: 'fc1', before: 8, after: 5 }]);
    const x = seededFeeds({ x: { dtype: 'float32', dims: [2, 16] } });
    const ref = (await runModel(runtime, m, x)).y!.data as Float32Array;
    const out = (await runModel(runtime, r.model, x)).y!.data as Float32Array;
    expect(Math.max(...ref.map((v, i) => Math.abs(v - out[i]!)))).toBeLessThan(1e-5);
  });

  it('a Concat of a map with itself cuts its reader at both offsets (it used to leave the group alone)', async () => {
    const m = model(
      graph({
        name: 'concat',
        inputs: [valueInfo('x', DT.FLOAT, [1, 2, 4, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 3, 4, 4])],
        initializers: [t('c1.w', [4, 2, 1, 1], randn(1, 8)), t('c2.w', [3, 8, 1, 1], randn(2, 24))],
        nodes: [
          node('Conv', ['x', 'c1.w'], ['c1'], { kernel_shape: [1, 1] }, { name: 'c1' }),
          node('Concat', ['c1', 'c1'], ['cat'], { axis: 1 }, { name: 'cat' }),
          node('Conv', ['cat', 'c2.w'], ['y'], { kernel_shape: [1, 1] }, { name: 'c2' }),
        ],
      }),
    );
    const r = await prune.apply(m, { ratio: 0.5 });
    expect(r.changes).toEqual([{ kind: 'channels-removed', name: 'c1', before: 4, after: 2 }]);
    expect(tensorDims(r.model.graph!.initializer.find((w) => w.name === 'c2.w')!)).toEqual([3, 4, 1, 1]);
    const out = await runModel(runtime, r.model, seededFeeds({ x: { dtype: 'float32', dims: [1, 2, 4, 4] } }));
    expect(out.y!.dims).toEqual([1, 3, 4, 4]);
  });
});
