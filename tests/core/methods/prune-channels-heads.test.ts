import { describe, expect, it } from 'vitest';
import { patch } from '../../../src/core/ir/edit';
import { node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, readFloat32, readIntegers, tensorDims } from '../../../src/core/ir/tensor';
import { encodeModel } from '../../../src/core/onnx/encode';
import { constantTensor } from '../../../src/core/ir/walk';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { getMethod } from '../../../src/core/methods/registry';
import { attentionBlocks } from '../../../src/core/methods/prune/attention-heads';
import { RecipeError } from '../../../src/core/util/errors';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { ATTENTION_HEAD_DIM as D, ATTENTION_HEADS as H, ATTENTION_WIDTH as C, fusedQkvAttention, multiHeadAttention } from '../../fixtures/attention-models';
import { transformerBlock } from '../../fixtures/models';
import { cosine, runModel, sameBytes, seededFeeds } from './run-helpers';

const runtime = createNodeRuntime();
const prune = getMethod('prune-channels');
const feeds = (seq: number, seed = 7) => seededFeeds({ x: { dtype: 'float32', dims: [1, seq, C] } }, seed);

/** The heads a projection kept, from its kept columns (the first part's). */
function keptHeadsOf(kept: readonly number[]): number[] {
  return [...new Set(kept.map((c) => Math.floor(c / D) % H))].sort((a, b) => a - b);
}

/**
 * The original with the output-projection rows of the removed heads set to zero: those heads then
 * add nothing to the block's output, which is what the pruned model must compute.
 */
function withHeadsSilenced(m: ModelIR, outWeight: string, removed: readonly number[]): ModelIR {
  const g = m.graph!;
  const initializer = g.initializer.map((t) => {
    if (t.name !== outWeight) return t;
    const v = Float32Array.from(readFloat32(t));
    const cols = tensorDims(t)[1]!;
    for (const h of removed) v.fill(0, h * D * cols, (h + 1) * D * cols);
    return makeFloatTensor(t.name, tensorDims(t), v);
  });
  return patch(m, { graph: patch(g, { initializer }) });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const stored = (m: ModelIR, name: string): number[] => {
  const g = m.graph!;
  const t = g.initializer.find((x) => x.name === name) ?? g.node.map((n) => constantTensor(n)).find((x) => x?.name === name);
  return readIntegers(t!);
};

describe('prune-channels heads: multi-head attention (executed in onnxruntime-web)', () => {
  it('heads=0 and ratio=0 give the model back byte for byte', async () => {
    for (const m of [multiHeadAttention(), fusedQkvAttention()]) {
      const r = await prune.apply(m, { ratio: 0, heads: 0 });
      expect(r.changes).toEqual([]);
      expect(sameBytes(encodeModel(r.model), encodeModel(m))).toBe(true);
    }
  });

  it('finds both layouts as 4-head blocks: separate Q/K/V and fused QKV [.., 3, heads, dim]', () => {
    const [sep] = attentionBlocks(multiHeadAttention());
    expect(sep!.blocked).toBeUndefined();
    expect(sep!.heads).toBe(H);
    expect(sep!.projections.map((p) => [p.node.name, p.parts, p.headDim, p.bias?.name])).toEqual([
      ['b0.q_proj', 1, D, 'b0.q.b'],
      ['b0.k_proj', 1, D, 'b0.k.b'],
      ['b0.v_proj', 1, D, 'b0.v.b'],
    ]);
    expect(sep!.outputs.map((o) => o.node.name)).toEqual(['b0.o_proj']);
    const [fused] = attentionBlocks(fusedQkvAttention());
    expect(fused!.blocked).toBeUndefined();
    expect(fused!.projections.map((p) => [p.node.name, p.parts, p.headDim])).toEqual([['qkv_proj', 3, D]]);
    expect(fused!.shapeEdits.map((e) => [e.entry.stored.name, e.entry.value, e.per])).toEqual([
      ['cheads', H, 1],
      ['cwidth', C, D],
    ]);
  });

  it('separate Q/K/V, half the heads: same output as the original with those heads silenced; params and MACs drop by the cut', async () => {
    const seq = 6;
    const m = multiHeadAttention(41, 1, seq);
    const bytes = encodeModel(m);
    const outcome = await prune.apply(m, { ratio: 0, heads: 0.5 });
    const result = await applyRecipe(m, parseRecipe('prune-channels:ratio=0,heads=0.5'));
    expect(sameBytes(encodeModel(m), bytes)).toBe(true);
    const step = result.steps[0]!;
    expect(step.changes).toEqual(['q', 'k', 'v'].map((w) => ({ kind: 'channels-removed', name: `b0.${w}_proj`, before: C, after: C / 2 })));
    const kept = keptHeadsOf(outcome.channelMaps!.find((c) => c.node === 'b0.q_proj')!.kept);
    expect(kept).toHaveLength(2);
    // The shared shape constants are rewritten in place: every reader is in the block.
    expect(stored(result.model, 'heads_shape')).toEqual([0, -1, 2, D]);
    expect(stored(result.model, 'merge_shape')).toEqual([0, 0, 2 * D]);
    const removed = [0, 1, 2, 3].filter((h) => !kept.includes(h));
    const ref = await runModel(runtime, withHeadsSilenced(m, 'b0.o.w', removed), feeds(seq));
    const out = await runModel(runtime, result.model, feeds(seq));
    expect(out.y!.dims).toEqual([1, seq, C]);
    expect(maxDiff(ref.y!.data as Float32Array, out.y!.data as Float32Array)).toBeLessThan(1e-5);
    // Not a vacuous match: the heads removed did change the output, and silencing others gives another one.
    const original = await runModel(runtime, m, feeds(seq));
    expect(maxDiff(original.y!.data as Float32Array, out.y!.data as Float32Array)).toBeGreaterThan(0.05);
    const wrong = await runModel(runtime, withHeadsSilenced(m, 'b0.o.w', kept), feeds(seq));
    expect(maxDiff(wrong.y!.data as Float32Array, out.y!.data as Float32Array)).toBeGreaterThan(0.05);
    // Per removed head: Q, K, V 32 x 8 columns + 8 bias each, 8 x 32 output rows.
    expect(step.before.parameters - step.after.parameters).toBe(2 * (3 * (C * D + D) + D * C));
    // Per removed head at seq 6: the four projections' 6 x 32 x 8 each, QK^T and attention x V 6 x 6 x 8 each.
    expect(step.before.macs - step.after.macs).toBe(2 * (4 * seq * C * D + 2 * seq * seq * D));
  });

  it('declared shapes of the values whose heads change go; the rest stay', async () => {
    const m = multiHeadAttention(41, 1, 6);
    const g = m.graph!;
    const declared = [valueInfo('b0.qm', DT.FLOAT, [1, 6, C]), valueInfo('b0.qa', DT.FLOAT, [1, 6, C]), valueInfo('b0.qr', DT.FLOAT, [1, 6, H, D]), valueInfo('b0.att', DT.FLOAT, [1, H, 6, 6]), valueInfo('b0.merged', DT.FLOAT, [1, 6, C]), valueInfo('b0.om', DT.FLOAT, [1, 6, C])];
    const withShapes = patch(m, { graph: patch(g, { valueInfo: declared }) });
    const r = await prune.apply(withShapes, { ratio: 0, heads: 0.5 });
    expect(r.model.graph!.valueInfo.map((v) => v.name)).toEqual(['b0.om']);
    const out = await runModel(runtime, r.model, feeds(6));
    expect(out.y!.dims).toEqual([1, 6, C]);
  });

  it('heads and channels together: the output projection loses rows to the heads and columns to its channel group', async () => {
    // No residual: o_proj + bias -> Relu -> MatMul, so o_proj's 32 outputs are a channel group; 8 of them are dead.
    const base = multiHeadAttention(41, 1, 6);
    const g = base.graph!;
    const dead = [1, 5, 9, 13, 17, 21, 25, 29];
    const initializer = g.initializer.map((t) => {
      if (t.name !== 'b0.o.w' && t.name !== 'b0.o.b') return t;
      const v = Float32Array.from(readFloat32(t));
      const cols = t.name === 'b0.o.w' ? C : v.length;
      for (let i = 0; i < v.length; i++) if (dead.includes(i % cols)) v[i] = 0;
      return makeFloatTensor(t.name, tensorDims(t), v);
    });
    const nodes = g.node.filter((n) => n.name !== 'b0.residual' && n.name !== 'out');
    const m = patch(base, {
      graph: patch(g, {
        initializer: [...initializer, makeFloatTensor('head.w', [C, C], Float32Array.from({ length: C * C }, (_, i) => Math.sin(i)))],
        node: [...nodes, node('Relu', ['b0.oa'], ['act'], {}, { name: 'act' }), node('MatMul', ['act', 'head.w'], ['y'], {}, { name: 'head' })],
      }),
    });
    const r = await prune.apply(m, { ratio: 0.25, heads: 0.5 });
    expect(r.changes).toContainEqual({ kind: 'channels-removed', name: 'b0.o_proj', before: C, after: C - 8 });
    expect(r.channelMaps!.find((c) => c.node === 'b0.o_proj')!.kept).toEqual([...Array(C).keys()].filter((c) => !dead.includes(c)));
    expect(tensorDims(r.model.graph!.initializer.find((t) => t.name === 'b0.o.w')!)).toEqual([2 * D, C - 8]);
    expect(tensorDims(r.model.graph!.initializer.find((t) => t.name === 'head.w')!)).toEqual([C - 8, C]);
    const kept = keptHeadsOf(r.channelMaps!.find((c) => c.node === 'b0.q_proj')!.kept);
    const ref = await runModel(runtime, withHeadsSilenced(m, 'b0.o.w', [0, 1, 2, 3].filter((h) => !kept.includes(h))), feeds(6));
    const out = await runModel(runtime, r.model, feeds(6));
    expect(maxDiff(ref.y!.data as Float32Array, out.y!.data as Float32Array)).toBeLessThan(1e-4);
  });

  it('fused QKV with the shape built by a Concat around the run-time length: a quarter of the heads, exact at two lengths', async () => {
    const m = fusedQkvAttention();
    const outcome = await prune.apply(m, { ratio: 0, heads: 0.25 });
    expect(outcome.changes).toEqual([{ kind: 'channels-removed', name: 'qkv_proj', before: 3 * C, after: 3 * 3 * D }]);
    const kept = keptHeadsOf(outcome.channelMaps![0]!.kept);
    expect(kept).toHaveLength(3);
    const w = outcome.model.graph!.initializer.find((t) => t.name === 'qkv.w')!;
    expect(tensorDims(w)).toEqual([C, 3 * 3 * D]);
    expect(tensorDims(outcome.model.graph!.initializer.find((t) => t.name === 'o.w')!)).toEqual([3 * D, C]);
    // The Constants (int32, cast to int64) hold the new head count and width; the scale stays.
    expect(stored(outcome.model, 'cheads')).toEqual([3]);
    expect(stored(outcome.model, 'cwidth')).toEqual([3 * D]);
    expect(readFloat32(outcome.model.graph!.initializer.find((t) => t.name === 'scale')!)[0]).toBeCloseTo(1 / Math.sqrt(D), 7);
    const silenced = withHeadsSilenced(m, 'o.w', [0, 1, 2, 3].filter((h) => !kept.includes(h)));
    for (const seq of [5, 9]) {
      const ref = await runModel(runtime, silenced, feeds(seq, seq));
      const out = await runModel(runtime, outcome.model, feeds(seq, seq));
      expect(out.y!.dims).toEqual([1, seq, C]);
      expect(maxDiff(ref.y!.data as Float32Array, out.y!.data as Float32Array)).toBeLessThan(1e-5);
    }
  });

  it('two blocks sharing shape constants, the second excluded: the first gets its own constants, the second keeps its heads and is listed', async () => {
    const m = multiHeadAttention(41, 2);
    const outcome = await prune.apply(m, { ratio: 0, heads: 0.5, excludeNodes: ['b1.*'] });
    expect(outcome.changes.map((c) => c.kind === 'channels-removed' && c.name)).toEqual(['b0.q_proj', 'b0.k_proj', 'b0.v_proj']);
    expect(outcome.warnings.join(' ')).toMatch(/b1\.q_proj, b1\.k_proj, b1\.v_proj \(4 heads\): b1\.q_proj, b1\.k_proj, b1\.v_proj, b1\.o_proj excluded/);
    expect(stored(outcome.model, 'heads_shape')).toEqual([0, -1, H, D]);
    expect(stored(outcome.model, 'merge_shape')).toEqual([0, 0, C]);
    const split = outcome.model.graph!.node.find((n) => n.name === 'b0.q_split')!;
    expect(split.input[1]).not.toBe('heads_shape');
    expect(stored(outcome.model, split.input[1]!)).toEqual([0, -1, 2, D]);
    expect(outcome.model.graph!.node.find((n) => n.name === 'b1.q_split')!.input[1]).toBe('heads_shape');
    const kept = keptHeadsOf(outcome.channelMaps!.find((c) => c.node === 'b0.q_proj')!.kept);
    const ref = await runModel(runtime, withHeadsSilenced(m, 'b0.o.w', [0, 1, 2, 3].filter((h) => !kept.includes(h))), feeds(7));
    const out = await runModel(runtime, outcome.model, feeds(7));
    expect(maxDiff(ref.y!.data as Float32Array, out.y!.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('a block whose attention weights also leave the graph is left with the reason; removing every head is refused', async () => {
    const m = multiHeadAttention();
    const g = m.graph!;
    const exposed = patch(m, { graph: patch(g, { output: [...g.output, { ...g.output[0]!, name: 'b0.att' }] }) });
    const r = await prune.apply(exposed, { ratio: 0, heads: 0.5 });
    expect(r.changes).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/\(4 heads\): reaches graph output 'b0\.att'/);
    await expect(prune.apply(m, { ratio: 0, heads: 1 })).rejects.toThrow(RecipeError);
    await expect(prune.apply(m, { ratio: 0, heads: 1 })).rejects.toThrow(/would remove all 4 attention heads/);
  });

  it('a mask input broadcast over the heads is followed; a mask with one plane per head blocks the block', async () => {
    const m = multiHeadAttention(41, 1, 'seq', 'broadcast');
    const r = await prune.apply(m, { ratio: 0, heads: 0.5 });
    const kept = keptHeadsOf(r.channelMaps!.find((c) => c.node === 'b0.q_proj')!.kept);
    expect(kept).toHaveLength(2);
    const inputs = { ...feeds(5), ...seededFeeds({ mask: { dtype: 'float32', dims: [1, 5] } }, 3) };
    const ref = await runModel(runtime, withHeadsSilenced(m, 'b0.o.w', [0, 1, 2, 3].filter((h) => !kept.includes(h))), inputs);
    const out = await runModel(runtime, r.model, inputs);
    expect(maxDiff(ref.y!.data as Float32Array, out.y!.data as Float32Array)).toBeLessThan(1e-5);
    const perHead = await prune.apply(multiHeadAttention(41, 1, 'seq', 'per-head'), { ratio: 0, heads: 0.5 });
    expect(perHead.changes).toEqual([]);
    expect(perHead.warnings.join(' ')).toMatch(/\(4 heads\): Add 'b0\.mask' mixes in 'mask', which may vary along the head axis/);
  });

  it('attention it cannot match (one head, no Reshape into heads) is listed and left', async () => {
    const r = await prune.apply(transformerBlock(), { ratio: 0, heads: 0.5 });
    expect(r.changes).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/Softmax 'attn\.softmax' reads a product of activations that no Q\/K\/V projection split into heads reaches/);
  });

  it('importance=activation ranks heads by what they add to the output projection, where weight norms mislead', async () => {
    // Head 2: large Q/K columns (the biggest weight norm) but V columns near zero, so it adds almost nothing.
    const m = fusedQkvAttention();
    const g = m.graph!;
    const initializer = g.initializer.map((t) => {
      if (t.name !== 'qkv.w') return t;
      const v = Float32Array.from(readFloat32(t));
      for (let row = 0; row < C; row++) {
        for (let j = 0; j < D; j++) {
          for (const part of [0, 1]) v[row * 3 * C + part * C + 2 * D + j]! *= 4;
          v[row * 3 * C + 2 * C + 2 * D + j]! *= 0.001;
        }
      }
      return makeFloatTensor(t.name, tensorDims(t), v);
    });
    const skewed = patch(m, { graph: patch(g, { initializer }) });
    const samples = [3, 4, 5, 6].map((s) => feeds(6, s));
    const byNorm = await prune.apply(skewed, { ratio: 0, heads: 0.25, importance: 'l1' });
    const byActivation = await prune.apply(skewed, { ratio: 0, heads: 0.25, importance: 'activation' }, { calibrationInputs: samples, openModel: modelOpener(runtime) });
    expect(keptHeadsOf(byNorm.channelMaps![0]!.kept)).toContain(2);
    expect(keptHeadsOf(byActivation.channelMaps![0]!.kept)).not.toContain(2);
    const ref = await runModel(runtime, skewed, feeds(8, 11));
    const a = await runModel(runtime, byActivation.model, feeds(8, 11));
    const n = await runModel(runtime, byNorm.model, feeds(8, 11));
    expect(cosine(ref.y!.data as Float32Array, a.y!.data as Float32Array)).toBeGreaterThan(cosine(ref.y!.data as Float32Array, n.y!.data as Float32Array));
  });
});
